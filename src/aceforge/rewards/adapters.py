"""The reward core in each RL framework's shape, under one import (kept for recipes and
existing users). Each framework's wire format lives in its own module: ``rewards.trl``,
``rewards.verl``, ``rewards.openrlhf``; the shared engine in ``rewards.engine``."""

from aceforge.rewards.engine import shared_core
from aceforge.rewards.openrlhf import openrlhf_reward
from aceforge.rewards.trl import completion_text, trl_reward
from aceforge.rewards.verl import compute_score, compute_score_batch

__all__ = [
    "completion_text",
    "compute_score",
    "compute_score_batch",
    "openrlhf_reward",
    "shared_core",
    "trl_reward",
]

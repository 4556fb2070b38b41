"""OpenRLHF remote reward as a Python file: --remote_rm_url recipes/openrlhf/reward_func.py

Each label is the JSON that `aceforge export-rl --format openrlhf` wrote ({"tests": [...]});
the reward is the paper's rule reward (1.0 iff every test passes) computed by aceforge's
sandboxed engine, which this process starts once and reuses.
"""

import torch

from aceforge.rewards.adapters import openrlhf_reward
from aceforge.rewards.core import RewardOptions

OPTIONS = RewardOptions(kind="binary")


def reward_func(queries, prompts, labels, **kwargs):
    out = openrlhf_reward(queries, prompts, labels, OPTIONS)
    return {
        "rewards": torch.tensor(out["rewards"], dtype=torch.float32),
        "scores": torch.tensor(out["scores"], dtype=torch.float32),
        "extra_logs": {k: torch.tensor(v, dtype=torch.float32) for k, v in out["extra_logs"].items()},
    }

"""verl custom reward: custom_reward_function.path=recipes/verl/reward.py, name=compute_score.

ground_truth is the label JSON that `aceforge export-rl --format verl` wrote; every test is
scored (verl's built-in code scorer stops at 10 on failure) by aceforge's sandboxed engine.
"""

from aceforge.rewards.adapters import compute_score, compute_score_batch

__all__ = ["compute_score", "compute_score_batch"]

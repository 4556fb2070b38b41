"""Bootstrap 95% intervals, the one copy every report uses (best-of-N, train-rl's evaluations
and reward trend). Seeded, so a report's numbers reproduce. A leaf: imports nothing from aceforge.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

LOW, HIGH = 0.025, 0.975  # a 95% interval: the 2.5th and 97.5th percentiles of the resampled statistic


def bootstrap(values: Sequence[float], n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the mean of `values` (resampled `n` times, seeded)."""
    rng = random.Random(seed)
    means = sorted(_resampled_mean(rng, values) for _ in range(n))
    return _interval(means)


def bootstrap_difference(
    before: Sequence[float], after: Sequence[float], n: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95% bootstrap interval of mean(after) - mean(before) for two independent samples (each
    resampled on its own, `n` times, seeded). For paired samples bootstrap the differences."""
    rng = random.Random(seed)
    deltas = sorted(_resampled_mean(rng, after) - _resampled_mean(rng, before) for _ in range(n))
    return _interval(deltas)


def bootstrap_groups(groups: Sequence[Sequence[float]], n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the mean over all values when values come in correlated groups
    (pairs of one question share programs): whole groups are resampled, `n` times, seeded."""
    if not groups or not all(groups):
        raise ValueError("bootstrap_groups needs at least one group and no empty group")
    rng = random.Random(seed)
    means = []
    for _ in range(n):
        picked = [rng.choice(groups) for _ in groups]
        means.append(sum(sum(g) for g in picked) / sum(len(g) for g in picked))
    return _interval(sorted(means))


def _resampled_mean(rng: random.Random, values: Sequence[float]) -> float:
    return sum(rng.choice(values) for _ in values) / len(values)


def _interval(ordered: list[float]) -> tuple[float, float]:
    n = len(ordered)
    return ordered[int(LOW * n)], ordered[int(HIGH * n) - 1]

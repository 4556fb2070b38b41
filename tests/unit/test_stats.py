"""Bootstrap intervals: seeded, bracketing the statistic, and the percentile rule."""

from __future__ import annotations

import random

import pytest

from aceforge.stats import bootstrap, bootstrap_difference, bootstrap_groups


def test_bootstrap_interval_of_a_mean() -> None:
    values = [0.0, 1.0] * 20
    lo, hi = bootstrap(values)
    assert lo < 0.5 < hi and (lo, hi) == bootstrap(values)  # seeded: the same interval again
    assert bootstrap(values, seed=1) != (lo, hi)
    assert bootstrap([0.25] * 5) == (0.25, 0.25)  # nothing varies, nothing to resample
    # the rule: the 2.5th and 97.5th percentiles of n resampled means
    rng = random.Random(3)
    means = sorted(sum(rng.choice(values) for _ in values) / len(values) for _ in range(200))
    assert bootstrap(values, n=200, seed=3) == (means[5], means[194])


def test_bootstrap_difference_of_two_means() -> None:
    before, after = [0.0] * 10 + [1.0] * 2, [1.0] * 10 + [0.0] * 2
    lo, hi = bootstrap_difference(before, after)
    assert 0 < lo < 2 / 3 < hi <= 1
    assert bootstrap_difference(after, before)[1] < 0
    same = [0.5] * 4
    assert bootstrap_difference(same, same) == (0.0, 0.0)
    # the rule: each round resamples `after`, then `before`, from one seeded generator
    rng = random.Random(0)

    def resampled(xs: list[float]) -> float:
        return sum(rng.choice(xs) for _ in xs) / len(xs)

    deltas = sorted(resampled(after) - resampled(before) for _ in range(400))
    assert bootstrap_difference(before, after, n=400) == (deltas[10], deltas[389])


def test_bootstrap_groups_resamples_whole_groups() -> None:
    groups = [[1.0, 1.0, 1.0], [0.0], [1.0, 0.0]]
    lo, hi = bootstrap_groups(groups, n=400, seed=2)
    # the rule: each round draws len(groups) groups and pools their values
    rng = random.Random(2)
    means = []
    for _ in range(400):
        picked = [rng.choice(groups) for _ in groups]
        means.append(sum(map(sum, picked)) / sum(map(len, picked)))
    means.sort()
    assert (lo, hi) == (means[10], means[389]) and lo < 4 / 6 < hi
    assert bootstrap_groups([[1.0, 0.0], [0.0, 1.0]]) == (0.5, 0.5)  # same mean in every group
    with pytest.raises(ValueError, match="no empty group"):
        bootstrap_groups([[1.0], []])

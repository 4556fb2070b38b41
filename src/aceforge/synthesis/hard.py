"""``hard``: the RL subset. Like the paper's release: the questions with the lowest mean pass
rate (``low_fraction``, default half), then of those the ones whose samples disagree most
(highest variance, ``var_fraction``, default half) — about 25% in all."""

from __future__ import annotations

from statistics import fmean, pvariance
from typing import Any

from aceforge.artifacts import pass_rates
from aceforge.synthesis.configs import HardConfig


def _take(n: int, fraction: float) -> int:
    return min(n, max(1, round(n * fraction))) if n else 0


def hard_subset(rows: list[dict[str, Any]], cfg: HardConfig) -> list[dict[str, Any]]:
    """Rows in input order; each gains `mean_pass_rate` and `pass_rate_variance`."""
    cfg.validate()
    scored = []
    for i, row in enumerate(rows):
        rates = pass_rates(row)
        if rates:
            scored.append((fmean(rates), pvariance(rates), i))
    low = sorted(scored, key=lambda t: (t[0], t[2]))[: _take(len(scored), cfg.low_fraction)]
    chosen = sorted(low, key=lambda t: (-t[1], t[2]))[: _take(len(low), cfg.var_fraction)]
    return [
        {**rows[i], "mean_pass_rate": round(mean, 6), "pass_rate_variance": round(var, 6)}
        for mean, var, i in sorted(chosen, key=lambda t: t[2])
    ]

"""hard_subset: lowest mean pass rate first, then highest variance, rows kept in input order."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.synthesis.configs import HardConfig
from aceforge.synthesis.hard import _take, hard_subset


def _row(i: str, *rates: float) -> dict:
    return {"id": i, "inferences": [{"pass_rate": r} for r in rates]}


ROWS = [
    _row("easy", 1.0, 1.0),
    _row("flat", 0.2, 0.2),  # low mean, no disagreement
    _row("split", 0.0, 0.6),  # low mean, samples disagree
    _row("mid", 0.5, 0.7),
    _row("none"),  # unscored rows are never chosen
]


def test_low_mean_then_high_variance_in_input_order() -> None:
    out = hard_subset(ROWS, HardConfig())
    assert [r["id"] for r in out] == ["split"]
    assert out[0]["mean_pass_rate"] == 0.3 and out[0]["pass_rate_variance"] == 0.09
    both = hard_subset(ROWS, HardConfig(low_fraction=0.5, var_fraction=1.0))
    assert [r["id"] for r in both] == ["flat", "split"]
    assert "mean_pass_rate" not in ROWS[1]  # inputs untouched


def test_take_rounds_and_keeps_at_least_one() -> None:
    assert _take(0, 0.5) == 0
    assert _take(1, 0.1) == 1
    assert _take(10, 0.25) == 2  # round-half-even
    assert _take(3, 1.0) == 3


@pytest.mark.parametrize("cfg", [HardConfig(low_fraction=0), HardConfig(var_fraction=1.5)])
def test_bad_fractions_are_refused(cfg: HardConfig) -> None:
    with pytest.raises(ConfigError, match="hard:"):
        hard_subset(ROWS, cfg)

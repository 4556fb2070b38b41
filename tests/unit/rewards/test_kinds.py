"""Reward kinds as pure functions of the evidence (no engine: outcomes are given)."""

from __future__ import annotations

import math

import pytest

from aceforge.errors import ConfigError
from aceforge.rewards.kinds import REGISTRY, Evidence, kind_named, per_test_weights

P, F, N = "passed", "failed", "not_run"


def ev(outcomes: list[str], group: str = "g", ran: bool = True, code: bool = True, rm: float | None = None):
    return Evidence(tuple(outcomes), code, ran, group, rm)


ALL = ev([P, P, P])
PART = ev([P, F, F])
UNRUN = ev([N, N, N], ran=False)  # code that does not parse: never ran
NO_CODE = ev([N, N, N], ran=False, code=False)


def test_test_kinds_reward_what_ran_and_leave_the_rest_to_the_floor() -> None:
    batch = [ALL, PART, UNRUN, NO_CODE]
    assert REGISTRY["binary"].reward(batch, 0.0) == [1.0, 0.0, None, None]
    assert REGISTRY["pass_rate"].reward(batch, 0.0) == [1.0, pytest.approx(1 / 3), None, None]


def test_weighted_weighs_tests_by_the_share_of_the_group_failing_them() -> None:
    batch = [ALL, PART, UNRUN, NO_CODE]
    # 4 members; failures per test: t0 = 2 (the two unrun), t1 = t2 = 3 → weights 1.5, 1.75, 1.75
    assert per_test_weights([e.outcomes for e in batch]) == [1.5, 1.75, 1.75]
    got = REGISTRY["weighted"].reward(batch, 0.0)
    assert got == [1.0, pytest.approx(1.5 / 5.0), None, None]  # unparsable code: floor, not 0.0
    # groups do not weigh each other; alone, a test the item fails weighs 2, one it passes 1
    alone = REGISTRY["weighted"].reward([ev([P, F], group="a"), ev([F, F], group="b")], 0.0)
    assert alone == [pytest.approx(1 / 3), 0.0]


def test_rm_kinds_score_only_answers_with_code() -> None:
    batch = [ev([P, P], rm=2.0), ev([P, F], rm=-1.0), ev([N], ran=False, rm=0.5), NO_CODE]
    assert REGISTRY["rm"].reward(batch, 0.5) == [2.0, -1.0, 0.5, None]
    sig = [1 / (1 + math.exp(-2.0)), 1 / (1 + math.exp(1.0)), 1 / (1 + math.exp(-0.5))]
    hybrid = REGISTRY["hybrid"].reward(batch, 0.5)
    assert hybrid == [
        pytest.approx(1 + 0.5 * sig[0]),
        pytest.approx(0.5 * sig[1]),
        pytest.approx(0.5 * sig[2]),
        None,
    ]


def test_registry_knows_each_kind_and_suggests_a_near_name() -> None:
    assert list(REGISTRY) == ["binary", "pass_rate", "weighted", "rm", "hybrid"]
    assert kind_named("binary").stops_early and not kind_named("pass_rate").stops_early
    assert kind_named("hybrid").needs_rm and not kind_named("weighted").needs_rm
    with pytest.raises(ConfigError, match=r"reward kind must be one of .*did you mean 'weighted'"):
        kind_named("wieghted")
    with pytest.raises(ConfigError, match=r"got 'vibes'$"):
        kind_named("vibes")

"""The parent turns what a child reported into an outcome: values are compared here, against
expected values the child never saw; a child cannot certify its own pass on a split assert."""

from __future__ import annotations

import pytest

from aceforge.execution import frames
from aceforge.execution.plan import plan_assert, plan_probe, plan_stdio
from aceforge.execution.values import encode
from aceforge.execution.verdict import verdict


def _ev(o: str, **keys: object) -> frames.TestEvent:
    return {"ev": "test", "job": 0, "i": 0, "o": o, "t": 0.25, **keys}  # type: ignore[typeddict-item]


def _values(*values: object) -> list[dict[str, object]]:
    return [{"v": encode(v)} for v in values]


def test_a_value_equal_to_the_expected_one_passes_and_a_different_one_fails_with_it() -> None:
    plan = plan_assert("assert f(2) == [1, (2, 3)]")
    ok = verdict(plan, _ev("value", v=_values([1, (2, 3)])), False, 1e-9, 0.0)
    assert (ok.outcome, ok.duration_s, ok.detail) == ("passed", 0.25, None)
    bad = verdict(plan, _ev("value", v=_values([1, [2, 3]])), False, 1e-9, 0.0)  # a list is no tuple
    assert bad.outcome == "failed" and bad.detail == "assertion false (got [1, [2, 3]])"


def test_tolerances_are_the_parents() -> None:
    plan = plan_assert("assert f() == 0.3")
    close = _ev("value", v=_values(0.1 + 0.2))
    assert verdict(plan, close, False, 1e-9, 0.0).passed
    assert not verdict(plan, close, False, 0.0, 0.0).passed


def test_an_expression_that_raised_is_an_error_with_its_type() -> None:
    plan = plan_assert("assert f(0) == 1")
    out = verdict(plan, _ev("value", v=[{"e": "ZeroDivisionError"}]), False, 1e-9, 0.0)
    assert (out.outcome, out.detail) == ("error", "ZeroDivisionError")
    memory = verdict(plan, _ev("value", v=[{"e": "MemoryError"}]), False, 1e-9, 0.0)
    assert memory.outcome == "memory"


def test_a_value_that_could_not_cross_fails_with_the_reason() -> None:
    plan = plan_assert("assert f() == 1")
    out = verdict(plan, _ev("value", v=[{"u": "Foo is not plain data"}]), False, 1e-9, 0.0)
    assert (out.outcome, out.detail) == ("failed", "Foo is not plain data")


@pytest.mark.parametrize(
    "values",
    [None, [], _values(1, 2), [{"v": {"?": 1}}], [{"zz": 1}], ["raw"]],
    ids=["missing", "too-few", "too-many", "unknown-tag", "no-key", "not-a-dict"],
)
def test_malformed_values_fail_the_test(values: object) -> None:
    out = verdict(plan_assert("assert f() == 1"), _ev("value", v=values), False, 1e-9, 0.0)
    assert (out.outcome, out.detail) == ("failed", "malformed result from the sandbox")


def test_a_child_cannot_pass_a_split_assert_by_saying_so() -> None:
    forged = _ev("passed")
    assert verdict(plan_assert("assert f() == 1"), forged, False, 1e-9, 0.0).outcome == "failed"
    # A whole assert run inside (exec plan, or the opt-in fallback) reports its own verdict.
    assert verdict(plan_assert("for x in []: pass"), forged, False, 1e-9, 0.0).passed
    assert verdict(plan_assert("assert f() == 1"), forged, True, 1e-9, 0.0).passed
    failed = verdict(plan_assert("for x in []: pass"), _ev("failed"), False, 1e-9, 0.0)
    assert (failed.outcome, failed.detail) == ("failed", "AssertionError")


@pytest.mark.parametrize("o", ["error", "timeout", "memory", "crashed"])
def test_how_a_test_ended_is_kept_with_its_detail(o: str) -> None:
    out = verdict(plan_assert("assert f() == 1"), _ev(o, d="hard deadline"), False, 1e-9, 0.0)
    assert (out.outcome, out.detail) == (o, "hard deadline")
    assert verdict(plan_assert("assert f() == 1"), _ev(o), False, 1e-9, 0.0).detail is None


def test_stdio_output_is_compared_line_by_line_ignoring_trailing_space() -> None:
    plan = plan_stdio("2\n", "4\n5\n")
    assert verdict(plan, _ev("stdio", out="4  \r\n5\n\n"), False, 1e-9, 0.0).passed
    wrong = verdict(plan, _ev("stdio", out="4\n"), False, 1e-9, 0.0)
    assert (wrong.outcome, wrong.detail) == ("failed", "output differs")
    # Output reported for an assert test is not a verdict.
    assert verdict(plan_assert("assert f() == 1"), _ev("stdio", out=""), False, 1e-9, 0.0).outcome == "failed"


def test_a_probe_passes_with_the_decoded_value() -> None:
    out = verdict(plan_probe("f(3)"), _ev("value", v=_values({1: {2}})), False, 1e-9, 0.0)
    assert out.passed and out.value == {1: {2}}

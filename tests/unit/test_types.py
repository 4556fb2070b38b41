"""The shared data types: limits, pass rates and exec rows."""

from __future__ import annotations

import json

import pytest

from aceforge.types import (
    IMPORT_FLOOR_S,
    JOB_STATUSES,
    OUTCOMES,
    ExecResult,
    Job,
    Limits,
    StdioTest,
    pass_rate,
)
from aceforge.types import (
    TestOutcome as TOutcome,
)


def test_import_timeout_follows_the_one_rule() -> None:
    assert Limits(timeout_s=0.1).import_timeout == IMPORT_FLOOR_S
    assert Limits(timeout_s=3.0).import_timeout == 3.0
    assert Limits(timeout_s=3.0, import_timeout_s=0.5).import_timeout == 0.5


@pytest.mark.parametrize(
    ("outcomes", "rate"),
    [([], 0.0), (["passed"], 1.0), (["passed", "failed", "timeout", "passed"], 0.5), (["not_run"], 0.0)],
)
def test_pass_rate_is_passed_over_judged(outcomes: list[str], rate: float) -> None:
    assert pass_rate(outcomes) == rate


def _result() -> ExecResult:
    tests = (TOutcome("passed", 0.0012345678), TOutcome("failed", 0.5, "AssertionError"))
    return ExecResult("p1", "ok", tests, None, "out", "err", 0.75, {"mode": "fork"})


def test_exec_result_properties() -> None:
    r = _result()
    assert r.passed == [True, False] and r.outcomes == ["passed", "failed"]
    assert r.pass_rate == 0.5 and not r.all_passed
    assert not ExecResult("x", "syntax_error", ()).all_passed  # no tests is not a pass
    assert ExecResult("x", "ok", (TOutcome("passed"),)).all_passed


def test_rows_round_trip_through_json() -> None:
    row = json.loads(json.dumps(_result().to_row()))
    assert row["durations_s"] == [0.001235, 0.5] and row["details"] == [None, "AssertionError"]
    back = ExecResult.from_row(row)
    assert back.outcomes == ["passed", "failed"] and back.tests[1].detail == "AssertionError"
    assert (back.stdout_tail, back.stderr_tail, back.isolation) == ("out", "err", {"mode": "fork"})
    assert ExecResult.from_row(row, id="other").id == "other"


def test_a_row_whose_lists_disagree_in_length_is_refused() -> None:
    row = _result().to_row()
    row["details"] = [None]
    with pytest.raises(ValueError):
        ExecResult.from_row(row)


def test_defaults_and_literal_lists_agree() -> None:
    assert StdioTest("1", "2").compare == "lines"
    job = Job("j", "x = 1", ("assert x == 1",))
    assert job.limits == Limits() and not job.fail_fast and job.random_seed == 0
    assert "passed" in OUTCOMES and "not_run" in OUTCOMES and JOB_STATUSES[0] == "ok"
    with pytest.raises(AttributeError):
        job.id = "k"  # type: ignore[misc]  # frozen

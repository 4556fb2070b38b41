"""Checker programs judged on the real local engine (subprocesses, no doubles)."""

from __future__ import annotations

import pytest

from aceforge.checkers import check_call, run_checked, validate_checker
from aceforge.errors import ConfigError
from aceforge.execution.executor import LocalExecutor
from aceforge.types import Limits, StdioTest

# Any two numbers whose sum is the input: many right answers.
CHECKER = """
def check(input, output, expected):
    parts = output.split()
    return len(parts) == 2 and int(parts[0]) + int(parts[1]) == int(input)
"""
TESTS = [StdioTest("5\n", "2 3\n"), StdioTest("10\n", "5 5\n")]


def test_validate_checker_refuses_bad_source_without_running_it() -> None:
    validate_checker(CHECKER)
    with pytest.raises(ConfigError, match="does not parse"):
        validate_checker("def check(:")
    with pytest.raises(ConfigError, match="must define check"):
        validate_checker("def judge(a, b, c):\n    return True\n")


def test_check_call_writes_the_output_as_a_literal() -> None:
    call = check_call(StdioTest("1", "x"), "'); import os; ('")
    assert call == "assert check('1', \"'); import os; ('\", 'x') is True"


def test_another_right_answer_passes_and_a_wrong_one_fails(executor: LocalExecutor) -> None:
    right = "n = int(input())\nprint(1, n - 1)\n"
    wrong = "n = int(input())\nprint(n, 1)\n"
    assert [o.outcome for o in run_checked(executor, right, TESTS, CHECKER)] == ["passed", "passed"]
    out = run_checked(executor, wrong, TESTS, CHECKER)
    assert [o.outcome for o in out] == ["failed", "failed"]
    assert out[0].detail is not None and out[0].detail.startswith("checker failed")


def test_a_truthy_non_bool_verdict_fails() -> None:
    checker = "def check(input, output, expected):\n    return 1\n"
    with LocalExecutor(workers=1) as ex:
        assert run_checked(ex, "print(0)", TESTS[:1], checker)[0].outcome == "failed"


def test_the_programs_own_failure_is_the_verdict(executor: LocalExecutor) -> None:
    out = run_checked(executor, "raise SystemExit(input() and 1/0)", TESTS[:1], CHECKER)
    assert out[0].outcome == "error"
    slow = run_checked(executor, "input()\nwhile True: pass\n", TESTS[:1], CHECKER, Limits(timeout_s=0.3))
    assert slow[0].outcome == "timeout"


def test_a_checker_that_cannot_load_fails_every_test(executor: LocalExecutor) -> None:
    checker = "raise RuntimeError('boom')\ndef check(i, o, e):\n    return True\n"
    out = run_checked(executor, "print(1, 4)", TESTS[:1], checker)
    assert out[0].outcome == "failed" and "checker did not load" in (out[0].detail or "")


def test_run_jobs_judges_the_checked_jobs_and_runs_the_others_as_they_are(executor: LocalExecutor) -> None:
    from aceforge.checkers import run_jobs
    from aceforge.types import Job

    right = "n = int(input())\nprint(1, n - 1)\n"
    jobs = [
        Job("plain", "def f():\n    return 1\n", ("assert f() == 1",)),
        Job("checked", right, tuple(TESTS)),
        Job("same, no checker", right, tuple(TESTS)),  # '1 4' is not the stored '2 3'
        Job("fail fast", "print(0, 0)", tuple(TESTS), fail_fast=True),
        Job("no syntax", "def (:", tuple(TESTS)),
    ]
    checkers = {"checked": CHECKER, "fail fast": CHECKER, "no syntax": CHECKER}
    got = run_jobs(executor, jobs, checkers)
    assert [r.id for r in got] == [j.id for j in jobs]  # in order
    assert [r.outcomes for r in got] == [
        ["passed"],
        ["passed", "passed"],
        ["failed", "failed"],
        ["failed", "not_run"],
        ["error", "error"],
    ]
    assert got[4].status == "syntax_error" and got[1].status == "ok"
    with pytest.raises(ConfigError, match="stdin/stdout tests only"):
        run_jobs(executor, [jobs[0]], {"plain": CHECKER})

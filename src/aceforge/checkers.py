"""Checker programs: stdin/stdout tests with several right answers, judged by a program.

A checker is Python source defining ``check(input, output, expected) -> bool``. It runs in
the sandbox like any program, in two steps on the same engine:

1. the program runs on each test's input (its own job, one child), and its whole output comes
   back to the parent as plain text;
2. the checker runs once per test, each in a job of its own (a fresh process, so one verdict
   cannot carry state into another), as the assert ``check(input, output, expected) is True``:
   the three strings are written into the call as literals (``repr``: the program's output
   cannot turn into code), and the value the checker returns is compared in the parent.

So a test passes only when the checker, called on exactly that test, returns ``True`` itself
(the bool, not an always-equal or truthy object) within its time limit. A checker that exits,
crashes, times out, raises, prints or writes anything else, or tries to reach the engine, gives
a failed test. What a checker computes is trusted: an honest verdict is its author's job.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

from aceforge.errors import ConfigError
from aceforge.execution.base import Executor
from aceforge.types import Job, Limits, StdioTest, TestOutcome

CHECK_FUNCTION = "check"
CAPTURE_BYTES = 8 << 20  # the most of a program's output a checker is shown


def validate_checker(source: str) -> None:
    """A checker must parse and define ``check`` at top level (read, never run, here)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ConfigError(f"the checker does not parse: {e.msg} (line {e.lineno})") from None
    if not any(isinstance(s, ast.FunctionDef) and s.name == CHECK_FUNCTION for s in tree.body):
        raise ConfigError(f"the checker must define {CHECK_FUNCTION}(input, output, expected) at top level")


def check_call(test: StdioTest, output: str) -> str:
    return f"assert {CHECK_FUNCTION}({test.input!r}, {output!r}, {test.output!r}) is True"


def run_checked(
    executor: Executor,
    program: str,
    tests: Sequence[StdioTest],
    checker: str,
    limits: Limits | None = None,
    checker_limits: Limits | None = None,
    job_id: str = "checked",
) -> list[TestOutcome]:
    """One outcome per test: the program's own failure (error, timeout, ...), else the
    checker's verdict on its output."""
    validate_checker(checker)
    limits = limits or Limits()
    capture = replace(limits, max_output_bytes=max(limits.max_output_bytes, CAPTURE_BYTES))
    runs = executor.run_all(
        Job(f"{job_id}/run/{k}", program, (StdioTest(t.input, "", "exact"),), capture)
        for k, t in enumerate(tests)
    )
    outcomes: list[TestOutcome | None] = [None] * len(tests)
    checks: list[tuple[int, Job]] = []
    for k, (test, r) in enumerate(zip(tests, runs, strict=True)):
        ran = r.tests[0] if r.status == "ok" and r.tests else None
        if ran is None:
            outcomes[k] = TestOutcome("error", r.duration_s, r.error or r.status)
        elif ran.outcome not in ("passed", "failed"):  # it did not finish: that is the verdict
            outcomes[k] = ran
        elif len(r.stdout_tail) >= capture.max_output_bytes:
            outcomes[k] = TestOutcome(
                "failed", ran.duration_s, f"output over {capture.max_output_bytes} bytes"
            )
        else:
            job = Job(
                f"{job_id}/check/{k}", checker, (check_call(test, r.stdout_tail),), checker_limits or limits
            )
            checks.append((k, job))
    for (k, _), c in zip(checks, executor.run_all(j for _, j in checks), strict=True):
        outcomes[k] = _verdict(c.tests[0] if c.status == "ok" and c.tests else None, c.error or c.status)
    return [o for o in outcomes if o is not None]


def _verdict(check: TestOutcome | None, import_error: str) -> TestOutcome:
    if check is None:
        return TestOutcome("failed", 0.0, f"checker did not load: {import_error}")
    if check.passed:
        return TestOutcome("passed", check.duration_s)
    return TestOutcome("failed", check.duration_s, f"checker {check.outcome}: {check.detail}")

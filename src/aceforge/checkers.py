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

from collections.abc import Mapping, Sequence
from dataclasses import replace

from aceforge.errors import ConfigError
from aceforge.execution.base import Executor
from aceforge.formats.checker_source import CHECK_FUNCTION, checker_problem
from aceforge.types import ExecResult, Job, Limits, StdioTest, TestOutcome

CAPTURE_BYTES = 8 << 20  # the most of a program's output a checker is shown


def validate_checker(source: str) -> None:
    """A checker must parse and define ``check`` at top level (read, never run, here)."""
    problem = checker_problem(source)
    if problem is not None:
        raise ConfigError(problem)


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
    job = Job(job_id, program, tuple(tests), limits or Limits())
    (result,) = run_jobs(executor, [job], {job_id: checker}, checker_limits)
    return list(result.tests)


def run_jobs(
    executor: Executor,
    jobs: Sequence[Job],
    checkers: Mapping[str, str],
    checker_limits: Limits | None = None,
) -> list[ExecResult]:
    """Every job's result, in order; a job whose id `checkers` names (a label's checker: its
    tests all stdin/stdout) is judged by that checker, in two engine batches for all of them
    (the programs' runs, then the checks); the other jobs run as they are."""
    for job in jobs:
        if job.id in checkers:
            validate_checker(checkers[job.id])
            if not all(isinstance(t, StdioTest) for t in job.tests):
                raise ConfigError(f"job {job.id}: a checker judges stdin/stdout tests only")
    plain = [j for j in jobs if j.id not in checkers]
    results = {r.id: r for r in executor.run_all(plain)} if plain else {}
    checked = [j for j in jobs if j.id in checkers]
    if checked:
        results.update(_checked(executor, checked, checkers, checker_limits))
    return [results[j.id] for j in jobs]


def _checked(
    executor: Executor, jobs: list[Job], checkers: Mapping[str, str], checker_limits: Limits | None
) -> dict[str, ExecResult]:
    """Step 1: each (job, test) runs the program on the test's input, its whole output kept;
    step 2: each output that finished goes to the job's checker, one fresh process each."""
    runs: list[tuple[Job, int, Job]] = []
    for job in jobs:
        capture = replace(job.limits, max_output_bytes=max(job.limits.max_output_bytes, CAPTURE_BYTES))
        for k, t in enumerate(job.tests):
            assert isinstance(t, StdioTest)
            runs.append(
                (job, k, Job(f"{job.id}/run/{k}", job.program, (StdioTest(t.input, "", "exact"),), capture))
            )
    ran = executor.run_all(r for _, _, r in runs)
    outcomes: dict[tuple[str, int], TestOutcome] = {}
    failed: dict[str, ExecResult] = {}
    checks: list[tuple[str, int, Job]] = []
    for (job, k, run), r in zip(runs, ran, strict=True):
        verdict = _run_verdict(r, run.limits)
        if verdict is not None:
            outcomes[job.id, k] = verdict
            if r.status != "ok":
                failed.setdefault(job.id, r)
            continue
        test = job.tests[k]
        assert isinstance(test, StdioTest)
        call = check_call(test, r.stdout_tail)
        checks.append(
            (job.id, k, Job(f"{job.id}/check/{k}", checkers[job.id], (call,), checker_limits or job.limits))
        )
    for (job_id, k, _), c in zip(checks, executor.run_all(j for _, _, j in checks), strict=True):
        outcomes[job_id, k] = _verdict(
            c.tests[0] if c.status == "ok" and c.tests else None, c.error or c.status
        )
    return {
        job.id: _result(job, [outcomes[job.id, k] for k in range(len(job.tests))], failed.get(job.id))
        for job in jobs
    }


def _run_verdict(r: ExecResult, capture: Limits) -> TestOutcome | None:
    """The program's own verdict on one input when it has one (it did not load, did not
    finish, or printed too much); None when its output goes to the checker."""
    ran = r.tests[0] if r.status == "ok" and r.tests else None
    if ran is None:
        return TestOutcome("error", r.duration_s, r.error or r.status)
    if ran.outcome not in ("passed", "failed"):  # it did not finish: that is the verdict
        return ran
    if len(r.stdout_tail) >= capture.max_output_bytes:
        return TestOutcome("failed", ran.duration_s, f"output over {capture.max_output_bytes} bytes")
    return None


def _result(job: Job, outcomes: list[TestOutcome], failed: ExecResult | None) -> ExecResult:
    """The job's result: its checked outcomes (after a miss, ``not_run`` for a fail-fast job)
    and, when the program did not load, that status and error."""
    if job.fail_fast:
        miss = next((k for k, o in enumerate(outcomes) if not o.passed), len(outcomes))
        outcomes = outcomes[: miss + 1] + [TestOutcome("not_run")] * (len(outcomes) - miss - 1)
    status, error = (failed.status, failed.error) if failed is not None else ("ok", None)
    return ExecResult(job.id, status, tuple(outcomes), error, duration_s=sum(o.duration_s for o in outcomes))


def _verdict(check: TestOutcome | None, import_error: str) -> TestOutcome:
    if check is None:
        return TestOutcome("failed", 0.0, f"checker did not load: {import_error}")
    if check.passed:
        return TestOutcome("passed", check.duration_s)
    return TestOutcome("failed", check.duration_s, f"checker {check.outcome}: {check.detail}")

"""LocalExecutor on real small programs: outcomes, order, fail-fast, probes, the process per
test, argument checks and the one-shot helper."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.execution.executor import LocalExecutor, run_jobs
from aceforge.types import Job, Limits

ADD = "def add(a, b):\n    return a + b\n"
LIMITS = Limits(timeout_s=1.0)


def test_outcomes_of_a_real_program(executor: LocalExecutor) -> None:
    tests = (
        "assert add(1, 2) == 3",
        "assert add(1, 2) == 4",
        "assert add(1, None) == 1",
        "assert add(0.1, 0.2) == 0.3",  # the engine's float tolerance
        "while True: pass",
    )
    [r] = executor.run_all([Job("j", ADD, tests, LIMITS)])
    assert r.id == "j" and r.status == "ok"
    assert r.outcomes == ["passed", "failed", "error", "passed", "timeout"]
    assert r.tests[2].detail == "TypeError"
    assert r.pass_rate == 0.4 and not r.all_passed


def test_results_come_back_for_every_job_in_input_order(executor: LocalExecutor) -> None:
    jobs = [Job(f"j{i}", ADD, (f"assert add({i}, 1) == {i + 1}",), LIMITS) for i in range(6)]
    results = executor.run_all(jobs)
    assert [r.id for r in results] == [j.id for j in jobs] and all(r.all_passed for r in results)


def test_fail_fast_probe_and_child_per_test(executor: LocalExecutor) -> None:
    counter = "n = 0\ndef bump():\n    global n\n    n += 1\n    return n\n"
    ff, probe, fresh = executor.run_all(
        [
            Job("ff", ADD, ("assert add(1, 1) == 3", "assert add(1, 1) == 2"), LIMITS, fail_fast=True),
            Job("probe", counter, ("bump()", "bump()"), LIMITS, probe=True),
            Job("fresh", counter, ("bump()", "bump()"), LIMITS, probe=True, child_per_test=True),
        ]
    )
    assert ff.outcomes == ["failed", "not_run"]
    assert [t.value for t in probe.tests] == [1, 2]  # one process: state carries over
    assert [t.value for t in fresh.tests] == [1, 1]


def test_a_program_that_does_not_import_fails_every_test(executor: LocalExecutor) -> None:
    [r] = executor.run_all([Job("bad", "def add(:\n", ("assert add(1, 1) == 2",), LIMITS)])
    assert r.status != "ok" and r.pass_rate == 0.0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ConfigError, match="isolation must be one of"):
        LocalExecutor(workers=1, isolation="none")
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        LocalExecutor(workers=-1)


def test_run_jobs_one_shot_with_minimal_isolation() -> None:
    [r] = run_jobs([Job("one", ADD, ("assert add(2, 2) == 4",), LIMITS)], workers=1, isolation="minimal")
    assert r.all_passed and r.isolation["level"] == "minimal"

"""The execution cache answers a job it has seen from a real SQLite file, runs each distinct
job once, never stores a crash, and keys jobs by content, not id."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from aceforge import types
from aceforge.execution.base import BaseExecutor
from aceforge.execution.cache import CachedExecutor, job_key
from aceforge.types import ExecResult, Job, Limits


class CountingEngine(BaseExecutor):
    """Passes tests equal to "ok"; a program "crash" crashes; a probe returns {1, 2}."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.started = self.closed = 0

    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        for job in jobs:
            self.ran.append(job.id)
            if job.program == "crash":
                yield ExecResult(job.id, "crashed", tuple(types.TestOutcome("crashed") for _ in job.tests))
                continue
            value = {1, 2} if job.probe else None
            outcomes = tuple(
                types.TestOutcome("passed" if t == "ok" else "failed", value=value) for t in job.tests
            )
            yield ExecResult(job.id, "ok", outcomes, stdout_tail="out")

    def start(self) -> None:
        self.started += 1

    def close(self) -> None:
        self.closed += 1

    @property
    def isolation_report(self) -> dict[str, object]:
        return {"executor": "counting"}


def test_a_job_seen_before_is_answered_from_the_file_under_its_new_id(tmp_path: Path) -> None:
    inner = CountingEngine()
    first = CachedExecutor(inner, tmp_path / "exec.sqlite").run_all([Job("a", "p", ("ok", "no"))])
    again = CachedExecutor(inner, tmp_path / "exec.sqlite")  # a rerun: a fresh connection
    second = again.run_all([Job("b", "p", ("ok", "no"))])
    assert inner.ran == ["a"]
    assert second == [dataclasses.replace(first[0], id="b")]
    assert again.stats()["hits"] == 1 and again.max_runs() == 1


def test_identical_jobs_in_one_batch_run_once(tmp_path: Path) -> None:
    inner = CountingEngine()
    cached = CachedExecutor(inner, tmp_path / "exec.sqlite")
    results = cached.run_all([Job("x", "p", ("ok",)), Job("y", "p", ("ok",)), Job("z", "q", ("ok",))])
    assert inner.ran == ["x", "z"]
    assert [r.id for r in results] == ["x", "y", "z"] and all(r.all_passed for r in results)


def test_a_crash_is_never_stored(tmp_path: Path) -> None:
    inner = CountingEngine()
    cached = CachedExecutor(inner, tmp_path / "exec.sqlite")
    cached.run_all([Job("a", "crash", ("ok",))])
    cached.run_all([Job("b", "crash", ("ok",))])
    assert inner.ran == ["a", "b"]  # the host may have been at fault: it runs again


def test_probe_values_survive_the_cache(tmp_path: Path) -> None:
    inner = CountingEngine()
    probe = Job("a", "p", ("f()",), probe=True)
    CachedExecutor(inner, tmp_path / "exec.sqlite").run_all([probe])
    (hit,) = CachedExecutor(inner, tmp_path / "exec.sqlite").run_all([dataclasses.replace(probe, id="b")])
    assert inner.ran == ["a"] and hit.tests[0].value == {1, 2}


def test_keys_follow_content_not_ids() -> None:
    job = Job("a", "p", ("ok",))
    assert job_key(job) == job_key(dataclasses.replace(job, id="other"))
    for changed in (
        dataclasses.replace(job, program="q"),
        dataclasses.replace(job, tests=("no",)),
        dataclasses.replace(job, limits=Limits(timeout_s=2.0)),
        dataclasses.replace(job, random_seed=1),
    ):
        assert job_key(changed) != job_key(job)
    assert job_key(job, salt="tol") != job_key(job)


def test_a_with_block_starts_the_wrapped_engine_and_closes_only_the_cache(tmp_path: Path) -> None:
    inner = CountingEngine()
    with CachedExecutor(inner, tmp_path / "exec.sqlite") as cached:
        assert cached.isolation_report == {"executor": "counting"}
    assert (inner.started, inner.closed) == (1, 0)  # the wrapped engine stays with its maker

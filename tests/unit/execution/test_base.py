"""``BaseExecutor`` gives every engine its job-order ``run_all`` and its ``with`` block; the
local, Ray and cache engines all build on it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from aceforge import types
from aceforge.execution.base import BaseExecutor, Executor
from aceforge.types import ExecResult, Job


class ReversedEngine(BaseExecutor):
    """Finishes jobs in reverse order, as a busy pool may: passes the tests equal to "ok"."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        self.start()
        for job in reversed(list(jobs)):
            outcomes = tuple(types.TestOutcome("passed" if t == "ok" else "failed") for t in job.tests)
            yield ExecResult(job.id, "ok", outcomes)

    def start(self) -> None:
        self.calls.append("start")

    def close(self) -> None:
        self.calls.append("close")

    @property
    def isolation_report(self) -> dict[str, object]:
        return {"executor": "reversed"}


def _job(i: int, *tests: str) -> Job:
    return Job(f"j{i}", "", tests)


def test_run_all_returns_results_in_job_order_whatever_order_they_finish_in() -> None:
    engine = ReversedEngine()
    jobs = [_job(0, "ok"), _job(1, "no"), _job(2, "ok", "no")]
    results = engine.run_all(iter(jobs))  # any iterable, read once
    assert [r.id for r in results] == ["j0", "j1", "j2"]
    assert [r.pass_rate for r in results] == [1.0, 0.0, 0.5]
    assert engine.run_all([]) == []


def test_a_with_block_starts_and_closes_even_when_its_body_raises() -> None:
    engine = ReversedEngine()
    with engine as entered:
        assert entered is engine
        assert engine.calls == ["start"]
    assert engine.calls == ["start", "close"]
    with pytest.raises(RuntimeError), ReversedEngine() as failing:
        raise RuntimeError("boom")
    assert failing.calls == ["start", "close"]


def test_launch_begins_nothing_by_default() -> None:
    engine = ReversedEngine()
    engine.launch()
    assert engine.calls == []


def test_an_engine_must_define_run_start_close_and_its_isolation_report() -> None:
    class NoClose(BaseExecutor):
        def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
            yield from ()

        def start(self) -> None: ...

        @property
        def isolation_report(self) -> dict[str, object]:
            return {}

    with pytest.raises(TypeError, match="close"):
        NoClose()  # type: ignore[abstract]


def test_every_engine_builds_on_the_base() -> None:
    from aceforge.execution.cache import CachedExecutor
    from aceforge.execution.executor import LocalExecutor
    from aceforge.execution.ray_executor import RayExecutor

    for cls in (LocalExecutor, RayExecutor, CachedExecutor):
        assert issubclass(cls, BaseExecutor)
        assert "run_all" not in vars(cls) and "__enter__" not in vars(cls)  # no copies left
    engine: Executor = ReversedEngine()  # checked by mypy: the base satisfies the protocol
    assert engine.isolation_report == {"executor": "reversed"}

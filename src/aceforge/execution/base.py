"""The engine's seam: the ``Executor`` protocol every stage codes against, and
``BaseExecutor``, which gives an engine its ``run_all`` and ``with`` block from its own
``run``, ``start`` and ``close``."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from aceforge.types import ExecResult, Job

_E = TypeVar("_E", bound="BaseExecutor")


class Executor(Protocol):
    """What stages need from an execution engine: ``LocalExecutor``, a Ray pool, the result
    cache around either, or a scripted stand-in in tests. ``run`` yields results as jobs
    finish (any order); ``run_all`` returns them in job order. ``launch`` begins starting
    without waiting, ``start`` waits until it can run, ``close`` releases it (each idempotent);
    a ``with`` block starts and closes it."""

    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        """Results as jobs finish, in any order."""

    def run_all(self, jobs: Iterable[Job]) -> list[ExecResult]:
        """Results in job order."""

    def launch(self) -> None:
        """Begin starting, without waiting (idempotent)."""

    def start(self) -> None:
        """Wait until jobs can run (idempotent)."""

    def close(self) -> None:
        """Release workers and processes (idempotent)."""

    @property
    def isolation_report(self) -> dict[str, object]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class BaseExecutor(abc.ABC):
    """An ``Executor`` from ``run``, ``start``, ``close`` and ``isolation_report``: results in
    job order, a ``with`` block that starts and closes, and no early ``launch``."""

    @abc.abstractmethod
    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        """Results as jobs finish, in any order."""

    @abc.abstractmethod
    def start(self) -> None:
        """Wait until jobs can run (idempotent)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release workers and processes (idempotent)."""

    @property
    @abc.abstractmethod
    def isolation_report(self) -> dict[str, object]:
        """Which isolation layers hold."""

    def launch(self) -> None:  # noqa: B027 (a hook: most engines have nothing to begin early)
        """Begin starting without waiting; by default nothing starts before `start`."""

    def run_all(self, jobs: Iterable[Job]) -> list[ExecResult]:
        """Results in job order (job ids are unique within one call)."""
        jobs = list(jobs)
        by_id = {r.id: r for r in self.run(jobs)}
        return [by_id[j.id] for j in jobs]

    def __enter__(self: _E) -> _E:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The engine over a Ray cluster, behind the same ``Executor`` interface as ``LocalExecutor``.

Each node hosts long-lived actors that own a ``LocalExecutor`` (fork servers and isolation stay
per node). Jobs go to actors in batches, at most ``inflight_per_actor`` batches each (back
pressure: the job iterator is read only as fast as the cluster works). Results stream back in
completion order. When an actor or its node dies, its unfinished batch is split in two and run
again elsewhere; results already delivered are never delivered again; a job that keeps killing
actors is reported ``crashed`` after ``max_attempts``.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from aceforge.errors import MissingExtraError, WorkerError
from aceforge.execution.base import BaseExecutor
from aceforge.types import ExecResult, Job, TestOutcome


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingExtraError("the Ray executor", "ray", "ray") from None
    return ray


class _EngineActor:
    """Lives on one node; runs batches on that node's local engine."""

    def __init__(self, workers: int | None, isolation: str, rel_tol: float, abs_tol: float) -> None:
        from aceforge.execution.executor import LocalExecutor

        self.ex = LocalExecutor(workers=workers, isolation=isolation, rel_tol=rel_tol, abs_tol=abs_tol)
        self.ex.start()

    def run(self, jobs: list[Job]) -> list[ExecResult]:
        return self.ex.run_all(jobs)

    def node(self) -> str:
        import ray

        return str(ray.get_runtime_context().get_node_id())

    def pid(self) -> int:
        import os

        return os.getpid()


@dataclass
class _Batch:
    jobs: list[Job]
    attempts: int = 1


class RayExecutor(BaseExecutor):
    """The `Executor` interface over a Ray cluster: one long-lived actor per node owns a local
    engine; jobs go out in batches with back pressure; a lost actor's unfinished batch is split
    and rerun elsewhere, and a job that keeps killing actors is reported `crashed`.
    """

    def __init__(
        self,
        address: str | None = None,
        actors_per_node: int = 1,
        workers_per_actor: int | None = None,
        isolation: str = "auto",
        batch_size: int = 32,
        inflight_per_actor: int = 2,
        max_attempts: int = 3,
        rel_tol: float = 1e-9,
        abs_tol: float = 0.0,
    ) -> None:
        self.address = address
        self.rel_tol, self.abs_tol = rel_tol, abs_tol
        self.actors_per_node, self.workers_per_actor = actors_per_node, workers_per_actor
        self.isolation, self.batch_size = isolation, batch_size
        self.inflight_per_actor, self.max_attempts = inflight_per_actor, max_attempts
        self.actors: list[Any] = []
        self.replaced = 0

    @property
    def isolation_report(self) -> dict[str, object]:
        return {"executor": "ray", "requested": self.isolation, "actors": len(self.actors)}

    def start(self) -> None:
        """Connect to Ray and start one engine actor per node."""
        if self.actors:
            return
        ray = _ray()
        if not ray.is_initialized():
            ray.init(address=self.address, ignore_reinit_error=True, log_to_driver=False)
        nodes = [n["NodeID"] for n in ray.nodes() if n.get("Alive")]
        for node in nodes:
            for _ in range(self.actors_per_node):
                self.actors.append(self._new_actor(node))
        if not self.actors:
            raise WorkerError("the Ray cluster has no alive node")

    def _new_actor(self, node: str | None = None) -> Any:
        ray = _ray()
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        options: dict[str, Any] = {"num_cpus": 1, "max_restarts": 0, "max_concurrency": 1}
        if node is not None:
            options["scheduling_strategy"] = NodeAffinitySchedulingStrategy(node, soft=True)
        cls = ray.remote(_EngineActor)
        return cls.options(**options).remote(
            self.workers_per_actor, self.isolation, self.rel_tol, self.abs_tol
        )

    def close(self) -> None:
        """Stop the actors (and Ray, when this executor started it)."""
        ray = _ray()
        for a in self.actors:
            try:
                ray.kill(a)
            except Exception:  # already dead
                pass
        self.actors = []

    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        """Results as they finish, in completion order."""
        ray = _ray()
        self.start()
        source = iter(jobs)
        retry: deque[_Batch] = deque()
        inflight: dict[Any, tuple[Any, _Batch]] = {}  # ref → (actor, batch)
        load = {id(a): 0 for a in self.actors}
        delivered: set[str] = set()
        exhausted = False
        while True:
            for actor in list(self.actors):
                while load.get(id(actor), 0) < self.inflight_per_actor:
                    batch = retry.popleft() if retry else None
                    if batch is None and not exhausted:
                        chunk = list(itertools.islice(source, self.batch_size))
                        exhausted = len(chunk) < self.batch_size
                        batch = _Batch(chunk) if chunk else None
                    if batch is None:
                        break
                    inflight[actor.run.remote(batch.jobs)] = (actor, batch)
                    load[id(actor)] = load.get(id(actor), 0) + 1
            if not inflight:
                return
            ready, _ = ray.wait(list(inflight), num_returns=1)
            ref = ready[0]
            actor, batch = inflight.pop(ref)
            if id(actor) in load:  # not when the actor was already found dead and replaced
                load[id(actor)] -= 1
            try:
                results = ray.get(ref)
            except (
                ray.exceptions.RayActorError,
                ray.exceptions.WorkerCrashedError,
                ray.exceptions.ObjectLostError,
            ):
                yield from self._lost(actor, batch, retry, load, delivered)
                continue
            for r in results:
                if r.id not in delivered:
                    delivered.add(r.id)
                    yield r

    def _lost(
        self,
        actor: Any,
        batch: _Batch,
        retry: deque[_Batch],
        load: dict[int, int],
        delivered: set[str],
    ) -> Iterator[ExecResult]:
        """An actor died: replace it, and rerun its batch in halves (to corner a killer job)."""
        if actor in self.actors:
            self.actors.remove(actor)
            load.pop(id(actor), None)
            try:
                fresh = self._new_actor()
                self.actors.append(fresh)
                load[id(fresh)] = 0
                self.replaced += 1
            except Exception:  # no capacity left: the other actors carry on
                pass
        if not self.actors:
            raise WorkerError("every Ray engine actor died")
        todo = [j for j in batch.jobs if j.id not in delivered]
        if not todo:
            return
        if batch.attempts >= self.max_attempts and len(todo) == 1:
            job = todo[0]
            delivered.add(job.id)
            yield ExecResult(job.id, "crashed", tuple(TestOutcome("crashed") for _ in job.tests),
                             error=f"the job's engine actor died {batch.attempts} times")  # fmt: skip
            return
        half = max(1, len(todo) // 2)
        for part in (todo[:half], todo[half:]):
            if part:
                retry.append(_Batch(part, batch.attempts + 1))

"""Ray executor pieces that need no cluster: the engine actor's body runs jobs on a real local
engine, and the report before start. (A Ray cluster run is an integration matter.)"""

from __future__ import annotations

import os

from aceforge.execution.ray_executor import RayExecutor, _EngineActor
from aceforge.types import Job, Limits


def test_engine_actor_runs_batches_on_a_local_engine() -> None:
    actor = _EngineActor(workers=1, isolation="minimal", rel_tol=1e-9, abs_tol=0.0)
    try:
        prog = "def sq(x):\n    return x * x\n"
        jobs = [
            Job(f"j{i}", prog, (f"assert sq({i}) == {i * i}", "assert sq(2) == 5"), Limits(timeout_s=1.0))
            for i in range(3)
        ]
        results = actor.run(jobs)
        assert [r.id for r in results] == ["j0", "j1", "j2"]
        assert all(r.outcomes == ["passed", "failed"] for r in results)
        assert actor.pid() == os.getpid()
    finally:
        actor.ex.close()


def test_report_before_start_names_no_actors() -> None:
    ex = RayExecutor(isolation="strict", batch_size=4)
    assert ex.isolation_report == {"executor": "ray", "requested": "strict", "actors": 0}
    ex.close()  # closing an executor that never started is harmless
    assert ex.actors == []

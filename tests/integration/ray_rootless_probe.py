"""Run by test_ray_rootless.py as an unprivileged user: the same 300 programs through the local
engine and through Ray actors (a local Ray cluster started by this user), both rootless. Prints
one JSON object: the verdicts of each side and the isolation the actors' engine reported.

    python ray_rootless_probe.py SCRATCH_DIR
"""

from __future__ import annotations

import json
import os
import sys

import ray

from aceforge.execution.executor import LocalExecutor
from aceforge.execution.ray_executor import RayExecutor
from aceforge.types import Job, Limits

SECRET = os.path.join(os.environ["HOME"], ".ssh", "id_ed25519")


def programs() -> list[tuple[str, tuple[str, ...]]]:
    """Six kinds of program, 50 each: right, wrong, raising, a syntax error, printing a lot,
    and one that reads the user's ssh key (which must stay unreadable on both sides)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for i in range(50):
        k = i % 7
        tests = (f"assert f({i}) == {i * k}", f"assert f(-{i}) == {-i * k}", "assert f(0) == 0")
        out += [
            (f"def f(x):\n    return x * {k}\n", tests),
            (f"def f(x):\n    return x * {k} + (x > {i // 2})\n", tests),
            (f"def f(x):\n    if x > {i // 3}:\n        raise ValueError(x)\n    return x * {k}\n", tests),
            (f"def f(x)\n    return x * {k}\n", tests),
            (f"def f(x):\n    print('y' * {1000 * i})\n    return x * {k}\n", tests),
            (f"def f(x):\n    open({SECRET!r}).read()\n    return x * {k}\n", tests),
        ]
    return out


def verdicts(results: list) -> dict[str, list]:
    return {r.id: [r.status, [t.outcome for t in r.tests], [t.detail for t in r.tests]] for r in results}


def main(scratch: str) -> None:
    os.makedirs(os.path.dirname(SECRET), exist_ok=True)
    with open(SECRET, "w") as f:
        f.write("CANARY-SSH-KEY")
    jobs = [Job(f"p{i}", prog, tests, Limits(timeout_s=2.0)) for i, (prog, tests) in enumerate(programs())]
    with LocalExecutor(workers=2) as ex:
        local = ex.run_all(jobs)
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=os.path.join(scratch, "ray"),
             object_store_memory=100 * 1024 * 1024, log_to_driver=False)  # fmt: skip
    with RayExecutor(actors_per_node=2, workers_per_actor=1, batch_size=16) as rex:
        remote = list(rex.run(jobs))
        where = Job("iso", "import os", ("os.getuid()",), probe=True)
        iso = ray.get(rex.actors[0].run.remote([where]))[0]
    ray.shutdown()
    print(json.dumps({"local": verdicts(local), "ray": verdicts(remote), "isolation": iso.isolation,
                      "uid": os.getuid()}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])

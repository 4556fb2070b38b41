"""Local engine vs. the Ray executor on one node, same workload, same run.

    python benchmarks/ray_scaling.py [--samples-per-problem 10]

The workload is HumanEval × CodeGen-16B from ../shared/data/codet (program = prompt +
completion, the problem's asserts as tests, 1 s per test). A one-node Ray cluster is started
here (ray.init); Ray runs one engine actor per node with the same worker count as the local
engine. Prints both throughputs and the overhead ratio (target: Ray within 1.5× of local).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from aceforge.evaluation.humaneval import humaneval_jobs, load_codet_humaneval
from aceforge.execution.executor import LocalExecutor
from aceforge.execution.ray_executor import RayExecutor
from aceforge.types import Limits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codet-dir", default="../shared/data/codet")
    ap.add_argument("--samples-per-problem", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--out", default="benchmarks/results/ray_scaling.json")
    args = ap.parse_args()
    problems = load_codet_humaneval(args.codet_dir)
    jobs = humaneval_jobs(problems, args.samples_per_problem, Limits(timeout_s=1.0))
    workers = os.cpu_count() or 1
    print(f"{len(jobs)} programs, {workers} engine workers", flush=True)

    with LocalExecutor(workers=workers) as ex:
        ex.run_all(jobs[:50])  # warm
        t = time.perf_counter()
        local = {r.id: r.outcomes for r in ex.run(jobs)}
        local_s = time.perf_counter() - t
    print(f"local : {len(jobs) / local_s:.1f} programs/s ({local_s:.1f} s)", flush=True)

    import ray

    ray.init(address="local", num_cpus=workers + 1, include_dashboard=False, log_to_driver=False)
    try:
        with RayExecutor(workers_per_actor=workers, batch_size=args.batch_size) as rex:
            rex.run_all(jobs[:50])  # warm: actors started, engines forked
            t = time.perf_counter()
            remote = {r.id: r.outcomes for r in rex.run(jobs)}
            ray_s = time.perf_counter() - t
    finally:
        ray.shutdown()
    same = sum(local[k] == remote[k] for k in local)
    for k in local:
        if local[k] != remote[k]:
            print(f"differs: {k}: local {local[k]} vs ray {remote[k]}")
    ratio = ray_s / local_s
    print(f"ray   : {len(jobs) / ray_s:.1f} programs/s ({ray_s:.1f} s)")
    print(f"ray time / local time: {ratio:.2f}x (target ≤ 1.5x); identical outcomes: {same}/{len(local)}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({
        "programs": len(jobs), "workers": workers, "local_s": round(local_s, 2), "ray_s": round(ray_s, 2),
        "local_programs_per_s": round(len(jobs) / local_s, 1), "ray_programs_per_s": round(len(jobs) / ray_s, 1),
        "ratio": round(ratio, 3), "identical": same}, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()

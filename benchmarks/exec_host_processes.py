"""How the engine's speed depends on how many other processes the host runs.

After every program the engine must be sure nothing the program started is still running. In
the host's pid namespace that takes a sweep, ``kill(-1)`` as the sandbox uid, and the kernel
walks every process on the host for it (holding the lock every fork needs). With a pid
namespace per worker (the default as root) one read of the namespace's last pid says whether
the program created any process, and the sweep runs only when it did.

This runs HumanEval's canonical solutions (each ``--repeat`` times) at ``--workers`` workers
with 0 and more idle ``sleep`` processes on the host, with the pid namespace and without it
(``ACEFORGE_NO_PID_NAMESPACE=1``), rounds interleaved, and prints programs/s and the ratios.
Needs root (without it there is no sandbox uid and no sweep).

    python benchmarks/exec_host_processes.py --codet-dir ../shared/data/codet
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from aceforge.evaluation.humaneval import load_codet_humaneval
from aceforge.execution.executor import LocalExecutor
from aceforge.execution.sandbox import NO_PID_NAMESPACE_ENV
from aceforge.types import Job, Limits

MODES = {"pid namespace": None, "host pid namespace": "1"}


def start_executor(workers: int, no_pid_namespace: str | None) -> LocalExecutor:
    if no_pid_namespace:
        os.environ[NO_PID_NAMESPACE_ENV] = no_pid_namespace
    else:
        os.environ.pop(NO_PID_NAMESPACE_ENV, None)
    ex = LocalExecutor(workers=workers)
    ex.start()
    os.environ.pop(NO_PID_NAMESPACE_ENV, None)
    return ex


def rate(ex: LocalExecutor, jobs: list[Job]) -> float:
    start = time.perf_counter()
    results = ex.run_all(jobs)
    seconds = time.perf_counter() - start
    assert sum(r.all_passed for r in results) == len(jobs), "a canonical solution failed"
    return len(jobs) / seconds


def host_processes() -> int:
    return sum(1 for e in os.listdir("/proc") if e.isdigit())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codet-dir", default="../shared/data/codet")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=6, help="copies of each canonical solution")
    ap.add_argument("--extra", type=int, nargs="+", default=[0, 1000, 3000], help="idle processes to add")
    ap.add_argument("--rounds", type=int, default=3, help="best of this many rounds per cell")
    ap.add_argument("--report", default="benchmarks/results/exec_host_processes.json")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root: without a sandbox uid there is nothing to sweep")

    problems = load_codet_humaneval(args.codet_dir)
    jobs = [
        Job(f"{p.task_id}/{k}", p.prompt + p.canonical_solution, tuple(p.tests), Limits(timeout_s=1.0))
        for p in problems
        for k in range(args.repeat)
    ]
    executors = {mode: start_executor(args.workers, env) for mode, env in MODES.items()}
    for mode, ex in executors.items():
        assert ex.isolation_report["pid_namespace"] == (MODES[mode] is None), ex.isolation_report
        rate(ex, jobs[:200])  # warm

    print(f"{len(jobs)} programs (HumanEval canonical x {args.repeat}), {args.workers} workers")
    sleepers: list[subprocess.Popen[bytes]] = []
    table: dict[str, dict[str, float]] = {}
    try:
        for extra in sorted(args.extra):
            while len(sleepers) < extra:
                sleepers.append(subprocess.Popen(["sleep", "3600"]))
            n = host_processes()
            best = {mode: 0.0 for mode in executors}
            for r in range(args.rounds):  # interleaved, alternating which goes first
                for mode in list(executors)[:: 1 if r % 2 == 0 else -1]:
                    best[mode] = max(best[mode], rate(executors[mode], jobs))
            table[str(n)] = best
            ratio = best["pid namespace"] / best["host pid namespace"]
            print(
                f"  {n:5d} host processes: "
                + "  ".join(f"{m} {v:7.1f} programs/s" for m, v in best.items())
                + f"  ratio {ratio:.2f}x",
                flush=True,
            )
    finally:
        for p in sleepers:
            p.kill()
        for p in sleepers:
            p.wait()
        for ex in executors.values():
            ex.close()

    rows = list(table.values())
    for mode in MODES:
        kept = rows[-1][mode] / rows[0][mode]
        print(f"{mode}: at the most processes, {kept:.2f}x its speed at the fewest")
    report: dict[str, Any] = {"workers": args.workers, "programs": len(jobs), "programs_per_s": table}
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    print(f"report: {args.report}")


if __name__ == "__main__":
    main()

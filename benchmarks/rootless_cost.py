"""What rootless isolation costs, and that it judges the same: aceforge as root (sandbox uid +
namespaces) vs rootless with user namespaces vs rootless with Landlock only, on the same
HumanEval × CodeGen-16B programs in one run. The rootless sides run as an unprivileged user
(`runuser -u nobody`; the system Python with this environment's site-packages when this
interpreter is out of nobody's reach), the root side here.

Workloads: `quick` (the samples that terminate fast, as in exec_throughput.py) and `raw` (the
completions as sampled, junk after the function included, imports of numpy and friends and
all). Each side runs each workload `--repeats` times, interleaved; the best and the median are
reported, with the verdicts compared program by program. `ACEFORGE_SRC=/other/checkout/src`
runs another checkout's engine (to compare branches on the same machine in the same hour).

    sudo python benchmarks/rootless_cost.py --codet-dir ../shared/data/codet --samples 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = Path(os.environ.get("ACEFORGE_SRC", HERE.parent / "src"))  # another checkout's, to compare
sys.path[:0] = [str(SRC), str(HERE)]

from aceforge.evaluation.humaneval import load_codet_humaneval  # noqa: E402
from aceforge.execution.executor import LocalExecutor  # noqa: E402
from aceforge.types import Job, Limits  # noqa: E402

SIDES = {"root": {}, "rootless-userns": {}, "rootless-landlock": {"ACEFORGE_NO_USER_NAMESPACE": "1"}}
# Root mode on the rootless sides' interpreter, started the same way (as root): where nobody
# cannot run this interpreter (a pyenv build under /root), the rootless sides run the system
# Python, and the two interpreters differ by ~10% in CPU per program here (pyenv 3.11.7 -O3
# vs Debian 3.11.2): this side shows what the isolation mode costs on its own.
SAME_PYTHON = "root-same-python"


def workloads(codet_dir: str, samples: int, timeout_s: float) -> dict[str, list[Job]]:
    """quick: samples that finish fast (timed once, here); raw: every sample as sampled."""
    problems = load_codet_humaneval(codet_dir)
    limits = Limits(timeout_s=timeout_s)
    raw = [
        Job(f"{p.task_id}/{k}", p.prompt + c, tuple(p.tests), limits)
        for p in problems
        for k, c in enumerate(p.samples[:samples])
    ]
    with LocalExecutor(workers=2) as ex:
        probe = ex.run_all(raw)
    quick_ids = {
        r.id
        for r in probe
        if "timeout" not in r.outcomes and r.status != "import_timeout" and r.duration_s < 0.1
    }
    return {"quick": [j for j in raw if j.id in quick_ids], "raw": raw}


def time_side(jobs: list[Job], workers: int) -> tuple[float, dict[str, list[str]], dict[str, object]]:
    with LocalExecutor(workers=workers) as ex:
        iso = ex.isolation_report
        ex.run_all(jobs[:20])  # warm
        start = time.perf_counter()
        results = ex.run_all(jobs)
        seconds = time.perf_counter() - start
    return seconds, {r.id: r.outcomes for r in results}, iso


def child(args: argparse.Namespace) -> None:
    """Inside the unprivileged side: time the jobs given on stdin, print JSON."""
    rows = json.load(sys.stdin)
    jobs = [Job(r["id"], r["program"], tuple(r["tests"]), Limits(timeout_s=args.timeout_s)) for r in rows]
    seconds, outcomes, iso = time_side(jobs, args.workers)
    print(json.dumps({"seconds": seconds, "outcomes": outcomes, "isolation": iso}))


def _python() -> tuple[str, str]:
    """An interpreter nobody can run with the same modules as this side (programs import numpy
    and friends), and what to add to its path: this one, or the system Python of the same
    version with this environment's site-packages (a venv's interpreter may sit under /root)."""
    reach = subprocess.run(["runuser", "-u", "nobody", "--", "test", "-x", sys.executable], check=False)
    if reach.returncode == 0:
        return sys.executable, ""
    system = "/usr/bin/python3"
    version = subprocess.run([system, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=False).stdout.strip()  # fmt: skip
    if version == str(sys.version_info[:2]):
        return system, sysconfig.get_paths()["purelib"]
    print(f"note: nobody cannot run {sys.executable}; the rootless sides use {system} without this "
          "environment's packages, so programs importing them fail there")  # fmt: skip
    return system, ""


def sides() -> dict[str, dict[str, str]]:
    """Every side to run: root-same-python only where the rootless sides' interpreter differs."""
    return SIDES | ({SAME_PYTHON: {}} if _python()[0] != sys.executable else {})


def _unprivileged_command(side: str, args: argparse.Namespace, mode: str, src: Path = SRC) -> list[str]:
    """This script in `mode` for `side` (root: this interpreter, as this user), on `src`'s engine."""
    python, site = (sys.executable, "") if side == "root" else _python()
    path = f"{src}:{site}" if site else str(src)
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": path, "ACEFORGE_SRC": str(src)}
    env |= SIDES.get(side, {})
    cmd = [*(f"{k}={v}" for k, v in env.items()), python, str(Path(__file__)), mode,
           "--workers", str(args.workers), "--timeout-s", str(args.timeout_s)]  # fmt: skip
    nobody = os.geteuid() == 0 and side not in ("root", SAME_PYTHON)
    prefix = ["runuser", "-u", "nobody", "--", "env", "-i"] if nobody else ["env", "-i"]
    return [*prefix, *cmd]


def _payload(jobs: list[Job]) -> str:
    return json.dumps([{"id": j.id, "program": j.program, "tests": list(j.tests)} for j in jobs])


def run_unprivileged(side: str, jobs: list[Job], args: argparse.Namespace) -> dict:
    """One run on a fresh unprivileged executor (its start-up and a warm-up left out)."""
    cmd = _unprivileged_command(side, args, "--child")
    done = subprocess.run(cmd, input=_payload(jobs), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


class Unprivileged:
    """An unprivileged executor kept across runs, as a started pool is on the root side (what
    its fork servers learn, such as warm module sets, carries over alike)."""

    def __init__(
        self, side: str, args: argparse.Namespace, src: Path = SRC, wrap: tuple[str, ...] = ()
    ) -> None:
        """`wrap`: a command prefix (engine_cpu_ab.py's, to start it in a cgroup of its own)."""
        cmd = [*wrap, *_unprivileged_command(side, args, "--serve", src)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, jobs: list[Job]) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(_payload(jobs) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the unprivileged executor exited ({self.proc.wait()})")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def serve(args: argparse.Namespace) -> None:
    """Inside a kept unprivileged side: one executor; each stdin line is a batch of jobs to
    time, answered with one JSON line."""
    limits = Limits(timeout_s=args.timeout_s)
    with LocalExecutor(workers=args.workers) as ex:
        for line in sys.stdin:
            jobs = [Job(r["id"], r["program"], tuple(r["tests"]), limits) for r in json.loads(line)]
            start = time.perf_counter()
            results = ex.run_all(jobs)
            seconds = time.perf_counter() - start
            out = {"seconds": seconds, "outcomes": {r.id: r.outcomes for r in results}}
            print(json.dumps(out | {"isolation": ex.isolation_report}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codet-dir", default="../shared/data/codet")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout-s", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workloads", nargs="+", choices=["quick", "raw"], default=["quick", "raw"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--report", default="benchmarks/results/rootless_cost.json")
    args = ap.parse_args()
    if args.child or args.serve:
        (child if args.child else serve)(args)
        return
    if os.geteuid() != 0:
        sys.exit("run as root: the root side needs it, the rootless sides drop to nobody")
    report: dict = {"workers": args.workers, "samples_per_problem": args.samples, "timeout_s": args.timeout_s}
    for name, jobs in workloads(args.codet_dir, args.samples, args.timeout_s).items():
        if name not in args.workloads:
            continue
        all_sides = sides()
        runs: dict[str, list[float]] = {side: [] for side in all_sides}
        verdicts: dict[str, dict[str, list[str]]] = {}
        layers: dict[str, dict] = {}
        for _ in range(args.repeats):
            for side in all_sides:
                if side == "root":
                    seconds, outcomes, iso = time_side(jobs, args.workers)
                else:
                    out = run_unprivileged(side, jobs, args)
                    seconds, outcomes, iso = out["seconds"], out["outcomes"], out["isolation"]
                runs[side].append(seconds)
                verdicts[side], layers[side] = outcomes, iso
        best = {side: min(t) for side, t in runs.items()}
        median = {side: statistics.median(t) for side, t in runs.items()}
        same = {s: sum(verdicts[s][k] == v for k, v in verdicts["root"].items()) for s in all_sides}
        differ = {
            s: {k: [v, verdicts[s][k]] for k, v in verdicts["root"].items() if verdicts[s][k] != v}
            for s in all_sides
        }
        print(f"== {name} workload: {len(jobs)} programs, {args.workers} workers, best of {args.repeats} ==")
        for side in all_sides:
            same_py = (
                f"  x{best[SAME_PYTHON] / best[side]:.2f} of {SAME_PYTHON}'s (median x{median[SAME_PYTHON] / median[side]:.2f})"
                if SAME_PYTHON in best and side != "root"
                else ""
            )
            print(
                f"  {side:>18}: {best[side]:6.2f}s  {len(jobs) / best[side]:7.1f} programs/s  "
                f"x{best['root'] / best[side]:.2f} of root's speed  same verdicts as root: {same[side]}/{len(jobs)}"
                f"  (median {median[side]:.2f}s, x{median['root'] / median[side]:.2f}; runs: "
                f"{', '.join(f'{t:.2f}' for t in runs[side])}){same_py}"
            )
        for side in all_sides:
            for k, (want, got) in list(differ[side].items())[:5]:
                print(f"    {side} differs on {k}: root {want}, {side} {got}")
        report[name] = {"programs": len(jobs), "seconds": best, "median_seconds": median, "runs": runs, "same_verdicts_as_root": same, "differ": differ,
                        "isolation": {s: {k: v for k, v in layers[s].items() if v} for s in all_sides}}  # fmt: skip
    Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    print(f"report: {args.report}")


if __name__ == "__main__":
    main()

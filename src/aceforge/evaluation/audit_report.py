"""An audit's outputs: the totals over questions, the rows (Parquet + JSONL with an ``audit``
column), audit.json, report.md with the worst suites, and plots."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def summarize(audits: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals and means over questions; TPR/TNR and mutation score pooled over programs."""

    def total(key: str) -> int:
        return sum(a.get(key) or 0 for a in audits)

    def mean(key: str) -> float | None:
        vals = [a[key] for a in audits if a.get(key) is not None]
        return round(sum(vals) / len(vals), 4) if vals else None

    live = total("mutants") - total("mutants_equivalent")
    out: dict[str, Any] = {
        "questions": len(audits),
        "tests": total("tests"),
        "duplicate_tests": total("duplicate_tests"),
        "trivial_tests": total("trivial_tests"),
        "flaky_tests": total("flaky_tests"),
        "mean_precision": mean("precision"),
        "mutants": total("mutants"),
        "mutants_equivalent": total("mutants_equivalent"),
        "mutation_score": round(total("mutants_killed") / live, 4) if live else None,
        **_realistic(total, "realistic"),
        **_realistic(total, "realistic_search"),
        "mean_discrimination": mean("mean_discrimination"),
    }
    if any("contaminated" in a for a in audits):  # only when benchmark prompts were given
        out["contaminated_questions"] = sum(bool(a.get("contaminated")) for a in audits)
    if any("correct_solutions" in a for a in audits):
        c, w = total("correct_solutions"), total("wrong_solutions")
        out.update(
            correct_solutions=c, wrong_solutions=w,
            tpr=round(total("correct_accepted") / c, 4) if c else None,
            tnr=round(total("wrong_rejected") / w, 4) if w else None,
        )  # fmt: skip
    models: dict[str, list[int]] = {}
    for a in audits:
        for name, m in (a.get("models") or {}).items():
            acc = models.setdefault(name, [0, 0, 0])
            acc[0] += m["programs"]
            acc[1] += m["all_passed"]
            acc[2] += m["all_passed"] > 0
    out["models"] = {
        k: {"programs": v[0], "all_passed": v[1], "questions_with_a_pass": v[2]} for k, v in models.items()
    }
    return out


def _realistic(total: Callable[[str], int], name: str) -> dict[str, Any]:
    """Realistic mutants of one half (``realistic``: held out from synth's input search, an
    independent score; ``realistic_search``: the half that chose the inputs)."""
    n, killed, eq = (total(f"{name}_mutants{k}") for k in ("", "_killed", "_equivalent"))
    return {f"{name}_mutants": n, f"{name}_killed": killed, f"{name}_mutants_equivalent": eq,
            f"{name}_mutation_score": _ratio(killed, n - eq)}  # fmt: skip


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def write_audit(
    out_dir: str | Path, rows: list[dict[str, Any]], summary: dict[str, Any], config: dict[str, Any]
) -> Path:
    """OUT/data.parquet + data.jsonl (the rows, ``audit`` as JSON text like ``synth_info``),
    audit.json (summary and config), report.md and plots. Each file is replaced atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from aceforge.artifacts import atomic_write, parquet_rows, schema_with, write_json, write_rows, write_text

    out = Path(out_dir)
    (out / "report").mkdir(parents=True, exist_ok=True)
    flat = [{**r, "audit": json.dumps(r["audit"], ensure_ascii=False)} for r in rows]
    schema = schema_with(audit=pa.string())
    names = set(schema.names)
    kept = parquet_rows([{k: v for k, v in r.items() if k in names} for r in flat])  # stdio tests as JSON
    table = pa.Table.from_pylist(kept, schema=schema)
    atomic_write(out / "data.parquet", lambda p: pq.write_table(table, p))
    write_rows(out / "data.jsonl", flat)
    write_json(out / "audit.json", {"summary": summary, "config": config})
    plots = _plots(out, [r["audit"] for r in rows])
    report = (
        "\n".join(["# Test-suite audit", "", *summary_lines(summary), "", *plots, "", *_worst(rows)]) + "\n"
    )
    write_text(out / "report.md", report)
    return out / "report.md"


_LABELS = [
    ("questions", "questions"), ("tests", "tests"), ("duplicate_tests", "duplicate tests"),
    ("trivial_tests", "trivial tests (same outcome for every program)"), ("flaky_tests", "flaky tests"),
    ("mean_precision", "precision against the reference (mean)"),
    ("mutation_score", "mutation score (non-equivalent mutants killed)"), ("mutants", "mutants"),
    ("mutants_equivalent", "  equivalent (no input found that separates them)"),
    ("realistic_mutation_score",
     "realistic mutation score, held out (bugs people write, at sites synth's input search did not use; "
     "predicts missed bugs)"),
    ("realistic_mutants", "realistic mutants, held out"), ("realistic_mutants_equivalent", "  equivalent"),
    ("realistic_search_mutation_score",
     "realistic mutation score, search half (the mutants that chose synth's inputs: optimistic)"),
    ("realistic_search_mutants", "realistic mutants, search half"),
    ("realistic_search_mutants_equivalent", "  equivalent"),
    ("mean_discrimination", "per-test discrimination over inferences (mean)"),
    ("tpr", "TPR: correct solutions accepted"), ("tnr", "TNR: wrong solutions rejected"),
    ("contaminated_questions", "questions overlapping HumanEval/MBPP prompts"),
]  # fmt: skip


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The summary as a markdown table (also used in a run's report.md)."""
    lines = ["| measure | value |", "|---|---:|"]
    for key, label in _LABELS:
        if summary.get(key) is not None:
            lines.append(f"| {label} | {summary[key]} |")
    for name, m in (summary.get("models") or {}).items():
        lines.append(
            f"| programs by `{name}` passing every test | {m['all_passed']} of {m['programs']} "
            f"({m['questions_with_a_pass']} questions) |"
        )
    return lines


def _worst(rows: list[dict[str, Any]], n: int = 10) -> list[str]:
    scored = [r for r in rows if r["audit"].get("mutation_score") is not None]
    scored.sort(key=lambda r: r["audit"]["mutation_score"])
    if not scored:
        return []
    lines = [
        "## Lowest mutation scores",
        "",
        "| id | tests | mutation score | realistic | precision |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in scored[:n]:
        a = r["audit"]
        lines.append(f"| {r['id']} | {a['tests']} | {a['mutation_score']} | "
                     f"{a.get('realistic_mutation_score')} | {a.get('precision')} |")  # fmt: skip
    return lines


def _plots(out: Path, audits: list[dict[str, Any]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = {
        "mutation_score": [a["mutation_score"] for a in audits if a.get("mutation_score") is not None],
        "discrimination": [d for a in audits for d in a.get("discrimination") or [] if d is not None],
    }
    lines = []
    for name, values in series.items():
        if not values:
            continue
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.hist(values, bins=20, range=(0, 1) if name == "mutation_score" else (-1, 1))
        ax.set_xlabel(name.replace("_", " ") + (" per question" if name == "mutation_score" else " per test"))
        ax.set_ylabel("count")
        fig.tight_layout()
        fig.savefig(out / "report" / f"{name}.png", dpi=100)
        plt.close(fig)
        lines.append(f"![{name}](report/{name}.png)")
    return lines

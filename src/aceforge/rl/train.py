"""``train-rl``: RL on questions with tests, through TRL's ``GRPOTrainer`` and aceforge's rewards.

The run folder:

    OUT/config.json          the resolved settings (and where DATA came from)
    OUT/split.json           which question ids are held out (never trained on)
    OUT/metrics.jsonl        one line per logged step ("train") and per evaluation ("eval")
    OUT/checkpoints/         TRL checkpoints; a killed run resumes from the last one
    OUT/policy/              the final policy (standard HF folder; LoRA merged)
    OUT/report.md, *.png     reward curve, held-out pass@1 before/after with intervals, flags

Stopping: ``max_steps``, or ``time_budget_s`` (the step in flight finishes, then a checkpoint
is saved), or a kill (resume loses at most ``save_every`` steps).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aceforge.artifacts import write_json
from aceforge.errors import ConfigError, MissingExtraError
from aceforge.execution.base import Executor
from aceforge.rewards.core import RewardOptions
from aceforge.rl.callbacks import Evaluator, RunCallback, Say
from aceforge.rl.configs import RunPaths, TrainRLConfig, grpo_args
from aceforge.rl.data import (
    Question,
    humaneval_questions,
    read_questions,
    select_training,
    split_held_out,
)
from aceforge.rl.evaluate import EvalSettings
from aceforge.rl.metrics import MetricsLog, RewardTally
from aceforge.rl.policy import load_policy, resolve_policy, stop_token_ids, uses_chat


def train_rl(
    data: str | Path,
    output: str | Path,
    cfg: TrainRLConfig,
    executor: Executor | None = None,
    say: Say = print,
) -> dict[str, Any]:
    """Train, evaluate and report; returns the summary written to ``OUT/summary.json``."""
    cfg.validate()
    paths = RunPaths(Path(output))
    questions = read_questions(data)  # bad rows fail here, before any model loads
    held_in, held_qs = split_held_out(questions, cfg.eval_fraction, cfg.seed)
    train_qs = select_training(held_in, cfg.train_pass_rate, cfg.train_questions, cfg.seed)
    if not train_qs:
        why = f"holding out {len(held_qs)}"
        if cfg.train_pass_rate is not None:
            why += f" and keeping mean_pass_rate in {cfg.train_pass_rate}"
        raise ConfigError(f"{data}: no questions left to train on after {why}")
    paths.root.mkdir(parents=True, exist_ok=True)
    _check_same_run(paths, data, cfg)
    write_json(paths.root / "config.json", {"data": str(data), "train_rl": cfg.to_dict()})
    chosen = {q.id for q in train_qs}
    write_json(
        paths.root / "split.json",
        {
            "train": [q.id for q in train_qs],
            "held_out": [q.id for q in held_qs],
            "not_selected": [q.id for q in held_in if q.id not in chosen],
        },
    )
    from aceforge.execution.factory import make_executor

    own = executor is None
    ex = executor or make_executor()
    if own:
        ex.start()
    try:
        return _run(paths, cfg, train_qs, held_qs, len(held_in) - len(train_qs), ex, say)
    finally:
        if own:
            ex.close()


def _check_same_run(paths: RunPaths, data: str | Path, cfg: TrainRLConfig) -> None:
    """Resuming with other data or settings would mix two runs in one folder."""
    old = paths.root / "config.json"
    if not old.exists() or not _last_checkpoint(paths):
        return
    before = json.loads(old.read_text())
    ignore = {"max_steps", "time_budget_s", "eval_every", "save_every", "keep_checkpoints"}
    a = {k: v for k, v in before.get("train_rl", {}).items() if k not in ignore}
    b = {k: v for k, v in cfg.to_dict().items() if k not in ignore}
    if a != b or before.get("data") != str(data):
        changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        raise ConfigError(
            f"{paths.root} holds a run with other settings ({', '.join(changed) or 'data'}); "
            "use a new output folder, or the same settings to resume"
        )


@dataclass
class _Policy:
    """The policy being trained and how it is prompted."""

    model: Any
    tok: Any
    chat: bool
    stops: list[int]
    original_eos: Any  # the model's own stop tokens, restored before saving


def _run(
    paths: RunPaths,
    cfg: TrainRLConfig,
    train_qs: list[Question],
    held_qs: list[Question],
    not_selected: int,
    ex: Executor,
    say: Say,
) -> dict[str, Any]:
    try:
        import torch
        import trl  # noqa: F401  (a missing extra fails here, before a model loads)
    except ImportError:
        raise MissingExtraError("train-rl", "rl", "trl") from None
    torch.manual_seed(cfg.seed)
    policy = _load(cfg, say)
    rows, too_long = _rows(train_qs, policy.tok, policy.chat, cfg.max_prompt_length)
    if not rows:
        raise ConfigError(f"every training prompt is longer than max_prompt_length={cfg.max_prompt_length}")
    trained = {r["id"] for r in rows}
    eval_sets = _eval_sets(cfg, held_qs, [q for q in train_qs if q.id in trained])
    metrics = MetricsLog(paths.metrics)
    resume = _last_checkpoint(paths)
    metrics.truncate_after(_checkpoint_step(resume) if resume else 0)
    started = time.time()
    evaluator = Evaluator(policy.model, policy.tok, eval_sets, ex, _eval_settings(cfg, policy), metrics, say)
    tally = RewardTally()
    callback = RunCallback(cfg, metrics, tally, evaluator, started, say)
    trainer = _trainer(paths, cfg, policy, rows, _reward_function(cfg, ex, tally), callback)
    evaluator.model = trainer.model
    if not metrics.has_eval(0):
        evaluator.run(0)
    say(
        f"training on {len(rows)} questions ({too_long} over max_prompt_length left out), "
        f"{len(held_qs)} held out" + (f"; resuming from {resume.name}" if resume else "")
    )
    trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    step = trainer.state.global_step
    if not metrics.has_eval(step):
        evaluator.run(step)
    _save_policy(trainer, policy, paths.policy, cfg.lora)
    from aceforge.rl.report import write_rl_report

    counts = {
        "train_questions": len(rows),
        "held_out": len(held_qs),
        "not_selected": not_selected,
        "prompts_over_max_length": too_long,
        "steps": step,
        "seconds": round(time.time() - started, 1),
    }
    return write_rl_report(paths, cfg, metrics.read(), counts=counts)


def _load(cfg: TrainRLConfig, say: Say) -> _Policy:
    """The policy, with its prompt form's stop tokens added for training."""
    say(f"policy: {cfg.policy}")
    model, tok = load_policy(resolve_policy(cfg.policy))
    chat = uses_chat(tok, cfg.prompt_format)
    stops = stop_token_ids(tok) if not chat else []
    original_eos = model.generation_config.eos_token_id
    model.generation_config.eos_token_id = _eos_list(original_eos, tok.eos_token_id) + stops
    return _Policy(model, tok, chat, stops, original_eos)


def _eval_settings(cfg: TrainRLConfig, policy: _Policy) -> EvalSettings:
    return EvalSettings(
        chat=policy.chat,
        max_new_tokens=cfg.max_completion_length,
        samples=cfg.eval_samples,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        stop_ids=tuple(policy.stops),
        timeout_s=cfg.reward_timeout_s,
        seed=cfg.seed,
    )


def _trainer(
    paths: RunPaths,
    cfg: TrainRLConfig,
    policy: _Policy,
    rows: list[dict[str, Any]],
    reward_fn: Callable[..., Any],
    callback: RunCallback,
) -> Any:
    """TRL's GRPOTrainer for `cfg`, printing through `callback` only."""
    try:
        import torch
        from datasets import Dataset
        from transformers import PrinterCallback
        from trl import GRPOConfig, GRPOTrainer
    except ImportError:
        raise MissingExtraError("train-rl", "rl", "trl") from None
    cuda = torch.cuda.is_available()
    bf16_ok = bool(cuda and torch.cuda.is_bf16_supported())
    trainer = GRPOTrainer(
        model=policy.model,
        args=GRPOConfig(**grpo_args(cfg, paths.checkpoints, cuda, bf16_ok)),
        reward_funcs=[reward_fn],
        train_dataset=Dataset.from_list(rows),
        processing_class=policy.tok,
        peft_config=_lora(cfg) if cfg.lora else None,
        callbacks=[callback],
    )
    trainer.remove_callback(PrinterCallback)  # RunCallback prints one line per step instead
    return trainer


def _eos_list(eos: Any, tok_eos: int | None) -> list[int]:
    ids = list(eos) if isinstance(eos, list | tuple) else ([eos] if eos is not None else [])
    if tok_eos is not None and tok_eos not in ids:
        ids.insert(0, tok_eos)
    return ids


def _rows(qs: list[Question], tok: Any, chat: bool, max_len: int) -> tuple[list[dict[str, Any]], int]:
    rows, too_long = [], 0
    for q in qs:
        prompt = q.prompt(chat)
        text = tok.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True) if chat else prompt
        if len(tok(text).input_ids) > max_len:
            too_long += 1
            continue
        rows.append(
            {
                "id": q.id,
                "prompt": prompt,
                "tests": q.label(),
                "entry_point": q.entry_point,
                "question": q.question,
            }
        )
    return rows, too_long


def _eval_sets(cfg: TrainRLConfig, held: list[Question], train: list[Question]) -> dict[str, list[Question]]:
    cap = cfg.eval_max_questions
    sets = {"held_out": held[:cap]} if held else {}
    if cfg.eval_train:
        sets["train"] = train[:cap]
    if cfg.eval_humaneval:
        sets["humaneval"] = humaneval_questions()[:cap]
    return sets


def _reward_function(cfg: TrainRLConfig, ex: Executor, tally: RewardTally) -> Callable[..., Any]:
    from aceforge.rewards.trl import trl_reward

    rm = None
    if cfg.reward in ("rm", "hybrid"):
        from aceforge.reward_model.scorer import RMScorer

        rm = RMScorer(str(cfg.rm))
    options = RewardOptions(kind=cfg.reward, timeout_s=cfg.reward_timeout_s, rm_weight=cfg.rm_weight)
    score = trl_reward(options, executor=ex, rm=rm, on_results=tally.add)

    @functools.wraps(score)  # TRL logs the reward under the function's name
    def reward(prompts: list[Any], completions: list[Any], **columns: Any) -> list[float | None]:
        rewards: list[float | None] = score(prompts, completions, **columns)
        tally.add_groups([str(i) for i in columns.get("id") or map(str, prompts)], rewards)
        return rewards

    return reward


def _lora(cfg: TrainRLConfig) -> Any:
    try:
        from peft import LoraConfig, TaskType
    except ImportError:
        raise MissingExtraError("LoRA training", "train", "peft") from None
    return LoraConfig(
        task_type=TaskType.CAUSAL_LM,
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=0.0,
        target_modules=cfg.lora_targets,
    )


def _save_policy(trainer: Any, policy: _Policy, out: Path, lora: bool) -> None:
    model = trainer.model
    if lora:
        model = model.merge_and_unload()
    model.generation_config.eos_token_id = policy.original_eos  # the stop tokens were for training only
    model.save_pretrained(out)
    policy.tok.save_pretrained(out)


def _last_checkpoint(paths: RunPaths) -> Path | None:
    found = [p for p in paths.checkpoints.glob("checkpoint-*") if (p / "trainer_state.json").exists()]
    return max(found, key=_checkpoint_step) if found else None


def _checkpoint_step(path: Path) -> int:
    return int(path.name.rsplit("-", 1)[1])

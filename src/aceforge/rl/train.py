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

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.artifacts import write_json
from aceforge.errors import ConfigError, MissingExtraError
from aceforge.execution.base import Executor
from aceforge.rewards.core import RewardOptions, RewardResult
from aceforge.rl.configs import RunPaths, TrainRLConfig
from aceforge.rl.data import (
    Question,
    humaneval_questions,
    read_questions,
    select_training,
    split_held_out,
)
from aceforge.rl.evaluate import EvalSettings, evaluate
from aceforge.rl.policy import load_policy, resolve_policy, stop_token_ids, uses_chat

Say = Callable[[str], None]


@dataclass
class RewardTally:
    """What the reward saw since the last log line: flags (no_code, timeout, ...) and how many
    completions passed every test. Emptied into each "train" metrics line."""

    flags: Counter[str] = field(default_factory=Counter)
    all_passed: int = 0
    scored: int = 0

    def add(self, results: list[RewardResult]) -> None:
        """Count one batch of reward results."""
        for r in results:
            self.scored += 1
            self.all_passed += bool(r.outcomes) and all(x == "passed" for x in r.outcomes)
            self.flags.update(r.flags or ["ran"])

    def drain(self) -> dict[str, Any]:
        """The counts since the last call, then start again from zero."""
        out = {"flags": dict(self.flags), "all_passed": self.all_passed, "scored": self.scored}
        self.flags, self.all_passed, self.scored = Counter(), 0, 0
        return out


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
        from datasets import Dataset
        from trl import GRPOConfig, GRPOTrainer
    except ImportError:
        raise MissingExtraError("train-rl", "rl", "trl") from None
    torch.manual_seed(cfg.seed)
    say(f"policy: {cfg.policy}")
    model_path = resolve_policy(cfg.policy)
    model, tok = load_policy(model_path)
    chat = uses_chat(tok, cfg.prompt_format)
    stops = stop_token_ids(tok) if not chat else []
    original_eos = model.generation_config.eos_token_id
    model.generation_config.eos_token_id = _eos_list(original_eos, tok.eos_token_id) + stops
    rows, too_long = _rows(train_qs, tok, chat, cfg.max_prompt_length)
    if not rows:
        raise ConfigError(f"every training prompt is longer than max_prompt_length={cfg.max_prompt_length}")
    trained = {r["id"] for r in rows}
    eval_sets = _eval_sets(cfg, held_qs, [q for q in train_qs if q.id in trained])
    settings = EvalSettings(
        chat=chat,
        max_new_tokens=cfg.max_completion_length,
        samples=cfg.eval_samples,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        stop_ids=tuple(stops),
        timeout_s=cfg.reward_timeout_s,
        seed=cfg.seed,
    )
    metrics = MetricsLog(paths.metrics)
    resume = _last_checkpoint(paths)
    metrics.truncate_after(_checkpoint_step(resume) if resume else 0)
    tally = RewardTally()
    reward_fn = _reward_function(cfg, ex, tally)
    bf16 = (
        cfg.bf16
        if cfg.bf16 is not None
        else bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    )
    args = GRPOConfig(
        output_dir=str(paths.checkpoints),
        max_steps=cfg.max_steps,
        num_train_epochs=10_000,  # max_steps decides
        learning_rate=cfg.learning_rate,
        lr_scheduler_type=cfg.lr_scheduler,
        beta=cfg.beta,
        num_generations=cfg.num_generations,
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        num_iterations=cfg.num_iterations,
        loss_type=cfg.loss_type,
        scale_rewards=cfg.scale_rewards,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        max_completion_length=cfg.max_completion_length,
        save_strategy="steps",
        save_steps=cfg.save_every,
        save_total_limit=cfg.keep_checkpoints,
        logging_steps=cfg.logging_steps,
        report_to=[],
        seed=cfg.seed,
        bf16=bf16,
        use_cpu=not torch.cuda.is_available(),
        use_vllm=cfg.use_vllm,
        vllm_mode="colocate",
        disable_tqdm=True,
        **_checkpointing(cfg),
    )
    started = time.time()
    evaluator = Evaluator(model, tok, eval_sets, ex, settings, metrics, say)
    trainer = GRPOTrainer(
        model=model,
        args=args,
        reward_funcs=[reward_fn],
        train_dataset=Dataset.from_list(rows),
        processing_class=tok,
        peft_config=_lora(cfg) if cfg.lora else None,
        callbacks=[RunCallback(cfg, metrics, tally, evaluator, started, say)],
    )
    evaluator.model = trainer.model
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # RunCallback prints one line per step instead
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
    _save_policy(trainer, tok, paths.policy, cfg.lora, original_eos)
    from aceforge.rl.report import write_rl_report

    summary = write_rl_report(
        paths,
        cfg,
        metrics.read(),
        counts={
            "train_questions": len(rows),
            "held_out": len(held_qs),
            "not_selected": not_selected,
            "prompts_over_max_length": too_long,
            "steps": step,
            "seconds": round(time.time() - started, 1),
        },
    )
    return summary


def _checkpointing(cfg: TrainRLConfig) -> dict[str, Any]:
    """Named only when on: transformers 5 warns about the old name even when it is False."""
    return {"gradient_checkpointing": True} if cfg.gradient_checkpointing else {}


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
    return trl_reward(options, executor=ex, rm=rm, on_results=tally.add)


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


def _save_policy(trainer: Any, tok: Any, out: Path, lora: bool, eos: Any) -> None:
    model = trainer.model
    if lora:
        model = model.merge_and_unload()
    model.generation_config.eos_token_id = eos  # the stop tokens were for training only
    model.save_pretrained(out)
    tok.save_pretrained(out)


def _last_checkpoint(paths: RunPaths) -> Path | None:
    found = [p for p in paths.checkpoints.glob("checkpoint-*") if (p / "trainer_state.json").exists()]
    return max(found, key=_checkpoint_step) if found else None


def _checkpoint_step(path: Path) -> int:
    return int(path.name.rsplit("-", 1)[1])


class MetricsLog:
    """``metrics.jsonl``: appended as the run goes; on resume, lines after the checkpoint's step
    are dropped, since those steps are trained again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[dict[str, Any]]:
        """Every record so far."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def append(self, record: dict[str, Any]) -> None:
        """Add one record (a line of JSON)."""
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def truncate_after(self, step: int) -> None:
        """Keep only the records of steps up to `step`."""
        keep = [r for r in self.read() if r["step"] <= step]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("".join(json.dumps(r) + "\n" for r in keep))

    def has_eval(self, step: int) -> bool:
        """Whether an evaluation at `step` is already recorded."""
        return any(r["kind"] == "eval" and r["step"] == step for r in self.read())


class Evaluator:
    """Held-out pass@1 of the model being trained, on each eval set, into `metrics.jsonl`."""

    def __init__(
        self,
        model: Any,
        tok: Any,
        sets: dict[str, list[Question]],
        ex: Executor,
        settings: EvalSettings,
        metrics: MetricsLog,
        say: Say,
    ) -> None:
        self.model, self.tok, self.sets, self.ex = model, tok, sets, ex
        self.settings, self.metrics, self.say = settings, metrics, say

    def run(self, step: int) -> None:
        """Evaluate every set at `step` and log the results."""
        for name, qs in self.sets.items():
            t = time.time()
            result = evaluate(self.model, self.tok, qs, self.ex, self.settings)
            self.metrics.append(
                {"kind": "eval", "step": step, "set": name, **result, "seconds": round(time.time() - t, 1)}
            )
            g, s = result["greedy"], result["sampled"]
            self.say(
                f"step {step} {name} ({g['questions']} questions): pass@1 greedy {_ci(g)}, sampled {_ci(s)}"
            )


def _ci(r: dict[str, Any]) -> str:
    return f"{r['pass@1']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"


def _callback_base() -> type:
    from transformers import TrainerCallback

    return TrainerCallback


class RunCallback(_callback_base()):  # type: ignore[misc]
    """metrics.jsonl lines, evaluations every ``eval_every`` steps, and the time budget."""

    def __init__(
        self,
        cfg: TrainRLConfig,
        metrics: MetricsLog,
        tally: RewardTally,
        evaluator: Evaluator,
        started: float,
        say: Say,
    ) -> None:
        self.cfg, self.metrics, self.tally, self.evaluator = cfg, metrics, tally, evaluator
        self.started, self.say = started, say

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        """Write a "train" line for each step TRL logs."""
        if not logs or "reward" not in logs:
            return
        record = {"kind": "train", "step": state.global_step, **_numbers(logs), **self.tally.drain()}
        self.metrics.append(record)
        self.say(
            f"step {state.global_step}/{state.max_steps}: reward {logs['reward']:.3f}, "
            f"{record['all_passed']}/{record['scored']} completions passed every test"
        )

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> Any:
        """Evaluate every `eval_every` steps; stop (with a checkpoint) when the time budget is spent."""
        step = state.global_step
        every = self.cfg.eval_every
        if every and step % every == 0 and step < state.max_steps:
            self.evaluator.run(step)
        budget = self.cfg.time_budget_s
        if budget is not None and time.time() - self.started >= budget:
            self.say(f"time budget of {budget:.0f} s reached at step {step}: saving and stopping")
            control.should_save = True
            control.should_training_stop = True
        return control


def _numbers(logs: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in logs.items() if isinstance(v, int | float)}

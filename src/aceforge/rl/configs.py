"""``train-rl`` settings. Defaults are the paper's RL run where TRL has the same knob:

    paper (OpenRLHF REINFORCE++)          here (TRL GRPOTrainer)
    8 samples per question                num_generations = 8
    lr 5e-7, 1 episode, 80 steps          learning_rate = 5e-7, num_iterations = 1, max_steps = 80
    KL coefficient 0.01                   beta = 0.01 (TRL's KL term in the loss)
    rule reward: 1 iff all tests pass     reward = "binary"
    REINFORCE++ global normalisation      scale_rewards = "batch" (advantages: group mean removed,
                                          then scaled by the batch's std — REINFORCE++-baseline)
    rollout 256 prompts / train batch 128 batch_size (completions per step) = 16 on one device;
                                          raise it (and grad_accum) on real hardware
The loss aggregation is TRL's ``loss_type`` (default ``dapo``: token-level, no length bias).
``configs/rl_quickstart.yaml`` changes what a 270M model on 2 CPU cores needs, and says why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError
from aceforge.rewards.core import KINDS
from aceforge.settings import build, raise_problems, read_yaml

EMBEDDED_POLICY = "embedded"  # the Gemma 3 270M base GGUF, converted once for transformers
LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo", "cispo", "sapo")
SCALE_REWARDS = ("group", "batch", "none")
PROMPT_FORMATS = ("auto", "completion", "chat")
PATH_KEYS = ("data", "output")  # a config file's run paths, beside its settings


@dataclass(frozen=True)
class TrainRLConfig:
    """`train-rl` settings; see the module docstring for how the paper's map onto TRL's."""

    policy: str = field(
        default=EMBEDDED_POLICY,
        metadata={"help": "'embedded' (Gemma 3 270M base, offline), a hub id or a folder."},
    )
    reward: str = field(default="binary", metadata={"help": "binary | pass_rate | weighted | rm | hybrid."})
    rm: str | None = field(
        default=None, metadata={"help": "Reward-model checkpoint (for --reward rm/hybrid)."}
    )
    rm_weight: float = field(
        default=0.5, metadata={"help": "hybrid: binary + rm_weight * sigmoid(rm score)."}
    )
    reward_timeout_s: float = field(default=1.0, metadata={"help": "Per-test timeout of the reward."})
    prompt_format: str = field(
        default="auto",
        metadata={"help": "auto (chat when the tokenizer has a chat template) | completion | chat."},
    )
    # optimisation (the paper's values; see the module docstring)
    learning_rate: float = field(default=5e-7, metadata={"help": "Paper: 5e-7 (7B, full fine-tune)."})
    lr_scheduler: str = field(
        default="linear", metadata={"help": "TRL's default; 'constant' keeps short runs at the set rate."}
    )
    beta: float = field(default=0.01, metadata={"help": "KL coefficient (paper: 0.01)."})
    num_generations: int = field(default=8, metadata={"help": "Samples per question (paper: 8)."})
    batch_size: int = field(
        default=16, metadata={"help": "Completions per optimizer step (a multiple of num_generations)."}
    )
    grad_accum: int = 1
    max_steps: int = field(default=80, metadata={"help": "Optimizer steps (paper: 80)."})
    num_iterations: int = field(
        default=1, metadata={"help": "Optimizer passes over each batch of completions."}
    )
    loss_type: str = field(
        default="dapo",
        metadata={"help": "TRL's loss aggregation: grpo | dr_grpo | dapo | bnpo | cispo | sapo."},
    )
    scale_rewards: str = field(
        default="batch", metadata={"help": "Advantage scaling: group | batch (REINFORCE++-like) | none."}
    )
    temperature: float = 1.0
    top_p: float = 1.0
    max_prompt_length: int = field(
        default=512, metadata={"help": "Longer training prompts are left out (tokens)."}
    )
    max_completion_length: int = field(default=256, metadata={"help": "Tokens per completion."})
    lora: bool = field(
        default=False, metadata={"help": "Train LoRA adapters (merged into the saved policy)."}
    )
    lora_r: int = 16
    lora_alpha: int = 32
    lora_targets: str = field(
        default="all-linear",
        metadata={"help": "PEFT target_modules (all-linear: every linear layer of the blocks)."},
    )
    bf16: bool | None = field(
        default=None, metadata={"help": "bf16 training [default: when the GPU supports it]."}
    )
    use_vllm: bool = field(default=False, metadata={"help": "TRL's colocated vLLM generation (GPU)."})
    gradient_checkpointing: bool = False
    # held-out evaluation
    eval_fraction: float = field(
        default=0.2, metadata={"help": "Share of DATA held out (by a hash of id; never trained on)."}
    )
    eval_every: int = field(
        default=20, metadata={"help": "Evaluate every N steps (0: only before and after)."}
    )
    eval_samples: int = field(
        default=4, metadata={"help": "Sampled pass@1 uses this many samples per question (plus greedy)."}
    )
    eval_max_questions: int | None = field(
        default=None, metadata={"help": "At most this many questions per eval set."}
    )
    eval_humaneval: bool = False
    eval_train: bool = field(default=False, metadata={"help": "Also evaluate on the training questions."})
    # which training questions (after the held-out split, so it never changes that)
    train_pass_rate: list[float] | None = field(
        default=None,
        metadata={"help": "Train on rows whose mean_pass_rate is in [low, high] (give it twice)."},
    )
    train_questions: int | None = field(
        default=None,
        metadata={"help": "Train on at most this many questions (chosen by a hash of id and seed)."},
    )
    # run control
    save_every: int = field(
        default=10, metadata={"help": "Checkpoint every N steps (resume restarts from the last one)."}
    )
    keep_checkpoints: int = field(default=2, metadata={"help": "Checkpoints kept."})
    time_budget_s: float | None = field(
        default=None,
        metadata={"help": "Seconds; stop cleanly (with a checkpoint) after.", "flags": ("--time-budget",)},
    )
    logging_steps: int = 1
    seed: int = 0

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        checks = [
            (self.reward in KINDS, f"reward must be one of {', '.join(KINDS)}, got {self.reward!r}"),
            (self.reward not in ("rm", "hybrid") or bool(self.rm), f"reward {self.reward!r} needs rm: DIR"),
            (self.loss_type in LOSS_TYPES, f"loss_type must be one of {', '.join(LOSS_TYPES)}"),
            (self.scale_rewards in SCALE_REWARDS, f"scale_rewards must be one of {', '.join(SCALE_REWARDS)}"),
            (
                self.prompt_format in PROMPT_FORMATS,
                f"prompt_format must be one of {', '.join(PROMPT_FORMATS)}",
            ),
            (self.num_generations >= 2, "num_generations must be at least 2 (advantages need a group)"),
            (
                self.batch_size % self.num_generations == 0,
                f"batch_size ({self.batch_size}) must be a multiple of num_generations "
                f"({self.num_generations})",
            ),
            (self.max_steps > 0, "max_steps must be positive"),
            (self.learning_rate > 0, "learning_rate must be positive"),
            (0 <= self.eval_fraction < 1, "eval_fraction must be in [0, 1)"),
            (self.eval_every >= 0 and self.eval_samples >= 1, "eval_every >= 0 and eval_samples >= 1"),
            (self.save_every > 0, "save_every must be positive"),
            (self.reward_timeout_s > 0, "reward_timeout_s must be positive"),
            (_range_ok(self.train_pass_rate), "train_pass_rate must be [low, high], 0 <= low <= high <= 1"),
            (self.train_questions is None or self.train_questions > 0, "train_questions must be positive"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(f"train-rl: {message}")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain data (what `config.json` holds)."""
        return dataclasses.asdict(self)


# TrainRLConfig field → TRL GRPOConfig argument, for the settings that pass through as they are.
GRPO_ARGS = {
    "max_steps": "max_steps",
    "learning_rate": "learning_rate",
    "lr_scheduler": "lr_scheduler_type",
    "beta": "beta",
    "num_generations": "num_generations",
    "batch_size": "per_device_train_batch_size",
    "grad_accum": "gradient_accumulation_steps",
    "num_iterations": "num_iterations",
    "loss_type": "loss_type",
    "scale_rewards": "scale_rewards",
    "temperature": "temperature",
    "top_p": "top_p",
    "max_completion_length": "max_completion_length",
    "save_every": "save_steps",
    "keep_checkpoints": "save_total_limit",
    "logging_steps": "logging_steps",
    "seed": "seed",
    "use_vllm": "use_vllm",
}
GRPO_FIXED: dict[str, Any] = {
    "num_train_epochs": 10_000,  # max_steps decides
    "save_strategy": "steps",
    "report_to": [],
    "vllm_mode": "colocate",
    "disable_tqdm": True,  # RunCallback prints one line per step instead
}


def grpo_args(cfg: TrainRLConfig, output_dir: Path, cuda: bool, bf16_supported: bool) -> dict[str, Any]:
    """TRL ``GRPOConfig`` keyword arguments for `cfg` on this machine."""
    args = {arg: getattr(cfg, name) for name, arg in GRPO_ARGS.items()}
    args.update(GRPO_FIXED, output_dir=str(output_dir), use_cpu=not cuda)
    args["bf16"] = cfg.bf16 if cfg.bf16 is not None else bf16_supported
    if cfg.gradient_checkpointing:  # named only when on: transformers 5 warns about the old name
        args["gradient_checkpointing"] = True
    return args


def _range_ok(r: Any) -> bool:
    if r is None:
        return True
    if not isinstance(r, list | tuple) or len(r) != 2:
        return False
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in r):
        return False
    return 0 <= r[0] <= r[1] <= 1


def load_rl_config(path: str | Path | None, **overrides: Any) -> TrainRLConfig:
    """A YAML file's ``train_rl:`` section (or the whole file), then command-line overrides (None:
    not given); every problem is reported with its key path, as ``aceforge run`` does."""
    errors: list[str] = []
    cfg = TrainRLConfig()
    if path is not None:
        section, where = _yaml_section(Path(path))
        cfg = build(TrainRLConfig, section, where, errors)
    given = {k: v for k, v in overrides.items() if v is not None}
    cfg = build(TrainRLConfig, given, "", errors, base=cfg)
    raise_problems(str(path) if path is not None else "train-rl", errors)
    cfg.validate()
    return cfg


def _yaml_section(path: Path) -> tuple[dict[str, Any], str]:
    """The settings in a config file and their key path: ``train_rl:``, or the whole file."""
    doc = read_yaml(path)
    if "train_rl" not in doc:
        return {k: v for k, v in doc.items() if k not in PATH_KEYS}, ""
    return doc["train_rl"], "train_rl"


def yaml_paths(path: str | Path | None) -> dict[str, str]:
    """``data:`` and ``output:`` from a config file, when it names them."""
    if path is None:
        return {}
    doc = read_yaml(path)
    return {k: str(doc[k]) for k in PATH_KEYS if doc.get(k)}


@dataclass
class RunPaths:
    """Where a `train-rl` run keeps its files."""

    root: Path
    checkpoints: Path = field(init=False)
    policy: Path = field(init=False)
    metrics: Path = field(init=False)

    def __post_init__(self) -> None:
        self.checkpoints = self.root / "checkpoints"
        self.policy = self.root / "policy"
        self.metrics = self.root / "metrics.jsonl"

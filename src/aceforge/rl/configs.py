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

EMBEDDED_POLICY = "embedded"  # the Gemma 3 270M base GGUF, converted once for transformers
LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo", "cispo", "sapo")
SCALE_REWARDS = ("group", "batch", "none")
PROMPT_FORMATS = ("auto", "completion", "chat")


@dataclass(frozen=True)
class TrainRLConfig:
    """`train-rl` settings; see the module docstring for how the paper's map onto TRL's."""

    policy: str = EMBEDDED_POLICY  # "embedded", a hub id or a local folder (any HF causal LM)
    reward: str = "binary"  # binary | pass_rate | weighted | rm | hybrid
    rm: str | None = None  # reward-model checkpoint for rm / hybrid
    rm_weight: float = 0.5  # hybrid: binary + rm_weight * sigmoid(rm score)
    reward_timeout_s: float = 1.0  # per test
    prompt_format: str = "auto"  # auto: chat when the tokenizer has a chat template
    # optimisation (the paper's values; see the module docstring)
    learning_rate: float = 5e-7
    lr_scheduler: str = "linear"  # TRL's default; "constant" keeps short runs at the set rate
    beta: float = 0.01
    num_generations: int = 8
    batch_size: int = 16  # completions per optimizer step (a multiple of num_generations)
    grad_accum: int = 1
    max_steps: int = 80
    num_iterations: int = 1
    loss_type: str = "dapo"
    scale_rewards: str = "batch"
    temperature: float = 1.0
    top_p: float = 1.0
    max_prompt_length: int = 512
    max_completion_length: int = 256
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_targets: str = "all-linear"  # PEFT target_modules: every linear layer of the blocks
    bf16: bool | None = None  # None: on when the GPU supports it
    use_vllm: bool = False  # TRL's colocated vLLM generation (GPU)
    gradient_checkpointing: bool = False
    # held-out evaluation
    eval_fraction: float = 0.2  # share of DATA held out (by a hash of id; never trained on)
    eval_every: int = 20  # steps; 0: only before and after
    eval_samples: int = 4  # sampled pass@1 uses this many samples per question (plus greedy)
    eval_max_questions: int | None = None  # cap per eval set (None: all)
    eval_humaneval: bool = False
    eval_train: bool = False  # also the training questions: did the policy learn what it was rewarded for?
    # which training questions (after the held-out split, so it never changes that)
    train_pass_rate: list[float] | None = None  # [low, high] of the rows' mean_pass_rate (score/hard)
    train_questions: int | None = None  # at most this many (chosen by a hash of id and seed)
    # run control
    save_every: int = 10  # checkpoint every N steps (resume restarts from the last one)
    keep_checkpoints: int = 2
    time_budget_s: float | None = None  # stop cleanly (and save) after this long
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


def _range_ok(r: Any) -> bool:
    if r is None:
        return True
    if not isinstance(r, list | tuple) or len(r) != 2:
        return False
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in r):
        return False
    return 0 <= r[0] <= r[1] <= 1


def load_rl_config(path: str | Path | None, **overrides: Any) -> TrainRLConfig:
    """A YAML file's ``train_rl:`` section (or the whole file), then command-line overrides."""
    values: dict[str, Any] = {}
    if path is not None:
        values = _yaml_section(Path(path))
    values.update({k: v for k, v in overrides.items() if v is not None})
    names = {f.name for f in dataclasses.fields(TrainRLConfig)}
    unknown = sorted(set(values) - names)
    if unknown:
        where = f"{path}: " if path else ""
        raise ConfigError(f"{where}unknown train-rl setting(s) {unknown}; known: {sorted(names)}")
    cfg = TrainRLConfig(**values)
    cfg.validate()
    return cfg


def _yaml_section(path: Path) -> dict[str, Any]:
    import yaml

    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    section = doc.get("train_rl", doc)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: train_rl must be a mapping")
    return {k: v for k, v in section.items() if k not in ("data", "output")}


def yaml_paths(path: str | Path | None) -> dict[str, str]:
    """``data:`` and ``output:`` from a config file, when it names them."""
    if path is None:
        return {}
    import yaml

    doc = yaml.safe_load(Path(path).read_text()) or {}
    return {k: str(doc[k]) for k in ("data", "output") if isinstance(doc, dict) and doc.get(k)}


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

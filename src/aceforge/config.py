"""The run configuration (`aceforge run CONFIG`): one YAML file, validated whole by
``aceforge.settings`` (every problem reported with the file and the key path). A leaf above the
settings modules: it imports the stages' settings, never their logic."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError
from aceforge.evaluation.configs import BonConfig
from aceforge.generation import ClientConfig
from aceforge.reward_model.configs import TrainRMConfig
from aceforge.rl.configs import TrainRLConfig
from aceforge.settings import build, raise_problems, read_yaml
from aceforge.synthesis.configs import (
    FilterConfig,
    HardConfig,
    PairsConfig,
    SampleConfig,
    ScoreConfig,
    SynthConfig,
)

STAGES = ("synth", "filter", "sample", "score", "pairs", "hard", "rm", "bon", "rl")
DATA_STAGES = STAGES[:6]  # always run; the method's last stages run when the config names them
OPTIONAL_STAGES = ("rm", "bon", "rl")


@dataclass(frozen=True)
class SeedsConfig:
    """Where the seed code comes from (``synth``'s first input)."""

    source: str = field(
        default="stdlib",
        metadata={"help": "stdlib | hf:OWNER/NAME[:split] | a .jsonl/.parquet file.", "flags": ("--seeds",)},
    )
    limit: int | None = field(default=20, metadata={"help": "Use the first N seeds."})
    fields: dict[str, str] | None = field(
        default=None,
        metadata={
            "help": "Seed field mapping, e.g. --field program=code (repeatable).",
            "flags": ("--field",),
        },
    )


@dataclass(frozen=True)
class EngineConfig:
    """The execution engine: how many workers, on this machine or a Ray cluster."""

    workers: int = field(default=0, metadata={"help": "Engine workers (default: CPU count)."})
    executor: str = field(
        default="local",
        metadata={"help": "local | ray (a Ray cluster, see --ray-address).", "flags": ("--executor",)},
    )
    ray_address: str | None = field(
        default=None, metadata={"help": "Ray cluster address for --executor ray."}
    )


@dataclass(frozen=True)
class ModelsConfig:
    teacher: ClientConfig = field(default_factory=ClientConfig)
    proxy: ClientConfig = field(default_factory=ClientConfig)
    policy: tuple[ClientConfig, ...] = (ClientConfig(),)


@dataclass(frozen=True)
class RunConfig:
    """Everything `aceforge run` needs, from one YAML file (`load_run_config`): the run folder,
    seeds, models, engine, one settings object per stage, and the optional rm/bon/rl stages.
    """

    run_dir: str = "runs/quickstart"
    cache_dir: str | None = None  # default: RUN_DIR/cache (LLM answers and executions)
    seeds: SeedsConfig = field(default_factory=SeedsConfig)
    models: ModelsConfig = field(default_factory=ModelsConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    synth: SynthConfig = field(default_factory=SynthConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    sample: SampleConfig = field(default_factory=SampleConfig)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    pairs: PairsConfig = field(default_factory=PairsConfig)
    hard: HardConfig = field(default_factory=HardConfig)
    rm: TrainRMConfig | None = None  # `rm: {}` trains a reward model on the run's pairs
    bon: BonConfig | None = None  # `bon: {}` ranks held-out samples with it (needs rm)
    rl: TrainRLConfig | None = None  # `rl: {...}` runs train-rl on the hard subset

    def enabled(self, stage: str) -> bool:
        """Whether `stage` runs: the data stages always, rm/bon/rl when the config names them."""
        return stage not in OPTIONAL_STAGES or getattr(self, stage) is not None

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain data (what `config.json` holds)."""
        return dataclasses.asdict(self)


def load_run_config(path: str | Path) -> RunConfig:
    """Read and validate a run config; every problem is reported at once, with its key path
    (and a "did you mean" for misspelled keys), as one `ConfigError`.
    """
    errors: list[str] = []
    cfg = build(RunConfig, read_yaml(path), "", errors)
    if cfg.bon is not None and cfg.rm is None:
        errors.append("bon: needs the rm stage (add `rm: {}`): it ranks samples with the run's reward model")
    for name in STAGES:
        if getattr(cfg, name) is None:
            continue
        try:
            getattr(cfg, name).validate()
        except ConfigError as e:
            errors.append(f"{name}: {e}")
    raise_problems(str(path), errors)
    return cfg

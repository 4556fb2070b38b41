"""The run configuration (`aceforge run CONFIG`): one YAML file, validated whole, every problem
reported with the file and the key path (and a "did you mean" for misspelled keys)."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError
from aceforge.generation import ClientConfig
from aceforge.method import BonStageConfig, RMStageConfig
from aceforge.rl.configs import TrainRLConfig
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
    source: str = "stdlib"  # stdlib | hf:OWNER/NAME[:split] | path to .jsonl/.parquet
    limit: int | None = 20
    fields: dict[str, str] | None = None


@dataclass(frozen=True)
class EngineConfig:
    workers: int = 0  # 0: one per CPU (per node with Ray)
    executor: str = "local"  # local | ray
    ray_address: str | None = None


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
    rm: RMStageConfig | None = None  # `rm: {}` trains a reward model on the run's pairs
    bon: BonStageConfig | None = None  # `bon: {}` ranks held-out samples with it (needs rm)
    rl: TrainRLConfig | None = None  # `rl: {...}` runs train-rl on the hard subset

    def enabled(self, stage: str) -> bool:
        """Whether `stage` runs: the data stages always, rm/bon/rl when the config names them."""
        return stage not in OPTIONAL_STAGES or getattr(self, stage) is not None

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain data (what `config.json` holds)."""
        return dataclasses.asdict(self)


_OPTIONAL_SECTIONS: dict[str, type] = {"rm": RMStageConfig, "bon": BonStageConfig, "rl": TrainRLConfig}


def load_run_config(path: str | Path) -> RunConfig:
    """Read and validate a run config; every problem is reported at once, with its key path
    (and a "did you mean" for misspelled keys), as one `ConfigError`.
    """
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is a core dependency
        raise ConfigError("reading run configs needs pyyaml") from None
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: config file not found")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{p}: invalid YAML: {e}") from None
    errors: list[str] = []
    cfg = _build(RunConfig, data, "", errors)
    if cfg.bon is not None and cfg.rm is None:
        errors.append("bon: needs the rm stage (add `rm: {}`): it ranks samples with the run's reward model")
    for name in STAGES:
        if getattr(cfg, name) is None:
            continue
        try:
            getattr(cfg, name).validate()
        except ConfigError as e:
            errors.append(f"{name}: {e}")
    if errors:
        raise ConfigError(f"{p}: {len(errors)} problem(s):\n  " + "\n  ".join(errors))
    return cfg


def _build(cls: type, data: Any, where: str, errors: list[str]) -> Any:
    if not isinstance(data, dict):
        errors.append(f"{where or 'top level'}: must be a mapping, got {type(data).__name__}")
        return cls()
    fields = {f.name: f for f in dataclasses.fields(cls)}
    defaults = cls()
    values: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1)
            errors.append(f"{path}: unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))
            continue
        values[key] = _value(getattr(defaults, key), value, path, errors)
    return dataclasses.replace(defaults, **values)


def _value(default: Any, value: Any, path: str, errors: list[str]) -> Any:
    if path in _OPTIONAL_SECTIONS:  # named at all: on, with these settings over the defaults
        if value is False:
            return None
        return _build(_OPTIONAL_SECTIONS[path], {} if value in (None, True) else value, path, errors)
    if dataclasses.is_dataclass(default):
        return _build(type(default), value, path, errors)
    if isinstance(default, tuple) and default and dataclasses.is_dataclass(default[0]):
        items = value if isinstance(value, list) else [value]
        return tuple(_build(type(default[0]), v, f"{path}[{i}]", errors) for i, v in enumerate(items))
    if value is None or default is None:
        return value
    kind = type(default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is tuple and isinstance(value, list):
        return tuple(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        errors.append(f"{path}: must be {kind.__name__}, got {type(value).__name__} {value!r}")
        return default
    return value

"""How settings work, in one place: every command's and every stage's settings are a frozen
dataclass, and this module turns plain data (a YAML file, a section of one, command-line values)
into one, checking every key against the field's type.

The settings classes:

    config.py                 RunConfig (``aceforge run``): SeedsConfig, ModelsConfig, EngineConfig and
                              one section per stage
    synthesis/configs.py      SynthConfig, FilterConfig, SampleConfig, ScoreConfig, PairsConfig, HardConfig
    reward_model/configs.py   TrainRMConfig (``train-rm`` and the run's ``rm`` stage)
    evaluation/configs.py     AuditConfig, BonConfig (``bon`` and the run's ``bon`` stage), BonSampleConfig
    rl/configs.py             TrainRLConfig (``train-rl`` and the run's ``rl`` stage)
    generation/__init__.py    ClientConfig (which model answers)
    rewards/core.py           RewardOptions; server.py: ServeSettings; types.py: Limits (the engine's)

A field's command-line help lives in its metadata, ``field(default=..., metadata={"help": ...})``,
with ``"flags": ("-n", "--n")`` where the option is not spelled ``--field-name``;
``aceforge.cli.options.with_settings`` makes the options from the fields, so each setting (its
name, type, default and help) is declared once.

`build` reports every problem with its key path (``pairs.gapp: unknown key (did you mean
'gap'?)``, ``rl.learning_rate: must be float, got str 'abc'``). Types are checked, not guessed,
with two exceptions: an int is taken for a float, and a string that reads as a decimal number
is taken for a float (PyYAML reads ``1e-4``, without a dot, as a string).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def load(cls: type, data: Any, source: str = "") -> Any:
    """`cls` built from `data`, or one `ConfigError` listing every problem (prefixed by `source`)."""
    errors: list[str] = []
    cfg = build(cls, data, "", errors)
    raise_problems(source, errors)
    return cfg


def raise_problems(source: str, errors: list[str]) -> None:
    """Raise one `ConfigError` naming `source` and every problem, when there are any."""
    if errors:
        where = f"{source}: " if source else ""
        raise ConfigError(f"{where}{len(errors)} problem(s):\n  " + "\n  ".join(errors))


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML file's top-level mapping (empty file: ``{}``); a `ConfigError` naming the file else."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: config file not found")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{p}: invalid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: top level: must be a mapping, got {type(data).__name__}")
    return data


def build(cls: type, data: Any, where: str, errors: list[str], base: Any = None) -> Any:
    """`cls` (or `base`, when given) with the values in the mapping `data` over its defaults;
    problems are appended to `errors` with their key path under `where`."""
    defaults = cls() if base is None else base
    if not isinstance(data, dict):
        errors.append(f"{where or 'top level'}: must be a mapping, got {type(data).__name__}")
        return defaults
    hints = field_types(cls)
    values: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in hints:
            close = difflib.get_close_matches(str(key), list(hints), n=1)
            errors.append(f"{path}: unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))
            continue
        values[key] = coerce(hints[key], value, path, errors, getattr(defaults, key))
    return dataclasses.replace(defaults, **values)


@functools.cache  # classes do not change; the CLI asks for some a dozen times at import
def field_types(cls: type) -> dict[str, Any]:
    """Each init field of the dataclass `cls` and its type (string annotations resolved)."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


def coerce(kind: Any, value: Any, path: str, errors: list[str], default: Any = None) -> Any:
    """`value` checked against the type `kind`; on a problem, it is noted and `default` returned."""
    if kind is Any:
        return value
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if _is_union(kind):
        if len(args) == 1 and dataclasses.is_dataclass(args[0]):
            return _section(args[0], value, path, errors)  # type: ignore[arg-type]
        if value is None:
            return None
        return coerce(args[0] if len(args) == 1 else Any, value, path, errors, default)
    if dataclasses.is_dataclass(kind):
        return build(kind, value, path, errors)  # type: ignore[arg-type]
    origin = typing.get_origin(kind)
    if origin in (tuple, list):
        return _sequence(origin, args, value, path, errors, default)
    if origin is dict:
        return _mapping(args, value, path, errors, default)
    return _scalar(kind, value, path, errors, default)


def _is_union(kind: Any) -> bool:
    return typing.get_origin(kind) in (typing.Union, types.UnionType)


def _section(cls: type, value: Any, path: str, errors: list[str]) -> Any:
    """An optional section (``rm:``, ``rl:``): named at all (even empty), it is on; `false` is off."""
    if value is False:
        return None
    return build(cls, {} if value is None or value is True else value, path, errors)


def _sequence(origin: type, args: list[Any], value: Any, path: str, errors: list[str], default: Any) -> Any:
    item = args[0] if args else Any
    if dataclasses.is_dataclass(item) and isinstance(value, dict):
        value = [value]  # one section where a list of them is expected
    if not isinstance(value, list | tuple):
        errors.append(f"{path}: must be a list, got {type(value).__name__} {value!r}")
        return default
    if origin is tuple and len(args) > 1 and args[1] is not Ellipsis:
        if len(value) != len(args):
            errors.append(f"{path}: must have {len(args)} items, got {len(value)}")
            return default
        return tuple(
            coerce(a, v, f"{path}[{i}]", errors) for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    items = [coerce(item, v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
    return tuple(items) if origin is tuple else items


def _mapping(args: list[Any], value: Any, path: str, errors: list[str], default: Any) -> Any:
    if not isinstance(value, dict):
        errors.append(f"{path}: must be a mapping, got {type(value).__name__} {value!r}")
        return default
    key_type, value_type = args if len(args) == 2 else (Any, Any)
    return {
        coerce(key_type, k, f"{path}.{k}", errors): coerce(value_type, v, f"{path}.{k}", errors)
        for k, v in value.items()
    }


def _scalar(kind: Any, value: Any, path: str, errors: list[str], default: Any) -> Any:
    if kind is float and isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is Path and isinstance(value, str):
        return Path(value)
    if not isinstance(kind, type):
        return value  # a Literal, a TypeVar…: not ours to check
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        errors.append(f"{path}: must be {kind.__name__}, got {type(value).__name__} {value!r}")
        return default
    return value

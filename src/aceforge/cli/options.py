"""Command-line options made from the settings dataclasses, so each setting is declared once.

``@with_settings(SampleConfig, "cfg")`` adds one option per field of ``SampleConfig`` to the
command (``--max-tokens`` for ``max_tokens``; the field's default; the help in the field's
``metadata={"help": ...}``; ``metadata={"flags": ("-n", "--n")}`` for other spellings) and
hands the command ``cfg: SampleConfig`` built from them. ``@with_client_options()`` does this
for ``ClientConfig``, ``@with_engine_options()`` for the engine (workers, executor, Ray).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from aceforge.config import EngineConfig
from aceforge.errors import ConfigError
from aceforge.generation import ClientConfig
from aceforge.settings import field_types

Command = Callable[..., Any]
CacheOpt = Annotated[Path | None, typer.Option(help="Response cache file [default: ~/.cache/aceforge/…].")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")]


@dataclasses.dataclass(frozen=True)
class _Option:
    name: str
    annotation: Any
    default: Any
    convert: Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class _Setting:
    name: str
    kind: Any
    default: Any
    metadata: Any


_REQUIRED = object()


def with_settings(
    target: Any,
    param: str,
    *,
    only: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] = (),
    help: dict[str, str] | None = None,
    flags: dict[str, tuple[str, ...]] | None = None,
    overrides: bool = False,
    as_dict: bool = False,
) -> Callable[[Command], Command]:
    """Decorate a command taking ``param``: the fields of the dataclass `target` (or the
    parameters of the function `target`), those in `only` less `exclude`, become options, and
    the command receives the dataclass built from them (a dict of them: with `as_dict`, or for
    a function). `help` and `flags` stand in for metadata the target's own module does not
    keep. With `overrides`, every option defaults to None (the setting's default is shown) and
    the command receives a dict of only the options given, to lay over a config file's values.
    """
    settings = _settings(target, only, exclude)
    options = [
        _option(target, s, (help or {}).get(s.name), (flags or {}).get(s.name), overrides) for s in settings
    ]
    whole = dataclasses.is_dataclass(target) and not as_dict and not overrides

    def make(kwargs: dict[str, Any]) -> Any:
        values = {o.name: o.convert(kwargs.pop(o.name)) for o in options}
        if overrides:
            return {k: v for k, v in values.items() if v is not None}
        return target(**values) if whole else values

    return _decorator(param, options, make)


def with_client_options(exclude: tuple[str, ...] = ()) -> Callable[[Command], Command]:
    """Decorate a command taking ``client: ClientConfig``; `exclude` names options the command
    declares itself (e.g. ``model`` as a repeatable list): `client` holds their default."""
    return with_settings(ClientConfig, "client", exclude=("n_ctx", *exclude))


def with_engine_options(only: tuple[str, ...] | None = None) -> Callable[[Command], Command]:
    """Decorate a command taking ``engine: EngineConfig`` (workers, executor, Ray address)."""
    return with_settings(EngineConfig, "engine", only=only)


def _decorator(param: str, options: list[_Option], make: Callable[[dict[str, Any]], Any]) -> Any:
    def decorate(fn: Command) -> Command:
        own = [p for p in inspect.signature(fn, eval_str=True).parameters.values() if p.name != param]
        clash = {p.name for p in own} & {o.name for o in options}
        if clash:
            raise TypeError(f"{fn.__name__}: options {sorted(clash)} are declared twice")
        kw = inspect.Parameter.KEYWORD_ONLY
        added = [inspect.Parameter(o.name, kw, default=o.default, annotation=o.annotation) for o in options]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            built = make(kwargs)
            return fn(**{param: built}, **kwargs)

        params = own + added
        command.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer must read the new signature, not the wrapped one
        return command

    return decorate


def _settings(target: Any, only: tuple[str, ...] | None, exclude: tuple[str, ...]) -> list[_Setting]:
    """The settings of a dataclass (its init fields) or a function (its parameters), in order."""
    if dataclasses.is_dataclass(target):
        kinds = field_types(target)  # type: ignore[arg-type]
        found = [
            _Setting(f.name, kinds[f.name], _field_default(f), f.metadata)
            for f in dataclasses.fields(target)
            if f.init
        ]
    else:
        found = [
            _Setting(p.name, p.annotation, _REQUIRED if p.default is p.empty else p.default, {})
            for p in inspect.signature(target, eval_str=True).parameters.values()
        ]
    names = {s.name for s in found}
    unknown = (set(only or ()) | set(exclude)) - names
    if unknown:
        raise TypeError(f"{target.__name__} has no setting(s) {sorted(unknown)}")
    return [s for s in found if s.name not in exclude and (only is None or s.name in only)]


def _field_default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return _REQUIRED


def _option(
    target: Any, s: _Setting, help: str | None, flags: tuple[str, ...] | None, overrides: bool
) -> _Option:
    if s.default is _REQUIRED:
        raise TypeError(f"{target.__name__}.{s.name} has no default: exclude it")
    names = flags or s.metadata.get("flags", ())
    kind, convert = _option_type(target, s.name, s.kind, names[-1] if names else None)
    text = help or s.metadata.get("help")
    # typer's older form (the option as the default) costs a third of `Annotated[...]` at import
    if overrides:
        shown: bool | str = False if s.default is None else str(s.default)
        option = typer.Option(None, *names, help=text, show_default=shown)
        return _Option(s.name, kind | None, option, convert)
    default = list(s.default) if isinstance(s.default, tuple) else s.default
    return _Option(s.name, kind, typer.Option(default, *names, help=text), convert)


def _option_type(target: Any, name: str, kind: Any, flag: str | None) -> tuple[Any, Callable[[Any], Any]]:
    """The type typer parses for a field of type `kind`, and how its value becomes the field's."""
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
    inner = args[0] if optional and len(args) == 1 else kind
    origin = typing.get_origin(inner)
    if inner in (str, int, float, bool, Path):
        return (inner | None if optional else inner), _same
    if origin in (list, tuple) and typing.get_args(inner)[0] in (str, int, float):
        item = typing.get_args(inner)[0]
        return list[item] | None, (_to_tuple if origin is tuple else _same)  # type: ignore[valid-type]
    if origin is dict and typing.get_args(inner) == (str, str):
        return list[str] | None, functools.partial(_to_dict, flag or f"--{name.replace('_', '-')}")
    raise TypeError(f"{target.__name__}.{name}: no command-line form for {kind}; exclude it")


def _same(value: Any) -> Any:
    return value


def _to_tuple(value: Any) -> Any:
    return None if value is None else tuple(value)


def _to_dict(flag: str, value: list[str] | None) -> dict[str, str] | None:
    """Repeated ``--flag NAME=VALUE`` options as a mapping."""
    if not value:
        return None
    out = {}
    for item in value:
        key, sep, v = item.partition("=")
        if not sep or not key or not v:
            raise ConfigError(f"{flag} takes NAME=COLUMN, got {item!r}")
        out[key] = v
    return out

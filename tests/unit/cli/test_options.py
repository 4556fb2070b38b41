"""Options made from settings dataclasses: each setting's name, type, default and help declared once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import click
import pytest
import typer
from typer.testing import CliRunner

from aceforge.cli import app
from aceforge.cli.options import with_settings
from aceforge.config import EngineConfig, SeedsConfig
from aceforge.errors import ConfigError
from aceforge.evaluation.configs import AuditConfig, BonConfig, BonSampleConfig
from aceforge.generation import ClientConfig
from aceforge.reward_model.configs import TrainRMConfig
from aceforge.synthesis.configs import (
    FilterConfig,
    HardConfig,
    PairsConfig,
    SampleConfig,
    ScoreConfig,
    SynthConfig,
)

runner = CliRunner()


@dataclass(frozen=True)
class Demo:
    n: int = field(default=16, metadata={"help": "Samples per question.", "flags": ("-n", "--n")})
    temperature: float = 0.7
    strict: bool = field(default=True, metadata={"help": "Strict comparison."})
    name: str | None = None
    band: tuple[float, ...] = ()
    columns: dict[str, str] | None = field(default=None, metadata={"flags": ("--column",)})


def demo_app(**kw: Any) -> tuple[typer.Typer, list[Any]]:
    seen: list[Any] = []
    cli = typer.Typer()

    @cli.command()
    @with_settings(Demo, "cfg", **kw)
    def go(cfg: Any, label: str = "x") -> None:
        seen.append((cfg, label))

    return cli, seen


def test_help_shows_each_field_with_its_default_and_help() -> None:
    cli, _ = demo_app()
    out = runner.invoke(cli, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"}).output
    for text in (
        "-n",
        "--n",
        "Samples per question.",
        "[default: 16]",
        "--temperature",
        "[default: 0.7]",
        "--strict",
        "--no-strict",
        "Strict comparison.",
        "--name",
        "--band",
        "--column",
        "--label",
    ):
        assert text in out, text  # fmt: skip


def test_the_command_receives_the_dataclass() -> None:
    cli, seen = demo_app()
    args = [
        "-n",
        "3",
        "--no-strict",
        "--band",
        "0.2",
        "--band",
        "0.8",
        "--column",
        "program=code",
        "--label",
        "y",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert seen == [(Demo(n=3, strict=False, band=(0.2, 0.8), columns={"program": "code"}), "y")]
    seen.clear()
    assert runner.invoke(cli, []).exit_code == 0 and seen == [(Demo(), "x")]
    result = runner.invoke(cli, ["--column", "program"])
    assert isinstance(result.exception, ConfigError) and "--column takes NAME=COLUMN" in str(result.exception)


def test_only_exclude_overrides_and_help_given_by_the_command() -> None:
    cli, seen = demo_app(
        only=("n", "temperature"), help={"temperature": "Sampling temperature."}, overrides=True
    )
    out = runner.invoke(cli, ["--help"], env={"COLUMNS": "200"}).output
    assert "Sampling temperature." in out and "--strict" not in out and "[default: (16)]" in out
    assert runner.invoke(cli, ["--temperature", "0.1"]).exit_code == 0
    assert seen == [({"temperature": 0.1}, "x")]  # only what was given, to lay over a config file


def test_functions_give_their_parameters_as_options() -> None:
    def engine(kind: str = "local", rel_tol: float = 1e-9) -> None: ...

    seen: list[Any] = []
    cli = typer.Typer()

    @cli.command()
    @with_settings(engine, "args", flags={"kind": ("--executor",)})
    def go(args: dict[str, Any]) -> None:
        seen.append(args)

    assert runner.invoke(cli, ["--executor", "ray"]).exit_code == 0
    assert seen == [{"kind": "ray", "rel_tol": 1e-9}]


def test_misuse_fails_when_the_command_is_declared() -> None:
    with pytest.raises(TypeError, match="declared twice"):

        @with_settings(Demo, "cfg")
        def clash(cfg: Demo, n: int = 1) -> None: ...

    with pytest.raises(TypeError, match="no setting"):
        with_settings(Demo, "cfg", only=("nn",))

    @dataclass(frozen=True)
    class Nested:
        inner: Demo = field(default_factory=Demo)

    with pytest.raises(TypeError, match="no command-line form"):
        with_settings(Nested, "cfg")


# Each command and the settings classes whose fields it offers (those it leaves out: the reason).
COMMANDS: dict[str, list[tuple[type, tuple[str, ...]]]] = {
    "synth": [(SynthConfig, ()), (SeedsConfig, ()), (ClientConfig, ("n_ctx",)), (EngineConfig, ("executor", "ray_address"))],
    "filter": [(FilterConfig, ()), (ClientConfig, ("n_ctx",)), (EngineConfig, ())],
    "sample": [(SampleConfig, ()), (ClientConfig, ("n_ctx", "model")), (EngineConfig, ("executor", "ray_address"))],
    "score": [(ScoreConfig, ()), (EngineConfig, ())],
    "pairs": [(PairsConfig, ())],
    "hard": [(HardConfig, ())],
    "audit": [(AuditConfig, ()), (EngineConfig, ("executor", "ray_address"))],
    "train-rm": [(TrainRMConfig, ("held_out",))],  # held_out: the run's rm stage only
    "bon": [(BonConfig, ()), (EngineConfig, ())],
    "bon-sample": [(BonSampleConfig, ()), (ClientConfig, ("n_ctx",))],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_stage_option_defaults_to_its_settings_field(name: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    command = group.get_command(click.Context(group), name)
    assert command is not None
    params = {p.name: p for p in command.params}
    for cls, left_out in COMMANDS[name]:
        for f in dataclasses.fields(cls):
            if f.name in left_out:
                continue
            default = getattr(cls(), f.name)
            assert f.name in params, f"{name}: no option for {cls.__name__}.{f.name}"
            shown = params[f.name].default
            assert shown == (list(default) if isinstance(default, tuple) else default), f.name

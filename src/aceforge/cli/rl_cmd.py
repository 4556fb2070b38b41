"""``aceforge train-rl``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from aceforge.cli.options import with_settings
from aceforge.rl.configs import TrainRLConfig

console = Console(stderr=True)


@with_settings(TrainRLConfig, "overrides", exclude=("eval_humaneval",), overrides=True)
def train_rl_command(
    overrides: dict[str, Any],
    data: Annotated[
        str | None,
        typer.Argument(
            help="Questions with tests: what `hard`/`export-rl` write, a stage folder, AceCode-87K rows "
            "(JSONL/Parquet or hf:OWNER/NAME). Default: the config's `data:`."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Run folder (default: the config's `output:`).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="YAML settings (see configs/rl_quickstart.yaml).")
    ] = None,
    eval: Annotated[
        str | None, typer.Option("--eval", help="Also evaluate on 'humaneval' (offline copy).")
    ] = None,
) -> None:
    """RL from a policy and questions with tests: TRL's GRPOTrainer with aceforge's rewards, held-out
    pass@1 before/during/after, resumable (re-run the same command to continue). Options given
    here override the config file's settings."""
    from aceforge.errors import ConfigError
    from aceforge.rl.configs import load_rl_config, yaml_paths

    if eval not in (None, "humaneval"):
        raise ConfigError(f"--eval takes 'humaneval', got {eval!r}")
    named = yaml_paths(config)
    data = data or named.get("data")
    out = output or (Path(named["output"]) if "output" in named else None)
    if data is None or out is None:
        raise ConfigError("train-rl needs DATA and --output (or `data:` and `output:` in --config)")
    if eval == "humaneval":
        overrides["eval_humaneval"] = True
    cfg = load_rl_config(config, **overrides)
    from aceforge.rl.train import train_rl  # torch and TRL load once the settings are known good

    summary = train_rl(data, out, cfg, say=console.print)
    t = summary["reward_trend"]
    if t["steps"]:
        console.print(
            f"training reward: first {t['window']} steps {t['first']:.3f}, last {t['window']} {t['last']:.3f}"
        )
    console.print(f"report: {out / 'report.md'}   policy: {out / 'policy'}")

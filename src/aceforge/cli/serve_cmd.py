"""``aceforge serve`` and ``aceforge export-rl``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from aceforge.cli.options import with_engine_options, with_settings
from aceforge.config import EngineConfig
from aceforge.rewards.core import RewardOptions
from aceforge.server import ServeSettings, serve

console = Console(stderr=True)


@with_settings(
    serve, "listen", only=("host", "port"), help={"host": "Interface to listen on.", "port": "Port."}
)
@with_settings(RewardOptions, "options", only=("kind", "timeout_s", "format_weight"))
@with_engine_options()
@with_settings(
    ServeSettings, "limits", only=("max_batch", "batch_wait_ms", "max_pending", "max_body_mb"), as_dict=True
)
def serve_command(
    listen: dict[str, Any],
    options: RewardOptions,
    engine: EngineConfig,
    limits: dict[str, Any],
    token_env: Annotated[
        str | None, typer.Option(help="Require 'Authorization: Bearer $VAR' (name of the variable).")
    ] = None,
) -> None:
    """Serve rewards over HTTP: OpenRLHF's POST /get_reward, a plain POST /reward, GET /health."""
    from aceforge.errors import ConfigError

    token = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise ConfigError(f"--token-env {token_env}: that environment variable is empty")
    if not 0 < listen["port"] < 65536:
        raise ConfigError(f"--port must be in 1..65535, got {listen['port']}")
    options.validate()
    if options.kind in ("rm", "hybrid"):
        raise ConfigError("the server serves execution rewards (binary, pass_rate, weighted) for now")
    settings = ServeSettings(
        reward=options,
        workers=engine.workers or None,
        executor=engine.executor,
        ray_address=engine.ray_address,
        token=token,
        **limits,
    )
    console.print(
        f"aceforge reward server on http://{listen['host']}:{listen['port']} (reward: {options.kind})"
    )
    serve(settings, **listen)


def export_rl_command(
    input: Annotated[str, typer.Argument(help="Questions: a stage folder, JSONL/Parquet, or hf:OWNER/NAME.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")],
    format: Annotated[
        str, typer.Option(help="trl | verl | openrlhf | questions (plain rows for train-rl).")
    ] = "trl",
    data_source: Annotated[str, typer.Option(help="verl: the data_source field.")] = "aceforge",
) -> None:
    """Write RL training data whose labels carry each question's tests (for TRL, verl, OpenRLHF)."""
    from aceforge.artifacts import read_stage_rows, write_table
    from aceforge.rewards.datasets import rl_row

    rows = [rl_row(r, format, data_source) for r in read_stage_rows(input)]
    output.mkdir(parents=True, exist_ok=True)
    write_table(output, rows, None)
    console.print(f"wrote {len(rows)} {format} rows to {output}/data.parquet and data.jsonl")

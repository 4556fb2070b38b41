"""``aceforge serve`` and ``aceforge export-rl``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aceforge.rewards.core import RewardOptions
from aceforge.server import ServeSettings

console = Console(stderr=True)
_REWARD, _SERVE = RewardOptions(), ServeSettings()  # option defaults come from the settings


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    kind: Annotated[str, typer.Option(help="binary (paper) | pass_rate | weighted.")] = _REWARD.kind,
    timeout_s: Annotated[float, typer.Option(help="Per-test timeout.")] = _REWARD.timeout_s,
    format_weight: Annotated[
        float, typer.Option(help="Bonus for <think>…</think> answers (0: off).")
    ] = _REWARD.format_weight,
    workers: Annotated[int, typer.Option(help="Engine workers (default: CPU count).")] = 0,
    executor: Annotated[str, typer.Option("--executor", help="local | ray.")] = "local",
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster address for --executor ray.")] = None,
    token_env: Annotated[
        str | None, typer.Option(help="Require 'Authorization: Bearer $VAR' (name of the variable).")
    ] = None,
    max_batch: Annotated[int, typer.Option(help="Items per engine batch.")] = _SERVE.max_batch,
    batch_wait_ms: Annotated[
        float, typer.Option(help="How long a batch waits for more requests.")
    ] = _SERVE.batch_wait_ms,
    max_pending: Annotated[int, typer.Option(help="Requests waiting before 503.")] = _SERVE.max_pending,
    max_body_mb: Annotated[float, typer.Option(help="Largest request body.")] = _SERVE.max_body_mb,
) -> None:
    """Serve rewards over HTTP: OpenRLHF's POST /get_reward, a plain POST /reward, GET /health."""
    from aceforge.errors import ConfigError
    from aceforge.server import serve

    token = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise ConfigError(f"--token-env {token_env}: that environment variable is empty")
    options = RewardOptions(kind=kind, timeout_s=timeout_s, format_weight=format_weight)
    options.validate()
    if kind in ("rm", "hybrid"):
        raise ConfigError("the server serves execution rewards (binary, pass_rate, weighted) for now")
    settings = ServeSettings(
        reward=options,
        workers=workers or None,
        executor=executor,
        ray_address=ray_address,
        token=token,
        max_batch=max_batch,
        batch_wait_ms=batch_wait_ms,
        max_pending=max_pending,
        max_body_mb=max_body_mb,
    )
    console.print(f"aceforge reward server on http://{host}:{port} (reward: {kind})")
    serve(settings, host, port)


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

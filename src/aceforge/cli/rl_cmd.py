"""``aceforge train-rl``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)


def train_rl_command(
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
    policy: Annotated[
        str | None, typer.Option(help="'embedded' (Gemma 3 270M base, offline), a hub id or a folder.")
    ] = None,
    reward: Annotated[str | None, typer.Option(help="binary | pass_rate | weighted | rm | hybrid.")] = None,
    rm: Annotated[Path | None, typer.Option(help="Reward-model checkpoint (for --reward rm/hybrid).")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Optimizer steps (paper: 80).")] = None,
    time_budget: Annotated[
        float | None, typer.Option("--time-budget", help="Seconds; stop cleanly (with a checkpoint) after.")
    ] = None,
    eval: Annotated[
        str | None, typer.Option("--eval", help="Also evaluate on 'humaneval' (offline copy).")
    ] = None,
    learning_rate: Annotated[float | None, typer.Option(help="Paper: 5e-7 (7B, full fine-tune).")] = None,
    lora: Annotated[
        bool | None, typer.Option(help="Train LoRA adapters (merged into the saved policy).")
    ] = None,
    seed: Annotated[int | None, typer.Option()] = None,
) -> None:
    """RL from a policy and questions with tests: TRL's GRPOTrainer with aceforge's rewards, held-out
    pass@1 before/during/after, resumable (re-run the same command to continue)."""
    from aceforge.errors import ConfigError
    from aceforge.rl.configs import load_rl_config, yaml_paths
    from aceforge.rl.train import train_rl

    if eval not in (None, "humaneval"):
        raise ConfigError(f"--eval takes 'humaneval', got {eval!r}")
    named = yaml_paths(config)
    data = data or named.get("data")
    out = output or (Path(named["output"]) if "output" in named else None)
    if data is None or out is None:
        raise ConfigError("train-rl needs DATA and --output (or `data:` and `output:` in --config)")
    cfg = load_rl_config(
        config,
        policy=policy,
        reward=reward,
        rm=str(rm) if rm else None,
        max_steps=max_steps,
        time_budget_s=time_budget,
        eval_humaneval=True if eval == "humaneval" else None,
        learning_rate=learning_rate,
        lora=lora,
        seed=seed,
    )
    summary = train_rl(data, out, cfg, say=console.print)
    t = summary["reward_trend"]
    if t["steps"]:
        console.print(
            f"training reward: first {t['window']} steps {t['first']:.3f}, last {t['window']} {t['last']:.3f}"
        )
    console.print(f"report: {out / 'report.md'}   policy: {out / 'policy'}")

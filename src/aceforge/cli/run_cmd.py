"""``aceforge run CONFIG``: the whole pipeline in one run folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from aceforge.cli.synth_cmd import progress_bar

console = Console(stderr=True)


def run_command(
    config: Annotated[Path, typer.Argument(help="Run config (YAML), e.g. configs/quickstart.yaml.")],
    start: Annotated[
        str | None, typer.Option("--from", help="Redo from this stage (its cached answers are reused).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Stop after this stage.")] = None,
    run_dir: Annotated[Path | None, typer.Option(help="Override the config's run_dir.")] = None,
) -> None:
    """Run synth → filter → sample → score → pairs → hard (then rm → bon → rl when the config
    names them); resumable, with report.md.

    Finished stages are skipped; a killed stage resumes where it stopped; LLM answers and
    executions are cached under RUN_DIR/cache, so nothing paid for is asked twice.
    """
    import dataclasses

    from aceforge.config import load_run_config
    from aceforge.pipeline import run_pipeline, stage_dir

    cfg = load_run_config(config)
    if run_dir is not None:
        cfg = dataclasses.replace(cfg, run_dir=str(run_dir))

    def on_stage(name: str, manifest: dict[str, Any]) -> None:
        what = _brief(name, manifest.get("counts", {}))
        console.print(f"[bold green]✓ {name}[/]: {what} ({manifest.get('seconds')} s)")

    manifests = run_pipeline(cfg, start, until, progress=progress_bar, on_stage=on_stage)
    root = Path(cfg.run_dir)
    console.print(f"report: {root / 'report.md'}")
    for name in manifests:
        console.print(f"  {name:7s} → {stage_dir(cfg, name)}")
    if not all(m.get("complete") for m in manifests.values()):
        console.print("[yellow]the run stopped early[/]; re-run the same command to continue")
        raise typer.Exit(3)


def _brief(stage: str, c: dict[str, Any]) -> str:
    if stage == "pairs":
        return f"{c['pairs']} pairs from {c['input']} questions"
    if stage == "rm":
        acc, ci = c.get("held_out_pairwise_accuracy"), c.get("held_out_pairwise_accuracy_95ci")
        held = (
            f", held-out pairwise accuracy {acc} {ci} on {c['held_out_pairs']} pairs"
            if acc is not None
            else ""
        )
        return f"trained on {c['pairs_used']} pairs, loss {c['first_loss']} → {c['last_loss']}{held}"
    if stage == "bon":
        return (
            f"{c['questions']} held-out questions ranked, pass@1 oracle {c.get('pass@1 oracle')} "
            f"vs average {c.get('pass@1 average')}"
        )
    if stage == "rl":
        signal = (
            f", {c['groups with signal (rewards differ)']} of {c['groups']} groups with signal"
            if c.get("groups")
            else ""
        )
        return f"{c['steps']} steps, reward {c['reward first steps']} → {c['reward last steps']}{signal}"
    return f"{c.get('kept')} of {c.get('input')}"

"""``aceforge synth`` and ``aceforge filter``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aceforge.cli.options import CacheOpt, NoCacheOpt, with_client_options, with_engine_options, with_settings
from aceforge.config import EngineConfig, SeedsConfig
from aceforge.generation import ClientConfig
from aceforge.synthesis.configs import FilterConfig, SynthConfig

console = Console(stderr=True)


@contextlib.contextmanager
def progress_bar(description: str, total: int) -> Iterator[Any]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as p:
        task = p.add_task(description, total=total)
        yield lambda n: p.advance(task, n)


@with_client_options()
@with_settings(SeedsConfig, "seeds")
@with_settings(SynthConfig, "cfg")
@with_engine_options(only=("workers",))
def synth_command(
    client: ClientConfig,
    seeds: SeedsConfig,
    cfg: SynthConfig,
    engine: EngineConfig,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (resumable).")],
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Rewrite seed code into LeetCode-style questions with assert tests (AceCoder step 1).

    Writes OUTPUT/data.parquet + data.jsonl (AceCode-87K schema), rejected.jsonl (with reasons)
    and manifest.json. Killed runs resume; cached answers are never paid for twice.
    """
    from aceforge.synthesis.stages import run_synth

    rt = runtime(cache, no_cache, engine)
    manifest = run_synth(seeds.source, output, client, cfg, limit=seeds.limit, fields=seeds.fields, rt=rt)
    show_manifest(manifest, output)


@with_client_options()
@with_settings(FilterConfig, "cfg")
@with_engine_options()
def filter_command(
    client: ClientConfig,
    cfg: FilterConfig,
    engine: EngineConfig,
    input: Annotated[
        Path, typer.Argument(help="A synth output folder, or JSONL/Parquet in the AceCode schema.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (resumable).")],
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Remove hallucinated tests: a proxy model's programs (and the seed program, when kept)
    vote on every test; questions left with fewer than --min-tests tests are dropped."""
    from aceforge.synthesis.stages import run_filter

    show_manifest(run_filter(input, output, client, cfg, rt=runtime(cache, no_cache, engine)), output)


def runtime(cache: Path | None, no_cache: bool, engine: EngineConfig) -> Any:
    """The stage commands' `Runtime`: their response cache, engine and progress bars."""
    from aceforge.runtime import Runtime

    return Runtime(
        llm_cache=cache,
        use_llm_cache=not no_cache,
        workers=engine.workers or None,
        executor_kind=engine.executor,
        ray_address=engine.ray_address,
        progress=progress_bar,
    )


def show_manifest(manifest: dict[str, Any], output: Path) -> None:
    c = manifest["counts"]
    table = Table(title=f"aceforge {manifest['stage']}: {manifest['seconds']}s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("input items", str(c["input"]))
    table.add_row("kept", str(c["kept"]))
    table.add_row("avg tests per kept question", str(c["avg_tests_kept"]))
    for reason, n in c["reasons"].items():
        table.add_row(f"dropped: {reason}", str(n))
    for gen in manifest.get("generation") or []:
        name = gen["model"]
        if gen.get("cache"):
            table.add_row(
                f"{name}: cache hits / misses", f"{gen['cache']['hits']} / {gen['cache']['misses']}"
            )
        cl = gen["client"]
        table.add_row(f"{name}: requests (retries)", f"{cl['requests']} ({cl['retries']})")
        table.add_row(f"{name}: tokens in / out", f"{cl['prompt_tokens']:,} / {cl['completion_tokens']:,}")
    ec = manifest.get("execution_cache")
    if ec:
        table.add_row("executions cached / run", f"{ec['hits']} / {ec['misses']}")
    Console().print(table)
    if manifest.get("stopped"):
        console.print(f"[yellow]stopped early[/]: {manifest['stopped']}; re-run to continue")
    elif not manifest["complete"]:
        console.print("[yellow]some items failed to generate[/]; re-run to retry them")
    console.print(f"outputs: {output}/data.parquet, data.jsonl, rejected.jsonl, manifest.json")
    if not manifest["complete"]:
        raise typer.Exit(3)

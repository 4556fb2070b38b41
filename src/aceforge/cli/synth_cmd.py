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

from aceforge.cli.options import (
    CacheOpt,
    ExecutorOpt,
    NoCacheOpt,
    RayAddressOpt,
    WorkersOpt,
    with_client_options,
)
from aceforge.errors import ConfigError
from aceforge.generation import ClientConfig
from aceforge.synthesis.configs import FilterConfig, SynthConfig

_SYNTH, _FILTER = SynthConfig(), FilterConfig()  # option defaults come from the settings
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
def synth_command(
    client: ClientConfig,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (resumable).")],
    seeds: Annotated[
        str, typer.Option(help="stdlib | hf:OWNER/NAME[:split] | a .jsonl/.parquet file.")
    ] = "stdlib",
    limit: Annotated[int | None, typer.Option(help="Use the first N seeds.")] = 20,
    field: Annotated[
        list[str] | None, typer.Option(help="Seed field mapping, e.g. --field program=code (repeatable).")
    ] = None,
    mode: Annotated[
        str, typer.Option(help="inputs (seed computes expected values) | tests (paper: imagined asserts).")
    ] = _SYNTH.mode,
    n_tests: Annotated[int, typer.Option(help="Tests to ask for per question.")] = _SYNTH.n_tests,
    keep_name: Annotated[
        bool, typer.Option(help="Ask to keep the seed function's name and signature.")
    ] = _SYNTH.keep_name,
    guess_inputs: Annotated[
        bool, typer.Option(help="inputs mode: add calls built from the signature.")
    ] = _SYNTH.guess_inputs,
    feedback: Annotated[
        bool,
        typer.Option(help="inputs mode: mutants of the seed steer an input search; the suite is minimized."),
    ] = _SYNTH.feedback,
    n_mutants: Annotated[
        int, typer.Option(help="inputs mode: mutants of each seed program.")
    ] = _SYNTH.n_mutants,
    temperature: Annotated[float, typer.Option()] = _SYNTH.temperature,
    max_tokens: Annotated[int, typer.Option()] = _SYNTH.max_tokens,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = _SYNTH.seed,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = 0,
) -> None:
    """Rewrite seed code into LeetCode-style questions with assert tests (AceCoder step 1).

    Writes OUTPUT/data.parquet + data.jsonl (AceCode-87K schema), rejected.jsonl (with reasons)
    and manifest.json. Killed runs resume; cached answers are never paid for twice.
    """
    from aceforge.synthesis.stages import run_synth

    cfg = SynthConfig(
        mode=mode,
        n_tests=n_tests,
        keep_name=keep_name,
        guess_inputs=guess_inputs,
        feedback=feedback,
        n_mutants=n_mutants,
        max_tokens=max_tokens,
        temperature=temperature,
        seed=seed,
    )
    manifest = run_synth(
        seeds,
        output,
        client,
        cfg,
        limit=limit,
        fields=_fields(field),
        rt=runtime(cache, no_cache, workers),
    )
    show_manifest(manifest, output)


@with_client_options()
def filter_command(
    client: ClientConfig,
    input: Annotated[
        Path, typer.Argument(help="A synth output folder, or JSONL/Parquet in the AceCode schema.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (resumable).")],
    oracle: Annotated[str, typer.Option(help="proxy (paper) | reference | any | all.")] = _FILTER.oracle,
    k: Annotated[int, typer.Option(help="Proxy samples per question (majority vote when > 1).")] = _FILTER.k,
    min_tests: Annotated[int, typer.Option(help="Drop questions left with fewer tests.")] = _FILTER.min_tests,
    temperature: Annotated[float, typer.Option(help="Proxy temperature (0 = greedy).")] = _FILTER.temperature,
    max_tokens: Annotated[int, typer.Option()] = _FILTER.max_tokens,
    timeout_s: Annotated[float, typer.Option(help="Per-test timeout.")] = _FILTER.timeout_s,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = _FILTER.seed,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = 0,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
) -> None:
    """Remove hallucinated tests: a proxy model's programs (and the seed program, when kept)
    vote on every test; questions left with fewer than --min-tests tests are dropped."""
    from aceforge.synthesis.stages import run_filter

    cfg = FilterConfig(
        k=k,
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        oracle=oracle,
        min_tests=min_tests,
        timeout_s=timeout_s,
    )
    manifest = run_filter(
        input,
        output,
        client,
        cfg,
        rt=runtime(cache, no_cache, workers, executor, ray_address),
    )
    show_manifest(manifest, output)


def runtime(
    cache: Path | None, no_cache: bool, workers: int, executor: str = "local", ray_address: str | None = None
) -> Any:
    from aceforge.runtime import Runtime

    return Runtime(
        llm_cache=cache,
        use_llm_cache=not no_cache,
        workers=workers or None,
        executor_kind=executor,
        ray_address=ray_address,
        progress=progress_bar,
    )


def _fields(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not value:
            raise ConfigError(f"--field takes NAME=COLUMN, got {p!r}")
        out[key] = value
    return out


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

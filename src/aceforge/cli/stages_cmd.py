"""``aceforge sample``, ``score``, ``pairs`` and ``hard``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from aceforge.cli.options import (
    CacheOpt,
    ExecutorOpt,
    NoCacheOpt,
    RayAddressOpt,
    WorkersOpt,
    with_client_options,
)
from aceforge.cli.synth_cmd import runtime, show_manifest
from aceforge.generation import ClientConfig
from aceforge.synthesis.configs import HardConfig, PairsConfig, SampleConfig, ScoreConfig

# Option defaults come from the settings dataclasses.
_SAMPLE, _SCORE, _PAIRS, _HARD = SampleConfig(), ScoreConfig(), PairsConfig(), HardConfig()
console = Console(stderr=True)
InputArg = Annotated[
    str, typer.Argument(help="A stage folder, a JSONL/Parquet file, or hf:OWNER/NAME[:split].")
]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Output folder.")]


@with_client_options(exclude=("model",))
def sample_command(
    client: ClientConfig,
    input: InputArg,
    output: OutputOpt,
    n: Annotated[
        int, typer.Option("-n", "--n", help="Programs per question and model (paper: 16).")
    ] = _SAMPLE.n,
    temperature: Annotated[float, typer.Option()] = _SAMPLE.temperature,
    top_p: Annotated[float, typer.Option()] = _SAMPLE.top_p,
    max_tokens: Annotated[int, typer.Option()] = _SAMPLE.max_tokens,
    seed: Annotated[int, typer.Option(help="Sample i uses seed + i.")] = _SAMPLE.seed,
    show_test: Annotated[
        bool, typer.Option(help="Show one test in the prompt (names the function).")
    ] = _SAMPLE.show_test,
    model: Annotated[
        list[str] | None, typer.Option("--model", help="Policy model(s); repeat for several in one run.")
    ] = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = 0,
) -> None:
    """Sample N programs per question from one or more policy models (raw answer + extracted code)."""
    from aceforge.synthesis.stages import run_sample

    models: list[str | None] = list(model) if model else [None]
    clients = [dataclasses.replace(client, model=m) for m in models]
    cfg = SampleConfig(
        n=n, temperature=temperature, top_p=top_p, max_tokens=max_tokens, seed=seed, show_test=show_test
    )
    show_manifest(run_sample(input, output, clients, cfg, rt=runtime(cache, no_cache, workers)), output)


def score_command(
    input: InputArg,
    output: OutputOpt,
    timeout_s: Annotated[float, typer.Option(help="Per-test timeout.")] = _SCORE.timeout_s,
    memory_mb: Annotated[int, typer.Option(help="Address-space limit per program.")] = _SCORE.memory_mb,
    workers: WorkersOpt = 0,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    no_exec_cache: Annotated[bool, typer.Option("--no-exec-cache", help="Run every program again.")] = False,
) -> None:
    """Run every sampled program on its question's tests: pass_rate = passed / kept tests."""
    from aceforge.synthesis.stages import run_score

    rt = runtime(None, False, workers, executor, ray_address)
    rt.use_exec_cache = not no_exec_cache
    manifest = run_score(input, output, ScoreConfig(timeout_s=timeout_s, memory_mb=memory_mb), rt=rt)
    show_manifest(manifest, output)


def pairs_command(
    input: InputArg,
    output: OutputOpt,
    format: Annotated[str, typer.Option(help="trl | openrlhf | llamafactory.")] = _PAIRS.format,
    gap: Annotated[
        float, typer.Option(help="Chosen pass rate must exceed rejected by more than this.")
    ] = _PAIRS.gap,
    chosen_min: Annotated[float, typer.Option(help="Chosen pass rate must exceed this.")] = _PAIRS.chosen_min,
    rejected_min: Annotated[
        float, typer.Option(help="Rejected pass rate must exceed this.")
    ] = _PAIRS.rejected_min,
    strict: Annotated[
        bool, typer.Option(help="Strict '>' (paper); --no-strict uses '>=' (official code).")
    ] = _PAIRS.strict,
    scope: Annotated[
        str, typer.Option(help="model (pairs within one model's samples) | all.")
    ] = _PAIRS.scope,
    max_per_question: Annotated[
        int | None, typer.Option(help="Keep at most this many (largest margins).")
    ] = _PAIRS.max_per_question,
    chat: Annotated[bool, typer.Option(help="trl: prompt/chosen/rejected as chat messages.")] = _PAIRS.chat,
    seed: Annotated[int, typer.Option()] = _PAIRS.seed,
) -> None:
    """Preference pairs from pass-rate gaps (s_i > s_j + 0.4, s_i > 0.8, s_j > 0), exported for
    TRL (prompt/chosen/rejected/margin; also DPO data), OpenRLHF or LLaMA-Factory. INPUT may be
    our scored data, AceCode-87K (hf:TIGER-Lab/AceCode-87K), or released pairs to re-export."""
    from aceforge.synthesis.stages import run_pairs

    cfg = PairsConfig(
        gap=gap,
        chosen_min=chosen_min,
        rejected_min=rejected_min,
        strict=strict,
        scope=scope,
        max_per_question=max_per_question,
        format=format,
        chat=chat,
        seed=seed,
    )
    m = run_pairs(input, output, cfg)
    _summary(m, ("input", "pairs", "questions_with_pairs"))
    console.print(f"outputs: {output}/data.parquet, data.jsonl, pairs_detail.jsonl, manifest.json")


def hard_command(
    input: InputArg,
    output: OutputOpt,
    low_fraction: Annotated[
        float, typer.Option(help="Keep this fraction with the lowest mean pass rate.")
    ] = _HARD.low_fraction,
    var_fraction: Annotated[
        float, typer.Option(help="Of those, this fraction with the highest variance.")
    ] = _HARD.var_fraction,
) -> None:
    """The hard subset for RL (paper's release: low mean pass rate, then high variance, ~25%)."""
    from aceforge.synthesis.stages import run_hard

    m = run_hard(input, output, HardConfig(low_fraction=low_fraction, var_fraction=var_fraction))
    _summary(m, ("input", "scored", "kept"))
    console.print(f"outputs: {output}/data.parquet, data.jsonl, manifest.json")


def _summary(manifest: dict[str, Any], keys: tuple[str, ...]) -> None:
    table = Table(title=f"aceforge {manifest['stage']}: {manifest['seconds']}s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for k in keys:
        table.add_row(k.replace("_", " "), str(manifest["counts"][k]))
    Console().print(table)

"""``aceforge sample``, ``score``, ``pairs`` and ``hard``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from aceforge.cli.options import CacheOpt, NoCacheOpt, with_client_options, with_engine_options, with_settings
from aceforge.cli.synth_cmd import runtime, show_manifest
from aceforge.config import EngineConfig
from aceforge.generation import ClientConfig
from aceforge.synthesis.configs import HardConfig, PairsConfig, SampleConfig, ScoreConfig

console = Console(stderr=True)
InputArg = Annotated[
    str, typer.Argument(help="A stage folder, a JSONL/Parquet file, or hf:OWNER/NAME[:split].")
]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Output folder.")]


@with_client_options(exclude=("model",))
@with_settings(SampleConfig, "cfg")
@with_engine_options(only=("workers",))
def sample_command(
    client: ClientConfig,
    cfg: SampleConfig,
    engine: EngineConfig,
    input: InputArg,
    output: OutputOpt,
    model: Annotated[
        list[str] | None, typer.Option("--model", help="Policy model(s); repeat for several in one run.")
    ] = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Sample N programs per question from one or more policy models (raw answer + extracted code)."""
    from aceforge.synthesis.stages import run_sample

    models: list[str | None] = list(model) if model else [None]
    clients = [dataclasses.replace(client, model=m) for m in models]
    show_manifest(run_sample(input, output, clients, cfg, rt=runtime(cache, no_cache, engine)), output)


@with_settings(ScoreConfig, "cfg")
@with_engine_options()
def score_command(
    cfg: ScoreConfig,
    engine: EngineConfig,
    input: InputArg,
    output: OutputOpt,
    no_exec_cache: Annotated[bool, typer.Option("--no-exec-cache", help="Run every program again.")] = False,
) -> None:
    """Run every sampled program on its question's tests: pass_rate = passed / kept tests."""
    from aceforge.synthesis.stages import run_score

    rt = runtime(None, False, engine)
    rt.use_exec_cache = not no_exec_cache
    show_manifest(run_score(input, output, cfg, rt=rt), output)


@with_settings(PairsConfig, "cfg")
def pairs_command(cfg: PairsConfig, input: InputArg, output: OutputOpt) -> None:
    """Preference pairs from pass-rate gaps (s_i > s_j + 0.4, s_i > 0.8, s_j > 0), exported for
    TRL (prompt/chosen/rejected/margin; also DPO data), OpenRLHF or LLaMA-Factory. INPUT may be
    our scored data, AceCode-87K (hf:TIGER-Lab/AceCode-87K), or released pairs to re-export."""
    from aceforge.synthesis.stages import run_pairs

    m = run_pairs(input, output, cfg)
    _summary(m, ("input", "pairs", "questions_with_pairs"))
    console.print(f"outputs: {output}/data.parquet, data.jsonl, pairs_detail.jsonl, manifest.json")


@with_settings(HardConfig, "cfg")
def hard_command(cfg: HardConfig, input: InputArg, output: OutputOpt) -> None:
    """The hard subset for RL (paper's release: low mean pass rate, then high variance, ~25%)."""
    from aceforge.synthesis.stages import run_hard

    m = run_hard(input, output, cfg)
    _summary(m, ("input", "scored", "kept"))
    console.print(f"outputs: {output}/data.parquet, data.jsonl, manifest.json")


def _summary(manifest: dict[str, Any], keys: tuple[str, ...]) -> None:
    table = Table(title=f"aceforge {manifest['stage']}: {manifest['seconds']}s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for k in keys:
        table.add_row(k.replace("_", " "), str(manifest["counts"][k]))
    Console().print(table)

"""``aceforge train-rm`` and ``aceforge bon``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aceforge.artifacts import write_rows
from aceforge.cli.options import with_client_options, with_engine_options, with_settings
from aceforge.config import EngineConfig
from aceforge.evaluation.configs import BonConfig, BonSampleConfig
from aceforge.generation import ClientConfig
from aceforge.reward_model.configs import TrainRMConfig

console = Console(stderr=True)


@with_settings(TrainRMConfig, "cfg", exclude=("held_out",))
def train_rm_command(
    cfg: TrainRMConfig,
    pairs: Annotated[
        Path, typer.Argument(help="A pairs folder/file (trl, openrlhf or llamafactory layout).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Checkpoint folder.")],
) -> None:
    """Train a Bradley-Terry reward model with TRL's RewardTrainer (paper defaults: 1 epoch, lr 1e-5,
    cosine, warmup 0.1). The checkpoint is a standard sequence classifier plus aceforge_rm.json."""
    from aceforge.method import rm_backbone
    from aceforge.reward_model.train import train_reward_model

    cfg.validate()
    meta = train_reward_model(pairs, rm_backbone(cfg.base_model), output, cfg)
    console.print(
        f"trained on {meta['pairs_used']} of {meta['pairs']} pairs ({meta['pairs_over_max_length']} over "
        f"max_length left out), {meta['steps']} steps, loss {meta['first_loss']} → {meta['last_loss']}"
    )
    console.print(f"checkpoint: {output}")


@with_settings(BonConfig, "cfg")
@with_engine_options()
def bon_command(
    cfg: BonConfig,
    engine: EngineConfig,
    input: Annotated[
        Path,
        typer.Argument(
            help="JSONL: {task_id | id, question, tests (any label), samples, generated_tests?, prelude?}."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Report folder.")],
    rm: Annotated[Path | None, typer.Option(help="Reward model checkpoint to score samples with.")] = None,
) -> None:
    """Best-of-N: greedy, average, oracle, RM best-of-k, CodeT, majority vote and the label-free
    methods of --select, each as pass@1 with bootstrap intervals; writes report.md, results.json,
    best_of_k.png (and with --rankings, rankings.jsonl)."""
    from aceforge.evaluation.best_of_n import evaluate, read_bon
    from aceforge.execution.factory import make_executor

    cfg.validate()
    problems = read_bon(input)
    if rm is not None:
        from aceforge.reward_model.scorer import RMScorer

        scorer = RMScorer(rm)
        for p in problems:
            p.rm_scores = scorer([p.question] * len(p.programs), p.programs)
    title = f"Best-of-N on {input.name} ({len(problems)} problems)"
    with make_executor(engine.executor, engine.workers or None, ray_address=engine.ray_address) as ex:
        report, _ = evaluate(problems, ex, cfg, output, title)
    console.print(report)
    console.print(f"report: {output / 'report.md'}")


@with_client_options()
@with_settings(BonSampleConfig, "cfg")
def bon_sample_command(
    client: ClientConfig,
    cfg: BonSampleConfig,
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL for `aceforge bon`.")],
) -> None:
    """Sample N programs (and a greedy one) per benchmark problem with any client, for `bon`."""
    import asyncio

    from aceforge.evaluation.benchmarks import load_benchmark
    from aceforge.evaluation.best_of_n import sample_benchmark
    from aceforge.generation import GenParams
    from aceforge.runtime import Runtime

    problems = load_benchmark(cfg.benchmark, cfg.benchmark_file)[: cfg.limit]
    gen = Runtime().generator(client)
    params = GenParams(max_tokens=cfg.max_tokens, temperature=cfg.temperature, top_p=cfg.top_p)
    rows = asyncio.run(sample_benchmark(problems, gen, cfg.n, params))
    write_rows(output, rows)
    console.print(f"wrote {len(rows)} problems × {cfg.n + 1} samples to {output}")

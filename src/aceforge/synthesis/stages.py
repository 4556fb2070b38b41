"""The stages as whole runs: open the output folder, the models, the caches and the engine;
process what is not done yet; write the final files and the manifest. The CLI and the
pipeline both call these."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aceforge.artifacts import (
    StageOutput,
    pass_rates,
    read_stage_rows,
    schema_with,
    write_manifest,
    write_table,
)
from aceforge.errors import BudgetExceededError
from aceforge.execution.base import Executor
from aceforge.generation import ClientConfig
from aceforge.generation.generator import Generator
from aceforge.runtime import Advance, Client, Runtime
from aceforge.synthesis.filter import FilterConfig, filter_tests
from aceforge.synthesis.hard import HardConfig, hard_subset
from aceforge.synthesis.pairs import (
    Pair,
    PairsConfig,
    build_pairs,
    detail,
    export,
    read_released_pairs,
    reexport,
)
from aceforge.synthesis.question_block import question_summary
from aceforge.synthesis.sample import SampleConfig, sample_programs
from aceforge.synthesis.score import ScoreConfig, score_programs
from aceforge.synthesis.seeds import load_seeds
from aceforge.synthesis.synth import SynthConfig, synthesize


def _client_cfg(client: Client | None) -> dict[str, Any]:
    if isinstance(client, ClientConfig):
        return asdict(client)
    return {"model": getattr(client, "model", None)}


def _exec_stats(ex: Executor) -> dict[str, object] | None:
    stats = getattr(ex, "stats", None)
    return stats() if callable(stats) else None


def _run_async(
    out: StageOutput,
    order: list[str],
    rt: Runtime,
    gens: list[Generator],
    work: Callable[[Executor, Advance], Coroutine[Any, Any, Counter[str]]],
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Run one stage's coroutine with its engine and progress bar; finalize the folder."""
    complete, stopped, counts = True, None, Counter[str]()
    with rt.engine() as ex, rt.progress(out.stage, len(order)) as advance:
        advance(sum(i in out.done for i in order))

        async def body() -> Counter[str]:
            try:
                return await work(ex, advance)
            finally:
                for g in gens:
                    await g.client.aclose()

        try:
            counts = asyncio.run(body())
        except BudgetExceededError as e:
            complete, stopped = False, str(e)
        exec_stats = _exec_stats(ex)
    complete = complete and not counts.get("llm_failed")
    manifest = {
        "generation": [g.stats() for g in gens],
        "execution_cache": exec_stats,
        "events": dict(counts),
        "stopped": stopped,
        **extra,
    }
    return out.finalize(order, manifest, complete)


def run_synth(
    seeds_spec: str,
    out_dir: str | Path,
    client: Client,
    cfg: SynthConfig,
    limit: int | None = None,
    fields: dict[str, str] | None = None,
    rt: Runtime | None = None,
) -> dict[str, Any]:
    """The `synth` stage from a seed source to `out_dir`; resumable; returns the manifest."""
    rt = rt or Runtime()
    cfg.validate()
    seeds, report = load_seeds(seeds_spec, limit, fields)
    config = {
        "seeds": seeds_spec,
        "limit": limit,
        "fields": fields,
        "synth": asdict(cfg),
        "client": _client_cfg(client),
    }
    out = StageOutput(out_dir, "synth", config)
    gen = rt.generator(client)
    manifest = _run_async(
        out,
        [s.id for s in seeds],
        rt,
        [gen],
        lambda ex, adv: synthesize(seeds, gen, ex, cfg, out, adv),
        {"seeds": report.to_dict()},
    )
    if manifest["complete"]:  # counted over every kept row, so a resumed run counts them all
        manifest["questions"] = question_summary(read_stage_rows(out_dir))
        write_manifest(out_dir, manifest)
    return manifest


def run_filter(
    input_path: str | Path,
    out_dir: str | Path,
    client: Client | None,
    cfg: FilterConfig,
    rt: Runtime | None = None,
) -> dict[str, Any]:
    """The `filter` stage from a synth folder (or rows) to `out_dir`; resumable; returns the
    manifest.
    """
    rt = rt or Runtime()
    cfg.validate()
    rows = read_stage_rows(input_path)
    config = {"input": str(input_path), "filter": asdict(cfg)}
    gen = None
    if cfg.needs_proxy and client is not None:
        config["client"] = _client_cfg(client)
        gen = rt.generator(client)
    out = StageOutput(out_dir, "filter", config)
    avg_in = round(sum(len(r["test_cases"]) for r in rows) / len(rows), 2) if rows else 0.0
    return _run_async(
        out,
        [r["id"] for r in rows],
        rt,
        [gen] if gen else [],
        lambda ex, adv: filter_tests(rows, gen, ex, cfg, out, adv),
        {"avg_tests_in": avg_in},
    )


def run_sample(
    input_path: str | Path,
    out_dir: str | Path,
    clients: Sequence[Client],
    cfg: SampleConfig,
    rt: Runtime | None = None,
) -> dict[str, Any]:
    """The `sample` stage from filtered rows to `out_dir`, one or more policy models; resumable;
    returns the manifest.
    """
    rt = rt or Runtime()
    cfg.validate()
    rows = read_stage_rows(input_path)
    config = {"input": str(input_path), "sample": asdict(cfg), "clients": [_client_cfg(c) for c in clients]}
    out = StageOutput(out_dir, "sample", config)
    gens = [rt.generator(c) for c in clients]
    return _run_async(
        out, [r["id"] for r in rows], rt, gens, lambda ex, adv: sample_programs(rows, gens, cfg, out, adv), {}
    )


def run_score(
    input_path: str | Path, out_dir: str | Path, cfg: ScoreConfig, rt: Runtime | None = None
) -> dict[str, Any]:
    """The `score` stage: every sample run on its question's tests; resumable; returns the
    manifest.
    """
    rt = rt or Runtime()
    cfg.validate()
    rows = read_stage_rows(input_path)
    out = StageOutput(out_dir, "score", {"input": str(input_path), "score": asdict(cfg)})

    async def work(ex: Executor, adv: Advance) -> Counter[str]:
        return score_programs(rows, ex, cfg, out, adv)

    manifest = _run_async(out, [r["id"] for r in rows], rt, [], work, {})
    return _add_pass_rate_summary(out_dir, manifest)


def _add_pass_rate_summary(out_dir: str | Path, manifest: dict[str, Any]) -> dict[str, Any]:
    if not manifest["complete"]:
        return manifest
    rates = [r for row in read_stage_rows(out_dir) for r in pass_rates(row)]
    manifest["pass_rates"] = {
        "programs": len(rates),
        "mean": round(sum(rates) / len(rates), 4) if rates else 0.0,
        "all_passed": sum(r == 1.0 for r in rates),
        "zero": sum(r == 0.0 for r in rates),
    }
    write_manifest(out_dir, manifest)
    return manifest


# ---- stages without models or engine: recomputed whole, written atomically -----------------------


def run_pairs(input_path: str | Path, out_dir: str | Path, cfg: PairsConfig) -> dict[str, Any]:
    """Pairs from a scored dataset (ours or AceCode-87K), or re-export of released pairs."""
    cfg.validate()
    started = time.time()
    released = read_released_pairs(input_path)
    if released is not None:
        pairs = [
            Pair(f"pair-{i}", r["instruction"], r["chosen"], r["rejected"], 1.0, 0.0, "", "")
            for i, r in enumerate(released)
        ]
        per_question: dict[str, int] = {}
        rows_in = len(released)
    else:
        rows = read_stage_rows(input_path)
        per_row = [build_pairs(r, cfg) for r in rows]
        pairs = [p for ps in per_row for p in ps]
        per_question = {r["id"]: len(ps) for r, ps in zip(rows, per_row, strict=True)}
        rows_in = len(rows)
    exported = [export(p, cfg) if released is None else reexport(p, cfg) for p in pairs]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_table(out, exported, [detail(p) for p in pairs] if released is None else None)
    manifest = {
        "stage": "pairs",
        "complete": True,
        "config": {"input": str(input_path), "pairs": asdict(cfg)},
        "counts": {
            "input": rows_in,
            "pairs": len(pairs),
            "questions_with_pairs": sum(n > 0 for n in per_question.values()),
            "pairs_per_question": per_question,
        },
        "seconds": round(time.time() - started, 2),
    }
    write_manifest(out, manifest)
    return manifest


def run_hard(input_path: str | Path, out_dir: str | Path, cfg: HardConfig) -> dict[str, Any]:
    """The `hard` stage from scored rows to `out_dir`; returns the manifest."""
    cfg.validate()
    started = time.time()
    rows = read_stage_rows(input_path)
    hard = hard_subset(rows, cfg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_table(out, hard, None, _hard_schema())
    manifest = {
        "stage": "hard",
        "complete": True,
        "config": {"input": str(input_path), "hard": asdict(cfg)},
        "counts": {"input": len(rows), "scored": sum(bool(pass_rates(r)) for r in rows), "kept": len(hard)},
        "seconds": round(time.time() - started, 2),
    }
    write_manifest(out, manifest)
    return manifest


def _hard_schema() -> Any:
    import pyarrow as pa

    return schema_with(mean_pass_rate=pa.float64(), pass_rate_variance=pa.float64())

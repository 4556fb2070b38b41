"""The synthesis stages as whole runs: open the output folder, the model, the cache and the
engine; process what is not done yet; write the final files and the manifest. The CLI and
the pipeline both call these."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aceforge.artifacts import StageOutput, read_stage_rows
from aceforge.errors import BudgetExceededError
from aceforge.generation import ClientConfig, make_client
from aceforge.generation.base import LLMClient
from aceforge.generation.cache import ResponseCache, default_cache_path
from aceforge.generation.generator import Generator
from aceforge.synthesis.filter import FilterConfig, filter_tests
from aceforge.synthesis.seeds import load_seeds
from aceforge.synthesis.synth import SynthConfig, synthesize
from aceforge.types import Executor

Advance = Callable[[int], None]
ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager[Advance]]


@contextlib.contextmanager
def _no_progress(description: str, total: int) -> Iterator[Advance]:
    yield lambda n: None


@contextlib.contextmanager
def _engine(executor: Executor | None, workers: int | None) -> Iterator[Executor]:
    if executor is not None:
        yield executor
        return
    from aceforge.execution.executor import LocalExecutor

    with LocalExecutor(workers=workers) as ex:
        yield ex


def _cache(cache_path: str | Path | None, use_cache: bool) -> ResponseCache | None:
    return ResponseCache(cache_path or default_cache_path()) if use_cache else None


def run_synth(
    seeds_spec: str,
    out_dir: str | Path,
    client: ClientConfig | LLMClient,
    cfg: SynthConfig,
    limit: int | None = None,
    fields: dict[str, str] | None = None,
    cache_path: str | Path | None = None,
    use_cache: bool = True,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: ProgressFactory = _no_progress,
) -> dict[str, Any]:
    cfg.validate()
    seeds, seed_report = load_seeds(seeds_spec, limit, fields)
    config = {
        "seeds": seeds_spec,
        "limit": limit,
        "fields": fields,
        "synth": asdict(cfg),
        **_client_cfg(client),
    }
    out = StageOutput(out_dir, "synth", config)
    llm = make_client(client) if isinstance(client, ClientConfig) else client
    gen = Generator(llm, _cache(cache_path, use_cache))
    complete, stopped = True, None
    with _engine(executor, workers) as ex, progress("synth", len(seeds)) as advance:
        advance(sum(s.id in out.done for s in seeds))
        try:
            counts = asyncio.run(_closing(llm, synthesize(seeds, gen, ex, cfg, out, advance)))
        except BudgetExceededError as e:
            counts, complete, stopped = {}, False, str(e)
    complete = complete and not counts.get("llm_failed")
    return out.finalize(
        [s.id for s in seeds],
        {
            "seeds": seed_report.to_dict(),
            "generation": gen.stats(),
            "events": dict(counts),
            "stopped": stopped,
        },
        complete,
    )


def run_filter(
    input_path: str | Path,
    out_dir: str | Path,
    client: ClientConfig | LLMClient | None,
    cfg: FilterConfig,
    cache_path: str | Path | None = None,
    use_cache: bool = True,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: ProgressFactory = _no_progress,
) -> dict[str, Any]:
    cfg.validate()
    rows = read_stage_rows(input_path)
    config = {
        "input": str(input_path),
        "filter": asdict(cfg),
        **(_client_cfg(client) if cfg.needs_proxy else {}),
    }
    out = StageOutput(out_dir, "filter", config)
    llm = None
    if cfg.needs_proxy and client is not None:
        llm = make_client(client) if isinstance(client, ClientConfig) else client
    gen = Generator(llm, _cache(cache_path, use_cache)) if llm is not None else None
    complete, stopped = True, None
    with _engine(executor, workers) as ex, progress("filter", len(rows)) as advance:
        advance(sum(r["id"] in out.done for r in rows))
        try:
            counts = asyncio.run(_closing(llm, filter_tests(rows, gen, ex, cfg, out, advance)))
        except BudgetExceededError as e:
            counts, complete, stopped = {}, False, str(e)
    complete = complete and not counts.get("llm_failed")
    return out.finalize(
        [r["id"] for r in rows],
        {
            "generation": gen.stats() if gen else None,
            "events": dict(counts),
            "stopped": stopped,
            "avg_tests_in": round(sum(len(r["test_cases"]) for r in rows) / len(rows), 2) if rows else 0.0,
        },
        complete,
    )


async def _closing(llm: LLMClient | None, work: Any) -> Any:
    try:
        return await work
    finally:
        if llm is not None:
            await llm.aclose()


def _client_cfg(client: ClientConfig | LLMClient | None) -> dict[str, Any]:
    if isinstance(client, ClientConfig):
        return {"client": asdict(client)}
    return {"client": {"model": getattr(client, "model", None)}} if client is not None else {}

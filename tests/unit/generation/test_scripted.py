"""The scripted client: answers from a function of the prompt, with calls recorded."""

from __future__ import annotations

import asyncio

from aceforge.generation.base import GenParams
from aceforge.generation.scripted import ScriptedClient


def test_answers_come_from_the_function_and_calls_are_recorded() -> None:
    client = ScriptedClient(lambda text, sample: text.upper() * (sample + 1), model="m", chat=True)
    chat = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]
    a = asyncio.run(client.generate("ab", GenParams(), sample=1))
    b = asyncio.run(client.generate(chat, GenParams()))
    assert a.text == "ABAB" and a.finish_reason == "stop" and a.prompt_tokens == 1
    assert b.text == "BE BRIEF\n\nHI THERE" and b.prompt_tokens == 4
    assert client.calls == [("ab", 1), ("be brief\n\nhi there", 0)]
    assert client.stats.requests == 2 and (client.model, client.chat) == ("m", True)
    assert asyncio.run(client.aclose()) is None

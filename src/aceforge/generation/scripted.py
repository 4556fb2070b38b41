"""A scripted client for tests and dry runs: answers come from a function of the prompt.

It is a seam aceforge owns (like a scripted executor), used in place of an LLM — never in place
of the HTTP client or the engine when those are what a test is about.
"""

from __future__ import annotations

from collections.abc import Callable

from aceforge.generation.base import ClientStats, Completion, GenParams, Prompt, prompt_text


class ScriptedClient:
    def __init__(
        self,
        answer: Callable[[str, int], str],
        model: str = "scripted",
        chat: bool = False,
        max_in_flight: int = 4,
    ) -> None:
        self.answer, self.model, self.chat, self.max_in_flight = answer, model, chat, max_in_flight
        self.stats = ClientStats()
        self.calls: list[tuple[str, int]] = []

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Completion:
        text = prompt_text(prompt)
        self.calls.append((text, sample))
        self.stats.requests += 1
        return Completion(self.answer(text, sample), len(text.split()), 1, "stop")

    async def aclose(self) -> None:
        return None

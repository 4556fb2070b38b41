"""A client plus the response cache plus a bound on calls in flight: what stages call."""

from __future__ import annotations

import asyncio

from aceforge.generation.base import Completion, GenParams, LLMClient, Prompt
from aceforge.generation.cache import ResponseCache, cache_key


class Generator:
    def __init__(self, client: LLMClient, cache: ResponseCache | None) -> None:
        self.client = client
        self.cache = cache
        self._slots = asyncio.Semaphore(max(1, client.max_in_flight))

    @property
    def model(self) -> str:
        return self.client.model

    @property
    def chat(self) -> bool:
        return self.client.chat

    async def complete(self, prompt: Prompt, params: GenParams, n: int = 1) -> list[Completion]:
        """`n` samples of `prompt`; each one comes from the cache when it was ever answered."""
        return list(await asyncio.gather(*(self._one(prompt, params, i) for i in range(n))))

    async def _one(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        key = cache_key(self.client.model, self.client.chat, params, prompt, sample)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        async with self._slots:
            c = await self.client.generate(prompt, params, sample)
        if self.cache is not None:
            self.cache.put(key, self.client.model, c)
        return c

    def stats(self) -> dict[str, object]:
        out: dict[str, object] = {"model": self.client.model, "client": self.client.stats.to_dict()}
        if self.cache is not None:
            out["cache"] = {**self.cache.stats.to_dict(), "path": str(self.cache.path)}
        return out

"""Any OpenAI-compatible endpoint: OpenAI, vLLM, SGLang, llama.cpp server, Ollama.

Async (httpx), one request per sample. Transient failures — 408/409/429/5xx, timeouts,
connection resets, truncated or unparseable bodies — are retried with exponential backoff and
jitter, honouring ``Retry-After``. Authentication and "no such model" errors stop the stage at
once; retrying cannot fix them. An optional token or cost cap stops the stage cleanly.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx

from aceforge.errors import BudgetExceededError, GenerationError, RequestRejectedError
from aceforge.generation.base import ClientStats, Completion, GenParams, Prompt, prompt_text

RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504}
FATAL_STATUSES = {401, 403, 404}
MAX_RETRY_AFTER_S = 120.0


@dataclass(frozen=True)
class Budget:
    """Stop before spending more than this. Prices are USD per million tokens."""

    max_total_tokens: int | None = None
    max_cost_usd: float | None = None
    usd_per_mtok_in: float = 0.0
    usd_per_mtok_out: float = 0.0

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """US dollars for these token counts at the configured prices."""
        return (prompt_tokens * self.usd_per_mtok_in + completion_tokens * self.usd_per_mtok_out) / 1e6

    def check(self, stats: ClientStats) -> None:
        """Raise `BudgetExceededError` once the token or cost budget is used up."""
        used = stats.prompt_tokens + stats.completion_tokens
        if self.max_total_tokens is not None and used >= self.max_total_tokens:
            raise BudgetExceededError(f"token budget reached ({used:,} of {self.max_total_tokens:,})")
        if self.max_cost_usd is not None and stats.cost_usd >= self.max_cost_usd:
            raise BudgetExceededError(f"cost budget reached (${stats.cost_usd:.4f} of ${self.max_cost_usd})")


class RetryableError(Exception):
    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after_s = reason, retry_after_s


class OpenAICompatibleClient:
    def __init__(
        self,
        model: str,
        base_url: str = "https://api.openai.com/v1",
        api_key: str | None = None,
        chat: bool = True,
        max_in_flight: int = 8,
        request_timeout_s: float = 120.0,
        max_retries: int = 6,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        budget: Budget | None = None,
    ) -> None:
        self.model, self.chat, self.max_in_flight = model, chat, max_in_flight
        self.base_url = base_url.rstrip("/")
        self.max_retries, self.backoff_s, self.max_backoff_s = max_retries, backoff_s, max_backoff_s
        self.budget = budget or Budget()
        self.stats = ClientStats()
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(request_timeout_s),
            limits=httpx.Limits(max_connections=max(1, max_in_flight)),
        )

    def _body(self, prompt: Prompt, params: GenParams, sample: int) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "n": 1,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        seed = params.seed_for(sample)
        if seed is not None:
            body["seed"] = seed
        if self.chat:
            msgs = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
            return "/chat/completions", {**body, "messages": msgs}
        return "/completions", {**body, "prompt": prompt_text(prompt)}

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Completion:
        path, body = self._body(prompt, params, sample)
        for attempt in range(self.max_retries + 1):
            self.budget.check(self.stats)
            try:
                return self._account(await self._post(path, body))
            except RetryableError as e:
                if attempt == self.max_retries:
                    raise GenerationError(
                        f"{self.base_url}{path}: gave up after {attempt + 1} attempts ({e.reason})"
                    ) from None
                self.stats.retries += 1
                self.stats.retry_reasons[e.reason.split(":")[0]] += 1
                await asyncio.sleep(self._delay(attempt, e.retry_after_s))
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), MAX_RETRY_AFTER_S)
        return min(self.max_backoff_s, self.backoff_s * 2**attempt) * random.uniform(0.5, 1.0)

    async def _post(self, path: str, body: dict[str, Any]) -> Completion:
        self.stats.requests += 1
        try:
            r = await self.http.post(self.base_url + path, json=body)
        except httpx.TimeoutException:
            raise RetryableError("timeout") from None
        except httpx.TransportError as e:  # connection refused/reset, truncated body, ...
            raise RetryableError(f"connection: {type(e).__name__}") from None
        if r.status_code in RETRY_STATUSES:
            raise RetryableError(f"http {r.status_code}", _retry_after(r.headers.get("retry-after")))
        if r.status_code in FATAL_STATUSES:
            raise GenerationError(f"{self.base_url}{path}: HTTP {r.status_code}: {r.text[:300]}")
        if r.status_code >= 400:
            raise RequestRejectedError(f"{self.base_url}{path}: HTTP {r.status_code}: {r.text[:300]}")
        try:
            data = r.json()
            choice = data["choices"][0]
            text = choice["message"]["content"] if self.chat else choice["text"]
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, IndexError, TypeError):
            raise RetryableError("bad response body") from None
        usage = data.get("usage") or {}
        return Completion(
            text or "",
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
            choice.get("finish_reason"),
        )

    def _account(self, c: Completion) -> Completion:
        self.stats.prompt_tokens += c.prompt_tokens
        self.stats.completion_tokens += c.completion_tokens
        self.stats.cost_usd += self.budget.cost(c.prompt_tokens, c.completion_tokens)
        return c

    async def aclose(self) -> None:
        await self.http.aclose()


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

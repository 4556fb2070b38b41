"""What every generation client takes and returns.

A client turns one prompt into one completion. ``sample`` is the index of the sample wanted
(0..n-1): clients derive their seed from it, and the response cache keys on it, so asking for
n samples is n independent, individually cached calls.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from aceforge.types import Message, Prompt

__all__ = ["ClientStats", "Completion", "GenParams", "LLMClient", "Message", "Prompt", "prompt_text"]


@dataclass(frozen=True)
class GenParams:
    """Sampling settings for one request; sample i gets seed `seed + i`."""

    max_tokens: int = 1024
    temperature: float = 0.0
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = 0  # sample i uses seed + i

    def seed_for(self, sample: int) -> int | None:
        """The seed of sample number `sample` (None when unseeded)."""
        return None if self.seed is None else self.seed + sample


@dataclass(frozen=True)
class Completion:
    """One answer of a model, with its token counts and why it stopped."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None


@dataclass
class ClientStats:
    """Counters a stage copies into its manifest."""

    requests: int = 0
    retries: int = 0
    retry_reasons: Counter[str] = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "retry_reasons": dict(self.retry_reasons),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6),
        }


class LLMClient(Protocol):
    """One model behind one interface (OpenAI-compatible, llama.cpp, transformers, vLLM, scripted).

    `model` names the model in cache keys and outputs. `chat` says whether it wants chat messages
    (instruction models) or a plain completion prompt (base models). `max_in_flight` bounds how
    many `generate` calls a stage keeps open at once.
    """

    model: str
    chat: bool
    max_in_flight: int
    stats: ClientStats

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Completion:
        """Answer number `sample` to `prompt` (its seed is `params.seed_for(sample)`)."""

    async def aclose(self) -> None:
        """Release connections or the in-process model."""


def prompt_text(prompt: Prompt) -> str:
    """A completion prompt as text; chat messages are joined (for clients without a chat template)."""
    if isinstance(prompt, str):
        return prompt
    return "\n\n".join(m["content"] for m in prompt)

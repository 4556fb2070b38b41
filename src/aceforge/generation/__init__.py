"""LLM clients behind one interface, the response cache, and the name → client registry."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from aceforge._lazy import lazy_getattr
from aceforge.errors import ConfigError
from aceforge.generation.base import Completion, GenParams, LLMClient, Message, Prompt

# httpx and asyncio load only when a client needs them (every CLI command imports this package).
__getattr__ = lazy_getattr(__name__, {"Budget": "aceforge.generation.openai_compatible"})

CLIENTS = ("llamacpp", "openai", "transformers", "vllm")

__all__ = [
    "CLIENTS",
    "Budget",
    "ClientConfig",
    "Completion",
    "GenParams",
    "LLMClient",
    "Message",
    "Prompt",
    "make_client",
]


@dataclass(frozen=True)
class ClientConfig:
    """Which model answers, and how to reach it.

    `client`: llamacpp (in process; no `model` = the embedded Gemma 3 270M base model),
    openai (any OpenAI-compatible endpoint at `base_url`), transformers, vllm.
    `prompt_style`: auto (chat when the model has a chat template / for openai), chat, completion.
    """

    client: str = field(
        default="llamacpp", metadata={"help": "llamacpp (embedded default) | openai | transformers | vllm."}
    )
    model: str | None = field(
        default=None, metadata={"help": "Model name/path [llamacpp default: embedded Gemma 3 270M]."}
    )
    base_url: str = field(
        default="http://127.0.0.1:8080/v1", metadata={"help": "OpenAI-compatible endpoint (openai client)."}
    )
    api_key_env: str = field(
        default="OPENAI_API_KEY", metadata={"help": "Environment variable holding the API key."}
    )
    prompt_style: str = field(
        default="auto", metadata={"help": "auto | chat | completion (few-shot, for base models)."}
    )
    max_in_flight: int = field(
        default=8,
        metadata={"help": "Requests in flight at once (openai); sequences decoded together (llamacpp)."},
    )
    request_timeout_s: float = field(default=120.0, metadata={"help": "Per-request timeout in seconds."})
    max_retries: int = field(default=6, metadata={"help": "Retries per request on 429/5xx/timeouts/resets."})
    max_cost_usd: float | None = field(
        default=None, metadata={"help": "Stop cleanly once this many USD are spent."}
    )
    max_total_tokens: int | None = field(
        default=None, metadata={"help": "Stop cleanly after this many tokens in all."}
    )
    usd_per_mtok_in: float = field(
        default=0.0, metadata={"help": "USD per million prompt tokens (for --max-cost-usd)."}
    )
    usd_per_mtok_out: float = field(default=0.0, metadata={"help": "USD per million completion tokens."})
    n_ctx: int = 4096  # llamacpp context window


def _chat(style: str) -> bool | None:
    if style not in ("auto", "chat", "completion"):
        raise ConfigError(f"prompt_style must be auto, chat or completion, got {style!r}")
    return None if style == "auto" else style == "chat"


def make_client(cfg: ClientConfig) -> LLMClient:
    """Build the client `cfg.client` names; unknown names get a "did you mean" hint."""
    chat = _chat(cfg.prompt_style)
    if cfg.client == "openai":
        import os

        from aceforge.generation.openai_compatible import Budget, OpenAICompatibleClient

        if not cfg.model:
            raise ConfigError("the openai client needs a model name (--model)")
        return OpenAICompatibleClient(
            cfg.model,
            base_url=cfg.base_url,
            api_key=os.environ.get(cfg.api_key_env),
            chat=True if chat is None else chat,
            max_in_flight=cfg.max_in_flight,
            request_timeout_s=cfg.request_timeout_s,
            max_retries=cfg.max_retries,
            budget=Budget(cfg.max_total_tokens, cfg.max_cost_usd, cfg.usd_per_mtok_in, cfg.usd_per_mtok_out),
        )
    if cfg.client == "llamacpp":
        from aceforge.generation.local import LlamaCppClient

        return LlamaCppClient(cfg.model, chat=chat, n_ctx=cfg.n_ctx, parallel=cfg.max_in_flight)
    if cfg.client == "transformers":
        from aceforge.generation.local import TransformersClient

        if not cfg.model:
            raise ConfigError("the transformers client needs a model (hub id or local folder)")
        return TransformersClient(cfg.model, chat=chat)
    if cfg.client == "vllm":
        from aceforge.generation.local import VLLMClient

        if not cfg.model:
            raise ConfigError("the vllm client needs a model (hub id or local folder)")
        return VLLMClient(cfg.model, chat=True if chat is None else chat)
    close = difflib.get_close_matches(cfg.client, CLIENTS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(f"unknown client {cfg.client!r}{hint}; choose one of {', '.join(CLIENTS)}")

"""LLM clients behind one interface, the response cache, and the name → client registry."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

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

    client: str = "llamacpp"
    model: str | None = None
    base_url: str = "http://127.0.0.1:8080/v1"
    api_key_env: str = "OPENAI_API_KEY"
    prompt_style: str = "auto"
    max_in_flight: int = 8
    request_timeout_s: float = 120.0
    max_retries: int = 6
    max_total_tokens: int | None = None
    max_cost_usd: float | None = None
    usd_per_mtok_in: float = 0.0
    usd_per_mtok_out: float = 0.0
    n_ctx: int = 4096


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

        return LlamaCppClient(cfg.model, chat=chat, n_ctx=cfg.n_ctx)
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

"""Options several commands share, declared once.

``@with_client_options`` adds the LLM-client options (``--client``, ``--model``, ``--base-url``,
retries, budget…) to a command's signature, so every model-using command offers the same flags
with the same help, and hands them to the command as ``client: ClientConfig``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from aceforge.generation import ClientConfig

CLIENT_OPTIONS: list[tuple[str, Any, Any]] = [
    ("client", Annotated[str, typer.Option("--client", help="llamacpp (embedded default) | openai | transformers | vllm.")], "llamacpp"),  # noqa: E501
    ("model", Annotated[str | None, typer.Option("--model", help="Model name/path [llamacpp default: embedded Gemma 3 270M].")], None),  # noqa: E501
    ("base_url", Annotated[str, typer.Option(help="OpenAI-compatible endpoint (openai client).")], "http://127.0.0.1:8080/v1"),
    ("api_key_env", Annotated[str, typer.Option(help="Environment variable holding the API key.")], "OPENAI_API_KEY"),  # noqa: E501
    ("prompt_style", Annotated[str, typer.Option(help="auto | chat | completion (few-shot, for base models).")], "auto"),  # noqa: E501
    ("max_in_flight", Annotated[int, typer.Option(help="Requests in flight at once (openai client).")], 8),
    ("request_timeout_s", Annotated[float, typer.Option(help="Per-request timeout in seconds.")], 120.0),
    ("max_retries", Annotated[int, typer.Option(help="Retries per request on 429/5xx/timeouts/resets.")], 6),
    ("max_cost_usd", Annotated[float | None, typer.Option(help="Stop cleanly once this many USD are spent.")], None),  # noqa: E501
    ("max_total_tokens", Annotated[int | None, typer.Option(help="Stop cleanly after this many tokens in all.")], None),  # noqa: E501
    ("usd_per_mtok_in", Annotated[float, typer.Option(help="USD per million prompt tokens (for --max-cost-usd).")], 0.0),  # noqa: E501
    ("usd_per_mtok_out", Annotated[float, typer.Option(help="USD per million completion tokens.")], 0.0),
]  # fmt: skip

CacheOpt = Annotated[Path | None, typer.Option(help="Response cache file [default: ~/.cache/aceforge/…].")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")]
WorkersOpt = Annotated[int, typer.Option(help="Engine workers (default: CPU count).")]
ExecutorOpt = Annotated[
    str, typer.Option("--executor", help="local | ray (a Ray cluster, see --ray-address).")
]
RayAddressOpt = Annotated[str | None, typer.Option(help="Ray cluster address for --executor ray.")]


def with_client_options(
    exclude: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a command taking ``client: ClientConfig``; `exclude` names options the command
    declares itself (e.g. ``model`` as a repeatable list) — it receives them as usual and
    `client` holds their default."""
    shared = [(name, ann, default) for name, ann, default in CLIENT_OPTIONS if name not in exclude]

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = [p for p in inspect.signature(fn, eval_str=True).parameters.values() if p.name != "client"]
        added = [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
            for n, a, d in shared
        ]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            client = ClientConfig(**{name: kwargs.pop(name) for name, _, _ in shared})
            return fn(client=client, **kwargs)

        params = own + added
        command.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer must read the new signature, not the wrapped one
        return command

    return decorate

"""Asking the model about one chunk of items at once, and sorting out what came back."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aceforge.artifacts import StageOutput
from aceforge.errors import BudgetExceededError, GenerationError, RequestRejectedError

T = TypeVar("T")


async def ask_chunk(
    items: Sequence[T],
    ids: Sequence[str],
    ask: Callable[[T], Awaitable[Any]],
    out: StageOutput,
    counts: Counter[str],
) -> tuple[list[tuple[T, Any]], BaseException | None]:
    """(item, answer) for the items that got one, and the error that must stop the stage.

    A refused request rejects its item (with the reason); an item whose retries ran out stays
    undone, so a rerun asks again; a budget stop or a bug stops the stage after the rest of the
    chunk is saved.
    """
    answers = await asyncio.gather(*(ask(i) for i in items), return_exceptions=True)
    ready: list[tuple[T, Any]] = []
    stop: BaseException | None = None
    for item, id, got in zip(items, ids, answers, strict=True):
        if isinstance(got, RequestRejectedError):
            out.reject(id, "llm_rejected_request", {"error": str(got)})
        elif isinstance(got, BaseException):
            if isinstance(got, BudgetExceededError) or not isinstance(got, GenerationError):
                stop = stop or got
            else:
                counts["llm_failed"] += 1
        else:
            ready.append((item, got))
    return ready, stop

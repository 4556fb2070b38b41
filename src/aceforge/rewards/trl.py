"""TRL ``GRPOTrainer`` reward functions: ``reward_funcs=[trl_reward()]``.

TRL (``GRPOTrainer._calculate_rewards``) calls ``f(prompts=..., completions=...,
completion_ids=..., **columns)`` with every dataset column but the prompt as a keyword list.
Completions are decoded with special tokens skipped; in conversational datasets they are lists
of messages. A ``tests`` column holds each row's label; the entry point comes from an
``entry_point`` column or the label. Rows without tests get None (TRL then ignores this reward
for them); a label no format reads gets `floor` (flag ``bad_label`` in ``on_results``).
``trl_reward(asynchronous=True)`` is an ``async def`` for TRL's async reward path.
Reward kinds ``rm``/``hybrid`` take a scorer (``rm=``) and read the question from a ``question``
column (else the prompt). ``on_results`` sees every batch's full results (flags, outcomes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aceforge.execution.base import Executor
from aceforge.rewards import engine
from aceforge.rewards.core import (
    RewardCore,
    RewardItem,
    RewardOptions,
    RewardResult,
    RMScoreFn,
    labelled_item,
)


def completion_text(completion: Any) -> str:
    """A completion as text: a string, or the last assistant message of a chat completion."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content") or "")
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    return str(completion)


def trl_reward(
    options: RewardOptions | None = None,
    executor: Executor | None = None,
    tests_column: str = "tests",
    asynchronous: bool = False,
    rm: RMScoreFn | None = None,
    on_results: Callable[[list[RewardResult]], None] | None = None,
) -> Callable[..., Any]:
    """A GRPOTrainer reward function named ``aceforge_tests`` (TRL logs it under that name)."""
    core = RewardCore(executor or engine.shared_core().executor, options, rm) if rm is not None else None

    def score(prompts: list[Any], completions: list[Any], **columns: Any) -> list[float | None]:
        labels = columns.get(tests_column)
        if labels is None:
            raise KeyError(f"the dataset needs a {tests_column!r} column with each row's tests")
        entries = columns.get("entry_point") or [None] * len(completions)
        questions = columns.get("question") or [None] * len(completions)
        items: list[RewardItem] = []
        keep = []
        for k, (c, label) in enumerate(zip(completions, labels, strict=True)):
            if label is None:
                continue
            question = questions[k] or completion_text(prompts[k])
            items.append(
                labelled_item(completion_text(c), label, entries[k], question=question, group=str(prompts[k]))
            )
            keep.append(k)
        results = engine.score(core or engine.shared_core(options, executor), items) if items else []
        if on_results is not None:
            on_results(results)
        rewards: list[float | None] = [None] * len(completions)
        for k, r in zip(keep, results, strict=True):
            rewards[k] = r.reward
        return rewards

    if asynchronous:

        async def async_reward(
            prompts: list[Any], completions: list[Any], **columns: Any
        ) -> list[float | None]:
            return await asyncio.to_thread(score, prompts, completions, **columns)

        async_reward.__name__ = "aceforge_tests_async"
        return async_reward
    score.__name__ = "aceforge_tests"
    return score

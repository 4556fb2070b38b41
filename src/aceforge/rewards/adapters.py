"""The reward core in each RL framework's shape.

* TRL ``GRPOTrainer``: ``reward_funcs=[trl_reward()]`` — called as
  ``f(prompts, completions, completion_ids=..., tests=[...], **columns)``; a ``tests`` column
  holds each row's label (JSON string or list); completions are strings or chat messages.
  ``trl_reward(asynchronous=True)`` returns an ``async def`` for TRL's async reward path.
* verl: ``custom_reward_function.path=<this file's module path>``, ``name=compute_score``;
  ``ground_truth`` is the label JSON. ``compute_score_batch`` fits verl's batch reward manager.
* OpenRLHF: ``--remote_rm_url http://host:port/get_reward`` (``aceforge serve``) or
  ``--remote_rm_url recipes/openrlhf/reward_func.py`` whose ``reward_func`` calls ``openrlhf_reward``.

Each process keeps one engine (started on first use, closed at exit).
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Callable, Sequence
from typing import Any

from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, RewardResult, parse_tests
from aceforge.types import Executor

_LOCK = threading.Lock()
_CORES: dict[RewardOptions, RewardCore] = {}


def shared_core(options: RewardOptions | None = None, executor: Executor | None = None) -> RewardCore:
    """A process-wide reward core per options (the engine is shared by all of them)."""
    options = options or RewardOptions()
    with _LOCK:
        if options not in _CORES:
            _CORES[options] = RewardCore(executor or _engine(), options)
        return _CORES[options]


_ENGINE: Executor | None = None


def _engine() -> Executor:
    global _ENGINE
    if _ENGINE is None:
        from aceforge.execution.executor import LocalExecutor

        ex = LocalExecutor()
        ex.start()
        atexit.register(ex.close)
        _ENGINE = ex
    return _ENGINE


def completion_text(completion: Any) -> str:
    """A completion as text: a string, or the last assistant message of a chat completion."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content") or "")
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    return str(completion)


def _score(core: RewardCore, items: list[RewardItem]) -> list[RewardResult]:
    with _LOCK:  # the engine serves one batch at a time
        return core.score(items)


# ---- TRL --------------------------------------------------------------------------------------


def trl_reward(
    options: RewardOptions | None = None,
    executor: Executor | None = None,
    tests_column: str = "tests",
    asynchronous: bool = False,
) -> Callable[..., Any]:
    """A GRPOTrainer reward function. Rows without tests get None (TRL then ignores this
    reward for them)."""
    core_of = lambda: shared_core(options, executor)  # noqa: E731 - engine starts on first call

    def score(prompts: list[Any], completions: list[Any], **columns: Any) -> list[float | None]:
        labels = columns.get(tests_column)
        if labels is None:
            raise KeyError(f"the dataset needs a {tests_column!r} column with each row's tests")
        entry = columns.get("entry_point") or [None] * len(completions)
        items, keep = [], []
        for k, (c, label) in enumerate(zip(completions, labels, strict=True)):
            if label is None:
                continue
            items.append(RewardItem(completion_text(c), parse_tests(label), entry[k], group=str(prompts[k])))
            keep.append(k)
        results = _score(core_of(), items)
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


# ---- verl -------------------------------------------------------------------------------------


def compute_score(
    data_source: str, solution_str: str, ground_truth: Any, extra_info: dict[str, Any] | None = None
) -> dict[str, Any]:
    """verl's custom reward function: ``{"score": reward, "pass_rate": ..., ...}``.
    Options come from ``extra_info["reward"]`` (a dict of RewardOptions fields) when given."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]


def compute_score_batch(
    data_sources: Sequence[str],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[dict[str, Any] | None] | None = None,
) -> list[dict[str, Any]]:
    extra_infos = extra_infos or [None] * len(solution_strs)
    opts = _options((extra_infos[0] or {}).get("reward") if extra_infos else None)
    items = [
        RewardItem(s, parse_tests(g), (e or {}).get("entry_point"))
        for s, g, e in zip(solution_strs, ground_truths, extra_infos, strict=True)
    ]
    results = _score(shared_core(opts), items)
    return [{"score": r.reward, "pass_rate": r.pass_rate, "flags": ",".join(r.flags)} for r in results]


def _options(spec: dict[str, Any] | None) -> RewardOptions:
    return RewardOptions(**spec) if spec else RewardOptions()


# ---- OpenRLHF ---------------------------------------------------------------------------------


def openrlhf_reward(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    options: RewardOptions | None = None,
    core: RewardCore | None = None,
) -> dict[str, Any]:
    """OpenRLHF's reward shape. ``query`` is prompt + response; the response is what follows
    the prompt. Returns lists (the ``.py`` recipe turns them into tensors)."""
    items = []
    for q, p, label in zip(queries, prompts, labels, strict=True):
        response = q[len(p) :] if q.startswith(p) else q
        items.append(RewardItem(response, parse_tests(label), group=p))
    results = _score(core or shared_core(options), items)
    return {
        "rewards": [r.reward for r in results],
        "scores": [min(max(r.pass_rate, 0.0), 1.0) for r in results],
        "extra_logs": {
            "pass_rate": [r.pass_rate for r in results],
            "no_code": [float("no_code" in r.flags) for r in results],
        },
    }

"""verl's custom reward function contract.

``custom_reward_function.path=<file>`` with ``name=compute_score`` (naive / prime / DAPO reward
managers and the reward loop, one item per call) or ``name=compute_score_batch`` with
``reward_model.reward_manager=batch`` (the whole batch in one call). verl decodes the response
alone (``skip_special_tokens=True``); ``ground_truth`` is the label JSON that
``aceforge export-rl --format verl`` wrote. verl adds keyword arguments of its own
(``reward_kwargs`` from the config; ``reward_router_address`` and ``reward_model_tokenizer`` in
the reward loop): they are accepted and ignored. Options come from ``extra_info["reward"]``
(RewardOptions fields) when given; the entry point from ``extra_info`` or the label. A label no
format reads scores `floor` with flag ``bad_label``, never failing the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aceforge.rewards import engine
from aceforge.rewards.core import RewardOptions, labelled_item


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: dict[str, Any] | None = None,
    **_verl_kwargs: Any,
) -> dict[str, Any]:
    """``{"score": reward, "pass_rate": ..., "flags": ...}`` for one response."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]


def compute_score_batch(
    data_sources: Sequence[str],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[dict[str, Any] | None] | None = None,
    **_verl_kwargs: Any,
) -> list[dict[str, Any]]:
    """The batch form (verl passes numpy object arrays; any sequence works)."""
    n = len(solution_strs)
    extras = [None] * n if extra_infos is None else [e if isinstance(e, dict) else None for e in extra_infos]
    options = (extras[0] or {}).get("reward") if n else None
    items = [
        labelled_item(str(solution), truth, (extra or {}).get("entry_point"))
        for solution, truth, extra in zip(solution_strs, ground_truths, extras, strict=True)
    ]
    core = engine.shared_core(RewardOptions(**options) if options else RewardOptions())
    results = engine.score(core, items)
    return [{"score": r.reward, "pass_rate": r.pass_rate, "flags": ",".join(r.flags)} for r in results]

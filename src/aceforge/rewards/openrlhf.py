"""OpenRLHF's remote-reward wire format, the one implementation behind ``aceforge serve``'s
``/get_reward`` and the ``.py`` reward file (``recipes/openrlhf/reward_func.py``).

OpenRLHF (checked against 0.11.0, ``SingleTurnAgentExecutor``) sends
``{"query": [...], "prompts": [...], "labels": [...]}`` where each query is
``tokenizer.decode(prompt_ids + response_ids, skip_special_tokens=False)``: the prompt as the
tokenizer gave it back (normalised, maybe cut from the left), the response, its end-of-turn
token. It reads ``rewards`` (the training signal), ``scores`` (dynamic filtering; falls back to
rewards) and ``extra_logs`` (per-item numbers it averages into its logs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aceforge.errors import ConfigError
from aceforge.rewards import engine
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, RewardResult, labelled_item
from aceforge.rewards.response import isolate_response


class WireError(ConfigError):
    """A request body that does not follow the wire format; `status` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def request_items(queries: Any, prompts: Any, labels: Any) -> list[RewardItem]:
    """Reward items from OpenRLHF's three lists: each response cut out of its query, each
    label's tests and entry point (a label no format reads: `floor`, flag ``bad_label``)."""
    if not all(isinstance(x, list | tuple) for x in (queries, prompts, labels)):
        raise WireError(422, "body needs lists 'query', 'prompts' and 'labels'")
    if not len(queries) == len(prompts) == len(labels):
        raise WireError(422, "'query', 'prompts' and 'labels' must have the same length")
    items = []
    for k, (q, p, label) in enumerate(zip(queries, prompts, labels, strict=True)):
        if not isinstance(q, str) or not isinstance(p, str):
            raise WireError(422, f"query[{k}] and prompts[{k}] must be strings")
        found = isolate_response(q, p)
        items.append(labelled_item(found.response, label, group=p, located=found.how))
    return items


def response_body(results: Sequence[RewardResult]) -> dict[str, Any]:
    """What OpenRLHF reads back. Every extra_logs value is one number per item."""
    return {
        "rewards": [r.reward for r in results],
        "scores": [r.pass_rate for r in results],
        "extra_logs": {
            "pass_rate": [r.pass_rate for r in results],
            "no_code": [float("no_code" in r.flags) for r in results],
            "response_unlocated": [float(r.located == "unlocated") for r in results],
            "bad_label": [float("bad_label" in r.flags) for r in results],
        },
    }


def openrlhf_reward(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    options: RewardOptions | None = None,
    core: RewardCore | None = None,
) -> dict[str, Any]:
    """The ``.py`` reward's body as plain lists (the recipe turns them into tensors)."""
    items = request_items(list(queries), list(prompts), list(labels))
    return response_body(engine.score(core or engine.shared_core(options), items))

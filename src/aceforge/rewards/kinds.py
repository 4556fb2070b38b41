"""Reward kinds: pure functions from a batch's evidence to one reward per item.

A kind returns None for an item it has no reward for (its code never ran, or there is no code
for the reward model to score); the core then gives that item `floor`, and adds the format
bonus to every item, once, after the kind.

  binary     1.0 iff every test passes, else 0.0 — the paper's rule reward.
  pass_rate  passed / tests.
  weighted   per-test weights from the group: a test that more of the group's programs fail
             weighs more (VeRPO-style), weight_t = 1 + failures_t / group size; reward =
             Σ w_t·passed_t / Σ w_t. Every member of a group counts, a member whose code
             never ran as failing each test.
  rm         the reward model's score of (question, extracted program).
  hybrid     binary + rm_weight · sigmoid(rm score): passing dominates; the RM orders the rest.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aceforge.errors import ConfigError
from aceforge.types import pass_rate as rate_of


@dataclass(frozen=True)
class Evidence:
    """What a kind sees of one item."""

    outcomes: tuple[str, ...]  # one per test; all "not_run" when the code never ran
    has_code: bool  # an answer from which a program was extracted
    ran: bool  # that program was run against tests
    group: str  # items of one group weigh each other's tests (weighted)
    rm_score: float | None = None  # rm / hybrid: the reward model's score, when it has code


KindFn = Callable[[Sequence[Evidence], float], list[float | None]]  # (batch, rm_weight) → rewards


@dataclass(frozen=True)
class RewardKind:
    name: str
    reward: KindFn
    needs_rm: bool = False  # needs a reward-model scorer
    stops_early: bool = False  # one failing test settles it, so the rest need not run


def all_passed(outcomes: Sequence[str]) -> bool:
    return bool(outcomes) and all(o == "passed" for o in outcomes)


def binary(batch: Sequence[Evidence], rm_weight: float = 0.0) -> list[float | None]:
    return [float(all_passed(e.outcomes)) if e.ran else None for e in batch]


def pass_rate(batch: Sequence[Evidence], rm_weight: float = 0.0) -> list[float | None]:
    return [rate_of(e.outcomes) if e.ran else None for e in batch]


def weighted(batch: Sequence[Evidence], rm_weight: float = 0.0) -> list[float | None]:
    groups: dict[str, list[int]] = defaultdict(list)
    for k, e in enumerate(batch):
        groups[e.group].append(k)
    out: list[float | None] = [None] * len(batch)
    for members in groups.values():
        weights = per_test_weights([batch[k].outcomes for k in members])
        for k in members:
            o = batch[k].outcomes
            if batch[k].ran and o:
                passed = sum(w for w, x in zip(weights, o, strict=False) if x == "passed")
                out[k] = passed / sum(weights[: len(o)])
    return out


def per_test_weights(group: Sequence[Sequence[str]]) -> list[float]:
    """Weight of each test position: 1 + the share of the group's programs that do not pass it
    (a program with fewer tests does not count at positions it lacks)."""
    width = max((len(o) for o in group), default=0)
    fails = [sum(1 for o in group if t < len(o) and o[t] != "passed") for t in range(width)]
    return [1.0 + f / len(group) for f in fails]


def rm(batch: Sequence[Evidence], rm_weight: float = 0.0) -> list[float | None]:
    return [e.rm_score if e.has_code else None for e in batch]


def hybrid(batch: Sequence[Evidence], rm_weight: float = 0.5) -> list[float | None]:
    return [
        float(all_passed(e.outcomes)) + rm_weight * sigmoid(e.rm_score)
        if e.has_code and e.rm_score is not None
        else None
        for e in batch
    ]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


REGISTRY: dict[str, RewardKind] = {
    k.name: k
    for k in (
        RewardKind("binary", binary, stops_early=True),
        RewardKind("pass_rate", pass_rate),
        RewardKind("weighted", weighted),
        RewardKind("rm", rm, needs_rm=True),
        RewardKind("hybrid", hybrid, needs_rm=True),
    )
}


def kind_named(name: str) -> RewardKind:
    """The registered kind `name`; an unknown name is a `ConfigError` with a "did you mean"."""
    if name in REGISTRY:
        return REGISTRY[name]
    close = difflib.get_close_matches(str(name), list(REGISTRY), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(f"reward kind must be one of {', '.join(REGISTRY)}, got {name!r}{hint}")

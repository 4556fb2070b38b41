"""One reward core behind every RL framework: (completion, tests, options) → reward.

Kinds:
  binary     1.0 iff every test passes, else 0.0 — the paper's rule reward, no bonus.
  pass_rate  passed / tests.
  weighted   per-test weights from the group: a test that more of the group's programs fail
             weighs more (VeRPO-style), weight_t = 1 + failures_t / group size; reward =
             Σ w_t·passed_t / Σ w_t. Items share a group when they share `group` (e.g. a prompt).
  rm         the reward model's score of (question, extracted program), from a scorer you pass.
  hybrid     binary + rm_weight · sigmoid(rm score): passing dominates; the RM orders the rest.
An optional format reward (R1-style ``<think>…</think>`` before the answer) is added with weight
`format_weight`. Answers without code get `floor` and a flag, never an exception.
A batch goes to the engine in one call.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aceforge.errors import ConfigError, DataFormatError
from aceforge.execution.base import Executor
from aceforge.extract import extract_code
from aceforge.formats import read_label
from aceforge.types import ExecResult, Job, Limits, StdioTest, Test

KINDS = ("binary", "pass_rate", "weighted", "rm", "hybrid")
_THINK_FORMAT = re.compile(r"^\s*<think>.+?</think>\s*\S", re.S)
RMScoreFn = Callable[[list[str], list[str]], list[float]]  # (questions, programs) → scores


@dataclass(frozen=True)
class RewardOptions:
    """The reward's kind and knobs (see the module docstring); hashable, so cores are shared."""

    kind: str = "binary"
    floor: float = 0.0  # reward when the answer holds no runnable code
    format_weight: float = 0.0  # added when the answer is <think>…</think> then the answer
    rm_weight: float = 0.5  # hybrid
    timeout_s: float = 1.0  # per test
    memory_mb: int = 2048
    fail_fast: bool | None = None  # default: True for binary (stop at the first failing test)

    def validate(self) -> None:
        """Raise `ConfigError` for an unknown kind or a non-positive timeout."""
        if self.kind not in KINDS:
            raise ConfigError(f"reward kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.timeout_s <= 0:
            raise ConfigError("reward timeout_s must be positive")

    @property
    def stop_early(self) -> bool:
        return self.kind == "binary" if self.fail_fast is None else self.fail_fast


@dataclass(frozen=True)
class RewardItem:
    """One completion to reward: the model's answer, its question's tests and entry point."""

    completion: str
    tests: Sequence[Test]
    entry_point: str | None = None
    question: str | None = None  # needed by rm / hybrid
    group: str | None = None  # weighted: items of one group weigh each other's tests
    located: str = "given"  # how the completion was cut from what the framework sent (response.HOWS)


@dataclass
class RewardResult:
    """A reward with its evidence: pass rate, per-test outcomes, the code run, flags."""

    reward: float
    pass_rate: float
    outcomes: list[str] = field(default_factory=list)
    code: str = ""
    flags: list[str] = field(default_factory=list)
    rm_score: float | None = None
    located: str = "given"

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the reward server's item layout)."""
        return {
            "reward": self.reward,
            "pass_rate": self.pass_rate,
            "outcomes": self.outcomes,
            "code": self.code,
            "flags": self.flags,
            "rm_score": self.rm_score,
            "located": self.located,
        }


def parse_tests(label: Any) -> list[Test]:
    """Tests from a label: a JSON string (or object) ``{"tests": [...]}`` or a bare list; each
    test an assert string or ``{"input", "output", "compare"?}`` for stdin/stdout; or any
    dataset format ``aceforge.formats`` reads (APPS/TACO/PRIME, LiveCodeBench, ...)."""
    return parse_label(label)[0]


def parse_label(label: Any) -> tuple[list[Test], str | None]:
    """A label's tests and its ``entry_point`` (None when the label names none)."""
    try:
        read = read_label(label)
    except DataFormatError as e:
        raise ConfigError(" ".join(x for x in ("label", e.field, e.problem) if x)) from None
    return list(read.tests), read.entry_point


def label_of(tests: Sequence[Test], **extra: Any) -> str:
    """The label layout every adapter reads: a JSON string of {"tests": [...], ...}."""
    items = [t if isinstance(t, str) else _stdio_item(t) for t in tests]
    return json.dumps({"tests": items, **extra}, ensure_ascii=False)


def _stdio_item(t: StdioTest) -> dict[str, str]:
    item = {"input": t.input, "output": t.output}
    return item if t.compare == "lines" else {**item, "compare": t.compare}


class RewardCore:
    """Scores completions against their tests on one engine: one engine call per batch, the
    reward of the configured kind, and an RM scorer for `rm`/`hybrid`.
    """

    def __init__(self, executor: Executor, options: RewardOptions | None = None, rm: RMScoreFn | None = None):
        self.executor = executor
        self.options = options or RewardOptions()
        self.options.validate()
        if self.options.kind in ("rm", "hybrid") and rm is None:
            raise ConfigError(f"reward kind {self.options.kind!r} needs a reward-model scorer")
        self.rm = rm

    def score(self, items: Sequence[RewardItem]) -> list[RewardResult]:
        """One result per item, in order; a completion without code gets `floor` and a flag."""
        opts = self.options
        limits = Limits(timeout_s=opts.timeout_s, memory_mb=opts.memory_mb)
        codes = [
            extract_code(i.completion, i.entry_point, script=any(isinstance(t, StdioTest) for t in i.tests))
            for i in items
        ]
        jobs = [
            Job(str(k), c.code, tuple(item.tests), limits, fail_fast=opts.stop_early)
            for k, (item, c) in enumerate(zip(items, codes, strict=True))
            if c.code.strip() and item.tests
        ]
        results = {r.id: r for r in self.executor.run_all(jobs)} if jobs else {}
        out = [
            self._one(item, c.code, c.reason, results.get(str(k)))
            for k, (item, c) in enumerate(zip(items, codes, strict=True))
        ]
        if opts.kind == "weighted":
            self._weight(items, out)
        if opts.kind in ("rm", "hybrid"):
            self._add_rm(items, out)
        if opts.format_weight:
            for item, r in zip(items, out, strict=True):
                if _THINK_FORMAT.match(item.completion):
                    r.reward += opts.format_weight
                else:
                    r.flags.append("bad_format")
        return out

    def _one(self, item: RewardItem, code: str, reason: str | None, r: ExecResult | None) -> RewardResult:
        if r is None:
            flag = "no_tests" if not item.tests else (reason or "no_code")
            return RewardResult(
                self.options.floor, 0.0, ["not_run"] * len(item.tests), code, [flag], located=item.located
            )
        flags: list[str] = [] if r.status == "ok" else [str(r.status)]
        rate = r.pass_rate
        reward = 1.0 if r.all_passed else 0.0
        if self.options.kind == "pass_rate":
            reward = rate
        return RewardResult(reward, rate, r.outcomes, code, flags, located=item.located)

    def _weight(self, items: Sequence[RewardItem], out: list[RewardResult]) -> None:
        groups: dict[str, list[int]] = defaultdict(list)
        for k, item in enumerate(items):
            groups[item.group if item.group is not None else f"#{k}"].append(k)
        for members in groups.values():
            n = len(members)
            width = max(len(out[k].outcomes) for k in members)
            fails = [
                sum(1 for k in members if t < len(out[k].outcomes) and out[k].outcomes[t] != "passed")
                for t in range(width)
            ]
            weights = [1.0 + f / n for f in fails]
            for k in members:
                o = out[k].outcomes
                if "no_code" in out[k].flags or not o:
                    continue
                total = sum(weights[: len(o)])
                out[k].reward = sum(w for w, x in zip(weights, o, strict=False) if x == "passed") / total

    def _add_rm(self, items: Sequence[RewardItem], out: list[RewardResult]) -> None:
        assert self.rm is not None
        scores = self.rm([i.question or "" for i in items], [r.code for r in out])
        for r, s in zip(out, scores, strict=True):
            r.rm_score = float(s)
            if self.options.kind == "rm":
                r.reward = float(s)
            else:
                r.reward = (1.0 if r.outcomes and all(x == "passed" for x in r.outcomes) else 0.0) + (
                    self.options.rm_weight / (1.0 + math.exp(-float(s)))
                )

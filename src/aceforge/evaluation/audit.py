"""How well does each suite judge programs? ``aceforge audit`` measures it per question.

For each row (AceCode-87K schema: ``test_cases``, optional ``reference``, ``entry_point``,
``inferences``) and, given them, labeled solutions (``{id, program, label}``):

* ``duplicate_tests`` — tests that repeat another (same syntax tree, or the same call);
* ``trivial_tests`` — tests with the same outcome for every program seen (reference,
  inferences, solutions, mutants; at least 3 programs);
* ``flaky_tests`` — tests whose outcome for some program differs between two runs (the second
  in reverse order with another random seed, so carried state and luck show up);
* ``precision`` — the fraction of tests the reference passes;
* ``mutation_score`` — mutants of the reference the suite kills, over the non-equivalent ones
  (killed by the suite, or by an input found by the search and edge probes of ``audit_mutation``);
  ``realistic_mutation_score`` the same for realistic mutants (``synthesis.realistic``: bugs
  people write — boundaries, truthiness for ``is None``, empty-input guards, ignored optional
  parameters, swallowed exceptions...) at the sites synth's input search did not use (held
  out, so not self-fulfilling), which predicts missed real bugs better;
  ``realistic_search_mutation_score`` for the half that chose synth's inputs;
  ``realistic_missed`` the held-out mutants behind the score (operator, a separating input);
* ``discrimination`` — per test, its pass rate among the top 27% of inferences by pass rate
  minus that among the bottom 27% (the classic item-discrimination index; None under 4);
* ``models`` — per model, programs and how many pass every test (the proxy's pass count is the
  paper's filter signal as a number);
* ``tpr`` / ``tnr`` — correct solutions the suite accepts, wrong ones it rejects;
* ``contaminated`` — benchmark problems (HumanEval, MBPP) whose prompt shares a word n-gram
  with the question.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.checkers import run_jobs
from aceforge.errors import DataFormatError
from aceforge.evaluation.audit_mutation import Mutated, mutant_limits, score, search_kills
from aceforge.evaluation.audit_report import summarize, summary_lines, write_audit
from aceforge.evaluation.configs import AuditConfig
from aceforge.execution.base import Executor
from aceforge.extract import extract_code
from aceforge.formats import with_prelude
from aceforge.formats.label_tests import stage_tests
from aceforge.io import iter_records
from aceforge.synthesis.mutants import make_mutants
from aceforge.synthesis.parse import entry_calls
from aceforge.synthesis.realistic import make_realistic
from aceforge.types import ExecResult, Job, Limits, StdioTest, Test

__all__ = ["AuditConfig", "audit_rows", "run_audit", "summarize", "summary_lines", "write_audit"]

_LABEL_WORDS = {"correct": True, "pass": True, "true": True, "wrong": False, "incorrect": False,
                "fail": False, "false": False}  # fmt: skip


def _label(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    return _LABEL_WORDS.get(value.lower()) if isinstance(value, str) else None


@dataclass(frozen=True)
class Solution:
    """A labelled program for TPR/TNR: `label` is True for a correct solution."""

    program: str
    label: bool


def read_solutions(path: str | Path) -> dict[str, list[Solution]]:
    """``{id, program, label}`` rows by question id; a bad row names its line and field."""
    out: dict[str, list[Solution]] = {}
    for line, row in iter_records(path):
        if not isinstance(row, dict):
            raise DataFormatError(
                str(path), line, None, f"each row must be an object, got {type(row).__name__}"
            )
        for name in ("id", "program"):
            if not isinstance(row.get(name), str):
                raise DataFormatError(str(path), line, name, "missing or not a string")
        label = _label(row.get("label"))
        if label is None:
            raise DataFormatError(
                str(path),
                line,
                "label",
                f"must be true/false, 1/0 or 'correct'/'wrong', got {row.get('label')!r}",
            )
        out.setdefault(row["id"], []).append(Solution(row["program"], label))
    return out


# ---- contamination ----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def benchmark_ngrams(codet_dir: str | Path, n: int) -> dict[tuple[str, ...], str]:
    """Word n-grams of HumanEval and MBPP prompts (CodeT's files) → the task they come from."""
    out: dict[tuple[str, ...], str] = {}
    root = Path(codet_dir)
    for name, key in (("humaneval_problems.jsonl", "prompt"), ("mbpp_sanitized_problems.jsonl", "prompt")):
        path = root / name
        if not path.is_file():
            continue
        for _, row in iter_records(path):
            if not isinstance(row, dict):
                continue
            text = str(row.get(key) or row.get("text") or "")
            task = str(row.get("task_id", name))
            w = _words(text)
            for i in range(len(w) - n + 1):
                out.setdefault(tuple(w[i : i + n]), task)
    return out


def contaminated(question: str, grams: dict[tuple[str, ...], str], n: int) -> list[str]:
    """Benchmark task ids whose prompts share an `n`-word sequence with `question`."""
    w = _words(question)
    return sorted({grams[g] for i in range(len(w) - n + 1) if (g := tuple(w[i : i + n])) in grams})


# ---- per-question measures ---------------------------------------------------------------------


def duplicate_tests(tests: Sequence[Test], entry: str | None) -> int:
    """Tests that repeat an earlier one: the same syntax tree, call of `entry`, or stdin."""
    keys = [k for k in (_test_key(t, entry) for t in tests) if k is not None]
    return len(keys) - len(set(keys))


def _test_key(t: Test, entry: str | None) -> str | None:
    if isinstance(t, StdioTest):
        return f"stdin {t.input!r}"
    try:
        tree = ast.parse(t)
    except SyntaxError:
        return None
    calls = entry_calls(tree, entry) if entry else []
    return ast.dump(calls[0]) if len(calls) == 1 else ast.dump(tree)


def discrimination(outcomes: list[list[bool]]) -> list[float | None]:
    """Per test: pass rate in the top 27% of programs (by total) minus that in the bottom 27%."""
    n_tests = len(outcomes[0]) if outcomes else 0
    if len(outcomes) < 4:
        return [None] * n_tests
    ranked = sorted(outcomes, key=lambda o: sum(o))
    k = max(1, round(0.27 * len(ranked)))
    low, high = ranked[:k], ranked[-k:]
    return [round(sum(o[i] for o in high) / k - sum(o[i] for o in low) / k, 4) for i in range(n_tests)]


def trivial_tests(outcomes: list[list[bool]]) -> int:
    """Tests with the same outcome for every program seen (needs at least 3 programs)."""
    if len(outcomes) < 3:
        return 0
    return sum(len({o[i] for o in outcomes}) == 1 for i in range(len(outcomes[0])))


def flaky_tests(first: list[list[str]], second: list[list[str]]) -> int:
    """Tests whose outcome changed for some program between two runs."""
    if not first:
        return 0
    return sum(any(a[i] != b[i] for a, b in zip(first, second, strict=True)) for i in range(len(first[0])))


# ---- the audit -------------------------------------------------------------------------------


@dataclass
class _Q:
    row: dict[str, Any]
    entry: str | None
    tests: list[Test]
    programs: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, model/label, program)
    mutants: list[str] = field(default_factory=list)  # classic, realistic held-out, realistic search
    classic: int = 0
    held_out: int = 0
    held_ops: list[str] = field(default_factory=list)  # the held-out realistic mutants' operators
    audit: dict[str, Any] = field(default_factory=dict)


def _outcomes(r: ExecResult, n: int) -> list[str]:
    return r.outcomes if r.status == "ok" and len(r.tests) == n else [r.status] * n


def audit_rows(
    rows: list[dict[str, Any]],
    executor: Executor,
    cfg: AuditConfig,
    solutions: dict[str, list[Solution]] | None = None,
    grams: dict[tuple[str, ...], str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every row with an ``audit`` dict added, and the summary over all rows."""
    cfg.validate()
    limits = Limits(timeout_s=cfg.timeout_s)
    qs = [_question(r, cfg, solutions or {}) for r in rows]
    _run_programs(qs, executor, limits)
    _mutation(qs, executor, limits, cfg)
    for q in qs:
        if grams is not None:
            q.audit["contaminated"] = contaminated(q.row.get("question") or "", grams, cfg.ngram)
    out = [{**q.row, "audit": q.audit} for q in qs]
    return out, summarize([q.audit for q in qs])


def _question(row: dict[str, Any], cfg: AuditConfig, solutions: dict[str, list[Solution]]) -> _Q:
    tests = list(stage_tests(row.get("test_cases") or []))  # asserts, or an imported row's stdio tests
    asserts = [t for t in tests if isinstance(t, str)]
    entry, script = row.get("entry_point") or _called(asserts), len(asserts) < len(tests)
    q, prelude = _Q(row, entry, tests), row.get("prelude") or ""  # run as the format's judge runs it
    ref = row.get("reference")
    if isinstance(ref, str) and ref.strip():
        q.programs.append(("reference", "reference", with_prelude(prelude, ref)))
    for inf in (row.get("inferences") or [])[: cfg.max_inferences]:
        program = inf.get("program") or extract_code(inf.get("completion") or "", entry, script).code
        q.programs.append(
            ("inference", str(inf.get("model_name") or "unknown"), with_prelude(prelude, program))
        )
    for s in solutions.get(str(row.get("id")), []):
        q.programs.append(("solution", "correct" if s.label else "wrong", with_prelude(prelude, s.program)))
    if ref and cfg.n_mutants:
        q.mutants = [m.program for m in make_mutants(ref, str(row.get("id")), cfg.n_mutants)]
        q.classic = len(q.mutants)
        if entry:  # the halves of the sites synth's search did not use, and did use
            held, search = (
                make_realistic(ref, entry, str(row.get("id")), cfg.n_mutants, part=p)
                for p in ("held_out", "search")
            )
            q.mutants += [m.program for m in held] + [m.program for m in search]
            q.held_out, q.held_ops = len(held), [m.operator for m in held]
    q.audit = {"tests": len(tests), "duplicate_tests": duplicate_tests(tests, entry)}
    return q


def _called(tests: list[str]) -> str | None:
    names: Counter[str] = Counter()
    for t in tests:
        try:
            tree = ast.parse(t)
        except SyntaxError:
            continue
        names.update(
            n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        )
    return names.most_common(1)[0][0] if names else None


def _run_programs(qs: list[_Q], executor: Executor, limits: Limits) -> None:
    """Every program twice (forward, reversed; labeled solutions once) and every mutant once,
    on its question's suite."""
    mlimits = mutant_limits(limits)
    jobs = []
    for i, q in enumerate(qs):
        if not q.tests:
            continue
        for j, (kind, _, prog) in enumerate(q.programs):
            # A labeled solution is only accepted or not: it stops at its first miss.
            jobs.append(Job(f"{i}/p{j}/a", prog, tuple(q.tests), limits, fail_fast=kind == "solution"))
            if kind != "solution":
                jobs.append(Job(f"{i}/p{j}/b", prog, tuple(reversed(q.tests)), limits, random_seed=1))
        for j, prog in enumerate(q.mutants):  # stop at the first miss: mutants often hang
            jobs.append(Job(f"{i}/m{j}/a", prog, tuple(q.tests), mlimits, fail_fast=True))
    checkers = {j.id: c for j in jobs if (c := qs[int(j.id.split("/")[0])].row.get("checker"))}
    res = {r.id: r for r in run_jobs(executor, jobs, checkers)}  # a row's checker judges its outputs
    for i, q in enumerate(qs):
        n = len(q.tests)
        if not n:
            continue
        first = [_outcomes(res[f"{i}/p{j}/a"], n) for j in range(len(q.programs))]
        second = [
            _outcomes(res[f"{i}/p{j}/b"], n)[::-1] if f"{i}/p{j}/b" in res else f for j, f in enumerate(first)
        ]
        passed = [[o == "passed" for o in f] for f in first]
        mut = [_outcomes(res[f"{i}/m{j}/a"], n) for j in range(len(q.mutants))]
        complete = [[o == "passed" for o in m] for m in first + mut if "not_run" not in m]
        q.audit["flaky_tests"] = flaky_tests(first, second)
        q.audit["trivial_tests"] = trivial_tests(complete)
        ref = next(
            (p for (kind, _, _), p in zip(q.programs, passed, strict=True) if kind == "reference"), None
        )
        # A mutant is killed by a test the reference passes and the mutant does not.
        q.audit["suite_kills"] = [
            any(r and x not in ("passed", "not_run") for r, x in zip(ref or [True] * n, m, strict=True))
            for m in mut
        ]
        _program_stats(q, passed)


def _program_stats(q: _Q, passed: list[list[bool]]) -> None:
    a = q.audit
    inf = [p for (kind, _, _), p in zip(q.programs, passed, strict=True) if kind == "inference"]
    for (kind, _, _), p in zip(q.programs, passed, strict=True):
        if kind == "reference":
            a["precision"] = round(sum(p) / len(p), 4)
    disc = discrimination(inf)
    a["discrimination"] = disc
    known = [d for d in disc if d is not None]
    a["mean_discrimination"] = round(sum(known) / len(known), 4) if known else None
    models: dict[str, list[int]] = {}
    for (kind, name, _), p in zip(q.programs, passed, strict=True):
        if kind == "inference":
            m = models.setdefault(name, [0, 0])
            m[0] += 1
            m[1] += all(p)
    a["models"] = {k: {"programs": v[0], "all_passed": v[1]} for k, v in models.items()}
    sol = [
        (name == "correct", all(p))
        for (kind, name, _), p in zip(q.programs, passed, strict=True)
        if kind == "solution"
    ]
    if sol:
        a["correct_solutions"] = sum(c for c, _ in sol)
        a["correct_accepted"] = sum(c and ok for c, ok in sol)
        a["wrong_solutions"] = sum(not c for c, _ in sol)
        a["wrong_rejected"] = sum(not c and not ok for c, ok in sol)


def _mutation(qs: list[_Q], executor: Executor, limits: Limits, cfg: AuditConfig) -> None:
    """Mutants the suite leaves alive get a search for a separating input (``audit_mutation``);
    those nothing separates are equivalent and left out of the score."""
    todo = [q for q in qs if q.mutants and q.tests and q.entry]
    items = [
        Mutated(
            str(q.row.get("id")),
            str(q.row["reference"]),
            q.entry or "",
            [t for t in q.tests if isinstance(t, str)],  # stdin/stdout tests have no calls to grow
            q.mutants,
            [{"suite"} if k else set() for k in q.audit.get("suite_kills", [])],
        )
        for q in todo
    ]
    search_kills(items, executor, limits, cfg.search_rounds)
    for q, it in zip(todo, items, strict=True):
        ks, held = it.kills, q.classic + q.held_out
        score(q.audit, "mutants", "mutation_score", ks[: q.classic])
        score(q.audit, "realistic_mutants", "realistic_mutation_score", ks[q.classic : held])
        score(q.audit, "realistic_search_mutants", "realistic_search_mutation_score", ks[held:])
        q.audit["realistic_missed"] = missed(q.held_ops, ks[q.classic : held])
    for q in qs:
        q.audit.pop("suite_kills", None)


def missed(operators: list[str], kills: list[set[str]], limit: int = 5) -> list[dict[str, str]]:
    """Held-out realistic mutants the suite lets through although an input separates them: the
    bugs behind the score, as {operator, input} (the shortest separating call), at most `limit`."""
    out = [{"operator": op, "input": min(k, key=lambda c: (len(c), c))}
           for op, k in zip(operators, kills, strict=True) if k and "suite" not in k]  # fmt: skip
    return out[:limit]


def run_audit(
    input: str | Path,
    output: str | Path,
    cfg: AuditConfig,
    solutions: str | Path | None = None,
    codet_dir: str | Path | None = None,
    limit: int | None = None,
    rt: Any = None,
) -> dict[str, Any]:
    """Read questions (any stage's output or AceCode-87K rows), audit them, write OUTPUT."""
    from dataclasses import asdict

    from aceforge.artifacts import read_stage_rows
    from aceforge.runtime import Runtime

    cfg.validate()
    rows = read_stage_rows(input)[:limit]
    sols = read_solutions(solutions) if solutions is not None else None
    grams = benchmark_ngrams(codet_dir, cfg.ngram) if codet_dir is not None else None
    rt = rt or Runtime()
    with rt.engine() as ex, rt.progress("audit", 1) as advance:
        audited, summary = audit_rows(rows, ex, cfg, sols, grams)
        advance(1)
    config = {"input": str(input), "solutions": str(solutions) if solutions else None, **asdict(cfg)}
    write_audit(output, audited, summary, config)
    return summary

"""``synth``: seeds → LeetCode-style questions with assert tests.

Two modes:

* ``tests`` (the paper): the LLM writes the question and ~20 asserts with imagined expected
  values; each assert is validated with ``ast``; a later ``filter`` stage removes wrong ones.
* ``inputs`` (for weak teachers and trustworthy seeds): the LLM writes the question and only the
  *inputs* (calls with literal arguments). The seed program computes every expected value in
  the sandbox; type-aware mutation tops the set up; inputs on which the seed raises or times
  out are dropped. With ``guess_inputs``, calls built from the seed's signature join the
  model's proposals, because a 270M model often gets the arity wrong.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from aceforge.artifacts import StageOutput, empty_row
from aceforge.errors import ConfigError
from aceforge.execution.values import values_equal
from aceforge.generation.base import GenParams
from aceforge.generation.generator import Generator
from aceforge.synthesis.batch import ask_chunk
from aceforge.synthesis.mutate import grow_calls, guess_calls, parse_call
from aceforge.synthesis.parse import check_call, check_tests, detect_entry_point, parse_answer
from aceforge.synthesis.prompts import MODES, few_shot_prefix, synth_prompt
from aceforge.synthesis.seeds import Seed
from aceforge.types import Executor, Job, Limits

MAX_EXPECTED_CHARS = 1000


@dataclass(frozen=True)
class SynthConfig:
    mode: str = "inputs"  # "tests" (paper) | "inputs" (seed computes expected outputs)
    n_tests: int = 20
    keep_name: bool = True  # ask for the seed function's name and signature (enables the seed as oracle)
    guess_inputs: bool = True  # inputs mode: add calls built from the seed's signature
    max_tokens: int = 512
    temperature: float = 0.2
    top_p: float = 0.95
    seed: int = 0
    timeout_s: float = 2.0  # per input, when the seed program computes expected values
    chunk_size: int = 16

    def validate(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"synth mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.n_tests < 1 or self.chunk_size < 1:
            raise ConfigError("n_tests and chunk_size must be at least 1")


@dataclass
class _Draft:
    """A parsed answer on its way to becoming a row (inputs mode: still needs outputs)."""

    seed: Seed
    question: str
    entry: str
    raw: int
    rejected: list[dict[str, str]]
    calls: list[str]  # inputs mode: proposals that passed validation, in priority order
    origin: dict[str, str]  # call → "model" | "signature" | "mutation"


async def synthesize(
    seeds: list[Seed],
    gen: Generator,
    executor: Executor,
    cfg: SynthConfig,
    out: StageOutput,
    advance: Callable[[int], None] = lambda n: None,
) -> Counter[str]:
    """Process the seeds not yet in `out`, chunk by chunk; return counts for the manifest."""
    cfg.validate()
    counts: Counter[str] = Counter()
    todo = [s for s in seeds if s.id not in out.done]
    params = GenParams(cfg.max_tokens, cfg.temperature, cfg.top_p, ("\n###",), cfg.seed)
    for start in range(0, len(todo), cfg.chunk_size):
        chunk = todo[start : start + cfg.chunk_size]
        ready, stop = await ask_chunk(
            chunk, [s.id for s in chunk], lambda s: _ask(gen, s, cfg, params), out, counts
        )
        drafts = [d for d in (_draft(seed, answer, cfg, out) for seed, answer in ready) if d is not None]
        if cfg.mode == "inputs":
            _compute_expected(drafts, executor, cfg, out)
        else:
            for d in drafts:
                _keep(out, d, d.calls, cfg)
        advance(len(chunk))
        if stop is not None:
            raise stop
    return counts


async def _ask(gen: Generator, seed: Seed, cfg: SynthConfig, params: GenParams) -> str:
    prompt = synth_prompt(seed, cfg.mode, gen.chat, cfg.n_tests, cfg.keep_name)
    completion = (await gen.complete(prompt, params))[0]
    return completion.text if gen.chat else few_shot_prefix(seed, cfg.keep_name) + completion.text


def _draft(seed: Seed, answer: str, cfg: SynthConfig, out: StageOutput) -> _Draft | None:
    key = "inputs" if cfg.mode == "inputs" else "tests"
    obj, reason = parse_answer(answer, (key,))
    if obj is None:
        out.reject(seed.id, reason or "no_json", {"answer": answer[:2000]})
        return None
    question = obj.get("question")
    if not isinstance(question, str) or len(question.strip()) < 10:
        out.reject(seed.id, "no_question", {"answer": answer[:2000]})
        return None
    got = obj.get(key)
    items: list[Any] = got if isinstance(got, list) else []
    hint = seed.entry_point if cfg.keep_name else None
    if cfg.mode == "tests":
        entry = detect_entry_point(items, hint)
        check = check_tests(items, entry or "")
        if not entry or not check.kept:
            out.reject(seed.id, "no_valid_tests", {"question": question, "rejected_tests": check.rejected})
            return None
        return _Draft(seed, question.strip(), entry, len(items), check.rejected, check.kept, {})
    if not seed.entry_point:
        out.reject(seed.id, "seed_has_no_function", {"question": question})
        return None
    calls, rejected = [], []
    for item in items:
        call, why = check_call(item, seed.entry_point)
        if call is None:
            rejected.append({"test": str(item)[:500], "reason": why or "invalid"})
        elif call not in calls:
            calls.append(call)
    origin = dict.fromkeys(calls, "model")
    if cfg.guess_inputs:
        for call in guess_calls(seed.program, seed.entry_point):
            origin.setdefault(call, "signature")
    return _Draft(seed, question.strip(), seed.entry_point, len(items), rejected, list(origin), origin)


def _compute_expected(drafts: list[_Draft], executor: Executor, cfg: SynthConfig, out: StageOutput) -> None:
    """Run each seed program on its candidate calls (twice: proposals, then mutants of the
    ones that worked) and keep calls with a literal result as ``assert call == result``."""
    limits = Limits(timeout_s=cfg.timeout_s, import_timeout_s=max(2.0, cfg.timeout_s))
    first = _probe(drafts, [d.calls for d in drafts], executor, limits)
    mutants: list[list[str]] = []
    for d, got in zip(drafts, first, strict=True):
        ok_calls = _one_signature([c for c in d.calls if c in got], d.origin)
        for c in set(got) - set(ok_calls):
            del got[c]
        grown = grow_calls(ok_calls, cfg.n_tests * 2, d.seed.id)[len(set(ok_calls)) :]
        mutants.append([c for c in grown if c not in got])
        for c in mutants[-1]:
            d.origin.setdefault(c, "mutation")
    second = _probe(drafts, mutants, executor, limits)
    for d, got1, got2, extra in zip(drafts, first, second, mutants, strict=True):
        results = {**got1, **got2}
        ordered = [c for c in d.calls + extra if c in results]
        # Model proposals first, then signature guesses, then mutants.
        rank = {"model": 0, "signature": 1, "mutation": 2}
        ordered.sort(key=lambda c: rank[d.origin.get(c, "mutation")])
        chosen = ordered[: cfg.n_tests]
        tests = [_assert(c, results[c]) for c in chosen]
        if not tests:
            out.reject(d.seed.id, "no_valid_inputs", {"question": d.question, "rejected_inputs": d.rejected})
            continue
        d.origin = {c: d.origin.get(c, "mutation") for c in chosen}
        _keep(out, d, tests, cfg)


def _types(call: str) -> tuple[str, ...]:
    _, args, kwargs = parse_call(call)
    return tuple(type(a).__name__ for a in args) + tuple(f"{k}={type(v).__name__}" for k, v in kwargs.items())


def _one_signature(calls: list[str], origin: dict[str, str]) -> list[str]:
    """Only the calls whose argument types match the dominant signature: the model's own
    proposals decide it when any worked, else the first signature guess (hinted types come
    first). A seed that also accepts a list where the question says string keeps its tests
    about strings, so a natural solution to the question can pass them all."""
    if not calls:
        return calls
    by_model = [c for c in calls if origin.get(c) == "model"]
    if by_model:
        counts = Counter(_types(c) for c in by_model)
        best = max(dict.fromkeys(_types(c) for c in by_model), key=lambda t: counts[t])  # ties: first seen
    else:
        best = _types(calls[0])
    return [c for c in calls if _types(c) == best]


def _probe(
    drafts: list[_Draft], calls: list[list[str]], executor: Executor, limits: Limits
) -> list[dict[str, str]]:
    """call → expected-value literal, for the calls on which the seed returns a literal value."""
    jobs = [
        Job(f"{i}", d.seed.program, tuple(cs), limits, probe=True)
        for i, (d, cs) in enumerate(zip(drafts, calls, strict=True))
        if cs
    ]
    found: list[dict[str, str]] = [{} for _ in drafts]
    for result in executor.run_all(jobs):
        i = int(result.id)
        if result.status != "ok":
            continue
        for call, outcome in zip(calls[i], result.tests, strict=True):
            text = _literal(outcome.value) if outcome.outcome == "passed" else None
            if text is not None:
                found[i][call] = text
    return found


def _literal(value: Any) -> str | None:
    """`value` as Python literal source that evaluates back to an equal value of the same type."""
    text = repr(value)
    if len(text) > MAX_EXPECTED_CHARS:
        return None
    try:
        back = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if values_equal(back, value, 0.0, 0.0) else None


def _assert(call: str, expected: str) -> str:
    return f"assert {call} is None" if expected == "None" else f"assert {call} == {expected}"


def _keep(out: StageOutput, d: _Draft, tests: list[str], cfg: SynthConfig) -> None:
    row = empty_row(d.seed.id, d.seed.source, d.question)
    origins = Counter(d.origin.values()) if cfg.mode == "inputs" else Counter({"model": len(tests)})
    info = {
        "mode": cfg.mode,
        "raw_items": d.raw,
        "rejected_items": d.rejected,
        "test_origins": dict(origins),
    }
    row.update(
        test_cases=tests,
        entry_point=d.entry,
        reference=d.seed.program,
        synth_info=json.dumps(info, ensure_ascii=False),
    )
    out.keep(row)


def config_dict(cfg: SynthConfig) -> dict[str, Any]:
    return asdict(cfg)

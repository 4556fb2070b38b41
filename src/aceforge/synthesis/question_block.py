"""What every question shows below its prose: the function's signature, each argument's
domain, and 2–3 worked examples (input → output).

The examples are a subset of the question's final tests, moved to the front of
``test_cases``; they are verified (the seed computed them, or ``filter`` kept them) and stay
in the suite the programs are scored on. The other tests stay hidden: no call or expected value
of theirs is written into the question. A domain is what the tests' arguments are (their
types) plus what the docstring's prose says (``prose``), where the tests agree with it.

``synth`` renders the block in inputs mode (its tests are verified); ``filter`` renders it
again when its verdict removed a shown example, and for the first time in tests mode.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from aceforge.synthesis.constraints import Constraint, Prose
from aceforge.synthesis.draft import Draft
from aceforge.synthesis.parse import entry_calls, test_calls
from aceforge.synthesis.prose import doc_types, read_prose
from aceforge.synthesis.question_check import Verdict, check_question
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import Param, entry_function, params_of, parse_args

N_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 200  # longer examples would bury the question
EXAMPLES_HEAD = "Examples (the function must also pass further, hidden tests):"


def signature_of(program: str, entry: str) -> str | None:
    """``name(a, b=1)`` of `entry` in `program`, annotations included."""
    fn = entry_function(program, entry)
    return f"{fn.name}({ast.unparse(fn.args)})" if fn is not None else None


def typed_params(program: str, entry: str) -> tuple[list[Param], str]:
    """The entry function's parameters, typed by the docstring where unannotated, and the
    docstring."""
    fn = entry_function(program, entry)
    doc = (ast.get_docstring(fn) if fn is not None else None) or ""
    return doc_types(doc, params_of(program, entry)), doc


def test_args(tests: list[str], entry: str, params: list[Param]) -> dict[str, list[Any]]:
    """Each parameter's argument values in the value tests' calls (positional and keyword);
    inputs the function must reject (exception tests) say nothing about the valid domain."""
    names = [p.name for p in params]
    out: dict[str, list[Any]] = {n: [] for n in names}
    for call in test_calls([t for t in tests if example_of(t, entry)], entry):
        args, kwargs = parse_args(call)
        for name, v in [*zip(names, args, strict=False), *kwargs.items()]:
            out.setdefault(name, []).append(v)
    return out


def describe(v: Any, depth: int = 0) -> str:
    """A value's type in words: ``list of int``, ``dict of str to list of int``."""
    kind = "None" if v is None else type(v).__name__
    if depth >= 2 or not isinstance(v, list | tuple | set | frozenset | dict) or not v:
        return kind
    if isinstance(v, dict):
        keys = _join({describe(k, depth + 1) for k in v})
        return f"dict of {keys} to {_join({describe(x, depth + 1) for x in v.values()})}"
    return f"{kind} of {_join({describe(x, depth + 1) for x in v})}"


def _join(kinds: set[str]) -> str:
    """Alternatives in words; a bare ``dict`` (an empty one) goes when ``dict of ...`` is said."""
    kinds = {k for k in kinds if not any(o.startswith(f"{k} of ") for o in kinds)}
    return " or ".join(sorted(kinds)) if len(kinds) <= 3 else "mixed values"


def _rule_words(c: Constraint) -> list[str]:
    words = []
    if c.nonempty or c.min_len:
        words.append("non-empty" if c.min_len <= 1 else f"length at least {c.min_len}")
    if c.max_len is not None:
        words.append(f"length at most {c.max_len}")
    if c.sorted_:
        words.append("sorted")
    if c.chars is not None:
        words.append(f"only the characters {c.chars!r}" if len(c.chars) <= 12 else "a limited alphabet")
    if c.case:
        words.append(f"{c.case}case")
    if c.low is not None:
        words.append(f"{'>' if c.low_open else '>='} {c.low:g}")
    if c.high is not None:
        words.append(f"<= {c.high:g}")
    if c.element is not None and not c.element.empty:
        words += [f"elements {w}" for w in _rule_words(c.element)]
    return words


def argument_lines(params: list[Param], args: dict[str, list[Any]], prose: Prose) -> list[str]:
    """``- `name`: type; rules; default`` per parameter."""
    lines = []
    for p in params:
        values = args.get(p.name) or []
        parts = [_join({describe(v) for v in values})] if values else []
        rule = prose.params.get(p.name)
        parts += _rule_words(rule) if rule is not None else []
        if p.has_default:
            parts.append(f"optional, default {p.default!r}")
        lines.append(f"- `{p.name}`: {'; '.join(parts) or 'any value'}")
    return lines


def example_of(test: str, entry: str) -> tuple[str, str] | None:
    """(input, output) of a value test ``assert f(x) == y`` / ``assert f(x) is None`` (a call
    wrapped in ``list(...)`` shows as it is); None for other tests."""
    try:
        node = ast.parse(test).body[0]
    except (SyntaxError, IndexError, ValueError, MemoryError, RecursionError):
        return None
    if not isinstance(node, ast.Assert) or not isinstance(node.test, ast.Compare):
        return None
    cmp = node.test
    if len(cmp.ops) != 1 or not isinstance(cmp.ops[0], ast.Eq | ast.Is) or not entry_calls(cmp.left, entry):
        return None
    return ast.unparse(cmp.left), ast.unparse(cmp.comparators[0])


def pick_examples(tests: list[str], entry: str, n: int = N_EXAMPLES) -> list[str]:
    """Up to `n` short value tests, in suite order, with different outputs where possible."""
    short = [t for t in tests if (e := example_of(t, entry)) and len(e[0]) + len(e[1]) <= MAX_EXAMPLE_CHARS]
    chosen: list[str] = []
    outputs: set[str] = set()
    for t in short:
        out = example_of(t, entry)[1]  # type: ignore[index]
        if out not in outputs and len(chosen) < n:
            chosen.append(t)
            outputs.add(out)
    return chosen + [t for t in short if t not in chosen][: n - len(chosen)]


def examples_block(examples: list[str], entry: str) -> list[str]:
    lines = [EXAMPLES_HEAD]
    for i, t in enumerate(examples, 1):
        call, out = example_of(t, entry) or ("", "")
        lines += ["", f"Example {i}:", f"Input: {call}", f"Output: {out}"]
    return lines


def compose(
    base: str, entry: str, program: str, tests: list[str], with_examples: bool = True
) -> tuple[str, list[str], list[str]]:
    """(question, shown examples, tests with the shown ones first): `base` plus the signature,
    the argument domains and, when `with_examples`, the worked examples."""
    params, doc = typed_params(program, entry)
    args = test_args(tests, entry, params)
    names = [p.name for p in params]
    calls = [parse_args(c) for c in test_calls([t for t in tests if example_of(t, entry)], entry)]
    prose = read_prose(doc, params).consistent_with(calls, names) if doc else Prose()
    sig = signature_of(program, entry)
    lines = [base.strip(), ""]
    if sig and f"`{sig}`" not in base:
        lines += [f"Function signature: `{sig}`", ""]
    if params:
        lines += ["Arguments:", *argument_lines(params, args, prose), ""]
    examples = pick_examples(tests, entry) if with_examples else []
    if examples:
        lines += [*examples_block(examples, entry), ""]
    ordered = examples + [t for t in tests if t not in examples]
    return "\n".join(lines).strip(), examples, ordered


def shown_ok(question: str, examples: list[str] | None, tests: list[str]) -> bool:
    """Whether the examples a question shows are all still among `tests`, first, in order."""
    if examples is None or tests[: len(examples)] != examples:
        return False
    return not examples or EXAMPLES_HEAD in question


def seed_question(seed: Seed) -> str:
    """The question the seed itself asks: its instruction (docstring), with the function's
    signature. Used when the model's question is unusable."""
    sig = signature_of(seed.program, seed.entry_point) if seed.entry_point else None
    head = f"Write a function `{sig}` for the following task.\n\n" if sig else ""
    return head + seed.instruction


def present(d: Draft, tests: list[str], with_examples: bool) -> tuple[str, list[str], dict[str, Any]]:
    """(question, tests with the shown ones first, synth_info fields): the model's question
    checked (``question_check``), completed with the signature, the argument domains and, when
    the tests are verified (`with_examples`), worked examples."""
    params, _ = typed_params(d.seed.program, d.entry)
    args = test_args(tests, d.entry, params)
    fallback = seed_question(d.seed)
    if d.question == fallback:  # the model's text only echoed a few-shot example (``synth``)
        verdict = Verdict(fallback, "fallback", ("few_shot_leak",))
    else:
        verdict = check_question(d.question, d.entry, params, args, fallback, d.hit_limit)
    question, shown, ordered = compose(verdict.text, d.entry, d.seed.program, tests, with_examples)
    info = {
        "question_source": verdict.source,
        "question_check": list(verdict.reasons),
        "question_base": verdict.text,
        "examples": shown if with_examples else None,  # None: ``filter`` picks them
    }
    return question, ordered, info


def refresh(row: dict[str, Any], tests: list[str]) -> tuple[str, list[str], str | None]:
    """(question, tests, synth_info) once `tests` is a row's final suite: unchanged when the
    examples it shows are still its first tests, else rendered again from the checked question
    (rows without one, e.g. imported data, are left as they are)."""
    info = json.loads(row.get("synth_info") or "{}")
    base, entry = info.get("question_base"), row.get("entry_point")
    if not base or not entry or shown_ok(row["question"], info.get("examples"), tests):
        return row["question"], tests, row.get("synth_info")
    question, shown, ordered = compose(base, entry, row.get("reference") or "", tests)
    return question, ordered, json.dumps({**info, "examples": shown}, ensure_ascii=False)


def question_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How many questions were the model's, repaired or fallbacks, and why (the synth stage's
    manifest and ``report.md`` show it)."""
    sources: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for row in rows:
        info = json.loads(row.get("synth_info") or "{}")
        source = info.get("question_source")
        if source is None:
            continue
        sources[source] = sources.get(source, 0) + 1
        for r in info.get("question_check") or []:
            key = r.split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
    return {**sources, "reasons": reasons} if sources else {}

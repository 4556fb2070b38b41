"""Inputs for label-free selection, read from the question alone (no reference program).

Where calls come from, in order: the question's own examples (``>>> f(x)`` lines, ``f(x) == y``
or ``f(x) ➞ y`` in prose), the calls in model-written tests — both only with the signature's
arity — and EvalPlus-style type-aware mutations of those (``synthesis.domain``: each argument
stays in the domain its observed values span), and only when nothing was observed, values typed
from the signature's annotations, else the docstring's words ("a list of integers"), else the
parameter's name (``lst``, ``s``, ``n``). The expected values written in the examples become
asserts: AlphaCode's filter.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.examples import example_calls
from aceforge.synthesis.parse import check_call, test_calls
from aceforge.synthesis.prose import doc_types
from aceforge.synthesis.signature import ANY, Param, Spec, params_of, parse_args, typed_calls

MAX_LITERAL_CHARS = 2000
# what separates a call from its expected value in prose examples
_ARROWS = r"(?:==>|=>|==|➞|->|→|(?:#\s*)?(?:should return|returns?|should be))"


@dataclass(frozen=True)
class Example:
    """One example of the question: a call and the literal it should return."""

    call: str
    expected: str

    @property
    def assert_test(self) -> str:
        return f"assert {self.call} == {self.expected}"


def entry_of(question: str, programs: Sequence[str] = ()) -> str | None:
    """The function the question asks for: the last ``def`` in it, else in the first program
    that parses."""
    names = re.findall(r"^\s*def\s+(\w+)\s*\(", question, re.MULTILINE)
    if names:
        return str(names[-1])
    for p in programs:
        try:
            tree = ast.parse(p)
        except (SyntaxError, ValueError):
            continue
        defs = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        if defs:
            return defs[-1]
    return None


def question_params(question: str, entry: str, programs: Sequence[str] = ()) -> list[Param]:
    """The entry's parameters from the question's signature (a prompt that ends in a docstring
    parses as is; one that ends after ``:`` gets a ``pass``), else from the first program."""
    for text in (question, question.rstrip() + "\n    pass\n", *programs[:1]):
        params = params_of(text, entry)
        if params:
            return params
    return []


def _literal(text: str) -> str | None:
    text = text.strip().rstrip(".,;")
    if not text or len(text) > MAX_LITERAL_CHARS:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return repr(value)


def _doctest_examples(question: str, entry: str) -> list[Example]:
    """``>>> f(x)`` followed by the line(s) it prints."""
    out = []
    lines = question.splitlines()
    for n, line in enumerate(lines):
        s = line.strip()
        if not s.startswith(">>>"):
            continue
        call, _ = check_call(s[3:].strip(), entry)
        nxt = lines[n + 1].strip() if n + 1 < len(lines) else ""
        expected = _literal(nxt) if nxt and not nxt.startswith(">>>") else None
        if call is not None and expected is not None:
            out.append(Example(call, expected))
    return out


def _prose_examples(question: str, entry: str) -> list[Example]:
    """``f(x) == y``, ``f(x) ==> y``, ``f(x) ➞ y``, ``f(x)  # returns y`` on one line."""
    out = []
    for line in question.splitlines():
        if ">>>" in line:
            continue
        for call in example_calls(line, entry):
            m = re.search(rf"\)\s*{_ARROWS}\s*(.+)$", line)
            expected = _literal(m.group(1)) if m else None
            if expected is not None:
                out.append(Example(call, expected))
                break
    return out


def question_examples(question: str, entry: str) -> list[Example]:
    """Every call of `entry` in the question whose expected value is written next to it."""
    seen, out = set(), []
    for ex in _doctest_examples(question, entry) + _prose_examples(question, entry):
        if ex.call not in seen:
            seen.add(ex.call)
            out.append(ex)
    return out


# Unannotated parameters that the docstring does not type either: what their names usually hold
# in function-level benchmarks (typed seeds only; the input search grows them from there).
_NAMED_TYPES = {
    **dict.fromkeys(("lst", "arr", "array", "nums", "numbers", "xs", "l", "lst1", "lst2", "list"), "list"),
    **dict.fromkeys(("s", "string", "text", "txt", "word", "sentence", "str", "a_str"), "str"),
    **dict.fromkeys(("n", "m", "k", "x", "y", "z", "a", "b", "c", "h", "num", "number", "base"), "int"),
}


def _fits_arity(call: str, params: list[Param]) -> bool:
    """The call gives every required parameter and no more arguments than there are."""
    try:
        args, kwargs = parse_args(call)
    except (SyntaxError, ValueError, AssertionError, TypeError):
        return False
    required = sum(not p.has_default for p in params)
    return required <= len(args) + len(kwargs) <= len(params)


def _guessed_types(question: str, params: list[Param]) -> list[Param]:
    """`params` typed by the docstring where it says (``a list of integers``), else by name."""
    return [
        replace(p, spec=Spec(_NAMED_TYPES[p.name])) if p.spec == ANY and p.name in _NAMED_TYPES else p
        for p in doc_types(question, params)
    ]


def selection_inputs(
    question: str,
    entry: str,
    params: list[Param],
    model_tests: Sequence[str] = (),
    max_inputs: int = 40,
    seed: str = "",
) -> list[str]:
    """Calls of `entry` to run every candidate on: the question's example calls, the model
    tests' calls, then in-domain mutations and boundary variants of them up to `max_inputs`."""
    observed = example_calls(question, entry)
    from_tests = test_calls(list(model_tests), entry)
    if params:  # a call of the wrong arity ("write f() that ...", a test of another signature)
        observed = [c for c in observed if _fits_arity(c, params)]
        from_tests = [c for c in from_tests if _fits_arity(c, params)]
    calls = list(dict.fromkeys(observed + from_tests))
    if not calls:
        params = _guessed_types(question, params)
        calls = typed_calls(params, entry, limit=max(4, max_inputs // 4))
    space = InputSpace.build(entry, params, observed or from_tests or calls)
    calls = [c for c in calls if space.fits(c)] or calls
    if not calls:
        return []
    grown = space.grow(calls[:max_inputs], max_inputs, seed or entry)
    edges = [c for c in space.boundaries(calls[:8]) if c not in grown]
    half = max(len(calls), max_inputs * 3 // 4)  # leave room for the boundary variants
    return list(dict.fromkeys(grown[:half] + edges))[:max_inputs]

"""Prompts for synthesis (seed → question + tests, or question + test inputs) and for the
proxy model that solves questions. Chat models get instructions; base models get few-shot
completion prompts whose examples show the exact answer format."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

from aceforge.synthesis.configs import MODES
from aceforge.synthesis.seeds import Seed
from aceforge.types import Message, Prompt

SYSTEM = "You are an expert Python programmer who writes precise programming problems and tests."

_RULES = """Rewrite the seed below into a self-contained LeetCode-style programming question.
Requirements:
- The question is solvable by ONE Python function{name_rule}. State its inputs and output clearly.
- No external resources (files, network, databases, user input) and no third-party packages.
- Do not discuss time or space complexity, and do not include the solution.
{test_rule}
Answer with one JSON object and nothing else: {shape}"""

_TEST_RULES = {
    "tests": (
        "- Then write about {n} independent tests, each a single Python `assert` statement that calls the "
        "function with constant (literal) arguments and compares the result with a constant expected value. "
        "Cover ordinary cases and edge cases; no imports, no helper variables, no printing."
    ),
    "inputs": (
        "- Then write about {n} distinct test inputs, each a single call of the function with constant "
        "(literal) arguments, like `f(3, 'abc')`. Do not write expected outputs. Cover ordinary cases and "
        "edge cases (empty, zero, negative, duplicates, boundaries)."
    ),
}
_SHAPES = {
    "tests": '{"question": "...", "tests": ["assert ...", ...]}',
    "inputs": '{"question": "...", "inputs": ["f(...)", ...]}',
}


def signature(seed: Seed) -> str | None:
    """``name(a, b=1)`` of the seed's entry function, when it has one."""
    if not seed.entry_point:
        return None
    for node in ast.walk(ast.parse(seed.program)):
        if isinstance(node, ast.FunctionDef) and node.name == seed.entry_point:
            return f"{node.name}({ast.unparse(node.args)})"
    return None


def synth_prompt(seed: Seed, mode: str, chat: bool, n_tests: int = 20, keep_name: bool = True) -> Prompt:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    sig = signature(seed) if keep_name else None
    if chat:
        name_rule = f" named and called exactly like the seed's `{sig}`" if sig else ""
        rules = _RULES.format(
            name_rule=name_rule, test_rule=_TEST_RULES[mode].format(n=n_tests), shape=_SHAPES[mode]
        )
        body = (
            f"{rules}\n\n## Seed instruction\n{seed.instruction or '(none)'}\n\n"
            f"## Seed program\n```python\n{seed.program.rstrip()}\n```"
        )
        msgs: list[Message] = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": body}]
        return msgs
    return _few_shot(seed, mode, sig)


# ---- few-shot prompts for base models ----------------------------------------------------------


@dataclass(frozen=True)
class _Example:
    program: str
    question: str
    cases: tuple[tuple[str, str], ...]  # (call, expected value)

    def items(self, mode: str) -> list[str]:
        return [c if mode == "inputs" else f"assert {c} == {v}" for c, v in self.cases]


_EXAMPLES = (
    _Example(
        'def count_vowels(text):\n    """Count the vowels in text."""\n'
        '    return sum(1 for c in text.lower() if c in "aeiou")\n',
        "Write a function `count_vowels(text)` that returns how many characters of the string "
        "`text` are vowels (a, e, i, o, u), ignoring case.",
        (
            ("count_vowels('hello')", "2"),
            ("count_vowels('')", "0"),
            ("count_vowels('AEIOU')", "5"),
            ("count_vowels('xyz')", "0"),
            ("count_vowels('Programming')", "3"),
        ),
    ),
    _Example(
        'def clamp(value, low, high):\n    """Limit value to the range [low, high]."""\n'
        "    if value < low:\n        return low\n"
        "    if value > high:\n        return high\n    return value\n",
        "Write a function `clamp(value, low, high)` that returns `value` limited to the closed "
        "range from `low` to `high`: `low` if it is smaller, `high` if it is larger, else `value` itself.",
        (
            ("clamp(5, 0, 10)", "5"),
            ("clamp(-3, 0, 10)", "0"),
            ("clamp(15, 0, 10)", "10"),
            ("clamp(0, 0, 0)", "0"),
            ("clamp(7, 7, 9)", "7"),
        ),
    ),
)


def _block(program: str, question: str | None, items: list[str] | None, mode: str, prefix: str = "") -> str:
    key = "inputs" if mode == "inputs" else "tests"
    head = f"### Program\n{program.rstrip()}\n### Answer\n"
    if question is None or items is None:
        return head + prefix
    return head + json.dumps({"question": question, key: items}, indent=1) + "\n"


def few_shot_prefix(seed: Seed, keep_name: bool = True) -> str:
    """The start of the answer a few-shot prompt pre-fills (the parser puts it back): it pins
    the function's name and signature, which small models otherwise get wrong."""
    sig = signature(seed) if keep_name else None
    return '{\n "question": "Write a function `' + sig + "` that" if sig else '{\n "question": "'


def _few_shot(seed: Seed, mode: str, sig: str | None) -> str:
    what = "test inputs (calls with literal arguments)" if mode == "inputs" else "assert tests"
    intro = (
        f"Each Python program below is rewritten as a self-contained programming question about one "
        f"function with the same name, followed by {what}.\n\n"
    )
    shots = [_block(e.program, e.question, e.items(mode), mode) for e in _EXAMPLES]
    prefix = few_shot_prefix(seed, keep_name=sig is not None)
    return intro + "\n".join(shots) + "\n" + _block(seed.program, None, None, mode, prefix)


# ---- few-shot leakage ------------------------------------------------------------------------

LEAK_NGRAM = 5


def _ngrams(text: str, n: int = LEAK_NGRAM) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


_EXAMPLE_NGRAMS = frozenset().union(*(_ngrams(e.question) for e in _EXAMPLES))


def leaked_ngrams(question: str, seed: Seed) -> set[tuple[str, ...]]:
    """Word 5-grams of the few-shot examples' questions that `question` repeats and the seed
    does not contain: wording copied from an unrelated example."""
    return (_ngrams(question) & _EXAMPLE_NGRAMS) - _ngrams(f"{seed.instruction}\n{seed.program}")


def strip_leaks(question: str, seed: Seed) -> str:
    """`question` without the sentences that repeat a few-shot example's wording."""
    if not leaked_ngrams(question, seed):
        return question
    sentences = re.split(r"(?<=[.!?])\s+", question)
    kept = [s for s in sentences if not leaked_ngrams(s, seed)]
    return " ".join(kept).strip()

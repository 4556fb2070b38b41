"""The block under each question: signature, argument domains, worked examples taken from
the final tests, and no hidden test in the text."""

from __future__ import annotations

import ast
import json

from aceforge.synthesis.draft import Draft
from aceforge.synthesis.question_block import (
    EXAMPLES_HEAD,
    compose,
    describe,
    example_of,
    pick_examples,
    present,
    question_summary,
    refresh,
    seed_question,
)
from aceforge.synthesis.seeds import Seed

PROGRAM = '''def count_calls(callers, depth=1):
    """Sum the caller statistics to get total number of calls received.

    callers is a non-empty dict.
    """
    return sum(callers.values()) * depth
'''
TESTS = [
    "assert count_calls({'a': 1, 'b': 2}) == 3",
    "assert count_calls({'x': 5}, 2) == 10",
    "assert count_calls({'q': 3}) == 3",
    "assert count_calls({'q': 0}) == 0",
    "assert count_calls({'a': 7, 'b': 11, 'c': 13}, 3) == 93",
    "try:\n    count_calls({'a': 'x'})\nexcept TypeError:\n    pass\nelse:\n    raise AssertionError('no')",
]
SEED = Seed(
    "s1", "stdlib", "Sum the caller statistics to get total number of calls received.", PROGRAM, "count_calls"
)


def _hidden_parts(question: str, hidden: list[str]) -> list[str]:
    """Calls and expected values of hidden tests that the question's text contains."""
    found = []
    for t in hidden:
        for node in ast.walk(ast.parse(t)):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "count_calls"
            if called and ast.unparse(node) in question:
                found.append(ast.unparse(node))
    return found


def test_the_question_shows_signature_domains_and_three_examples_first_in_the_suite() -> None:
    question, shown, ordered = compose("Write a function that sums the calls.", "count_calls", PROGRAM, TESTS)
    assert "Function signature: `count_calls(callers, depth=1)`" in question
    assert "- `callers`: dict of str to int; non-empty" in question
    assert "- `depth`: int; optional, default 1" in question
    # three value tests with different outputs, in suite order; the exception test is never shown
    assert shown == [TESTS[0], TESTS[1], TESTS[3]]
    assert ordered[:3] == shown and sorted(ordered) == sorted(TESTS)
    assert "Example 1:\nInput: count_calls({'a': 1, 'b': 2})\nOutput: 3" in question
    assert "Input: count_calls({'x': 5}, 2)\nOutput: 10" in question
    hidden = ordered[3:]
    assert _hidden_parts(question, hidden) == []
    assert "93" not in question and "'c': 13" not in question and "TypeError" not in question


def test_no_hidden_test_ever_appears_whatever_the_suite() -> None:
    for k in range(1, len(TESTS) + 1):
        tests = TESTS[-k:]
        question, shown, ordered = compose("Sum the calls in `callers`.", "count_calls", PROGRAM, tests)
        assert ordered[: len(shown)] == shown and len(shown) <= 3
        assert _hidden_parts(question, [t for t in tests if t not in shown]) == []
        assert all(example_of(t, "count_calls")[0] in question for t in shown)  # type: ignore[index]


def test_what_counts_as_an_example() -> None:
    assert example_of("assert f(1) is None", "f") == ("f(1)", "None")
    assert example_of("assert list(f('ab')) == ['a', 'b']", "f") == ("list(f('ab'))", "['a', 'b']")
    assert example_of("assert g(1) == 2", "f") is None and example_of("assert f(1) != 2", "f") is None
    long = f"assert f({'x' * 300!r}) == 1"
    assert pick_examples([long, "assert f(1) == 2"], "f") == ["assert f(1) == 2"]  # long ones bury the text
    same = ["assert f(1) == 0", "assert f(2) == 0", "assert f(3) == 1"]
    assert pick_examples(same, "f", 2) == ["assert f(1) == 0", "assert f(3) == 1"]  # distinct outputs first
    assert describe({"a": [1, 2.5]}) == "dict of str to list of float or int" and describe(None) == "None"


def _draft(question: str) -> Draft:
    return Draft(SEED, question, "count_calls", 0, [], [], {})


def test_present_records_the_check_and_the_examples() -> None:
    loop = "Write a function `count_calls(callers, depth=1)` that sums calls. " + "It is a number, " * 6
    question, ordered, info = present(_draft(loop), TESTS, with_examples=True)
    assert info["question_source"] == "repaired" and info["question_check"] == ["repetition_loop"]
    assert info["question_base"] == "Write a function `count_calls(callers, depth=1)` that sums calls."
    assert info["examples"] == ordered[:3] and question.startswith(info["question_base"])
    bad = "Write a function `count_calls(callers, depth=1)` that counts. `callers` is a list of strings."
    question, _, info = present(_draft(bad), TESTS, with_examples=False)
    assert info["question_source"] == "fallback" and info["examples"] is None
    assert question.startswith(seed_question(SEED)) and EXAMPLES_HEAD not in question
    rows = [{"synth_info": json.dumps(i)} for i in ({"question_source": "repaired", "question_check": ["repetition_loop"]},
            {"question_source": "fallback", "question_check": ["contradicts_tests: callers: x"]},
            {"question_source": "model", "question_check": []}, {})]  # fmt: skip
    assert question_summary(rows) == {
        "repaired": 1, "fallback": 1, "model": 1, "reasons": {"repetition_loop": 1, "contradicts_tests": 1},
    }  # fmt: skip


def test_refresh_renders_again_only_when_a_shown_example_was_dropped() -> None:
    question, ordered, info = present(
        _draft("Write a function that sums the calls in `callers`."), TESTS, True
    )
    row = {
        "question": question,
        "entry_point": "count_calls",
        "reference": PROGRAM,
        "synth_info": json.dumps(info),
    }
    assert refresh(row, ordered[:5]) == (question, ordered[:5], row["synth_info"])  # examples kept: unchanged
    kept = ordered[1:]  # filter dropped the first example
    new_q, new_tests, new_info = refresh(row, kept)
    shown = json.loads(new_info or "")["examples"]
    assert new_tests[: len(shown)] == shown and set(shown) <= set(kept) and ordered[0] not in shown
    assert "Input: count_calls({'a': 1, 'b': 2})" not in new_q and _hidden_parts(new_q, new_tests[3:]) == []
    imported = {"question": "Q", "entry_point": "f", "synth_info": None}
    assert refresh(imported, ["assert f(1) == 1"]) == ("Q", ["assert f(1) == 1"], None)

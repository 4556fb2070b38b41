"""A fixture of messy LLM answers: each is parsed, or rejected with the right reason."""

from __future__ import annotations

import pytest

from aceforge.extract import extract_code
from aceforge.synthesis.parse import check_call, check_test, check_tests, detect_entry_point, parse_answer

MESSY = {
    "plain": ('{"question": "Q?", "tests": ["assert f(1) == 2"]}', ["assert f(1) == 2"]),
    "fenced with prose": (
        'Sure! Here it is:\n```json\n{"question": "Q?", "tests": ["assert f(1) == 2", "assert f(2) == 3"]}\n```\nHope this helps.',
        ["assert f(1) == 2", "assert f(2) == 3"],
    ),
    "trailing comma": ('{"question": "Q?", "tests": ["assert f(1) == 2",],}', ["assert f(1) == 2"]),
    "python literal": ("{'question': 'Q?', 'tests': ['assert f(1) == 2'], 'ok': True}", ["assert f(1) == 2"]),
    "truncated mid-test": (
        '{"question": "Q?", "tests": ["assert f(1) == 2", "assert f(3) == 4", "assert f(5',
        ["assert f(1) == 2", "assert f(3) == 4"],
    ),
    "missing comma (small models)": (
        '{\n "question": "Q? Write f.\n "tests": [\n  "assert f(1) == 2",\n  "assert f(2) == 3"\n ]\n}',
        ["assert f(1) == 2", "assert f(2) == 3"],
    ),
    "think section": (
        '<think>{"question": "wrong"}</think>{"question": "Q?", "tests": ["assert f(0) == 1"]}',
        ["assert f(0) == 1"],
    ),
}


@pytest.mark.parametrize("name", list(MESSY))
def test_messy_answers_parse(name: str) -> None:
    text, tests = MESSY[name]
    obj, reason = parse_answer(text)
    assert reason is None and obj is not None
    assert obj["question"].startswith("Q?")
    assert obj["tests"] == tests


@pytest.mark.parametrize(
    "text,reason",
    [("I cannot help with that.", "no_json"), ("", "no_json"), ('{"tests": ["assert f(1', "truncated_json")],
)
def test_unparseable_answers_say_why(text: str, reason: str) -> None:
    assert parse_answer(text) == (None, reason)


@pytest.mark.parametrize(
    "test,reason",
    [
        ("assert f(1) == 2", None),
        ("assert f([1, 2], key='a') == {'x': (1, 2.5)}", None),
        ("assert f(-1) is None", None),
        ("assert not f('')", None),
        ("assert math.isclose(f(0.1), 0.3)", None),
        ("assert abs(f(2) - 1.41) < 1e-2", None),
        ("import os; assert f(1) == 2", "not_single_assert"),
        ("import os", "not_single_assert"),
        ("assert f(1) == 2\nassert f(2) == 3", "not_single_assert"),
        ("f(1) == 2", "not_single_assert"),
        ("assert f(1 == 2", "not_python"),
        ("assert g(1) == 2", "unknown_name"),
        ("assert f(x) == 2", "unknown_name"),
        ("assert f(a + 1) == 2", "unknown_name"),
        ("assert f(1 + 2) == 3", "non_literal_args"),
        ("assert f([i for i in range(3)]) == 3", "unknown_name"),
        ("assert f(1).__class__ == int", "dunder_access"),
        ("assert f(__import__('os')) == 1", "dunder_access"),
        ("assert open('x').read() == f(1)", "attribute_access"),
        ("assert f(1) == open('x')", "unknown_name"),
        ("assert f(1).real == 1", "attribute_access"),
        ("assert len(f('abc')) == 3", None),
        ("assert 3 == 3", "no_entry_call"),
        (42, "not_a_string"),
        ("assert f('" + "a" * 5000 + "') == 1", "too_long"),
    ],
)
def test_check_test_reasons(test: object, reason: str | None) -> None:
    assert check_test(test, "f") == reason


def test_duplicates_are_detected_by_syntax_tree() -> None:
    check = check_tests(
        ["assert f(1)==2", "assert f(1) == 2", "assert f( 1 ) == 2", "assert f(2) == 3", 5], "f"
    )
    assert check.kept == ["assert f(1) == 2", "assert f(2) == 3"]
    assert check.reasons() == {"duplicate": 2, "not_a_string": 1}


def test_entry_point_detection() -> None:
    tests = ["assert foo(1) == 2", "assert foo(2) == len(bar(1))", "assert bar(1) == 1"]
    assert detect_entry_point(tests) == "foo"
    assert detect_entry_point(tests, hint="bar") == "bar"
    assert detect_entry_point(["assert len('a') == 1"], hint="baz") == "baz"
    assert detect_entry_point([]) is None


@pytest.mark.parametrize(
    "text,call,reason",
    [
        ("f(1, 'a')", "f(1, 'a')", None),
        ('f( 1 , "a" )', "f(1, 'a')", None),
        ("assert f([1]) == 99", "f([1])", None),
        ("f(x=[1, 2])", "f(x=[1, 2])", None),
        ("f(n)", None, "non_literal_args"),
        ("f(**{'a': 1})", None, "non_literal_args"),
        ("g(1)", None, "no_entry_call"),
        ("x = f(1)", None, "not_a_call"),
        ("f(1", None, "not_python"),
    ],
)
def test_check_call(text: str, call: str | None, reason: str | None) -> None:
    assert check_call(text, "f") == (call, reason)


@pytest.mark.parametrize(
    "answer,entry,code_has,ok",
    [
        (
            "```python\nimport math\n\ndef f(x):\n    return math.sqrt(x)\n\nprint(f(4))\n```",
            "f",
            "import math",
            True,
        ),
        ("Here you go:\n\ndef f(x):\n    return x + 1\n\nThis adds one.", "f", "return x + 1", True),
        ("<think>def f(x): return 0</think>\n```py\ndef f(x):\n    return 2\n```", "f", "return 2", True),
        (
            "```python\ndef helper():\n    pass\n```\n```python\ndef f(x):\n    return helper()\n```",
            "f",
            "def f",
            True,
        ),
        ("def f(x):\n    return x\n\nif __name__ == '__main__':\n    f(1)\n", "f", "def f", True),
        ("def f(x):\n    return x +", "f", "", False),
        ("def g(x):\n    return x\n", "f", "def g", False),
        ("No code here.", "f", "", False),
    ],
)
def test_extract_code(answer: str, entry: str, code_has: str, ok: bool) -> None:
    got = extract_code(answer, entry)
    assert got.ok is ok
    assert code_has in got.code
    assert "print(" not in got.code and "__main__" not in got.code

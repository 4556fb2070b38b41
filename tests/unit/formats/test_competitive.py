"""APPS/TACO/PRIME, LiveCodeBench and CodeContests labels, and the judges' import prelude."""

from __future__ import annotations

import base64
import json
import pickle
import zlib
from pathlib import Path

import pytest

from aceforge.errors import DataFormatError
from aceforge.formats.competitive import (
    JUDGE_IMPORTS,
    judge_program,
    read_apps,
    read_codecontests,
    read_lcb,
)
from aceforge.formats.where import Where
from aceforge.types import StdioTest

W = Where("rows.jsonl", 9)


def _run(test: str, program: str) -> bool:
    scope: dict = {}
    exec(program, scope)
    try:
        exec(test, scope)
    except AssertionError:
        return False
    return True


def test_judge_program_drops_statistics_unless_the_code_names_it() -> None:
    plain = judge_program("print(1)")
    assert "statistics" not in plain and plain.endswith("print(1)")
    assert "sys.setrecursionlimit(50000)" in plain
    assert judge_program("print(median([1, 3]))") == JUDGE_IMPORTS + "print(median([1, 3]))"
    scope: dict = {}
    exec(judge_program("x = mean([1, 2, 3]) + gcd(4, 6)"), scope)
    assert scope["x"] == 4


def test_apps_lines_are_joined_and_an_input_output_string_is_read() -> None:
    label = {"input_output": json.dumps({"inputs": [["1", "2"]], "outputs": ["3\n"]})}
    tests, fn = read_apps(label, W)
    assert tests == [StdioTest("1\n2", "3\n", "lenient")] and fn is None


def test_apps_call_accepts_the_value_its_first_element_or_a_tuple() -> None:
    tests, fn = read_apps({"inputs": [[2, 3]], "outputs": [[5]], "fn_name": "add"}, W)
    assert fn == "add"
    assert _run(tests[0], "def add(a, b): return a + b")
    assert _run(tests[0], "def add(a, b): return [a + b]")
    assert not _run(tests[0], "def add(a, b): return a * b")


def test_prime_call_reads_json_lines_and_a_json_output() -> None:
    tests, _ = read_apps({"inputs": ["[1, 2]\n3"], "outputs": ["[1, 2, 3]"], "fn_name": "cat"}, W)
    assert _run(tests[0], "def cat(xs, y): return (*xs, y)")  # a tuple passes for the list
    assert not _run(tests[0], "def cat(xs, y): return xs")


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ({"inputs": "x", "outputs": []}, "inputs"),
        ({"inputs": ["a"], "outputs": []}, "outputs"),
        ({"inputs": [3], "outputs": ["1"]}, "inputs[0]"),
        ({"inputs": [5], "outputs": [5], "fn_name": "f"}, "inputs[0]"),
        ({"inputs": [[1]], "outputs": [1], "fn_name": "no good"}, "fn_name"),
        ({"input_output": "[1]"}, "input_output"),
        ({"input_output": "{oops"}, "input_output"),
    ],
)
def test_bad_apps_labels_name_the_field(label: dict, field: str) -> None:
    with pytest.raises(DataFormatError) as e:
        read_apps(label, W)
    assert e.value.field == field and e.value.line == 9


def _compressed(cases: list) -> str:
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(cases)))).decode()


def test_lcb_row_reads_public_and_compressed_private_functional_tests() -> None:
    public = [{"input": "2\n3", "output": "5", "testtype": "functional"}]
    private = [{"input": "1\n1", "output": "2", "testtype": "functional"}]
    row = {
        "public_test_cases": json.dumps(public),
        "private_test_cases": _compressed(private),
        "metadata": json.dumps({"func_name": "add"}),
    }
    tests, fn = read_lcb(row, W)
    assert fn == "add" and len(tests) == 2
    assert all(_run(t, "def add(a, b): return a + b") for t in tests)
    assert not _run(tests[1], "def add(a, b): return a * b")  # 1 * 1 != 2


def test_lcb_bare_list_takes_the_name_from_each_case_and_stdin_defaults() -> None:
    cases = [
        {"input": "1\n", "output": "1\n"},
        {"input": "4", "output": "16", "testtype": "functional", "metadata": {"func_name": "sq"}},
    ]
    tests, fn = read_lcb(cases, W)
    assert tests[0] == StdioTest("1\n", "1\n", "lenient") and fn == "sq"
    assert _run(tests[1], "def sq(x): return x * x")


@pytest.mark.parametrize(
    ("label", "field", "problem"),
    [
        ({"public_test_cases": "{"}, "public_test_cases", "not JSON"),
        ({"public_test_cases": "[]", "private_test_cases": "@@@"}, "private_test_cases", "compressed tests"),
        ({"public_test_cases": "{}"}, "public_test_cases", "must be a list"),
        ({"public_test_cases": "[]", "metadata": "[1]"}, "metadata", "must be an object"),
        ({"public_test_cases": [{"input": 1, "output": "x"}]}, "test_cases[0]", "must be"),
        (
            {"public_test_cases": [{"input": "", "output": "", "testtype": "x"}]},
            "test_cases[0].testtype",
            "got 'x'",
        ),
        (
            {"public_test_cases": [{"input": "1", "output": "1", "testtype": "functional"}]},
            "test_cases[0]",
            "func_name",
        ),
    ],
)
def test_bad_lcb_labels_name_the_field(label: dict, field: str, problem: str) -> None:
    with pytest.raises(DataFormatError, match=problem) as e:
        read_lcb(label, W)
    assert e.value.field == field


def test_codecontests_reads_the_splits_asked_for_in_order() -> None:
    label = {
        "public_tests": {"input": ["1\n"], "output": ["a\n"]},
        "generated_tests": {"input": ["2\n", "3\n"], "output": ["b\n", "c\n"]},
    }
    tests, fn = read_codecontests(label, W)
    assert [t.input for t in tests] == ["1\n", "2\n", "3\n"] and fn is None  # type: ignore[union-attr]
    assert [t.output for t in read_codecontests(label, W, splits=("generated_tests",))[0]] == ["b\n", "c\n"]  # type: ignore[union-attr]


def test_codecontests_reads_real_rows() -> None:
    """The real rows of tests/data/formats/codecontests_real.jsonl, whole, as the dataset ships
    them (solutions, metadata and all): public, private (none), then generated, judged leniently."""
    data = Path(__file__).parents[2] / "data" / "formats" / "codecontests_real.jsonl"
    sorting, brackets = (json.loads(x) for x in data.read_text(encoding="utf-8").splitlines())
    tests, fn = read_codecontests(sorting, W)
    assert fn is None and len(tests) == 11 and {t.compare for t in tests} == {"lenient"}  # type: ignore[union-attr]
    assert tests[0] == StdioTest("5 2\nAA\nAB\nBB\nBA\nAZ\n", "5 2 1 3 4 \n", "lenient")
    generated = read_codecontests(brackets, W, splits=("generated_tests",))[0]
    assert [t.output for t in generated] == brackets["generated_tests"]["output"]  # type: ignore[union-attr]
    assert generated[0] == StdioTest("3\n((()))\n(())()\n()())", "YES\nYES\nNO\n", "lenient")


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ({"public_tests": []}, "public_tests"),
        ({"private_tests": {"input": "1"}}, "private_tests"),
        ({"public_tests": {"input": ["1"], "output": []}}, "public_tests.output"),
        ({"public_tests": {"input": [1], "output": ["1"]}}, "public_tests[0]"),
    ],
)
def test_bad_codecontests_labels_name_the_split(label: dict, field: str) -> None:
    with pytest.raises(DataFormatError) as e:
        read_codecontests(label, W)
    assert e.value.field == field

"""Tests read from each format, run by the real engine against right, wrong and hacking
programs."""

from __future__ import annotations

import pytest

from aceforge.formats import read_label
from aceforge.types import StdioTest

pytestmark = pytest.mark.integration

ALWAYS_EQUAL = "class E:\n    def __eq__(self, o):\n        return True\n\n"


def outcomes(run, program: str, label: object, fmt: str | None = None) -> list[str]:
    return run(program, list(read_label(label, fmt).tests)).outcomes


APPS_CALL = {"fn_name": "total", "inputs": [[[1, 2, 3, 4, 5]], [[42]]], "outputs": [[48], [42]]}


@pytest.mark.parametrize(
    ("program", "want"),
    [
        ("def total(arr):\n    while len(arr) > 1:\n        arr = [x + y for x, y in zip(arr, arr[1:])]\n    return arr[0]\n",
         ["passed", "passed"]),
        ("def total(arr):\n    return sum(arr)\n", ["failed", "passed"]),
        ("class Solution:\n    def total(self, arr):\n        return [48] if len(arr) == 5 else 42\n",
         ["passed", "passed"]),  # LeetCode-style method; the wrapped value passes as APPS allows
        (ALWAYS_EQUAL + "def total(arr):\n    return E()\n", ["failed", "failed"]),
    ],
)  # fmt: skip
def test_apps_call_based(run, program: str, want: list[str]) -> None:
    assert outcomes(run, program, APPS_CALL) == want


def test_lcb_functional_accepts_a_tuple_for_a_list(run) -> None:
    label = [{"input": "[2, 7, 11, 15]\n9", "output": "[0, 1]", "testtype": "functional",
              "metadata": {"func_name": "twoSum"}}]  # fmt: skip
    tuple_answer = "class Solution:\n    def twoSum(self, nums, target):\n        return (0, 1)\n"
    wrong = "class Solution:\n    def twoSum(self, nums, target):\n        return [1, 0]\n"
    assert outcomes(run, tuple_answer, label) == ["passed"]
    assert outcomes(run, wrong, label) == ["failed"]


def test_stdin_formats_compare_as_their_judges_do(run) -> None:
    label = {"inputs": ["3\n1 2 3\n"], "outputs": ["6.0\n"]}
    lenient = "n = int(input())\nprint('  ', sum(map(int, input().split())) + 0.00, '  ')\nprint()\n"
    assert outcomes(run, lenient, label) == ["passed"]  # spaces, a blank line, 6.00 == 6.0
    assert outcomes(run, "print(7)", label) == ["failed"]
    assert run(lenient, [StdioTest("3\n1 2 3\n", "6.0\n")]).outcomes == [
        "failed"
    ]  # aceforge's own lines mode


def test_compare_modes_reach_the_engine(run) -> None:
    prog = "print('0.33334 ')"
    tests = [StdioTest("", "0.33333", m) for m in ("exact", "lines", "tokens", "tokens:1e-4")]
    assert run(prog, tests).outcomes == ["failed", "failed", "failed", "passed"]


KODCODE = """
import pytest
from solution import longest

def test_asserts():
    assert longest([1, 2, 3]) == 3
    assert longest([]) == 0

@pytest.mark.parametrize("xs,want", [([5], 1), ([1, 2], 2)])
def test_param(xs, want):
    got = longest(xs)
    assert got == want

def test_raises():
    with pytest.raises(TypeError):
        longest(None)

class TestGroup:
    def test_method(self):
        assert longest([7, 8]) == 2
"""


@pytest.mark.parametrize(
    ("program", "want"),
    [
        ("def longest(xs):\n    return len(xs)\n", ["passed"] * 5),
        ("def longest(xs):\n    return len(xs or [])\n", ["passed", "passed", "passed", "error", "passed"]),
        (
            ALWAYS_EQUAL + "def longest(xs):\n    return E()\n",
            ["failed", "failed", "passed", "error", "passed"],
        ),
    ],
)
def test_kodcode_modules_run_without_pytest_runner(run, program: str, want: list[str]) -> None:
    """The always-equal hack fails every split assert; tests whose comparisons run whole in
    the sandbox (here test_param and the class method) are as safe as the module's own code."""
    assert outcomes(run, program, {"test": KODCODE}) == want


def test_humaneval_and_mbpp(run) -> None:
    he = {"test": "def check(candidate):\n    assert candidate(2, 3) == 5\n", "entry_point": "add"}
    assert outcomes(run, "def add(a, b):\n    return a + b\n", he) == ["passed"]
    mbpp = {
        "test_list": ["assert math.isclose(area(1), 3.14159, rel_tol=1e-3)"],
        "test_imports": ["import math"],
    }
    assert outcomes(run, "def area(r):\n    return 3.14159 * r * r\n", mbpp) == ["passed"]
    assert outcomes(run, "def area(r):\n    return 3 * r\n", mbpp) == ["failed"]

"""Call-based tests: JSON data becomes Python literals that read back to the same value."""

from __future__ import annotations

import ast
import math

import pytest

from aceforge.errors import DataFormatError
from aceforge.formats.calls import (
    call_test,
    callee,
    check_name,
    json_lines,
    json_value,
    py_literal,
    with_tuple,
)
from aceforge.formats.where import Where

W = Where("rows.jsonl", 3)


@pytest.mark.parametrize(
    "value",
    [None, True, 0, -5, "a'b\"\n", 1.5, [1, [2, "x"]], (1,), (1, 2), {"k": [1, None]}, {1: (2,)}, []],
)
def test_py_literal_reads_back_to_the_same_value(value: object) -> None:
    back = ast.literal_eval(py_literal(value, W, "f"))
    assert back == value and type(back) is type(value)


def test_infinities_become_literals_that_read_back_as_infinity() -> None:
    assert ast.literal_eval(py_literal(math.inf, W, "f")) == math.inf
    assert ast.literal_eval(py_literal(-math.inf, W, "f")) == -math.inf


def test_nan_and_non_json_values_are_errors_naming_the_field() -> None:
    with pytest.raises(DataFormatError, match=r"rows.jsonl:3: field 'out': NaN"):
        py_literal(math.nan, W, "out")
    with pytest.raises(DataFormatError, match="type set is not JSON"):
        py_literal({1, 2}, W, "out")


def test_a_label_cannot_inject_code_through_a_string() -> None:
    text = "'); import os; os.system('x'); ('"
    test = call_test("f", [text], [1], W, "in")
    assert ast.literal_eval(ast.parse(test).body[0].test.left.args[0]) == text  # type: ignore[attr-defined]


def test_check_name_accepts_identifiers_only() -> None:
    assert check_name("solve", W, "fn_name") == "solve"
    for bad in ["", "1x", "a b", None, 3]:
        with pytest.raises(DataFormatError, match="fn_name"):
            check_name(bad, W, "fn_name")


def test_callee_prefers_a_solution_class_method() -> None:
    class Solution:
        def f(self, x: int) -> int:
            return x + 1

    def f(x: int) -> int:
        return x - 1

    assert eval(callee("f"), {"Solution": Solution, "f": f})(1) == 2
    assert eval(callee("f"), {"f": f})(1) == 0


def test_call_test_with_one_or_several_accepted_values() -> None:
    assert (
        call_test("f", [1, "a"], [2], W, "x")
        == "assert (Solution().f if 'Solution' in globals() else f)(1, 'a') == 2"
    )
    several = call_test("f", [], [[1], (1,), [1]], W, "x")
    assert several.endswith("in [[1], (1,)]")
    # 1 and True are equal but of different types: both stay
    assert call_test("f", [], [1, True], W, "x").endswith("in [1, True]")


def test_json_lines_and_json_value_name_the_field_on_bad_input() -> None:
    assert json_lines('1\n"a"\n[2]', W, "input") == [1, "a", [2]]
    with pytest.raises(DataFormatError, match="field 'input': not one JSON value per line"):
        json_lines("1\n{", W, "input")
    with pytest.raises(DataFormatError, match="got int"):
        json_lines(5, W, "input")
    assert json_value('{"a": 1}', W, "output") == {"a": 1}
    with pytest.raises(DataFormatError, match="field 'output': not JSON"):
        json_value("nope", W, "output")
    with pytest.raises(DataFormatError, match="must be a JSON string, got list"):
        json_value([], W, "output")


def test_with_tuple_accepts_a_returned_tuple_for_a_list() -> None:
    assert with_tuple([1, 2]) == [[1, 2], (1, 2)]
    assert with_tuple(3) == [3]

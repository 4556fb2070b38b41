"""One test in the label layout: read, written back, and kept in Parquet's string column."""

from __future__ import annotations

import json

import pytest

from aceforge.formats.label_tests import (
    BadTest,
    label_item,
    parquet_test_case,
    read_test,
    stage_test,
    stage_tests,
)
from aceforge.types import StdioTest

ASSERT = "assert add(1, 2) == 3"


def test_asserts_and_stdio_objects_are_read_and_written_back() -> None:
    assert read_test(ASSERT) == ASSERT
    assert read_test({"input": "1 2\n", "output": "3\n"}) == StdioTest("1 2\n", "3\n", "lines")
    lenient = read_test({"input": "1", "output": "2", "compare": "lenient"})
    assert label_item(lenient) == {"input": "1", "output": "2", "compare": "lenient"}
    assert label_item(StdioTest("1", "2")) == {"input": "1", "output": "2"}  # the default left out
    assert read_test(lenient) is lenient  # a test already read stays as it is


@pytest.mark.parametrize(
    ("value", "field", "says"),
    [
        (3, "", "must be an assert string"),
        ({"input": "1"}, "", "missing ['output']"),
        ({"input": 1, "output": "2"}, ".input", "must be a string"),
        ({"input": "1", "output": "2", "compare": "fuzzy"}, ".compare", "fuzzy"),
    ],
)
def test_a_bad_test_names_the_part_that_is_wrong(value: object, field: str, says: str) -> None:
    with pytest.raises(BadTest) as err:
        read_test(value)
    assert err.value.field == field and says in err.value.problem


def test_stdio_tests_survive_parquet_string_cells_and_asserts_stay_asserts() -> None:
    tokens = StdioTest("0.5\n", "0.50001\n", "tokens:1e-3")
    cell = parquet_test_case(label_item(tokens))
    assert isinstance(cell, str) and json.loads(cell) == {
        "input": "0.5\n",
        "output": "0.50001\n",
        "compare": "tokens:1e-3",
    }
    assert stage_test(cell) == tokens
    assert parquet_test_case(ASSERT) == ASSERT and stage_test(ASSERT) == ASSERT
    # an assert is never taken for a stdio test, even one that mentions the same keys
    odd = 'assert f({"input": "1", "output": "2"}) == 1'
    assert stage_test(odd) == odd
    assert stage_test('{"input": broken') == '{"input": broken'  # not JSON: left as written


def test_stage_tests_name_the_index_of_a_bad_one() -> None:
    assert stage_tests([ASSERT, {"input": "", "output": ""}]) == (ASSERT, StdioTest("", ""))
    with pytest.raises(BadTest) as err:
        stage_tests([ASSERT, {"input": "1", "output": 2}])
    assert err.value.field == "[1].output"

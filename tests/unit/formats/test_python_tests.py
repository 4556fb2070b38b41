"""HumanEval and MBPP labels: check bodies split into asserts, MBPP setup before each assert."""

from __future__ import annotations

import pytest

from aceforge.errors import DataFormatError
from aceforge.formats.python_tests import read_humaneval, read_mbpp, split_check
from aceforge.formats.where import Where

W = Where("he.jsonl", 1)

CHECK = '''
METADATA = {}

def check(candidate):
    """doc"""
    assert candidate(1) == 2
    assert candidate(candidate(0)) == 2
'''


def test_an_assert_only_check_becomes_one_test_per_assert_with_the_entry_point() -> None:
    tests, entry = read_humaneval({"test": CHECK, "entry_point": "inc"}, W)
    assert entry == "inc"
    assert tests == ["assert inc(1) == 2", "assert inc(inc(0)) == 2"]


@pytest.mark.parametrize(
    "body",
    [
        "def check(c):\n    for x in range(3):\n        assert c(x) == x\n",
        "import math\ndef check(c):\n    assert c(1)\n",
        "def check(c):\n    assert c(1)\ndef check(c):\n    assert c(2)\n",
        "def check(c):\n    '''only a docstring'''\n",
    ],
)
def test_anything_else_runs_whole_with_a_call_to_check(body: str) -> None:
    assert split_check(body, "f") == [f"{body}\ncheck(f)\n"]


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ({"entry_point": "f"}, "test"),
        ({"test": CHECK, "entry_point": "not a name"}, "entry_point"),
        ({"test": "def check(:\n", "entry_point": "f"}, "test"),
    ],
)
def test_bad_humaneval_labels_name_the_field(label: dict, field: str) -> None:
    with pytest.raises(DataFormatError) as e:
        read_humaneval(label, W)
    assert e.value.field == field and e.value.line == 1


def test_mbpp_prefixes_imports_and_setup_and_finds_the_called_function() -> None:
    label = {
        "test_list": ["assert add(1, 2) == 3", "assert add(0, 0) == 0"],
        "test_imports": ["import math"],
        "test_setup_code": "X = 1",
    }
    tests, entry = read_mbpp(label, W)
    assert tests == ["import math\nX = 1\nassert add(1, 2) == 3", "import math\nX = 1\nassert add(0, 0) == 0"]
    assert entry == "add"


def test_mbpp_without_setup_keeps_the_asserts_as_they_are() -> None:
    tests, entry = read_mbpp({"test_list": ["assert len([]) == 0"]}, W)
    assert tests == ["assert len([]) == 0"] and entry == "len"
    assert read_mbpp({"test_list": ["assert True"]}, W)[1] is None


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ({"test_list": "assert x"}, "test_list"),
        ({"test_list": ["assert f(1)"], "test_imports": "import os"}, "test_imports"),
        ({"test_list": ["assert f(1)"], "test_setup_code": 3}, "test_setup_code"),
        ({"test_list": ["assert f(1)", "assert ("]}, "test_list[1]"),
    ],
)
def test_bad_mbpp_labels_name_the_field(label: dict, field: str) -> None:
    with pytest.raises(DataFormatError) as e:
        read_mbpp(label, W)
    assert e.value.field == field

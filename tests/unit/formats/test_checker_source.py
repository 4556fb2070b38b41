"""A label's checker source: read (parsed), never run."""

from __future__ import annotations

import pytest

from aceforge.errors import DataFormatError
from aceforge.formats import read_label
from aceforge.formats.checker_source import checker_problem

GOOD = "def check(input, output, expected):\n    return output.split() == expected.split()\n"


@pytest.mark.parametrize(
    ("source", "says"),
    [
        (GOOD, None),
        ("def check(:", "does not parse"),
        ("def judge(a, b, c):\n    return True\n", "must define check"),
        ("class C:\n    def check(self, a, b, c):\n        return True\n", "must define check"),
        ("import os\nos._exit(0)\n", "must define check"),  # never run here, so nothing exits
    ],
)
def test_checker_problems_are_named(source: str, says: str | None) -> None:
    problem = checker_problem(source)
    assert (problem is None) if says is None else (says in (problem or ""))


def test_a_label_carries_its_checker_beside_stdio_tests_only() -> None:
    read = read_label({"tests": [{"input": "1", "output": "2"}], "checker": GOOD})
    assert read.checker == GOOD and read.format == "aceforge"
    assert read_label({"tests": ["assert True"]}).checker == ""
    for label, says in (
        ({"tests": ["assert True"], "checker": GOOD}, "stdin/stdout tests only"),
        ({"tests": [{"input": "1", "output": "2"}], "checker": 3}, "must be a string"),
        ({"tests": [{"input": "1", "output": "2"}], "checker": "def f(): pass"}, "must define check"),
    ):
        with pytest.raises(DataFormatError, match=says) as err:
            read_label(label)
        assert err.value.field == "checker"

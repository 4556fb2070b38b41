"""Output comparison modes, each with known answers."""

from __future__ import annotations

import pytest

from aceforge.execution.outputs import CompareModeError, outputs_match, parse_mode


@pytest.mark.parametrize(
    ("mode", "actual", "expected", "same"),
    [
        # lines: aceforge's default, unchanged
        ("lines", "1 2  \n3\n\n\n", "1 2\n3", True),
        ("lines", " 1 2\n3", "1 2\n3", False),  # leading spaces matter
        ("lines", "1\n\n3", "1\n3", False),  # an inner blank line matters
        # exact
        ("exact", "1\n", "1\n", True),
        ("exact", "1 \n", "1\n", False),
        ("exact", "1\r\n", "1\n", False),
        # lenient: LiveCodeBench's grade_stdio
        ("lenient", "  3\n  1 2  \n\n", "3\n1 2", True),
        ("lenient", "2.50 1\n", "2.5 1.0", True),  # same decimals
        ("lenient", "0.333333\n", "0.3333333", False),  # decimals compare exactly
        ("lenient", "1\n2", "1 2", False),  # line structure matters
        ("lenient", "YES", "yes", False),
        ("lenient", "1\n\n2", "1\n2", False),  # inner blank lines count, as in LCB
        # tokens: line breaks free, numbers within a tolerance
        ("tokens", "1\n2", "1 2", True),
        ("tokens", "0.3333335", "0.333333", True),  # within 1e-6
        ("tokens", "0.3334", "0.333333", False),
        ("tokens:1e-3", "0.3334", "0.333333", True),
        ("tokens:1e-3", "1000.9", "1000", True),  # relative for large numbers
        ("tokens:1e-3", "1002", "1000", False),
        ("tokens", "nan", "nan", True),  # equal as text
        ("tokens", "inf", "1e308", False),  # non-finite numbers only match as text
        ("tokens", "1 2 3", "1 2", False),
    ],
)
def test_modes_give_known_answers(mode: str, actual: str, expected: str, same: bool) -> None:
    assert outputs_match(mode, actual, expected) is same


@pytest.mark.parametrize("mode", ["fuzzy", "lines:1e-3", "tokens:-1", "tokens:abc", "tokens:inf"])
def test_bad_modes_are_refused(mode: str) -> None:
    with pytest.raises(CompareModeError):
        parse_mode(mode)


def test_tokens_tolerance_is_read() -> None:
    assert parse_mode("tokens") == ("tokens", 1e-6)
    assert parse_mode("tokens:0.01") == ("tokens", 0.01)

"""How a stdin/stdout test's output is compared with the expected one, in the parent.

Modes (a `StdioTest`'s ``compare``):

- ``lines`` (aceforge's default): trailing spaces on each line and trailing blank lines do not
  matter; everything else does.
- ``exact``: the same text, byte for byte (``\\r\\n`` included).
- ``lenient``: LiveCodeBench's ``grade_stdio`` rule, which judges of competitive programming
  share: the whole output and each line are stripped, the line counts must agree, and a line
  that differs still matches when both are the same sequence of decimal numbers
  (``2.50`` == ``2.5``, compared exactly as ``Decimal``).
- ``tokens`` / ``tokens:TOL``: whitespace-separated tokens, line breaks not significant; two
  tokens that both read as numbers match within TOL (default 1e-6), absolute or relative as
  testlib's checkers do: ``|a - b| <= TOL * max(1, |b|)``.

Stdlib only: the engine imports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from aceforge.execution.values import normalize_output

COMPARE_MODES = ("lines", "exact", "lenient", "tokens")
DEFAULT_MODE = "lines"
DEFAULT_TOKEN_TOL = 1e-6


class CompareModeError(ValueError):
    """An unknown compare mode (misuse, reported before anything runs)."""


def parse_mode(mode: str) -> tuple[str, float]:
    """(mode, tolerance) from a mode string; raises CompareModeError naming the known modes."""
    name, _, tol_text = mode.partition(":")
    if name not in COMPARE_MODES or (tol_text and name != "tokens"):
        raise CompareModeError(
            f"unknown compare mode {mode!r}; known: {', '.join(COMPARE_MODES)}, tokens:TOL"
        )
    if not tol_text:
        return name, DEFAULT_TOKEN_TOL
    try:
        tol = float(tol_text)
    except ValueError:
        tol = -1.0
    if not (tol >= 0 and math.isfinite(tol)):
        raise CompareModeError(f"compare mode {mode!r}: the tolerance must be a number >= 0")
    return name, tol


def outputs_match(mode: str, actual: str, expected: str) -> bool:
    """Whether a program's output `actual` counts as the `expected` one under `mode`."""
    name, tol = parse_mode(mode)
    if name == "exact":
        return actual == expected
    if name == "lines":
        return normalize_output(actual) == normalize_output(expected)
    if name == "lenient":
        return _lenient(actual, expected)
    return _tokens(actual.split(), expected.split(), tol)


def _stripped_lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


def _decimals(line: str) -> list[Decimal] | None:
    try:
        values = [Decimal(tok) for tok in line.split()]
    except InvalidOperation:
        return None
    return values if all(v.is_finite() for v in values) else None


def _pairwise(got: list[str], want: list[str], close: Callable[[str, str], bool]) -> bool:
    """Equal lengths, and each pair equal as text or `close`."""
    return len(got) == len(want) and all(g == w or close(g, w) for g, w in zip(got, want, strict=True))


def _lenient(actual: str, expected: str) -> bool:
    def same_numbers(g: str, w: str) -> bool:
        dg, dw = _decimals(g), _decimals(w)
        return dg is not None and dw is not None and dg == dw

    return _pairwise(_stripped_lines(actual), _stripped_lines(expected), same_numbers)


def _number(token: str) -> float | None:
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _tokens(got: list[str], want: list[str], tol: float) -> bool:
    def within(g: str, w: str) -> bool:
        a, b = _number(g), _number(w)
        return a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(b))

    return _pairwise(got, want, within)

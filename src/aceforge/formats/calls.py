"""Call-based tests (APPS/TACO/PRIME with ``fn_name``, LiveCodeBench's functional tests) as
aceforge asserts: the call runs in the sandbox, the expected value stays in the parent.

The callee is the function, or the method of a LeetCode-style ``class Solution`` when the
program defines one (what APPS's and LiveCodeBench's runners do: they look for ``class
Solution`` in the program). Arguments and expected values are written as Python literals of
the JSON data, so nothing in a label can inject code into the test.
"""

from __future__ import annotations

import json
import math
from typing import Any

from aceforge.formats.where import Where


def py_literal(value: Any, where: Where, field: str) -> str:
    """Python source for JSON data that ``ast.literal_eval`` reads back to the same value."""
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            raise where.error(field, "NaN cannot be an argument or an expected value")
        if math.isinf(value):
            return "1e999" if value > 0 else "-1e999"  # literal_eval reads these as ±inf
        return repr(value)
    if isinstance(value, list | tuple):
        items = [py_literal(v, where, field) for v in value]
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{py_literal(k, where, field)}: {py_literal(v, where, field)}" for k, v in value.items()
            )
            + "}"
        )
    raise where.error(field, f"a value of type {type(value).__name__} is not JSON data")


def check_name(fn_name: Any, where: Where, field: str) -> str:
    if not isinstance(fn_name, str) or not fn_name.isidentifier():
        raise where.error(field, f"must be a Python function name, got {fn_name!r:.80}")
    return fn_name


def callee(fn_name: str) -> str:
    """The function, or ``Solution().fn`` when the program defines a class ``Solution``."""
    return f"(Solution().{fn_name} if 'Solution' in globals() else {fn_name})"


def call_test(fn_name: str, args: list[Any], accepted: list[Any], where: Where, field: str) -> str:
    """``assert f(*args) == expected``, or ``in [...]`` when several values are accepted."""
    call = f"{callee(fn_name)}({', '.join(py_literal(a, where, field) for a in args)})"
    unique: list[Any] = []
    for value in accepted:
        if not any(type(value) is type(u) and value == u for u in unique):
            unique.append(value)
    if len(unique) == 1:
        return f"assert {call} == {py_literal(unique[0], where, field)}"
    return f"assert {call} in [{', '.join(py_literal(v, where, field) for v in unique)}]"


def json_lines(text: Any, where: Where, field: str) -> list[Any]:
    """Arguments written one JSON value per line (LiveCodeBench, PRIME)."""
    if not isinstance(text, str):
        raise where.error(field, f"must be a string of JSON values, one per line, got {type(text).__name__}")
    try:
        return [json.loads(line) for line in text.split("\n")]
    except json.JSONDecodeError as e:
        raise where.error(field, f"not one JSON value per line: {e.msg}") from None


def json_value(text: Any, where: Where, field: str) -> Any:
    if not isinstance(text, str):
        raise where.error(field, f"must be a JSON string, got {type(text).__name__}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise where.error(field, f"not JSON: {e.msg}") from None


def with_tuple(value: Any) -> list[Any]:
    """The judges turn a returned tuple into a list before comparing: accept both."""
    return [value, tuple(value)] if isinstance(value, list) else [value]

"""Return values crossing the sandbox boundary, and the parent's strict comparison.

The child encodes a return value into a tagged JSON tree of builtin data only (no pickle
from child to parent). Subclasses of builtins are read through the base type's own
accessors, so an overridden ``__eq__``/``__iter__``/``__str__`` never runs in the parent and
cannot change what is compared. Anything else (user classes, always-equal objects, numpy
scalars) is *unserializable*: the test fails with a clear reason.

Tags: ``{"T": [...]}`` tuple, ``{"S": [...]}`` set, ``{"FS": [...]}`` frozenset,
``{"D": [[k, v], ...]}`` dict, ``{"X": hex}`` bytes, ``{"C": [re, im]}`` complex,
``{"F": "nan"|"inf"|"-inf"}`` non-finite float, ``{"I": hex}`` big int. (``{"B": base64}``
bytes, written by earlier versions into result caches, still decode.)
"""

from __future__ import annotations

import math
from typing import Any

MAX_DEPTH = 100
_BIG_INT = 1 << 63


class Unserializable(Exception):
    """The value cannot cross the boundary (unsupported type, too deep or too large)."""


def encode(value: object, max_nodes: int = 1_000_000) -> Any:
    """Child side: turn `value` into tagged builtin data, or raise Unserializable."""
    budget = [max_nodes]
    return _encode(value, 0, budget)


def _float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"F": "nan" if x != x else ("inf" if x > 0 else "-inf")}


def _encode(v: object, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise Unserializable("value too large")
    if depth > MAX_DEPTH:
        raise Unserializable("value nested too deeply")
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return v if -_BIG_INT < v < _BIG_INT else {"I": hex(v)}  # type: ignore[operator,arg-type]
    if t is float:
        return _float(v)  # type: ignore[arg-type]
    d = depth + 1
    # Exact builtins first, then subclasses read through the base type's accessors.
    if isinstance(v, bool):  # pragma: no cover - bool cannot be subclassed
        return bool(v)
    if isinstance(v, int):
        return _encode(int.__index__(v), depth, budget)
    if isinstance(v, float):
        return _float(float.__float__(v))
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, bytes):
        # hex, not base64: base64 would load binascii and zlib into every fork server, and
        # each shared library mapped there makes every fork and exit slower
        return {"X": bytes.__bytes__(v).hex()}
    if isinstance(v, complex):
        c = complex.__complex__(v)
        return {"C": [_float(c.real), _float(c.imag)]}
    if isinstance(v, list):
        return [_encode(x, d, budget) for x in list.__iter__(v)]
    if isinstance(v, tuple):
        return {"T": [_encode(x, d, budget) for x in tuple.__iter__(v)]}
    if isinstance(v, dict):
        return {"D": [[_encode(k, d, budget), _encode(x, d, budget)] for k, x in dict.items(v)]}
    if isinstance(v, frozenset):
        return {"FS": [_encode(x, d, budget) for x in frozenset.__iter__(v)]}
    if isinstance(v, set):
        return {"S": [_encode(x, d, budget) for x in set.__iter__(v)]}
    raise Unserializable(f"return value of type {_type_name(v)} cannot be compared outside the sandbox")


def _type_name(v: object) -> str:
    t = type(v)
    mod = getattr(t, "__module__", "")
    name = getattr(t, "__qualname__", "?")
    return name if mod in ("builtins", "__main__", "solution") else f"{mod}.{name}"


class Malformed(Exception):
    """The encoded data does not follow the format (a forged or corrupt message)."""


def decode(data: Any, depth: int = 0) -> Any:
    """Parent side: rebuild plain Python data. Raises Malformed on anything unexpected."""
    if depth > MAX_DEPTH + 2:
        raise Malformed("too deep")
    t = type(data)
    if data is None or t in (bool, int, float, str):
        return data
    if t is list:
        return [decode(x, depth + 1) for x in data]
    if t is not dict or len(data) != 1:
        raise Malformed(f"unexpected {t.__name__}")
    ((tag, body),) = data.items()
    try:
        if tag == "T":
            return tuple(decode(x, depth + 1) for x in body)
        if tag == "S":
            return {decode(x, depth + 1) for x in body}
        if tag == "FS":
            return frozenset(decode(x, depth + 1) for x in body)
        if tag == "D":
            return {decode(k, depth + 1): decode(x, depth + 1) for k, x in body}
        if tag == "X" and type(body) is str:
            return bytes.fromhex(body)
        if tag == "B":
            import base64  # only results cached by earlier versions

            return base64.b64decode(body, validate=True)
        if tag == "C":
            return complex(decode(body[0], depth + 1), decode(body[1], depth + 1))
        if tag == "F" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "I":
            return int(body, 16)
    except Malformed:
        raise
    except Exception as e:  # unhashable set members, bad base64, wrong arity...
        raise Malformed(f"bad {tag!r} value: {type(e).__name__}") from None
    raise Malformed(f"unknown tag {tag!r}")


_NUMBERS = (int, float)


def values_equal(actual: Any, expected: Any, rel_tol: float = 1e-9, abs_tol: float = 0.0) -> bool:
    """Strict, type-aware equality on plain data.

    bool is not int; list, tuple, set, dict are distinct; nesting is checked element by
    element; int and float compare numerically, floats within the tolerance; NaN equals NaN.
    """
    ta, te = type(actual), type(expected)
    if ta is bool or te is bool:
        return ta is te and actual == expected
    if ta in _NUMBERS and te in _NUMBERS:
        if ta is int and te is int:
            return bool(actual == expected)
        return _floats_close(float(actual), float(expected), rel_tol, abs_tol)
    if ta is complex or te is complex:
        if ta not in (int, float, complex) or te not in (int, float, complex):
            return False
        a, e = complex(actual), complex(expected)
        return _floats_close(a.real, e.real, rel_tol, abs_tol) and _floats_close(
            a.imag, e.imag, rel_tol, abs_tol
        )
    if ta is not te:
        return False
    if ta in (list, tuple):
        return len(actual) == len(expected) and all(
            values_equal(a, e, rel_tol, abs_tol) for a, e in zip(actual, expected, strict=False)
        )
    if ta is dict:
        if actual.keys() != expected.keys():
            return False
        return all(values_equal(actual[k], expected[k], rel_tol, abs_tol) for k in expected)
    return bool(actual == expected)  # str, bytes, None, set, frozenset


def _floats_close(a: float, e: float, rel_tol: float, abs_tol: float) -> bool:
    if math.isnan(a) or math.isnan(e):
        return math.isnan(a) and math.isnan(e)
    if a == e:
        return True
    if math.isinf(a) or math.isinf(e):
        return False
    return math.isclose(a, e, rel_tol=rel_tol, abs_tol=abs_tol)


def normalize_output(text: str) -> list[str]:
    """Whole-output comparison for stdin/stdout tests: trailing spaces on each line and
    trailing blank lines do not matter; everything else (including missing lines) does."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines

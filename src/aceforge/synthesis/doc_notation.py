"""Type words and two docstring conventions the prose reader (``prose``) leaves to this module.

* numpydoc's brace notation for a parameter's type: ``low : {float, int}`` is a union of
  types, ``flag : {True, False}`` a bool; a set of other values (``{'left', 'right'}``) is a
  choice of values, not a type, and stays untyped.
* calendar and clock units: a parameter named ``month`` (``hour``, ``minute``, ``second``),
  in a docstring that speaks of that unit, is a value of it (1-12, 0-23, 0-59). "The number
  of days of a specific month" does not make month 0 or 42 an input the seed must answer.
"""

from __future__ import annotations

import re

from aceforge.synthesis.signature import ANY, Param, Spec

TYPE_WORDS = {
    "dict": "dict", "dictionary": "dict", "mapping": "dict", "list": "list", "sequence": "list",
    "str": "str", "string": "str", "int": "int", "integer": "int", "float": "float",
    "number": "float", "bool": "bool", "boolean": "bool", "tuple": "tuple", "set": "set",
}  # fmt: skip
_BRACE_TYPES = {
    "float": "float", "int": "int", "integer": "int", "str": "str", "string": "str",
    "bool": "bool", "list": "list", "tuple": "tuple", "dict": "dict", "none": "none",
}  # fmt: skip
_UNITS = {"month": (1, 12), "hour": (0, 23), "minute": (0, 59), "second": (0, 59)}


def brace_spec(text: str) -> Spec:
    """``{float, int}`` → the union of those types; ``{True, False}`` → bool; else untyped."""
    items = [w.strip().strip("'\"`") for w in text.strip("{} ").split(",")]
    if not items or not all(items):
        return ANY
    if {w.lower() for w in items} <= {"true", "false"}:
        return Spec("bool")
    kinds = [_BRACE_TYPES.get(w.lower()) for w in items]
    if any(k is None for k in kinds):
        return ANY  # a choice of values, not of types
    specs = tuple(Spec(k) for k in dict.fromkeys(kinds) if k is not None)
    return specs[0] if len(specs) == 1 else Spec("union", specs)


def unit_ranges(doc: str, params: list[Param]) -> dict[str, tuple[int, int]]:
    """Per parameter named for a calendar or clock unit the docstring speaks of, its range."""
    out = {}
    for p in params:
        unit = p.name.lower().removesuffix("s")
        if unit in _UNITS and p.spec.kind in ("any", "int") and re.search(rf"\b{unit}s?\b", doc, re.I):
            out[p.name] = _UNITS[unit]
    return out


def type_spec(text: str) -> Spec:
    """A docstring's type text (``dict(set)``, ``list of str``, ``{float, int}``) as a Spec."""
    if text.startswith("{"):
        return brace_spec(text)
    words = re.findall(r"[a-z]+", text.lower())
    if not words or words[0] not in TYPE_WORDS:
        return ANY
    kind = TYPE_WORDS[words[0]]
    inner = TYPE_WORDS.get(words[1]) if len(words) > 1 else None
    if kind == "dict" and inner:
        return Spec("dict", (ANY, Spec(inner)))
    if kind in ("list", "set", "tuple") and inner:
        return Spec(kind, (Spec(inner),) + ((Spec("..."),) if kind == "tuple" else ()))
    return Spec(kind)

"""What a docstring's prose allows, as data: a `Constraint` per argument and the call-wide
`Prose` rules (see ``prose`` for the reader). A constraint only narrows a domain."""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Constraint:
    """What the prose says about one argument. Scalar rules (characters, case, sign, bounds)
    apply to the argument itself and to every string or number inside a container; size rules
    (non-empty, minimum length, sorted) to the argument itself."""

    chars: str | None = None  # every character of every string is one of these
    case: str | None = None  # "lower" | "upper": letters only in that case
    low: float | None = None  # numbers >= low (> low when low_open)
    low_open: bool = False
    high: float | None = None  # numbers <= high
    nonempty: bool = False
    min_len: int = 0
    max_len: int | None = None
    sorted_: bool = False
    element: Constraint | None = None  # rules stated for the elements only ("arr[i] >= 0")
    empty_ok: bool = False  # the seed's code singles emptiness out: empty is valid whatever examples show
    none_ok: bool = False  # the seed's code tests ``is None``: None is valid whatever examples show
    types_ok: tuple[str, ...] = ()  # builtin types the code checks for (``isinstance(v, str)``): valid too

    def allows(self, v: Any) -> bool:
        """Whether `v` satisfies every rule (values of other types pass the scalar rules)."""
        if isinstance(v, list | tuple | set | frozenset | dict):
            if not self._size_ok(v):
                return False
            if self.sorted_ and isinstance(v, list | tuple) and not _is_sorted(v):
                return False
            items = list(v.values()) if isinstance(v, dict) else list(v)
            inner = self.inner()
            return all(inner.allows(x) for x in items)
        if isinstance(v, str):
            return self._size_ok(v) and self._text_ok(v)
        if isinstance(v, bool):
            return True
        if isinstance(v, int | float):
            return self._number_ok(v)
        return True

    def scalar(self) -> Constraint:
        """Only the rules that reach into containers."""
        return Constraint(self.chars, self.case, self.low, self.low_open, self.high)

    def inner(self) -> Constraint:
        """The rules every element of a container must meet: the scalar ones, and the ones
        stated for elements (which win where both speak)."""
        base, e = self.scalar(), self.element
        if e is None:
            return base
        pick = lambda a, b: a if a is not None else b  # noqa: E731
        low_open = e.low_open if e.low is not None else base.low_open
        return replace(
            e,
            chars=pick(e.chars, base.chars),
            case=pick(e.case, base.case),
            low=pick(e.low, base.low),
            low_open=low_open,
            high=pick(e.high, base.high),
        )

    def _size_ok(self, v: Any) -> bool:
        n = len(v)
        if (self.nonempty and n == 0) or n < self.min_len:
            return False
        return self.max_len is None or n <= self.max_len

    def _text_ok(self, s: str) -> bool:
        if self.chars is not None and not set(s) <= set(self.chars):
            return False
        if self.case == "lower" and s != s.lower():
            return False
        return not (self.case == "upper" and s != s.upper())

    def _number_ok(self, x: float) -> bool:
        if self.low is not None and (x < self.low or (self.low_open and x == self.low)):
            return False
        return self.high is None or x <= self.high

    @property
    def empty(self) -> bool:
        return self == Constraint()


def _is_sorted(xs: Any) -> bool:
    try:
        return all(a <= b for a, b in zip(xs, list(xs)[1:], strict=False))
    except TypeError:
        return False


@dataclass
class Prose:
    """The docstring's rules: per parameter name, and whether str/list arguments share a length."""

    params: dict[str, Constraint] = field(default_factory=dict)
    equal_length: bool = False
    # (position, text) pairs: the body slices or searches `text` at `position`, which lies
    # within it, 0 <= position <= len(text) (``usage.positions``)
    within: tuple[tuple[str, str], ...] = ()

    def allows(self, args: list[Any], names: list[str]) -> bool:
        for name, v in zip(names, args, strict=False):
            c = self.params.get(name)
            if c is not None and not c.allows(v):
                return False
        if self.equal_length:
            sized = [len(a) for a in args if isinstance(a, str | list | tuple)]
            if len(set(sized)) > 1:
                return False
        return all(_inside(args, names, pos, text) for pos, text in self.within)

    def alphabet(self, name: str) -> str | None:
        """The characters a string argument may be built from, when the prose says."""
        c = self.params.get(name)
        if c is None:
            return None
        c = c.element or c
        if c.chars is not None:
            return c.chars
        if c.case == "lower":
            return string.ascii_lowercase
        if c.case == "upper":
            return string.ascii_uppercase
        return None

    def consistent_with(self, calls: list[tuple[list[Any], dict[str, Any]]], names: list[str]) -> Prose:
        """The rules the seed's own example calls do not contradict (a misread phrase loses)."""
        kept = {}
        for name, c in self.params.items():
            if name not in names:
                continue
            i = names.index(name)
            if all(c.allows(a[i]) for a, _ in calls if len(a) > i):
                kept[name] = c
        equal = self.equal_length and all(Prose({}, True).allows(a, names) for a, _ in calls)
        within = tuple(w for w in self.within if all(_inside(a, names, *w) for a, _ in calls))
        return Prose(kept, equal, within)


def _inside(args: list[Any], names: list[str], pos: str, text: str) -> bool:
    """The argument named `pos` (an int) is a position within the one named `text`."""
    if pos not in names or text not in names:
        return True
    i, j = names.index(pos), names.index(text)
    if max(i, j) >= len(args):
        return True
    p, t = args[i], args[j]
    if type(p) is not int or not isinstance(t, str | list | tuple):
        return True
    return 0 <= p <= len(t)


def equal_lengths(rows: list[tuple[list[Any], dict[str, Any]]]) -> bool:
    """Whether the calls all pass two or more strings (or lists) of one length each, and the
    length varies between calls (two same-size words are no evidence of a rule)."""
    if len({len(a) for args, _ in rows for a in args if isinstance(a, str | list | tuple)}) < 2:
        return False
    for args, _ in rows:
        sized = [a for a in args if isinstance(a, str | list | tuple)]
        if len(sized) < 2 or len({type(a) for a in sized}) > 1 or len({len(a) for a in sized}) > 1:
            return False
    return True

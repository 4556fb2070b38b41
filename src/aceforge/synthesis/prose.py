"""The domain a docstring states in words.

Seeds in the wild rarely carry ``>>>`` examples, but their prose often says what a valid input
is: "two strings consisting only of 1s and 0s", "a string of '<' and '>'", "a positive
integer", "1 <= n <= 10^5", "a sorted list", "a non-empty list", "strings of equal length",
"lowercase letters". This module reads those common phrasings deterministically into a
`Constraint` per parameter (and call-wide rules such as equal lengths). A constraint only
narrows a domain; the caller cross-checks it against the seed's own examples and drops any the
examples contradict. Sentences about the output ("Return ...") are not read.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from typing import Any

from aceforge.synthesis.constraints import Constraint, Prose
from aceforge.synthesis.doc_notation import TYPE_WORDS, type_spec, unit_ranges
from aceforge.synthesis.param_words import described_type
from aceforge.synthesis.signature import ANY, Param, Spec

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


# ---- reading ------------------------------------------------------------------------------------

# Sentences about the output or about failures say nothing about the valid inputs.
_OUTPUT = re.compile(
    r"^\s*(?:and\s+)?(?:return|returns|output|outputs|print|prints|the output|the result|raise|raises|"
    r"throws?|:raises?|:returns?|:rtype)\b",
    re.I,
)
_NUM = r"-?\d+(?:\.\d+)?(?:\s*(?:\^|\*\*)\s*\d+|e\d+)?"
_RANGE = re.compile(
    rf"(?:({_NUM})\s*(<=|<|≤)\s*)?([A-Za-z_][\w.]*(?:\[\w*\])?(?:\([\w.]+\))?(?:\.\w+)?)\s*(<=|<|≤)\s*({_NUM})"
    rf"|({_NUM})\s*(<=|<|≤)\s*([A-Za-z_][\w.]*(?:\[\w*\])?(?:\([\w.]+\))?(?:\.\w+)?)"
    rf"|([A-Za-z_][\w.]*(?:\[\w*\])?)\s*(>=|>|≥)\s*({_NUM})"
)
_QUOTED_CHAR = re.compile(r"""["'`](.)["'`]""")
_CHARSET = re.compile(
    r"(?:consist\w*|contain\w*|made up|compos\w*|string|strings|characters?|comprised)\s+"
    r"(?:(?:only|solely|entirely|just)\s+)?of\s+(?:(?:only|the characters?|characters?)\s+)?"
    r"((?:[\"'`].[\"'`](?:\s*,\s*|\s+and\s+|\s+or\s+|\s*,\s*and\s+|\s*,\s*or\s+)?){2,})",
    re.I,
)
_BINARY = re.compile(
    r"\b(?:of|only)\s+(?:the\s+)?(?:1s and 0s|0s and 1s|ones and zeros|zeros and ones)\b"
    r"|\bbinary (?:string|number)s?\b",
    re.I,
)
_DIGITS = re.compile(
    r"\b(?:consist\w*|contain\w*|made up|compos\w*)\s+(?:only\s+)?of\s+(?:only\s+)?digits\b"
    r"|\bstring of digits\b|\bonly digits\b",
    re.I,
)
_LETTERS_ONLY = re.compile(
    r"\b(?:only|consist\w* (?:only )?of|contain\w* only)\s+(lowercase|uppercase|lower-case|upper-case)?\s*"
    r"(?:english |latin |ascii )?(?:letters|alphabets?|characters)\b",
    re.I,
)
_CASE = re.compile(r"\b(lower|upper)[- ]?case\b", re.I)
# "a positive integer", "list of non-negative numbers", "n is positive" (not "count the positive ones")
_POSITIVE = re.compile(
    r"\b(?:a|an|given|two|three|of|is|are|be|all|takes?|accepts?|receives?|only|always)\s+(?:\w+\s+)?"
    r"(non[- ]?negative|positive|strictly positive|natural)\b",
    re.I,
)
# "base numbers are less than 10", "n is at most 100", "k between 1 and 26"
_WORD_BOUND = re.compile(
    r"\b(less than|smaller than|below|under|at most|no more than|up to|greater than|larger than|more than|"
    r"above|at least|no less than)\s+(-?\d+(?:\.\d+)?)\b"
    r"(?!\s*(?:elements|items|characters|letters|digits|words|times|values|numbers|strings))",
    re.I,
)
_BETWEEN = re.compile(r"\bbetween\s+(-?\d+(?:\.\d+)?)\s+and\s+(-?\d+(?:\.\d+)?)\b", re.I)
_NONEMPTY = re.compile(r"\bnon[- ]?empty\b|\bnot empty\b|\bis never empty\b", re.I)
_AT_LEAST = re.compile(
    r"\b(?:of )?(?:length|size) (?:of )?at least (\w+)|\bat least (\w+) (?:elements|items|numbers|values)\b",
    re.I,
)
_SORTED = re.compile(r"\b(?:sorted|in (?:ascending|increasing|non-decreasing) order)\b", re.I)
# "unsorted", and sortedness that is not the input's: "how it would be sorted", "the sorted order of"
_NOT_SORTED = re.compile(r"\bnot sorted\b|\bunsorted\b|\bwould (?:be )?sorted\b|\bthe sorted\b", re.I)
_EQUAL = re.compile(r"\b(?:of )?(?:equal|the same|same) length\b", re.I)


def read_prose(doc: str, params: list[Param]) -> Prose:
    """The rules `doc` states about `params` (by name, or by the only parameter of a kind)."""
    out = Prose()
    if not doc or not params:
        return out
    for sentence in _sentences(doc):
        if _OUTPUT.match(sentence):
            continue
        _read_sentence(sentence, params, out)
    for name, (low, high) in unit_ranges(doc, params).items():
        if name not in out.params or out.params[name].low is None:
            _merge(out, name, low=low, low_open=False, high=high)
    return out


def doc_types(doc: str, params: list[Param]) -> list[Param]:
    """`params` with the types the docstring gives unannotated ones (``:type graph: dict(set)``,
    ``items (list): ...``, ``n : int``, ``:param str name:``, ``:param n: The count (a number).``)."""
    out = []
    for p in params:
        spec = p.spec
        if spec == ANY:
            n = re.escape(p.name)
            m = (re.search(rf":type {n}:\s*([\w()\[\], ]+)", doc)
                 or re.search(rf"^\s*{n}\s*\(([\w\[\], ]+?)(?:, optional)?\)\s*:", doc, re.M)
                 or re.search(rf"^\s*{n}\s*:\s*(\{{+[^}}\n]*\}}+|[\w\[\]]+)", doc, re.M)
                 or re.search(rf":param (\w+) {n}:", doc)
                 or re.search(rf":param {n}:[^:()]*\((?:an?|the) (\w+)\b", doc))  # fmt: skip
            spec = type_spec(m.group(1)) if m else described_type(doc, p.name)
            spec = _said_list(doc, p, params) if spec == ANY else spec
            nullable = spec.kind == "union" and Spec("none") in spec.args  # "(a string or None)"
            if spec != ANY and not nullable and p.has_default and p.default is None:
                spec = Spec("union", (spec, Spec("none")))
        out.append(replace(p, spec=spec))
    return out


_LIST_OF = re.compile(
    r"\b(a|an|two|the|given)?\s*(?:list|array|sequence|iterable)s? of "
    r"(strings|words|integers|ints|numbers|floats)\b",
    re.I,
)
_ELEMENT = {
    "strings": "str",
    "words": "str",
    "integers": "int",
    "ints": "int",
    "numbers": "float",
    "floats": "float",
}


def _said_list(doc: str, p: Param, params: list[Param]) -> Spec:
    """ "a list of integers" / "two lists of strings" typing unannotated parameters: the ones a
    sentence names, else the only unannotated one (or the first two for "two lists")."""
    untyped = [q for q in params if q.spec == ANY and not q.has_default]
    pairs = _PAIRS.search(doc)  # "a sequence of (key, score) tuples"
    if pairs and (p is untyped[0] if untyped else False):
        return Spec("list", (Spec("tuple", tuple(_field(f) for f in pairs.group(1).split(","))),))
    for sentence in _sentences(doc):
        m = _LIST_OF.search(sentence)
        if not m:
            continue
        named = [q for q in untyped if _names(sentence, q.name)]
        many = 2 if (m.group(1) or "").lower() == "two" else 1
        chosen = named or (untyped[:many] if len(untyped) == many or many == 2 else [])
        if p in chosen:
            return Spec("list", (Spec(_ELEMENT[m.group(2).lower()]),))
    m = re.search(
        rf"\b(?:a|an|the|given)\s+(list|string|dict|dictionary|integer|tuple)\s+{re.escape(p.name)}\b", doc
    )
    if m:
        return Spec(TYPE_WORDS[m.group(1)])  # "rotates a list x"
    return _said_pair(doc, p, untyped)


_TWO = re.compile(
    r"\b(?:of|between|to|on|from|given|takes|compares?)\s+two\s+(strings|integers|ints)\b", re.I
)


def _said_pair(doc: str, p: Param, untyped: list[Param]) -> Spec:
    """ "the sum of two integers" types a function's two parameters, when it has exactly two
    unannotated ones and no sentence speaks of lists (where "two integers" may be elements)."""
    if len(untyped) != 2 or p not in untyped:
        return ANY
    for sentence in _sentences(doc):
        m = _TWO.search(sentence)
        if m and not re.search(r"\b(list|array|sequence|tuple|dict)", sentence, re.I):
            return Spec(_ELEMENT[m.group(1).lower()])
    return ANY


_PAIRS = re.compile(r"\b(?:list|sequence|iterable)s? of \((\w+(?:,\s*\w+)+)\) (?:tuples|pairs)\b", re.I)


def _field(name: str) -> Spec:
    """A tuple field's type from its name: scores and weights are numbers, counts ints, the rest text."""
    n = name.strip().lower()
    if re.search(r"count|num|index|idx|pos|^n$|^i$", n):
        return Spec("int")
    return Spec("float") if re.search(r"score|weight|value|prob|rate|cost|dist", n) else Spec("str")


def _sentences(doc: str) -> list[str]:
    text = re.sub(r"\s+", " ", doc)
    # Bullet and constraint lists ("* 1 <= n <= 10") are separate sentences too.
    parts = re.split(r"(?<=[\w)\]'\"`][.;!?])\s+|\s[*\-•]\s", text)
    return [p.strip() for p in parts if p.strip()]


def _merge(out: Prose, name: str, **rules: Any) -> None:
    out.params[name] = replace(out.params.get(name, Constraint()), **rules)


def _read_sentence(s: str, params: list[Param], out: Prose) -> None:
    _read_ranges(s, params, out)
    chars = _charset(s)
    if chars is not None:
        for p in _targets(s, params, ("str", "list"), _first(s, (_BINARY, _CHARSET, _DIGITS, _LETTERS_ONLY))):
            _merge(out, p.name, chars=chars)
    case = _case(s)
    if case is not None:
        for p in _targets(s, params, ("str", "list")):
            _merge(out, p.name, case=case)
    m = _POSITIVE.search(s)
    if m and not re.search(
        r"\b(?:or|and) (?:negative|zero)\b|\bnegative or\b|\bnot (?:a )?(?:positive|non)", s, re.I
    ):
        strict = not m.group(1).lower().startswith("non")
        for p in _targets(s, params, ("int", "float", "list"), m.start(1)):
            _merge(out, p.name, low=0, low_open=strict)
    _read_word_bounds(s, params, out)
    if _NONEMPTY.search(s):
        for p in _targets(s, params, ("str", "list")):
            _merge(out, p.name, nonempty=True)
    m = _AT_LEAST.search(s)
    if m:
        word = (m.group(1) or m.group(2)).lower()
        n = _NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else 0)
        for p in _targets(s, params, ("str", "list")):
            _merge(out, p.name, min_len=n, nonempty=n > 0)
    if _SORTED.search(s) and not _NOT_SORTED.search(s):
        for p in _targets(s, params, ("list",)):
            _merge(out, p.name, sorted_=True)
    if _EQUAL.search(s) and sum(p.spec.kind in ("str", "list", "any") for p in params) >= 2:
        out.equal_length = True


def _charset(s: str) -> str | None:
    if _BINARY.search(s):
        return "01"
    m = _CHARSET.search(s)
    if m:
        return "".join(sorted(set(_QUOTED_CHAR.findall(m.group(1)))))
    if _DIGITS.search(s):
        return string.digits
    m = _LETTERS_ONLY.search(s)
    if m:
        case = (m.group(1) or "").lower()
        if case.startswith("lower"):
            return string.ascii_lowercase
        if case.startswith("upper"):
            return string.ascii_uppercase
        return (
            string.ascii_letters
            if "letter" in m.group(0).lower() or "alphabet" in m.group(0).lower()
            else None
        )
    return None


def _read_word_bounds(s: str, params: list[Param], out: Prose) -> None:
    """Bounds said in words, for the number parameter named nearest to them (only a sentence
    that names it: "leftover part always smaller than 1" is about the output)."""
    if not any(_names(s, p.name) for p in params):
        return
    for m in _WORD_BOUND.finditer(s):
        word, n = m.group(1).lower(), _number(m.group(2))
        upper = word in ("less than", "smaller than", "below", "under", "at most", "no more than", "up to")
        strict = word in ("less than", "smaller than", "below", "under", "greater than", "larger than",
                          "more than", "above")  # fmt: skip
        for p in _targets(s, params, ("int", "float"), m.start()):
            before = s[max(0, m.start() - 30) : m.start()]
            if not re.search(rf"(?<![\w.]){re.escape(p.name)}\b[\w ]*$", before):
                continue  # "base numbers are less than 10", not "... number ... smaller than 1"
            if upper:
                _merge(out, p.name, high=n - 1 if strict and isinstance(n, int) else n)
            else:
                _merge(out, p.name, low=n, low_open=strict)
    for m in _BETWEEN.finditer(s):
        for p in _targets(s, params, ("int", "float"), m.start()):
            _merge(out, p.name, low=_number(m.group(1)), low_open=False, high=_number(m.group(2)))


def _case(s: str) -> str | None:
    """ "lowercase"/"uppercase" said of the input (not "regardless of case", not "convert to",
    not "transform ... to lower case": what the function makes of it)."""
    m = _CASE.search(s)
    if not m or re.search(
        r"regardless|ignor\w+ case|case[- ]insensitive|convert|change|flip|swap|both"
        r"|transform|\b(?:to|into) (?:lower|upper)[- ]?case",
        s,
        re.I,
    ):
        return None
    return m.group(1).lower()


def _kind(p: Param) -> str:
    k = p.spec.kind
    if k == "union":
        kinds = [a.kind for a in p.spec.args if a.kind != "none"]
        k = kinds[0] if len(kinds) == 1 else "float" if set(kinds) == {"int", "float"} else "any"
    return {"tuple": "list", "set": "list", "frozenset": "list", "bool": "other"}.get(k, k)


def _names(s: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w(])", s) is not None


def _first(s: str, patterns: tuple[re.Pattern[str], ...]) -> int | None:
    hits = [m.start() for pat in patterns if (m := pat.search(s))]
    return min(hits) if hits else None


def _targets(s: str, params: list[Param], kinds: tuple[str, ...], pos: int | None = None) -> list[Param]:
    """The parameters a sentence speaks of: those it names (only the one named nearest to the
    phrase at `pos`, unless the sentence speaks of two or all), else those of a fitting kind
    (unannotated ones fit any kind)."""
    fitting = [p for p in params if _kind(p) in kinds or _kind(p) == "any"]
    where = {p.name: [m.start() for m in re.finditer(rf"(?<![\w.]){re.escape(p.name)}(?![\w(])", s)]
             for p in fitting}  # fmt: skip
    named = [p for p in fitting if where[p.name]]
    if not any(re.search(rf"(?<![\w.]){re.escape(p.name)}(?![\w(])", s) for p in params):
        return fitting
    if pos is None or len(named) < 2 or re.search(r"\b(?:two|both|all|each|three|every)\b", s, re.I):
        return named
    return [min(named, key=lambda p: min(abs(i - pos) for i in where[p.name]))]


def _number(text: str) -> float:
    t = text.replace(" ", "")
    for op in ("^", "**"):
        if op in t:
            base, exp = t.split(op)
            return int(base) ** int(exp) if base.lstrip("-").isdigit() else float(base) ** int(exp)
    v = float(t)
    return int(v) if v.is_integer() else v


def _read_ranges(s: str, params: list[Param], out: Prose) -> None:
    """``1 <= n <= 10^5``, ``0 <= arr[i]``, ``1 <= len(arr) <= 100``, ``n > 0``."""
    for m in _RANGE.finditer(s):
        if m.group(3):
            lo, lop, name, hop, hi = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        elif m.group(8):
            lo, lop, name, hop, hi = m.group(6), m.group(7), m.group(8), None, None
        else:
            name, lop, lo, hop, hi = m.group(9), m.group(10), m.group(11), None, None
            lop = "<" if lop in (">",) else "<="
        _apply_range(name, lo, lop, hi, hop, params, out)


def _apply_range(
    name: str,
    lo: str | None,
    lop: str | None,
    hi: str | None,
    hop: str | None,
    params: list[Param],
    out: Prose,
) -> None:
    names = [p.name for p in params]
    length = re.fullmatch(r"len\((\w+)\)|(\w+)\.(?:length|size)", name)
    element = re.fullmatch(r"(\w+)\[\w*\]|(\w+)\.value", name)
    hit = length or element
    base = (hit.group(1) or hit.group(2)) if hit is not None else name
    if base not in names:
        containers = [p.name for p in params if _kind(p) in ("list", "str", "any")]
        if not (length or element) or len(containers) != 1:
            return
        base = containers[0]
    low = _number(lo) if lo is not None else None
    high = _number(hi) if hi is not None else None
    if hop == "<" and high is not None:
        high = high - 1 if isinstance(high, int) else high
    if length:
        rules: dict[str, Any] = {}
        if low is not None:
            rules["min_len"] = int(low) + (lop == "<")
            rules["nonempty"] = rules["min_len"] > 0
        if high is not None:
            rules["max_len"] = int(high)
        _merge(out, base, **rules)
        return
    rules = {"low": low, "low_open": lop == "<"} if low is not None else {}
    if high is not None:
        rules["high"] = high
    if element:
        cur = out.params.get(base, Constraint())
        out.params[base] = replace(cur, element=replace(cur.element or Constraint(), **rules))
    else:
        _merge(out, base, **rules)

"""Checking the question a teacher wrote before anyone is asked to solve it.

A small teacher's question can be unsolvable as written: a repetition loop that runs to the
token limit ("if it is a number, if it is a letter, if it is a number, ..."), text cut off
mid-sentence, or prose that contradicts the tests (the wrong parameter names, or "a list of
strings" where every test passes a dict). `check_question` finds these; a loop or a cut is
repaired (the text is trimmed back to its last whole sentence before the damage) when enough
question is left, anything else falls back to a question rendered from the seed's own
docstring and signature. The verdict says which happened and why, for the row and the stage
summary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aceforge.synthesis.signature import Param

SOURCES = ("model", "repaired", "fallback")
MIN_WORDS = 8  # a repaired question shorter than this says too little: fall back instead
LOOP_NGRAM = 4  # a word 4-gram seen LOOP_REPEATS times is a loop, not a style
LOOP_REPEATS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?:])[\"')`\]]*\s+")


@dataclass(frozen=True)
class Verdict:
    """The question to use, where it came from (``SOURCES``) and the problems found."""

    text: str
    source: str
    reasons: tuple[str, ...] = ()


def _words(text: str) -> list[tuple[str, int]]:
    """Lower-cased words with their start offsets."""
    return [(m.group(0).lower(), m.start()) for m in re.finditer(r"[A-Za-z0-9_]+", text)]


def loop_start(text: str) -> int | None:
    """Where a repetition loop begins (the offset of the first repeat of a phrase that then
    recurs until `LOOP_REPEATS` copies), or None when the text does not loop."""
    words = _words(text)
    grams = [tuple(w for w, _ in words[i : i + LOOP_NGRAM]) for i in range(len(words) - LOOP_NGRAM + 1)]
    counts = Counter(grams)
    looping = {g for g, n in counts.items() if n >= LOOP_REPEATS}
    sentences = [s.strip().lower() for s in _split(text) if len(s.split()) >= 4]
    repeated = {s for s, n in Counter(sentences).items() if n >= 2}
    if not looping and not repeated:
        return None
    first: dict[tuple[str, ...], int] = {}
    for i, g in enumerate(grams):
        if g in looping and g in first:
            return words[i][1]  # the second copy: everything before it was said once
        first.setdefault(g, i)
    seen: set[str] = set()
    offset = 0
    for s in _split(text):
        at = text.find(s, offset)
        key = s.strip().lower()
        if key in repeated and key in seen:
            return at
        seen.add(key)
        offset = at + len(s)
    return None


def _split(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def ends_mid_sentence(text: str) -> bool:
    """Whether the text stops where no sentence, code span or list ends."""
    tail = text.rstrip()  # a closing colon announces something that never came
    return bool(tail) and not re.search(r"[.!?;)\]}`\"'*]$", tail)


def whole_sentences(text: str) -> str:
    """`text` up to the end of its last complete sentence ('' when it has none)."""
    cut = max((m.start() for m in re.finditer(r"[.!?](?=[\"')`\]]*(?:\s|$))", text)), default=-1)
    return text[: cut + 1].rstrip() if cut >= 0 else ""


# ---- contradictions with the tests -------------------------------------------------------------

# What prose calls an argument, as a type family the tests' values can be checked against.
_TYPE_WORDS = {
    "list": "list", "lists": "list", "array": "list", "arrays": "list",
    "tuple": "tuple", "tuples": "tuple",
    "dict": "dict", "dicts": "dict", "dictionary": "dict", "dictionaries": "dict", "mapping": "dict",
    "string": "str", "strings": "str", "str": "str", "word": "str", "words": "str",
    "character": "str", "characters": "str",
    "integer": "int", "integers": "int", "int": "int", "ints": "int",
    "float": "float", "floats": "float", "number": "number", "numbers": "number",
    "boolean": "bool", "booleans": "bool", "bool": "bool",
    "bytes": "bytes", "set": "set", "sets": "set",
}  # fmt: skip
_FAMILY = {
    "list": (list,), "tuple": (tuple, list), "dict": (dict,), "str": (str,), "int": (int,),
    "float": (float, int), "number": (int, float), "bool": (bool,), "bytes": (bytes, bytearray),
    "set": (set, frozenset, list),
}  # fmt: skip
_CONTAINERS = ("list", "tuple", "set")
_TAKES = r"\b(?:takes|given|accepts|receives|input is)\s+(?:as input\s+)?"
_TYPE = r"(?:(?:non-empty|empty|sorted|single|given|positive|negative|non-negative|whole|python)\s+)*"
_TYPE += r"(" + "|".join(sorted(_TYPE_WORDS, key=len, reverse=True)) + r")\b"
_OF = r"(?:\s+of\s+(?:\w+\s+)?(" + "|".join(sorted(_TYPE_WORDS, key=len, reverse=True)) + r")\b)?"


def said_types(question: str, params: list[Param]) -> dict[str, tuple[str, str | None]]:
    """Per parameter, the type the prose gives it: "`callers` is a list of strings" →
    ("list", "str"); with one parameter, "takes a list of strings" speaks of it too."""
    out: dict[str, tuple[str, str | None]] = {}
    for p in params:
        name = rf"`?{re.escape(p.name)}`?"
        # a link is needed: "`n` is a string", "n (a string)", "n: string", "n, a string"
        link = r"(?:\s*[(:—-]\s*(?:an?\s+|the\s+)?|\s*,\s*(?:an?|the)\s+|\s+(?:is|are|must be|should be|"
        link += r"which is|will be)\s+(?:an?\s+|the\s+)?)"
        after = rf"\b{name}{link}{_TYPE}{_OF}"
        before = rf"\b(?:an?|the)\s+{_TYPE}{_OF}\s+(?:called\s+|named\s+)?{name}(?!\w)"
        m = re.search(after, question, re.I) or re.search(before, question, re.I)
        if m:
            out[p.name] = (_TYPE_WORDS[m.group(1).lower()], _inner(m.group(2)))
    if len(params) == 1 and params[0].name not in out:
        m = re.search(rf"{_TAKES}(?:an?|the)\s+{_TYPE}{_OF}", question, re.I)
        if m:
            out[params[0].name] = (_TYPE_WORDS[m.group(1).lower()], _inner(m.group(2)))
    return out


def _inner(word: str | None) -> str | None:
    return _TYPE_WORDS[word.lower()] if word else None


def _fits(value: Any, family: str) -> bool:
    return isinstance(value, _FAMILY[family]) and not (family != "bool" and isinstance(value, bool))


def type_contradictions(question: str, params: list[Param], args: dict[str, list[Any]]) -> list[str]:
    """Parameters whose type in the prose no test argument has ("callers: said list of str,
    tests pass dict"). `args`: each parameter's values in the tests."""
    out = []
    for name, (outer, inner) in said_types(question, params).items():
        values = args.get(name) or []
        if not values:
            continue
        if not any(_fits(v, outer) for v in values):
            seen = sorted({type(v).__name__ for v in values})
            out.append(f"{name}: said {outer}, tests pass {'/'.join(seen)}")
            continue
        if inner and outer in _CONTAINERS:
            items = [x for v in values if _fits(v, outer) and not isinstance(v, str) for x in v]
            if items and not any(_fits(x, inner) for x in items):
                seen = sorted({type(x).__name__ for x in items})
                out.append(f"{name}: said {outer} of {inner}, tests pass {outer} of {'/'.join(seen)}")
    return out


def name_contradictions(question: str, entry: str, params: list[Param]) -> list[str]:
    """Calls of the function the prose writes with parameter names the signature lacks
    (`count_calls(callers, depth)` for `count_calls(callers)`)."""
    names = {p.name for p in params}
    out = []
    for m in re.finditer(rf"(?<![\w.]){re.escape(entry)}\(([^()]*)\)", question):
        written = [a.strip().split("=")[0].strip().lstrip("*") for a in m.group(1).split(",") if a.strip()]
        idents = [w for w in written if w.isidentifier()]
        if len(idents) == len(written) and idents and not set(idents) <= names | {"self"}:
            out.append(f"{entry}({', '.join(written)}) names {sorted(set(idents) - names)}")
    return out


# ---- the verdict ------------------------------------------------------------------------------


def check_question(
    question: str,
    entry: str,
    params: list[Param],
    args: dict[str, list[Any]],
    fallback: str,
    hit_limit: bool = False,
) -> Verdict:
    """The question to show: the model's when it is sound, trimmed when a loop or a cut can be
    removed, else `fallback` (the seed's docstring and signature). `args`: each parameter's
    values in the tests; `hit_limit`: the answer stopped at the token limit."""
    text, reasons = question.strip(), []
    start = loop_start(text)
    if start is not None:
        reasons.append("repetition_loop")
        text = whole_sentences(text[:start]) or text[:start].rstrip(" ,;")
    if ends_mid_sentence(text):
        reasons.append("truncated_at_limit" if hit_limit else "truncated")
        text = whole_sentences(text)
    contradictions = name_contradictions(text, entry, params) + type_contradictions(text, params, args)
    reasons += [f"contradicts_tests: {c}" for c in contradictions]
    if len(text.split()) < MIN_WORDS:
        reasons.append("too_short_after_repair" if reasons else "too_short")
    if contradictions or len(text.split()) < MIN_WORDS:
        return Verdict(fallback, "fallback", tuple(reasons))
    return Verdict(text, "repaired" if reasons else "model", tuple(reasons))

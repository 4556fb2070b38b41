"""The type a parameter's own description line states in words.

Sphinx and Google docstrings often give no type field but say it in the parameter's line:
``:param text: The text to split (a string).``, ``count: The count (a number).``, ``plural:
... (a string or None)``; numpy docstrings write a set of types, ``low : {float, int}``. That
line speaks of this parameter alone, so it outranks a summary sentence such as "Split a
comma-separated list of strings" (which describes what the text holds, not its type).
"""

from __future__ import annotations

import re

from aceforge.synthesis.signature import ANY, Spec

_KIND = {
    "string": "str", "str": "str", "integer": "int", "int": "int", "number": "float",
    "float": "float", "list": "list", "sequence": "list", "iterable": "list", "tuple": "tuple",
    "dictionary": "dict", "dict": "dict", "mapping": "dict", "boolean": "bool", "bool": "bool",
    "set": "set",
}  # fmt: skip
NUMBER = Spec("union", (Spec("int"), Spec("float")))  # "a number": ints first, then floats
_ITEM = {"strings": "str", "words": "str", "integers": "int", "ints": "int", "numbers": "float",
         "floats": "float"}  # fmt: skip
# "an ASCII-only ``str``" too; not "a ``str`` or UTF-8 encoded ``bytes``" (two kinds: no one type)
_PHRASE = re.compile(
    r"\b(?:a|an)\s+(?:(?:non[- ]?empty|positive|non[- ]?negative|single|python|ascii(?:-only)?)\s+)?"
    r"(?:``)?(string|integer|number|float|list|sequence|iterable|tuple|dictionary|mapping|boolean|set|str)\b(?:``)?"
    r"(?:\s+of\s+(strings|words|integers|ints|numbers|floats)\b)?(\s+or\s+(?::\w+:`)?None\b)?"
    r"(?!(?:``)?\s+or\b)",
    re.I,
)


def described_type(doc: str, name: str) -> Spec:
    """`name`'s type as its own description words it (ANY where it does not)."""
    n = re.escape(name)
    braces = re.search(rf"^\s*{n}\s*:\s*\{{([^}}]*)\}}", doc, re.M)  # numpy: ``low : {float, int}``
    if braces:
        return _choice(re.findall(r"[a-z]+", braces.group(1).lower()))
    line = re.search(
        rf"(?::param\s+{n}:|^\s*{n}\s*:(?!\s*\w+\s*$))(.*(?:\n(?!\s*(?::|\w+\s*:|$)).*)*)", doc, re.M
    )
    if not line:
        return ANY
    m = _PHRASE.search(line.group(1))
    if not m:
        return ANY
    word = m.group(1).lower()
    spec = NUMBER if word == "number" else Spec(_KIND[word])
    if m.group(2) and spec.kind in ("list", "set"):
        spec = Spec(spec.kind, (Spec(_ITEM[m.group(2).lower()]),))
    return Spec("union", (spec, Spec("none"))) if m.group(3) else spec


def _choice(words: list[str]) -> Spec:
    """A numpy set of types: numbers only → ints and floats (ints only if it names no float),
    one other kind → it."""
    kinds = {_KIND[w] for w in words if w in _KIND}
    if kinds and kinds <= {"int", "float"}:
        return NUMBER if "float" in kinds else Spec("int")
    return Spec(kinds.pop()) if len(kinds) == 1 else ANY


# Only names that say a type plainly: ``s`` may be any sequence (sympy's ``is_palindromic(s)``),
# and ``items``/``seq`` already lead to lists among the name guesses (``mutate.guess_calls``).
_NAMED = {
    "str": ("string", "text", "txt", "sentence", "phrase", "strg"),
    "list_int": ("numbers", "nums", "ints", "integers"),
    "list_float": ("floats",),
    "list_str": ("words", "strings", "names", "lines", "sentences"),
}  # fmt: skip
_NAMED_SPEC = {
    "str": Spec("str"), "list_int": Spec("list", (Spec("int"),)),
    "list_float": Spec("list", (Spec("float"),)), "list_str": Spec("list", (Spec("str"),)),
}  # fmt: skip


def named_type(name: str) -> Spec:
    """The type a parameter's name says plainly (``numbers``: a list of ints, ``text``: a
    string; ANY for names that say nothing): for the last-resort guesses, where a string
    for ``numbers`` only makes the seed raise or answer nonsense."""
    word = name.lower().strip("_")
    for kind, names in _NAMED.items():
        if word in names or word.endswith(tuple("_" + n for n in names)):
            return _NAMED_SPEC[kind]
    return ANY

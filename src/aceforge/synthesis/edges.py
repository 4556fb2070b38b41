"""Edge cases inside a question's domain, systematically per type and stated rule.

Per argument: empty, single, duplicate and unsorted containers; 0, 1, -1, the stated bounds and
large numbers; whitespace, punctuation, mixed case and non-ASCII letters in strings; ``None``
where the annotation is Optional. Every candidate is kept only if the argument's domain (its
annotation, the seed's examples, the docstring's prose) contains it, so an edge the docstring
rules out is never tested — and a call only when the whole call fits. The seed then answers
each one; inputs it raises on are dropped (or become exception tests, see ``raises``).

Also the typed guesses used when neither examples nor the model give an input: values of the
annotated types, drawn from the stated alphabet and bounds (``fallback`` adds the body's use).
"""

from __future__ import annotations

import ast
import itertools
import re
from typing import Any

from aceforge.synthesis.domain import Domain, InputSpace
from aceforge.synthesis.optional_args import (
    optional,
    optional_given,
    optional_none,
    optional_values,
    together,
)
from aceforge.synthesis.signature import (
    ANY,
    Spec,
    format_call,
    positional_args,
    typed_values,
)
from aceforge.synthesis.usage import concrete
from aceforge.synthesis.varargs import arity_variants

LARGE_INT = 10**6
# Without a stated bound, "large" stays small enough for a correct naive program: recursion one
# level per unit, or a loop per unit repeated over several tests, must not time out on it.
UNSTATED_LARGE = 100
_TEXT_EDGES = ["", " ", "a", "A", "aa", "ab ba", "  lead and trail  ", "Hello, World!", "a\tb\nc",
               "x" * 60, "MiXeD CaSe", "123", "a-b_c.d"]  # fmt: skip
_UNICODE_EDGES = ["ÄÖü éñ", "ß", "İstanbul", "ﬁne", "\u2028"]  # only where the docstring speaks of them


def value_edges(v: Any, dom: Domain, unicode: bool = False) -> list[Any]:
    """Edge values of the same kind as `v` (an observed value), before the domain check."""
    if isinstance(v, bool):
        return [not v]
    if isinstance(v, int):
        return _int_edges(v, dom)
    if isinstance(v, float):
        lo = dom.floor if dom.floor is not None else -2.5
        big = float(_large(dom))
        return [0.0, 1.0, -1.0, 0.5, float(lo), big, -big, v * 10]
    if isinstance(v, str):
        return _str_edges(v, dom) + (_UNICODE_EDGES if unicode else [])
    if isinstance(v, list | tuple):
        out = [list(x) if isinstance(v, list) else tuple(x) for x in _seq_edges(list(v), dom)]
        return out
    if isinstance(v, dict):
        return [{}, dict(list(v.items())[:1])] if v else []
    return []


def _int_edges(v: int, dom: Domain) -> list[Any]:
    big = _large(dom)
    out = [0, 1, -1, 2, v + 1, v - 1, -v, big, -big]
    if dom.floor is not None:
        out += [int(dom.floor), int(dom.floor) + 1]
    if dom.rule is not None and dom.rule.high is not None:
        out += [int(dom.rule.high), int(dom.rule.high) - 1]
    return out


def _large(dom: Domain) -> int:
    """The large value to try: the stated upper bound's order, else a modest one."""
    high = dom.rule.high if dom.rule is not None else None
    return int(min(high, LARGE_INT)) if high is not None and high >= UNSTATED_LARGE else UNSTATED_LARGE


def _str_edges(v: str, dom: Domain) -> list[str]:
    alphabet = dom.chars or ""
    out = ["", v[:1], v + v[:1], v.upper(), v.lower(), v.swapcase(), f" {v} ", v.replace(" ", "  ")]
    if alphabet:
        a, b = alphabet[0], alphabet[-1]
        out += [a, a * 5, b * 5, (a + b) * 4, alphabet[: min(len(alphabet), 30)]]
    return out + _TEXT_EDGES


def _seq_edges(xs: list[Any], dom: Domain) -> list[list[Any]]:
    out: list[list[Any]] = [[], xs[:1]]
    if xs:
        out += [xs + xs[:1], [xs[0]] * 3, xs[::-1], xs[1:] + xs[:1]]
        out += [xs * max(1, 30 // max(1, len(xs)))]
    if len(xs) >= 2 and all(isinstance(x, str) and x for x in xs):  # one item a prefix of others
        x = xs[0]
        out += [[x, x + x[:1], *xs[1:]], [x + "b", x + "a", x]]
    elems = dom.elements
    if xs and elems is not None:
        for e in value_edges(xs[0], elems)[:6]:
            out.append([e, *xs[1:]])
    return out


def edge_calls(space: InputSpace, calls: list[str], limit: int = 40, stated: bool = True) -> list[str]:
    """Calls that replace one argument of a known call with an edge value its domain contains,
    plus `None` for Optional parameters and optional parameters given; deduplicated, taken in
    turn from every (call, argument) so that no argument uses up `limit` alone. With `stated`
    False: only the edges the docstring's prose rules out (probes for documented exceptions)."""
    groups: list[list[str]] = []
    catalogue: list[str] = []
    for args in positional_args(calls):
        if not groups:  # the text catalogue is the same for every call: first, once
            catalogue = _text_catalogue(space, args)
        groups.append(optional_given(space, args) + _paired(space, args))
        if space.star is not None:
            groups.append(arity_variants(space.entry, len(space.params), args))
        for i, a in enumerate(args):
            dom = space.domains[i] if i < len(space.domains) else Domain([a])
            consts = space.constants.get(space.params[i].name, []) if i < len(space.params) else []
            near = _near([*consts, *space.crossings])
            near += _near_items(a, near)
            given = optional_values(space.params[i].default) if optional(space, i) else []
            values = optional_none(space, i) + near + given + value_edges(a, dom, space.unicode)
            groups.append([format_call(space.entry, [*args[:i], b, *args[i + 1 :]]) for b in values])
            if i < len(space.params) and isinstance(a, str):  # a turn of their own: past the limit else
                read = read_as(space.constants.get(space.params[i].name, []))
                groups.append([format_call(space.entry, [*args[:i], b, *args[i + 1 :]]) for b in read])
    out: list[str] = _empty_variants(space, calls) if stated else []
    seen = set(calls) | set(out)
    interleaved = (c for layer in itertools.zip_longest(*groups) for c in layer if c is not None)
    for new in itertools.chain(catalogue, interleaved):
        if new in seen:
            continue
        seen.add(new)
        if space.fits(new) if stated else space.fits(new, False) and not space.fits(new):
            out.append(new)
            if len(out) >= limit:
                break
    if stated:  # every optional parameter given at once: beside the limit, displacing no edge
        out += [c for c in together(space, calls) if c not in seen and space.fits(c)]
    return out


def _empty_variants(space: InputSpace, calls: list[str]) -> list[str]:
    """The first positional call with its one string or container argument emptied, where only
    the observed calls rule that out (``fits_empty``); where emptiness already fits, the
    catalogue and the per-argument edges try it in their turn."""
    args = next(positional_args(calls), None) or []
    sized = [i for i, a in enumerate(args) if isinstance(a, str | list | tuple | dict)]
    if len(sized) != 1:  # ``xor('', '110')``: one emptied beside another is a pairing no doc states
        return []
    out = []
    for i, a in enumerate(args):
        if i in sized and a:
            call = format_call(space.entry, [*args[:i], type(a)(), *args[i + 1 :]])
            if call not in calls and not space.fits(call) and fits_empty(space, call, i):
                out.append(call)
    return out


def fits_empty(space: InputSpace, call: str, i: int) -> bool:
    """`call` (argument `i` empty) fits once emptiness is allowed where only the observed
    calls ruled it out: no example was empty, but the docstring's prose does not say
    non-empty either (an early ``return`` for empty input is a common real bug)."""
    if i >= len(space.domains):
        return space.fits(call)
    dom = space.domains[i]
    if dom.rule is not None and (dom.rule.nonempty or dom.rule.min_len > 0):
        return False
    saved = dom.nonempty, dom.min_len
    dom.nonempty, dom.min_len = False, 0
    try:
        return space.fits(call)
    finally:
        dom.nonempty, dom.min_len = saved


_ESCAPES = re.compile(r"(?:\\+(?:[rnt]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}))+")


def doc_texts(doc: str) -> list[str]:
    """Character sequences the docstring writes as escapes (``\\r\\n``, ``\\u2028``, ``\\x85``):
    what the function is about, alone and inside text, as string edges."""
    out: list[str] = []
    for m in _ESCAPES.finditer(doc or ""):
        seq = re.sub(r"\\+", lambda _: "\\", m.group(0))
        try:
            text = seq.encode("ascii").decode("unicode_escape")
        except (UnicodeDecodeError, UnicodeEncodeError):
            continue
        out.append(text)
    return list(dict.fromkeys(out))[:8]


def _named_texts(texts: list[str]) -> list[str]:
    """Each named sequence alone, between words, twice, and all of them in one text."""
    out = list(texts) + [f"a{t}b" for t in texts] + [f"{t}{t}x{t}" for t in texts]
    return out + (["one" + "two".join(texts) + "end"] if len(texts) > 1 else [])


def _text_catalogue(space: InputSpace, args: list[Any]) -> list[str]:
    """Each string argument of one call replaced by each catalogue text, in turn (the texts
    the docstring names first)."""
    texts = _named_texts(space.texts) + _TEXT_EDGES + (_UNICODE_EDGES if space.unicode else [])
    out = []
    for t in texts:
        for i, a in enumerate(args):
            if isinstance(a, str):
                out.append(format_call(space.entry, [*args[:i], t, *args[i + 1 :]]))
    return out


def _paired(space: InputSpace, args: list[Any]) -> list[str]:
    """Strings or lists that must share a length, cut or grown together."""
    if not space.prose.equal_length:
        return []
    out = []
    for f in (lambda x: x[:0], lambda x: x[:1], lambda x: x[:-1], lambda x: x + x, lambda x: x + x[:1]):
        out.append(format_call(space.entry, [f(a) if isinstance(a, str | list | tuple) else a for a in args]))
    return out


def _near(constants: list[Any]) -> list[Any]:
    """Each constant, and for numbers the values either side of it; a string inside text too
    (``'"' in etag``: in the middle, not only at the start)."""
    out: list[Any] = []
    for c in constants:
        if isinstance(c, int | float):
            out += [c, c - 1, c + 1]
        else:
            out += [c, f"a{c}b", f"ab{c}"] if isinstance(c, str) and c else [c]
    return out


def _near_items(a: Any, near: list[Any]) -> list[Any]:
    """A list (or tuple) of ints with its first item replaced by each int the code compares
    it with: the constants reach into containers too (``if 0 in xs``, ``f"{x:02x}"``)."""
    if not (isinstance(a, list | tuple) and a and all(type(x) is int for x in a)):
        return []
    ints = [c for c in dict.fromkeys(near) if type(c) is int]
    return [type(a)([c, *a[1:]]) for c in ints]


def read_as(constants: list[Any]) -> list[str]:
    """Each word the code compares a string with, upper-cased and padded (``'RIGHT'``,
    ``' right '`` for ``align == 'right'``): where code that folds case or strips whitespace
    answers as for the word itself and the seed does not (or the other way round)."""
    words = [c for c in constants if isinstance(c, str) and c.strip() and c == c.strip()]
    out = [v for w in words for v in (w.upper(), f" {w} ") if v != w]
    return [v for v in dict.fromkeys(out) if v not in constants]


def guesses(space: InputSpace, limit: int = 20, usage: dict[str, Spec] | None = None) -> list[str]:
    """Calls built from the annotations (or, for a parameter without one, the type its use in
    the body implies: `usage`), each value inside its parameter's domain (strings from the
    stated alphabet); empty when a parameter has neither annotation, use nor rule."""
    choices = []
    for i, p in enumerate(space.params):
        dom = space.domains[i] if i < len(space.domains) else None
        spec = (usage or {}).get(p.name, p.spec) if p.spec.kind == "any" else p.spec
        vals = [p.default] if p.has_default else []
        vals += (
            _graphs(spec)
            + space.constants.get(p.name, [])
            + typed_values(concrete(spec))
            + _from_rule(spec, dom)
        )
        if dom is not None:
            vals = [v for v in vals if dom.contains(v)]
        if not vals:
            return []
        choices.append(list(dict.fromkeys(map(repr, vals))))
    if not choices:
        return []
    out: list[str] = [c for c in _words_of(space, choices)[: limit // 2] if space.fits(c)]
    for i in range(limit * 4):
        args = [vals[(i * (j + 1) + i // len(vals)) % len(vals)] for j, vals in enumerate(choices)]
        call = f"{space.entry}({', '.join(args)})"
        if call not in out and space.fits(call):
            out.append(call)
        if len(out) >= limit:
            break
    return out


# A dict whose values are collections of its own keys: chain, fan-in, cycle, self-loop, a target
# that is no key, empty — where walks that stop early or skip a node differ.
_GRAPHS: list[dict[int, list[int]]] = [
    {1: [2], 2: [3], 3: [4], 4: []},
    {1: [2, 3], 2: [3], 3: [1]},
    {1: [2], 2: [1]},
    {1: [1, 2], 2: [2]},
    {1: [2, 3], 3: [4]},
    {1: []},
]


def _graphs(spec: Spec) -> list[Any]:
    """Graph-shaped values for a mapping to collections of untyped (or key-typed) elements."""
    if spec.kind != "dict" or len(spec.args) != 2:
        return []
    key, value = spec.args
    inner = value.args[0] if value.args else ANY
    if value.kind not in ("set", "list", "frozenset", "tuple") or key.kind not in ("any", "int"):
        return []
    if inner.kind not in ("any", "int"):
        return []
    cast = {"set": set, "list": list, "frozenset": frozenset, "tuple": tuple}[value.kind]
    return [{k: cast(v) for k, v in g.items()} for g in _GRAPHS]


def _words_of(space: InputSpace, choices: list[list[str]]) -> list[str]:
    """A list of strings beside a string is often drawn from it (tokens of a sentence, words
    to find in a text): calls whose list holds the string's own words, all, first and last,
    since independent guesses rarely occur in the string and the seed raises on them."""
    kinds = [(p.spec.kind, p.spec.args[0].kind if p.spec.args else "") for p in space.params]
    texts = [i for i, k in enumerate(kinds) if k[0] == "str"]
    lists = [i for i, k in enumerate(kinds) if k in (("list", "str"), ("tuple", "str"))]
    if not texts or not lists:
        return []
    out = []
    for text in (ast.literal_eval(v) for v in choices[texts[0]]):
        words = text.split() if isinstance(text, str) else []
        for part in (words, words[:1], words[-1:]) if words else ():
            args = [vals[0] for vals in choices]
            args[texts[0]] = repr(text)
            args[lists[0]] = repr(part if kinds[lists[0]][0] == "list" else tuple(part))
            out.append(f"{space.entry}({', '.join(args)})")
    return list(dict.fromkeys(out))


def evidence(calls: list[str], origin: dict[str, str]) -> list[str]:
    """The calls that show the domain when the seed has no examples: the model's inputs, not
    our own guesses from the signature (their alphabet and sizes would narrow it for nothing)."""
    return [c for c in calls if origin.get(c) != "signature"]


def _from_rule(spec: Spec, dom: Domain | None) -> list[Any]:
    """Strings over the stated alphabet (and lists of them) when the prose names one."""
    if dom is None or not dom.chars:
        return []
    a = dom.chars
    words = ["".join(itertools.islice(itertools.cycle(a[k % len(a) :] + a[: k % len(a)]), n))
             for k, n in ((0, 1), (1, 2), (0, 3), (2, 5), (1, 6), (3, 4))]  # fmt: skip
    words += [a[-1] * 3, a[0] + a[-1] + a[0]]
    if spec.kind in ("list", "tuple"):
        return [words[:3], words[2:5], [words[0]]]
    if spec.kind in ("str", "any"):
        return words
    return []

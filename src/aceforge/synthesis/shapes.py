"""Argument shapes a literal cannot write, where the seed documents that it accepts them.

Every other input is a call with literal arguments, so a suite never passes an iterator, a
mapping subclass or unhashable items — and bugs that only those show (``len(items)`` on a
generator, a mapping rebuilt as a plain ``dict``, ``set(seq)`` on lists) pass every test. Here
known good calls get one argument re-shaped, still as a call the engine evaluates in the
sandbox:

* a list or tuple becomes ``iter([...])`` where the parameter is an Iterable: annotated
  ``Iterable``/``Iterator``, called an iterable (iterator, generator) in the docstring, or
  unannotated and only ever iterated by the seed's body;
* a dict becomes ``__import__('collections').OrderedDict([...])`` where the parameter is an
  unannotated (or ``Mapping``-annotated) mapping; where the seed then returns that subclass,
  a second test checks the type's name (values are compared through the base type);
* a list's elements are wrapped in one-element lists (unhashable, still comparable) where
  the elements' type is stated nowhere: no annotation, no docstring type;
* every list becomes a tuple where the docstring calls the (unannotated) parameter a sequence.

A ``*args`` parameter counts for every argument past the positional ones.

Parameters annotated with a concrete type (``List[int]``, ``str``, ``dict``) are never
re-shaped: the docstring's silence is no licence.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import Param, entry_function, format_call, parse_args, positional_args

ORDERED = "__import__('collections').OrderedDict"
_ITERATING = {"iter", "list", "tuple", "enumerate", "sorted", "set", "frozenset", "zip", "any", "all",
              "sum", "min", "max", "map", "filter", "dict"}  # fmt: skip
_ITER_WORDS = re.compile(r"\b(?:iterables?|iterators?|generators?)\b", re.I)
_CONCRETE = re.compile(r"\b(?:list|List|tuple|Tuple|str|Sequence|Collection|Sized|dict|Dict)\b")


def literal_call(call: str) -> bool:
    """Whether every argument of `call` is a literal (the calls the domain code can read)."""
    try:
        node = ast.parse(call, mode="eval").body
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return False  # ``f(x)(y)``: a call of what a call returned (``returned``)
        parse_args(call)
    except (SyntaxError, ValueError, AssertionError, TypeError, MemoryError, RecursionError):
        return False
    return True


def iterable_params(fn: ast.FunctionDef | None, doc: str, params: list[Param]) -> set[str]:
    """Parameters that take any iterable: by annotation, by the docstring's word, or (left
    unannotated) because the body only iterates them."""
    if fn is None:
        return set()
    anns = _annotations(fn)
    out = set()
    for p in params:
        text = anns.get(p.name, "")
        if re.search(r"\b(?:Iterable|Iterator)\b", text):
            out.add(p.name)
        elif (text and _CONCRETE.search(text)) or p.spec.kind == "str":
            continue
        elif not text and (_said_iterable(doc, p.name, params) or only_iterated(fn, p.name)):
            out.add(p.name)
    return out


def _annotations(fn: ast.FunctionDef) -> dict[str, str]:
    """Each positional parameter's annotation as source text (absent: not in the dict)."""
    return {a.arg: ast.unparse(a.annotation) for a in fn.args.posonlyargs + fn.args.args if a.annotation}


def _said_iterable(doc: str, name: str, params: list[Param]) -> bool:
    return _said(doc, name, params, _ITER_WORDS)


def _said(doc: str, name: str, params: list[Param], words: re.Pattern[str]) -> bool:
    """The docstring uses one of `words` for `name`: in a sentence (or parameter line)
    naming it, or anywhere when it is the only parameter."""
    for part in re.split(r"(?<=[.;:])\s+|\n\s*\n|\n(?=\s*(?::param|\w+\s*[(:]))", doc or ""):
        if words.search(part) and (len(params) == 1 or re.search(rf"\b{re.escape(name)}\b", part)):
            return True
    return False


def only_iterated(fn: ast.FunctionDef, name: str) -> bool:
    """Every use of `name` in the body iterates it once (``for``, a comprehension, or an
    argument of ``iter``/``list``/``enumerate``/...), and there is at least one; or the body
    first rebinds it to what iterating it gives (``items = list(items)``)."""
    if _materialized(fn, name):
        return True
    uses = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == name]
    if not uses:
        return False
    ok = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.For | ast.comprehension) and isinstance(node.iter, ast.Name):
            ok.add(id(node.iter))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ITERATING:
            ok.update(id(a) for a in node.args[:1] if isinstance(a, ast.Name))
    return len(uses) == 1 and id(uses[0]) in ok


def _materialized(fn: ast.FunctionDef, name: str) -> bool:
    """The first statement (after the docstring) is ``name = list(name)`` (or tuple, set...)."""
    body = fn.body[1:] if fn.body and isinstance(fn.body[0], ast.Expr) else fn.body
    first = body[0] if body else None
    if not (isinstance(first, ast.Assign) and len(first.targets) == 1):
        return False
    target, value = first.targets[0], first.value
    return (
        isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name) and value.func.id in _ITERATING and len(value.args) == 1
        and isinstance(value.args[0], ast.Name) and value.args[0].id == name
    )  # fmt: skip


def mapping_params(fn: ast.FunctionDef | None, params: list[Param]) -> set[str]:
    """Unannotated (or Mapping-annotated) parameters: a dict there may be any mapping."""
    if fn is None:
        return set()
    anns = _annotations(fn)
    out = set()
    for p in params:
        text = anns.get(p.name, "")
        if not text or re.search(r"\b(?:Mapping|MutableMapping)\b", text):
            out.add(p.name)
    return out


def untyped_items(fn: ast.FunctionDef | None, params: list[Param]) -> set[str]:
    """Container parameters whose elements' type nothing states (no annotation, no docstring
    type): any object may be an element, unhashable ones included."""
    if fn is None:
        return set()
    anns = {a.arg: a.annotation for a in fn.args.posonlyargs + fn.args.args}
    return {
        p.name
        for p in params
        if anns.get(p.name) is None and p.spec.kind in ("any", "list") and not p.spec.args
    }


def reshaped(
    entry: str,
    params: list[Param],
    calls: list[str],
    shapes: dict[str, set[str]],
    limit: int = 6,
    star: bool = False,
) -> list[str]:
    """Known calls with one argument re-shaped (see the module docstring), each shape taken
    in turn so that none uses up `limit` alone."""
    names = [p.name for p in params]
    groups: list[list[str]] = [[], [], [], []]
    for args in positional_args(calls):
        for i, a in enumerate(args):
            name = names[min(i, len(names) - 1)] if star and names else (names[i] if i < len(names) else "")
            text = isinstance(a, str) and len(a) > 1  # a text is an iterable of characters too
            if (isinstance(a, list | tuple) or text) and name in shapes.get("iterable", set()):
                groups[0].append(_call(entry, args, i, f"iter({a!r})"))
            if isinstance(a, dict) and name in shapes.get("mapping", set()):
                groups[1].append(_call(entry, args, i, f"{ORDERED}({list(a.items())!r})"))
            if isinstance(a, list) and a and _plain(a) and name in shapes.get("items", set()):
                groups[2].append(_call(entry, args, i, repr([[x] for x in a])))
        seq = [i for i, a in enumerate(args) if isinstance(a, list) and _seq_name(names, i, star, shapes)]
        if seq:  # every list a tuple at once: results built from slices keep the type
            groups[3].append(format_call(entry, [tuple(a) if i in seq else a for i, a in enumerate(args)]))
    out: list[str] = []
    for layer in zip(*(g + [""] * (limit - len(g)) for g in groups), strict=False):
        out += [c for c in layer if c and c not in out and c not in calls]
    return out[:limit]


def _seq_name(names: list[str], i: int, star: bool, shapes: dict[str, set[str]]) -> bool:
    name = names[min(i, len(names) - 1)] if star and names else (names[i] if i < len(names) else "")
    return name in shapes.get("sequence", set())


def _plain(xs: list[Any]) -> bool:
    return all(isinstance(x, int | float | str) and not isinstance(x, bool) for x in xs)


def _call(entry: str, args: list[Any], i: int, source: str) -> str:
    parts = [repr(a) for a in args]
    parts[i] = source
    return f"{entry}({', '.join(parts)})"


def type_probe(call: str) -> str:
    """The expression whose value is the name of `call`'s result type."""
    return f"type({call}).__name__"


_SEQUENCE_WORDS = re.compile(r"\b(?:sequences?|subsequences?)\b", re.I)


def sequence_params(fn: ast.FunctionDef | None, doc: str, params: list[Param]) -> set[str]:
    """Unannotated parameters the docstring calls a sequence: a tuple is one as much as a
    list is (and a result built by slicing keeps the argument's type)."""
    if fn is None:
        return set()
    anns = {a.arg: a.annotation for a in fn.args.posonlyargs + fn.args.args}
    if fn.args.vararg is not None:
        anns[fn.args.vararg.arg] = fn.args.vararg.annotation
    out = set()
    for p in params:
        if anns.get(p.name) is None and _said(doc, p.name, params, _SEQUENCE_WORDS):
            out.add(p.name)
    return out


def shape_kinds(fn: ast.FunctionDef | None, doc: str, params: list[Param]) -> dict[str, set[str]]:
    """Per shape, the parameters that take it (`params` may end with the ``*args`` one)."""
    return {"iterable": iterable_params(fn, doc, params), "mapping": mapping_params(fn, params),
            "items": untyped_items(fn, params), "sequence": sequence_params(fn, doc, params)}  # fmt: skip


def add_shapes(drafts: list[Draft], answer: Callable[[list[list[str]]], list[Answers]], limit: int) -> None:
    """Each draft's known calls re-shaped where its seed takes the shape, answered by the seed
    (`answer`); where it returns a mapping subclass, the result's type is a test too."""
    proposals = []
    for d in drafts:
        known = [c for c in d.answers.found if literal_call(c)]
        calls = shape_calls(d.seed, d.entry, d.space.params, d.space.star, known, limit) if d.space else []
        proposals.append(calls + [type_probe(c) for c in calls if ORDERED in c and not d.iterates])
    for d, ans in zip(drafts, answer(proposals), strict=True):
        for c in kept_shapes(ans):
            d.answers.found[c] = ans.found[c]
            d.origin.setdefault(c, "edge")


def shape_calls(
    seed: Seed, entry: str, params: list[Param], star: Param | None, known: list[str], limit: int
) -> list[str]:
    """The re-shaped variants of `known` calls for one seed (its docstring, else instruction)."""
    fn = entry_function(seed.program, entry)
    doc = (ast.get_docstring(fn) if fn is not None else None) or seed.instruction
    every = [*params, star] if star is not None else params
    return reshaped(entry, every, known, shape_kinds(fn, doc, every), limit, star is not None)


def kept_shapes(answers: Answers) -> list[str]:
    """The answered variants worth a test: stable values, and type probes only where the seed
    keeps the mapping subclass (its plain ``dict`` result says nothing the value does not)."""
    return [
        c for c in answers.found
        if c not in answers.unstable and (not c.startswith("type(") or answers.found[c][1] == "OrderedDict")
    ]  # fmt: skip

"""The documented domain the audit judges mutants on: what the reference says a valid input is.

A mutant that only differs from the reference on inputs its docstring rules out is no bug a
suite should catch (a correct program may do anything there), so the inputs that judge
equivalence must lie inside the *documented* domain:

* each argument is of its annotated type, or the type the docstring gives an unannotated
  parameter (``prose.doc_types``); ``None`` where the code tests ``is None``;
* the docstring's stated rules hold (``prose.read_prose``: sign, ranges, character sets,
  non-empty...), and the code's own guards widen them (``silence.empty_allowed``);
* an iterator only where the parameter takes any iterable (``shapes``: annotated
  ``Iterable``, called an iterable, or only ever iterated) and the docstring does not call
  it a sequence.

What the suite itself passes always counts as documented (a misread phrase or a type the
suite's author saw otherwise loses). Nothing here narrows the domain to what examples show:
the observed character classes, signs and sizes that ``synth`` stays inside are not rules,
and a mutant that only an input outside them separates (upper case, a negative number) still
counts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from aceforge.synthesis.constraints import Prose
from aceforge.synthesis.prose import doc_types, read_prose
from aceforge.synthesis.shapes import shape_kinds
from aceforge.synthesis.signature import Spec, conforms, entry_function, params_of
from aceforge.synthesis.silence import empty_allowed

_UNKNOWN = object()  # an argument no literal writes (a mapping subclass, a call's result)


@dataclass
class Documented:
    """The documented domain of one function's calls (see the module docstring)."""

    entry: str
    names: list[str]
    specs: dict[str, Spec]  # parameters whose type is checked
    prose: Prose
    iterable: set[str]  # parameters that take an iterator

    @classmethod
    def of(cls, program: str, entry: str, suite_calls: list[str]) -> Documented:
        fn = entry_function(program, entry)
        doc = (ast.get_docstring(fn) if fn is not None else None) or ""
        params = doc_types(doc, params_of(program, entry))
        names = [p.name for p in params]
        prose = empty_allowed(params, read_prose(doc, params), fn)
        rows = [r for r in (_bound(c, entry, names) for c in suite_calls) if r is not None]
        # The rules (and types, below) that the suite's own calls keep: a misread phrase loses.
        equal = prose.equal_length and all(Prose({}, True).allows(list(r.values()), list(r)) for r in rows)
        rules = {n: c for n, c in prose.params.items() if all(c.allows(r[n]) for r in rows if n in r)}
        prose = Prose(rules, equal)
        specs = {p.name: p.spec for p in params if all(_conforms(r[p.name], p.spec, prose, p.name)
                                                      for r in rows if p.name in r)}  # fmt: skip
        kinds = shape_kinds(fn, doc, params)
        return cls(entry, names, specs, prose, kinds["iterable"] - kinds["sequence"])

    def allows(self, call: str) -> bool:
        """Whether every argument of `call` lies in the documented domain (a call whose
        arguments cannot be read is left to the search that made it)."""
        try:
            node = ast.parse(call, mode="eval").body
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return True
        if (
            not isinstance(node, ast.Call)
            or not isinstance(node.func, ast.Name)
            or node.func.id != self.entry
        ):
            return True  # ``f(x)(y)`` and other shapes: not this module's to judge
        pairs = [(self.names[i] if i < len(self.names) else None, a) for i, a in enumerate(node.args)]
        pairs += [(k.arg, k.value) for k in node.keywords]
        values: dict[str, Any] = {}
        for name, arg in pairs:
            value, iterator = _value(arg)
            if name is None or value is _UNKNOWN:
                continue
            if iterator and name not in self.iterable:
                return False
            spec = self.specs.get(name)
            if spec is not None and not iterator and not _conforms(value, spec, self.prose, name):
                return False
            values[name] = value
        return self.prose.allows(list(values.values()), list(values))


def _value(arg: ast.expr) -> tuple[Any, bool]:
    """(the argument's value, whether it is ``iter(literal)``); ``_UNKNOWN`` when unreadable."""
    iterator = (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Name)
        and arg.func.id == "iter"
        and len(arg.args) == 1
        and not arg.keywords
    )
    try:
        return ast.literal_eval(arg.args[0] if iterator else arg), iterator  # type: ignore[attr-defined]
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNKNOWN, iterator


def _conforms(value: Any, spec: Spec, prose: Prose, name: str) -> bool:
    rule = prose.params.get(name)
    return conforms(value, spec) or (value is None and rule is not None and rule.none_ok)


def _bound(call: str, entry: str, names: list[str]) -> dict[str, Any] | None:
    """A suite call's literal arguments by parameter name (None when not a literal call)."""
    try:
        node = ast.parse(call, mode="eval").body
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == entry
        out = {names[i]: ast.literal_eval(a) for i, a in enumerate(node.args) if i < len(names)}
        out.update({k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg in names})
    except (SyntaxError, ValueError, AssertionError, TypeError, MemoryError, RecursionError):
        return None
    return out

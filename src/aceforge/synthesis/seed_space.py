"""A seed's input space, from every source that says what a valid input is: the signature's
annotations (and the docstring's types for unannotated parameters), the examples, the prose's
rules (``prose``), what silence rules out (``silence``, only without examples), what the
code singles out (an empty argument, ``None``), and what the edge catalogue draws on: the
constants the code compares with, the character sequences the docstring names, whether it
speaks of non-ASCII text, and a ``*args`` parameter (``varargs``)."""

from __future__ import annotations

import ast
from dataclasses import replace

from aceforge.synthesis.compared import format_values, harvest
from aceforge.synthesis.constraints import Constraint
from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import doc_texts
from aceforge.synthesis.prose import doc_types, read_prose
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import Param
from aceforge.synthesis.silence import empty_allowed, silent_rules, speaks_unicode
from aceforge.synthesis.text_params import text_params
from aceforge.synthesis.usage import enumerated, positions
from aceforge.synthesis.varargs import star_param


def seed_space(
    seed: Seed, entry: str, params: list[Param], examples: list[str], fn: ast.FunctionDef | None, doc: str
) -> InputSpace:
    """The input space the seed's examples, docstring and code define."""
    params = doc_types(doc, params)  # unannotated parameters typed by the docstring
    params = text_params(fn, params)  # ... or by a body that only formats them into text
    prose = read_prose(doc, params)
    if not examples:  # examples show what is valid; without them, silence is no licence (``silence``)
        prose = silent_rules(doc, params, prose, fn)
    prose = empty_allowed(params, prose, fn)
    if fn is not None:  # a position the body slices or searches a text at lies within it
        prose = replace(prose, within=positions(fn))
        for name, (lo, hi) in enumerated(fn).items():  # tested only against listed ints
            c = prose.params.get(name, Constraint())
            if c.low is None and c.high is None:
                prose.params[name] = replace(c, low=lo, high=hi)
    space = InputSpace.build(entry, params, examples, prose)
    space.constants = harvest(seed.program, entry)
    space.crossings = format_values(seed.program)
    space.unicode = speaks_unicode(doc) or any(not c.isascii() for c in examples)
    space.texts = doc_texts(doc)
    space.star = star_param(seed.program, entry, doc)
    if space.star is not None:
        space.arity = None  # any number of arguments, whatever the examples show
    return space

"""The last-resort guesses: calls for a seed whose examples and model proposals give no input.

Typed by the annotations and the docstring first; where a parameter has neither, by what the
body's use of it implies (``usage``) and by its name (``mutate.guess_calls``). Strings hold
what the body searches them for, and a parameter the body advances with ``next`` gets an
iterator, so the seed answers the guesses instead of raising on every one.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import guesses
from aceforge.synthesis.mutate import guess_calls
from aceforge.synthesis.signature import entry_function
from aceforge.synthesis.usage import as_iterators, nexted, searched_texts, usage_specs
from aceforge.synthesis.varargs import star_guesses


def fallback_guesses(space: InputSpace, program: str) -> list[str]:
    """In-domain calls from the annotations, else from the types the body's use of the
    parameters implies and from the parameter names (the last resort); strings hold what the
    body searches them for, and a parameter it calls ``next`` on gets an iterator."""
    fn = entry_function(program, space.entry)
    texts = searched_texts(fn) if fn is not None else {}  # beside the constants the body compares with
    joined = {k: space.constants.get(k, []) + texts.get(k, []) for k in {*space.constants, *texts}}
    space = replace(space, constants=joined)
    typed = guesses(space)
    if space.star is not None and not space.params:
        typed = star_guesses(space.entry, space.star, []) + typed
    if not typed and fn is not None:  # the body's use adds to the names' guesses
        used = guesses(space, usage=usage_specs(fn))
        named = [c for c in guess_calls(program, space.entry) if space.fits(c)]
        typed = list(dict.fromkeys(c for pair in itertools.zip_longest(used, named) for c in pair if c))
    return as_iterators(space.entry, [p.name for p in space.params], typed, nexted(fn)) if fn else typed

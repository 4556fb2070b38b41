"""seed_space: one input space from the signature, examples, prose, silence and the code."""

from __future__ import annotations

import ast

from aceforge.synthesis.seed_space import seed_space
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import entry_function, params_of

SRC = '''def unquote(etag, *parts):
    """Unquote an etag: CRLF (\\\\r\\\\n) is never valid.

    *parts (str): extra pieces.
    """
    if not etag:
        return None
    if etag == "W/":
        return ""
    return etag
'''


def test_every_source_reaches_the_space() -> None:
    fn = entry_function(SRC, "unquote")
    doc = ast.get_docstring(fn) or ""  # type: ignore[arg-type]
    seed = Seed(id="s", source="test", instruction="", program=SRC, entry_point="unquote")
    space = seed_space(seed, "unquote", params_of(SRC, "unquote"), ["unquote('W/x')"], fn, doc)
    assert space.texts == ["\r\n"]  # the escape the docstring writes
    assert space.constants["etag"] == ["W/"]  # what the code compares with
    assert space.star is not None and space.star.spec.kind == "str" and space.arity is None
    assert space.fits("unquote('')")  # the code singles the empty etag out; the example is non-empty
    assert space.fits("unquote('W/x', 'a', 'b')") and not space.fits("unquote('W/x', 3)")

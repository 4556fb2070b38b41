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


DEQUOTE = '''def dequote(string):
    """Remove quotes from around a string."""
    if string.startswith('"') and string.endswith('"'):
        return string[1:-1]
    return string
'''


def test_characters_the_code_handles_are_inside_the_domain_whatever_the_calls_used() -> None:
    fn = entry_function(DEQUOTE, "dequote")
    seed = Seed(id="d", source="test", instruction="", program=DEQUOTE, entry_point="dequote")
    # the trusted calls (here: the model's) hold letters only, so quotes were outside before
    space = seed_space(seed, "dequote", params_of(DEQUOTE, "dequote"), ["dequote('hello')"], fn, "")
    assert space.fits("dequote('\"hello\"')") and space.fits("dequote('\"')")
    assert not space.fits("dequote('a<b')")  # a character neither the calls nor the code name
    binary = 'def xor(a):\n    """a consists only of 1s and 0s."""\n    return a.replace("x", "")\n'
    fn = entry_function(binary, "xor")
    seed = Seed(id="x", source="test", instruction="", program=binary, entry_point="xor")
    doc = ast.get_docstring(fn) or ""  # type: ignore[arg-type]
    space = seed_space(seed, "xor", params_of(binary, "xor"), ["xor('101')"], fn, doc)
    assert not space.fits("xor('1x0')")  # the prose states the alphabet: the code cannot widen it

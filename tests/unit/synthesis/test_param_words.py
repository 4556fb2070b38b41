"""The type a parameter's own description line states (``param_words``), and what it feeds."""

from __future__ import annotations

from aceforge.synthesis.param_words import NUMBER, described_type
from aceforge.synthesis.prose import doc_types
from aceforge.synthesis.signature import ANY, Spec, params_of

SPLIT = '''def split(text, delimiter=','):
    """
    Split a comma-separated list of strings.

    :param text: The text to split (a string).
    :param delimiter: The delimiter to split on (a string).
    :returns: A list of zero or more nonempty strings.
    """
    return [t.strip() for t in text.split(delimiter) if t.strip()]
'''


def test_sphinx_param_lines_give_their_type() -> None:
    doc = ":param count: The count (a number).\n:param plural: The plural (a string or :data:`None`).\n"
    assert described_type(doc, "count") == NUMBER
    assert described_type(doc, "plural") == Spec("union", (Spec("str"), Spec("none")))
    assert described_type(":param xs: the items,\n    a list of integers.\n", "xs") == Spec(
        "list", (Spec("int"),)
    )
    assert described_type(":param flag: whether to do it.\n", "flag") == ANY  # no type phrase
    assert described_type(":param a: foo.\n:param b: a string.\n", "a") == ANY  # b's line is b's


def test_numpy_type_sets() -> None:
    assert described_type("low : {float, int}\n", "low") == NUMBER
    assert described_type("n : {int}\n", "n") == Spec("int")
    assert described_type("x : {str, list}\n", "x") == ANY  # two kinds: no single type


def test_the_parameter_line_outranks_a_summary_sentence() -> None:
    """'a comma-separated list of strings' describes what the text holds: `text` is a string,
    and so is the delimiter (whose default alone said nothing of its type)."""
    params = doc_types(SPLIT.split('"""')[1], params_of(SPLIT, "split"))
    assert [p.spec for p in params] == [Spec("str"), Spec("str")]


def test_nullable_stays_one_union() -> None:
    src = 'def f(p=None):\n    """\n    :param p: a string or None.\n    """\n    return p\n'
    (p,) = doc_types(src.split('"""')[1], params_of(src, "f"))
    assert p.spec == Spec("union", (Spec("str"), Spec("none")))

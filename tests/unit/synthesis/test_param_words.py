"""The type a parameter's own description line states (``param_words``), and what it feeds."""

from __future__ import annotations

from aceforge.synthesis.fallback import retyped
from aceforge.synthesis.param_words import NUMBER, described_type
from aceforge.synthesis.prose import doc_types
from aceforge.synthesis.seed_space import seed_space
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import ANY, Spec, entry_function, params_of

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


FORMAT = '''def format_number(number, num_decimals=2):
    """
    Format a number as a string.

    :param number: The number to format (a number).
    :param num_decimals: The number of decimals (2 by default).
    """
    return str(round(float(number), num_decimals))
'''


def test_quoted_numerals_are_retyped_where_the_docstring_says_a_number() -> None:
    fn = entry_function(FORMAT, "format_number")
    doc = FORMAT.split('"""')[1]
    space = seed_space(Seed("t", "test", "", FORMAT, "format_number"), "format_number",
                       params_of(FORMAT, "format_number"), [], fn, doc)  # fmt: skip
    assert not space.fits("format_number('42.23', 2)")
    assert retyped("format_number('42.23', 2)", space) == "format_number(42.23, 2)"
    assert retyped("format_number('7', 1)", space) == "format_number(7, 1)"
    assert retyped("format_number('-3', 1)", space) is None  # silence: no negatives stated
    assert retyped("format_number('lots', 1)", space) is None  # no numeral
    assert retyped("format_number(5, 2)", space) is None  # nothing to re-type


def test_plain_names_type_the_last_resort_guesses() -> None:
    from aceforge.synthesis.fallback import fallback_guesses
    from aceforge.synthesis.param_words import named_type

    assert named_type("numbers") == Spec("list", (Spec("int"),))
    assert named_type("words") == Spec("list", (Spec("str"),)) and named_type("input_text") == Spec("str")
    assert named_type("count") == ANY and named_type("addresses") == ANY  # names that say nothing plain
    sort_list = (
        "def sort_list(numbers):\n"
        '    """Return a new list with the numbers in ascending order."""\n'
        "    result = list(numbers)\n    result.sort()\n    return result\n"
    )
    fn = entry_function(sort_list, "sort_list")
    seed = Seed("q", "x", "Return a new list with the numbers in ascending order.", sort_list, "sort_list")
    sp = seed_space(seed, "sort_list", params_of(sort_list, "sort_list"), [], fn, "")
    assert fallback_guesses(sp, sort_list)[0].startswith("sort_list([")  # a list first, not 'hello world'
    slices = "def iter_slices(string, n):\n    for i in range(0, len(string), n):\n        yield string[i : i + n]\n"
    sp = seed_space(Seed("q", "x", "", slices, "iter_slices"), "iter_slices", params_of(slices, "iter_slices"),
                    [], entry_function(slices, "iter_slices"), "")  # fmt: skip
    assert fallback_guesses(sp, slices)[0].startswith(
        "iter_slices('"
    )  # len() says any container: the name wins


def test_a_literal_type_name_in_the_line_and_two_kinds_are_no_one_type() -> None:
    doc = (
        ":param name:\n    The name of the parameter, an ASCII-only ``str``.\n"
        ":param value:\n    The value of the parameter, a ``str`` or UTF-8 encoded\n    ``bytes``.\n"
    )
    assert described_type(doc, "name") == Spec("str")
    assert described_type(doc, "value") == ANY  # str or bytes: the examples and the code decide
    assert described_type(":param v: a string or None.", "v") == Spec("union", (Spec("str"), Spec("none")))

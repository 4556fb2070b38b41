"""numpydoc brace types and calendar units: known phrasings → known types and ranges."""

from __future__ import annotations

from aceforge.synthesis.doc_notation import brace_spec, unit_ranges
from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.prose import doc_types, read_prose
from aceforge.synthesis.signature import ANY, Spec, params_of

RANGE_CHECK = '''def range_check(low, high):
    """
    Parameters
    ----------
    low : {float, int}
    high : {float, int}
    flag : {True, False}
    mode : {'left', 'right'}
    """
'''


def test_braces_are_a_union_of_types_a_bool_or_a_choice_of_values() -> None:
    assert brace_spec("{float, int}") == Spec("union", (Spec("float"), Spec("int")))
    assert brace_spec("{str}") == Spec("str")
    assert brace_spec("{True, False}") == brace_spec("{{True, False}}") == Spec("bool")
    assert brace_spec("{'left', 'right'}") == ANY and brace_spec("{}") == ANY


def test_numpydoc_brace_types_type_unannotated_parameters() -> None:
    src = RANGE_CHECK.replace("(low, high)", "(low, high, flag=False, mode='left')")
    low, high, flag, mode = doc_types(src, params_of(src + "    pass\n", "range_check"))
    assert low.spec == high.spec == Spec("union", (Spec("float"), Spec("int")))
    assert flag.spec == Spec("bool") and mode.spec == ANY
    space = InputSpace.build("range_check", [low, high], [])
    assert space.fits("range_check(1, 2.5)") and not space.fits("range_check('a', 'b')")


def test_iterables_and_sequences_of_strings_are_lists_of_strings() -> None:
    for doc in ("Given an iterable of strings, returns the prefix", ":param items: A sequence of strings."):
        src = f'def f(items, sep=","):\n    """{doc}"""\n'
        assert doc_types(doc, params_of(src + "    pass\n", "f"))[0].spec == Spec("list", (Spec("str"),))


def test_calendar_units_bound_a_parameter_named_for_them() -> None:
    src = "def max_days_in_month(year, month):\n    pass\n"
    params = params_of(src, "max_days_in_month")
    doc = "Determines the number of days of a specific month in a specific year."
    assert unit_ranges(doc, params) == {"month": (1, 12)}
    rule = read_prose(doc, params).params["month"]
    assert rule.allows(1) and rule.allows(12) and not rule.allows(0) and not rule.allows(42)
    assert unit_ranges("Add n to the value.", params) == {}  # the docstring never speaks of months
    clock = params_of("def f(hour: int, minutes: int, name: str):\n    pass\n", "f")
    assert unit_ranges("The hour and minutes of a time; the name of it.", clock) == {
        "hour": (0, 23), "minutes": (0, 59)}  # fmt: skip
    # a stated range wins over the unit's
    assert read_prose("month is between 1 and 6, a month of the half year", params).params["month"].high == 6


def test_sorted_only_where_the_input_is_said_to_be() -> None:
    params = params_of("def f(seq, index):\n    pass\n", "f")
    hypothetical = "The index (index) says how the input sequence would be sorted."
    assert "index" not in read_prose(hypothetical, params).params
    derived = "The index can reorder seq by the sorted order of the first sequence."
    assert "index" not in read_prose(derived, params).params
    assert read_prose("Given a sorted list index, find 3.", params).params["index"].sorted_


def test_sphinx_param_lines_with_the_type_in_parentheses() -> None:
    doc = (
        ":param count: The count (a number).\n:param word: The word (a string).\n"
        ":param plural: The plural form (a string or :data:`None`).\n"
        ":param n: The number to format (a number like an :class:`int` or :class:`float`).\n"
        ":param m: Whatever is given (see :func:`g`)."
    )
    src = "def f(count, word, plural=None, n=0, m=1):\n    pass\n"
    count, word, plural, n, m = doc_types(doc, params_of(src, "f"))
    assert count.spec == n.spec == Spec("float") and word.spec == Spec("str")
    assert plural.spec == Spec("union", (Spec("str"), Spec("none"))) and m.spec == ANY

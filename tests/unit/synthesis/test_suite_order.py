"""suite_order: edge cases first, then boundaries, guesses and mutations in turn; what counts
as news beside the same expected value."""

from __future__ import annotations

from aceforge.synthesis.shapes import ORDERED
from aceforge.synthesis.suite_order import deep_type, input_traits, news_kind, ordered, table_entries


def test_a_few_guesses_then_edges_then_the_rest_in_turn() -> None:
    origin = {"m1": "mutation", "m2": "mutation", "s1": "signature", "e1": "edge", "x": "example",
              "b1": "boundary", "s2": "signature", "p": "probe", "e2": "edge", "s3": "signature",
              "s4": "signature"}  # fmt: skip
    pool = ["m1", "m2", "s1", "e1", "x", "b1", "s2", "p", "e2", "s3", "s4", "unknown"]
    want = ["x", "s1", "s2", "s3", "e1", "p", "e2", "b1", "m1", "s4", "m2", "unknown"]
    assert ordered(pool, origin) == want


def test_inputs_the_code_singles_out_take_turns_with_the_models_after_the_first_few() -> None:
    origin = {"x": "example", "m1": "model", "m2": "model", "m3": "model", "m4": "model", "m5": "model",
              "c1": "code", "c2": "code", "e": "edge"}  # fmt: skip
    pool = ["e", "c1", "m1", "m2", "c2", "m3", "m4", "m5", "x"]
    assert ordered(pool, origin) == ["x", "m1", "m2", "m3", "m4", "c1", "m5", "c2", "e"]
    assert ordered(["m1", "e"], origin) == ["m1", "e"]  # no code inputs: unchanged


def test_news_kind() -> None:
    assert news_kind("f([1, 2])") == "1:list[int]:" and news_kind("f([1, 2], sep='-')") == "2:list[int],str:"
    # another type of argument is news, whatever the expected value
    assert news_kind("f((1, 2))") != news_kind("f([1, 2])") != news_kind("f([(0, 'a')])")
    assert news_kind("f(iter([1, 2]))") == "shape:"
    assert news_kind(f"f({ORDERED}([('a', 1)]))") == ""  # same value as the dict: no news
    assert news_kind(f"type(f({ORDERED}([('a', 1)]))).__name__") == "shape:"


def test_deep_type_names_elements() -> None:
    assert deep_type([(0, "a"), (1, "b")]) == "list[tuple[int,str]]"
    assert (
        deep_type([1, "a"]) == "list[int,str]" and deep_type([]) == "list" and deep_type(None) == "NoneType"
    )


def test_input_traits_name_what_realistic_bugs_turn_on_per_argument() -> None:
    assert input_traits("f('', [0, 1], -2, x=' A ')") == {"empty:0", "falsy:1", "pair:1", "neg:2", "pad:x",
                                                           "upper:x"}  # fmt: skip
    assert input_traits("f('ab', [1], 3, 0.0, True)") == {"zero:3"}  # a bool is no number here
    assert input_traits("f(' ', {}, ())") == {"empty:1", "empty:2"}  # blank text: no content to pad
    assert input_traits("f(iter([1]))") == frozenset() and input_traits("f(1)(2)") == frozenset()


def test_sizes_order_and_shared_items_are_traits() -> None:
    # every branch on a container's length: one pair, three or more; items out of order
    assert input_traits("f([3, 4])") == {"pair:0"} and input_traits("f((1, 2, 3))") == {"many:0"}
    assert input_traits("f([2, 1, 3])") == {"many:0", "unsorted:0"}
    assert input_traits("f(['b', 'a'])") == {"pair:0", "unsorted:0"}
    assert input_traits("f([1, 'a'])") == {"pair:0"}  # mixed kinds: no order to speak of
    assert input_traits("f('ab')") == frozenset()  # a text's length is no container size
    assert input_traits("f([1, 255, 3])", [[255, 10]]) == {"many:0", "const=255:0", "unsorted:0"}
    # a container sharing an item with another argument: where ignoring one of them shows
    assert input_traits("f('hello', ('h',))") == {"overlap"}
    assert input_traits("f('hello', ('x',))") == frozenset()
    assert input_traits("f([5, 6], [6])") == {"pair:0", "overlap"}


def test_each_table_entry_is_a_trait_and_its_other_case_or_padding_another() -> None:
    words = [["right", "decimal", "html", "HTML", "html Ab Cd"], []]
    assert input_traits("f('right', 0)", words) == {"const=right:0", "zero:1"}
    assert input_traits("f('decimal', 3)", words) != input_traits("f('right', 3)", words)  # two entries
    # the forms the code reads as one entry ('HTML' where it case-folds) are that one entry
    assert (
        input_traits("f('HTML', 3)", words) == input_traits("f('html Ab Cd', 3)", words) == {"const=html:0"}
    )
    assert input_traits("f('RIGHT', 3)", words) == {"near_case:0", "upper:0"}
    assert input_traits("f(' right ', 3)", words) == {"near_pad:0", "pad:0"}
    assert input_traits("f('Hello', 3)", words) == {"upper:0"}  # no word the code names
    assert input_traits("f(3, 'right')", words) == frozenset()  # per position: not argument 1's


def test_table_entries_leave_out_the_numeric_notations() -> None:
    consts = {"value": ["42.23", "inf", "x"], "n": [100]}
    assert table_entries(consts, ["value", "other", "n"]) == [["x"], [], [100]]


def test_which_options_are_given_is_a_trait() -> None:
    assert input_traits("f('x', None, 'k', 'v')") == {"given=0,2,3"}
    assert input_traits("f(None, 'a', 'k', 'v')") == {"given=1,2,3"}  # another option left out
    assert input_traits("f('x', 'a', 'k', 'v')") == frozenset()  # all given: no option left out
    assert input_traits("f('x', None, None, None)") == frozenset()  # one alone: nothing nested
    assert input_traits("f('x', None, '', True)") == {"empty:2"}  # falsy and flags are not given text

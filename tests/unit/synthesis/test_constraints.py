"""Constraint/Prose: what prose rules allow, element rules, and dropping rules the examples contradict."""

from __future__ import annotations

import string

from aceforge.synthesis.constraints import Constraint, Prose


def test_number_bounds_open_and_closed() -> None:
    c = Constraint(low=0, high=10)
    assert c.allows(0) and c.allows(10) and not c.allows(-1) and not c.allows(11)
    assert not Constraint(low=0, low_open=True).allows(0)
    assert Constraint(low=0, low_open=True).allows(0.5)


def test_text_rules_chars_case_and_size() -> None:
    assert Constraint(chars="ab").allows("abba")
    assert not Constraint(chars="ab").allows("abc")
    assert not Constraint(case="lower").allows("aB")
    assert Constraint(case="upper").allows("AB1")
    assert not Constraint(nonempty=True).allows("")
    assert not Constraint(min_len=2).allows("a")
    assert not Constraint(max_len=2).allows("abc")


def test_bools_pass_number_rules() -> None:
    assert Constraint(low=5).allows(True)


def test_containers_apply_scalar_rules_to_items_and_size_to_self() -> None:
    c = Constraint(low=0, nonempty=True)
    assert c.allows([1, 2])
    assert not c.allows([])
    assert not c.allows([1, -2])
    assert not c.allows({"k": -1})
    assert not Constraint(sorted_=True).allows([2, 1])
    assert Constraint(sorted_=True).allows((1, 2, 2))
    assert not Constraint(sorted_=True).allows([1, "a"])  # incomparable: not sorted


def test_element_rules_win_over_scalar_ones() -> None:
    c = Constraint(low=0, element=Constraint(low=5, low_open=True))
    inner = c.inner()
    assert inner.low == 5 and inner.low_open
    assert not c.allows([5]) and c.allows([6])
    assert c.scalar() == Constraint(low=0)


def test_empty_property() -> None:
    assert Constraint().empty
    assert not Constraint(nonempty=True).empty


def test_prose_allows_per_name_and_equal_length() -> None:
    p = Prose({"n": Constraint(low=1)}, equal_length=True)
    assert p.allows(["ab", 3], ["s", "n"])
    assert not p.allows(["ab", 0], ["s", "n"])
    assert not p.allows(["ab", "abc"], ["a", "b"])


def test_alphabet_from_chars_case_or_none() -> None:
    p = Prose(
        {
            "a": Constraint(chars="01"),
            "b": Constraint(case="lower"),
            "c": Constraint(element=Constraint(case="upper")),
            "d": Constraint(low=0),
        }
    )
    assert p.alphabet("a") == "01"
    assert p.alphabet("b") == string.ascii_lowercase
    assert p.alphabet("c") == string.ascii_uppercase
    assert p.alphabet("d") is None
    assert p.alphabet("missing") is None


def test_consistent_with_drops_rules_examples_contradict() -> None:
    p = Prose({"n": Constraint(low=1), "s": Constraint(case="lower"), "gone": Constraint(low=0)}, True)
    calls = [([0, "abc"], {}), ([3, "xy"], {})]
    kept = p.consistent_with(calls, ["n", "s"])
    assert set(kept.params) == {"s"}
    assert kept.equal_length is True  # one sized argument per call: nothing contradicts it
    two = Prose({}, True).consistent_with([(["ab", "abc"], {})], ["a", "b"])
    assert two.equal_length is False


def test_a_position_lies_within_its_text() -> None:
    rules = Prose(within=(("loc", "s"),))
    names = ["loc", "s"]
    assert rules.allows([0, ""], names) and rules.allows([3, "abc"], names)
    assert not rules.allows([4, "abc"], names) and not rules.allows([-1, "abc"], names)
    assert rules.allows(["x", "abc"], names)  # not a position: other rules judge it
    assert rules.consistent_with([([5, "ab"], {})], names).within == ()  # an example past the end
    assert rules.consistent_with([([1, "ab"], {})], names).within == (("loc", "s"),)

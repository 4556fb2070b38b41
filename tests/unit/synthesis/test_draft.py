"""Draft: a parsed answer's state on its way to a row; every mutable default is its own."""

from __future__ import annotations

from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.seeds import Seed

SEED = Seed("s", "test", "Add.", "def add(a, b):\n    return a + b\n", "add")


def _draft() -> Draft:
    return Draft(SEED, "Add a and b.", "add", 0, [], ["add(1, 2)"], {"add(1, 2)": "example"})


def test_defaults_are_empty_and_not_shared() -> None:
    a, b = _draft(), _draft()
    assert a.answers == Answers() and a.kills == [] and a.stats == {} and a.exceptions == set()
    assert a.space is None and a.classic == 0 and not a.iterates and not a.no_none
    a.answers.found["add(1, 2)"] = ("3", 3)
    a.kills.append({"add(1, 2)"})
    a.stats["x"] = 1
    a.exceptions.add("ValueError")
    assert b.answers.found == {} and b.kills == [] and b.stats == {} and b.exceptions == set()


def test_fields_keep_what_they_were_given() -> None:
    d = _draft()
    assert d.seed is SEED and d.entry == "add" and d.origin["add(1, 2)"] == "example"

"""suite_order: edge cases first, then boundaries, guesses and mutations in turn; what counts
as news beside the same expected value."""

from __future__ import annotations

from aceforge.synthesis.shapes import ORDERED
from aceforge.synthesis.suite_order import news_kind, ordered


def test_a_few_guesses_then_edges_then_the_rest_in_turn() -> None:
    origin = {"m1": "mutation", "m2": "mutation", "s1": "signature", "e1": "edge", "x": "example",
              "b1": "boundary", "s2": "signature", "p": "probe", "e2": "edge", "s3": "signature",
              "s4": "signature"}  # fmt: skip
    pool = ["m1", "m2", "s1", "e1", "x", "b1", "s2", "p", "e2", "s3", "s4", "unknown"]
    want = ["x", "s1", "s2", "s3", "e1", "p", "e2", "b1", "m1", "s4", "m2", "unknown"]
    assert ordered(pool, origin) == want


def test_news_kind() -> None:
    assert news_kind("f([1, 2])") == "1:" and news_kind("f([1, 2], sep='-')") == "2:"
    assert news_kind("f(iter([1, 2]))") == "shape:"
    assert news_kind(f"f({ORDERED}([('a', 1)]))") == ""  # same value as the dict: no news
    assert news_kind(f"type(f({ORDERED}([('a', 1)]))).__name__") == "shape:"

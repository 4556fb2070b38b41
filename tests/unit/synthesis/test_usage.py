"""Types of unannotated parameters read from the body, used by the last-resort guesses."""

from __future__ import annotations

import ast

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import guesses
from aceforge.synthesis.fallback import fallback_guesses
from aceforge.synthesis.prose import read_prose
from aceforge.synthesis.seed_space import seed_space
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import Spec, one_signature, params_of, parse_args
from aceforge.synthesis.usage import (
    as_iterators,
    collected_specs,
    concrete,
    enumerated,
    positions,
    searched_texts,
    usage_specs,
)

SIZE = "def size(value, binary: bool = False) -> str:\n    n = float(value)\n    return str(n)\n"
BATCH = ("def batch(items, n: int, fill=None):\n    out = []\n    for x in items:\n"
         "        out.append(x)\n    return out\n")  # fmt: skip


def space(src: str, entry: str) -> InputSpace:
    params = params_of(src, entry)
    return InputSpace.build(entry, params, [], read_prose("", params))


def fn(src: str) -> ast.FunctionDef:
    node = ast.parse(src).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_usage_reads_numbers_iterables_and_strings() -> None:
    assert usage_specs(fn(SIZE)) == {"value": Spec("float")}
    assert usage_specs(fn(BATCH)) == {"items": Spec("list", (Spec("int"),))}
    words = "def f(s, k):\n    return [w for w in s.split()][:int(k)]\n"
    assert usage_specs(fn(words)) == {"s": Spec("str"), "k": Spec("int")}


def test_a_type_checked_parameter_is_not_pinned() -> None:
    src = "def f(v):\n    if isinstance(v, str):\n        return int(v, 2)\n    return int(v)\n"
    assert usage_specs(fn(src)) == {}


def test_unknown_elements_read_as_ints() -> None:
    assert concrete(Spec("list", (Spec("any"),))) == Spec("list", (Spec("int"),))
    assert concrete(Spec("str")) == Spec("str")


def test_guesses_use_the_body_when_nothing_else_types_a_parameter() -> None:
    assert guesses(space(SIZE, "size")) == []  # `value` has no annotation: no typed guess
    got = fallback_guesses(space(SIZE, "size"), SIZE)
    assert "size(0.5, False)" in got
    batch = fallback_guesses(space(BATCH, "batch"), BATCH)
    assert "batch([0, 1, 2], 0, None)" in batch  # interleaved with the guesses from the names


def test_a_list_of_strings_beside_a_string_is_drawn_from_its_words() -> None:
    src = "def align(tokens: list[str], sentence: str) -> list:\n    return [sentence.index(t) for t in tokens]\n"
    got = guesses(space(src, "align"))
    assert "align(['Hello', 'World'], 'Hello World')" in got
    assert "align(['World'], 'Hello World')" in got
    plain = "def f(xs: list[int], s: str) -> int:\n    return len(xs)\n"  # not a list of strings
    assert not any("['Hello', 'World']" in c for c in guesses(space(plain, "f")))


def test_own_guesses_do_not_narrow_the_domain() -> None:
    from aceforge.synthesis.edges import evidence

    origin = {"f('abc')": "signature", "f('x y')": "model"}
    assert evidence(["f('abc')", "f('x y')"], origin) == ["f('x y')"]
    src = "def f(s: str) -> str:\n    return s\n"
    sp = space(src, "f")
    assert sp.rebuild(evidence(["f('abc')"], {"f('abc')": "signature"})).fits("f('a\\tb')")
    assert not sp.rebuild(["f('abc')"]).fits("f('a\\tb')")  # what it did before


def test_modulo_by_a_length_reads_an_int_and_len_a_list() -> None:
    rot = fn("def rotate(x, y):\n    y = y % len(x)\n    return x[y:] + x[:y]\n")
    assert usage_specs(rot) == {"y": Spec("int"), "x": Spec("list", (Spec("int"),))}
    assert "fmt" not in usage_specs(fn("def f(fmt):\n    return fmt % 'x'\n"))  # string formatting


def test_collected_specs_from_an_annotated_accumulator() -> None:
    src = (
        "def merge(*tuples, extra=None):\n    acc: list[tuple[int, int]] = []\n"
        "    for t in tuples:\n        acc.extend(t)\n    acc.append(extra)\n    return acc\n"
    )
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    pair = Spec("tuple", (Spec("int"), Spec("int")))
    assert collected_specs(fn) == {"t": Spec("list", (pair,)), "extra": pair}
    plain = ast.parse("def f(xs):\n    acc = []\n    acc.extend(xs)\n    return acc\n").body[0]
    assert isinstance(plain, ast.FunctionDef) and collected_specs(plain) == {}  # no annotation: no word


LINE = ('def line(loc, strg):\n    last = strg.rfind("\\n", 0, loc)\n    nxt = strg.find("\\n", loc)\n'
        '    return strg[last + 1 : nxt] if nxt >= 0 else strg[last + 1 :]\n')  # fmt: skip
COL = ('def col(loc, strg):\n    s = strg\n    return 1 if 0 < loc < len(s) and s[loc - 1] == "\\n" '
       'else loc - s.rfind("\\n", 0, loc)\n')  # fmt: skip
NEXT = ("def sep(iterator, sep: str):\n    first = next(iterator)\n    yield first\n"
        "    for x in iterator:\n        yield sep\n        yield x\n")  # fmt: skip


def test_positions_and_searched_strings_are_typed_through_aliases() -> None:
    """A position argument of ``rfind`` or a slice bound is an int; ``s.rfind`` makes `s`
    (and the parameter it aliases) a string, and beats the weaker ``len(s)``."""
    assert usage_specs(fn(LINE)) == {"strg": Spec("str"), "loc": Spec("int")}
    assert usage_specs(fn(COL)) == {"strg": Spec("str"), "loc": Spec("int")}
    assert positions(fn(LINE)) == (("loc", "strg"),)
    assert positions(fn(COL)) == (("loc", "strg"),)
    assert positions(fn("def f(xs, n):\n    return xs[n]\n")) == ()  # an index, no slice
    rotate = "def rot(x, y):\n    y = y % len(x)\n    return x[y:] + x[:y]\n"
    assert positions(fn(rotate)) == ()  # y is wrapped first: any int is valid


def test_searched_texts_hold_the_separator() -> None:
    assert "ab\ncd\nef" in searched_texts(fn(LINE))["strg"]
    split = "def split(text, delimiter=','):\n    return text.split(delimiter)\n"
    assert searched_texts(fn(split)) == {"text": ["ab,cd,ef", ",abc", "abc,", "a,,b", " one , two words ,x"]}
    assert searched_texts(fn("def f(t, d):\n    return t.split(d)\n")) == {}  # no known separator


def test_fallback_guesses_for_positions_stay_within_their_text() -> None:
    """No docstring types: the body's use does, and a position never lies past its text's end."""
    got = fallback_guesses(space_seeded(LINE, "line"), LINE)
    typed = [c for c in got if isinstance(parse_args(c)[0][0], int) and isinstance(parse_args(c)[0][1], str)]
    assert "line(0, 'ab\\ncd\\nef')" in typed
    assert all(0 <= parse_args(c)[0][0] <= len(parse_args(c)[0][1]) for c in typed)


def test_a_parameter_advanced_with_next_gets_an_iterator() -> None:
    got = fallback_guesses(space(NEXT, "sep"), NEXT)
    assert "sep(iter([0, 1, 2]), 'abc')" in got
    assert not any(c.startswith("sep([") for c in got)  # a list there: the seed would raise
    assert as_iterators("f", ["a", "b"], ["f([1], [2])", "f('x', [2])"], {"a"}) == [
        "f(iter([1]), [2])",
        "f('x', [2])",
    ]
    assert one_signature(["f(iter([1]), 'a')", "f(iter([]), 'b')"], {}) == [
        "f(iter([1]), 'a')",
        "f(iter([]), 'b')",
    ]


def space_seeded(src: str, entry: str) -> InputSpace:
    """The space as ``synth`` builds it (docstring types, prose, the body's positions)."""
    f = fn(src)
    return seed_space(Seed("t", "test", "", src, entry), entry, params_of(src, entry), [], f, "")


def test_a_parameter_only_tested_against_listed_ints_is_an_enumeration() -> None:
    days = ("def days(year, month):\n    if month in (1, 3, 5, 7, 8, 10, 12):\n        return 31\n"
            "    if month in (4, 6, 9, 11):\n        return 30\n    return 29 if year % 4 == 0 else 28\n")  # fmt: skip
    assert enumerated(fn(days)) == {"month": (1, 12)}
    fib = "def fib(n):\n    if n in (0, 1, 2):\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
    assert enumerated(fn(fib)) == {}  # n is also computed with: any int
    assert enumerated(fn("def f(k):\n    return 1 if k == 2 else 0\n")) == {}  # one constant: no span
    src = 'def days(year, month):\n    """The days of a month."""\n' + days.split(":\n", 1)[1]
    built = space_seeded(src, "days")
    assert (
        built.fits("days(2024, 12)") and not built.fits("days(2024, 13)") and not built.fits("days(2024, 0)")
    )

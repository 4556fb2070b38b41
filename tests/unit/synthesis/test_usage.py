"""Types of unannotated parameters read from the body, used by the last-resort guesses."""

from __future__ import annotations

import ast

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import fallback_guesses, guesses
from aceforge.synthesis.prose import read_prose
from aceforge.synthesis.signature import Spec, params_of
from aceforge.synthesis.usage import collected_specs, concrete, usage_specs

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

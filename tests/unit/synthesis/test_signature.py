"""Annotations to specs, conformance, parameters, typed guesses and one signature per suite."""

from __future__ import annotations

import ast

from aceforge.synthesis.signature import (
    ANY,
    Param,
    Spec,
    call_types,
    conforms,
    format_call,
    one_signature,
    params_of,
    parse_args,
    spec_of,
    typed_calls,
    typed_values,
)

INT, STR, NONE = Spec("int"), Spec("str"), Spec("none")


def _spec(text: str) -> Spec:
    return spec_of(ast.parse(text, mode="eval").body)


def test_spec_of_typing_forms() -> None:
    assert _spec("List[Optional[int]]") == Spec("list", (Spec("union", (INT, NONE)),))
    assert _spec("'Dict[str, int]'") == Spec("dict", (STR, INT))
    assert _spec("int | None") == Spec("union", (INT, NONE))
    assert _spec("Whatever") == ANY
    assert spec_of(None) == ANY


def test_conforms() -> None:
    assert conforms(1, Spec("float")) and not conforms(True, INT)
    assert conforms([1, None], _spec("List[Optional[int]]"))
    assert not conforms([1, "a"], _spec("List[int]"))
    assert conforms((1, 2, 3), _spec("Tuple[int, ...]"))
    assert not conforms((1, "a"), _spec("Tuple[int, int]"))
    assert conforms({"a": 1}, _spec("Dict[str, int]")) and not conforms({1: 1}, _spec("Dict[str, int]"))
    assert conforms(object(), ANY) and conforms(None, NONE) and not conforms(0, NONE)


def test_params_of_defaults_and_missing_entry() -> None:
    ps = params_of("def f(a: int, b: Tuple[int, ...] = (1,), c=x): pass", "f")
    assert [p.name for p in ps] == ["a", "b", "c"]
    assert ps[1].default == (1,) and ps[1].has_default
    assert ps[2] == Param("c", ANY, None, False)  # a non-literal default is no default
    assert params_of("def g(): pass", "f") == []
    assert params_of("def f(:", "f") == []


def test_typed_values_and_calls_conform() -> None:
    spec = _spec("List[int]")
    values = typed_values(spec)
    assert values and all(conforms(v, spec) for v in values)
    calls = typed_calls(params_of("def f(a: int, b: str): pass", "f"), "f", limit=4)
    assert len(calls) == 4
    for c in calls:
        args, _ = parse_args(c)
        assert type(args[0]) is int and type(args[1]) is str


def test_parse_format_and_types_round_trip() -> None:
    assert parse_args("f(1, 'a', k=[2])") == ([1, "a"], {"k": [2]})
    assert format_call("f", [1, "a"], {"k": [2]}) == "f(1, 'a', k=[2])"
    assert call_types("f(1, 'a', k=[2])") == ("int", "str", "k=list")


def test_one_signature_trust_order() -> None:
    calls = ["f(1)", "f('a')", "f(2)"]
    assert one_signature(calls, {"f('a')": "example"}) == ["f('a')"]
    model = {"f(1)": "model", "f('a')": "model", "f('b')": "model"}
    assert one_signature(["f(1)", "f('a')", "f('b')"], model) == ["f('a')", "f('b')"]
    assert one_signature(calls, {}) == ["f(1)", "f(2)"]
    assert one_signature([], {}) == []


def test_signature_guesses_keep_ints_and_floats_together() -> None:
    """Our own guesses for "a number" mix ints and floats: one signature; the model's calls
    still keep only their dominant types."""
    guessed = ["f(1, 'a')", "f(0.5, 'b')", "f('x', 'c')"]
    assert one_signature(guessed, {}) == ["f(1, 'a')", "f(0.5, 'b')"]
    model = dict.fromkeys(guessed, "model")
    assert one_signature(guessed, model) == ["f(1, 'a')"]
    assert call_types("f(iter([1]), x=2)") == ("iter", "x=int")

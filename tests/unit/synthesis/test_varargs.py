"""*args functions: the star parameter's type, guesses of several arities, arity variants —
and on the engine, a suite from them catches "first two only" and "last instead of first"."""

from __future__ import annotations

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import edge_calls
from aceforge.synthesis.fallback import fallback_guesses
from aceforge.synthesis.signature import Spec, params_of
from aceforge.synthesis.varargs import arity_variants, star_guesses, star_param

PICK = '''def pick(*values) -> bool:
    """Pick the first non-none bool.

    Args:
        *values (bool): Any number of boolean or None values.
    """
    assert values, "1 or more values required"
    for value in values:
        if value is not None:
            return value
    return bool(value)
'''


def test_star_param_typed_by_annotation_or_docstring() -> None:
    star = star_param(PICK, "pick", PICK.split('"""')[1])
    assert star is not None and star.name == "values"
    assert star.spec == Spec("union", (Spec("bool"), Spec("none")))
    assert star_param("def f(*xs: int):\n    return xs\n", "f").spec == Spec("int")  # type: ignore[union-attr]
    assert star_param("def f(xs):\n    return xs\n", "f") is None


def test_star_guesses_cover_one_to_three_arguments_none_first() -> None:
    star = star_param(PICK, "pick", "*values (bool): boolean or None values")
    assert star is not None
    calls = star_guesses("pick", star, [])
    assert calls[:3] == ["pick(None)", "pick(True)", "pick(False)"]
    assert "pick(None, True)" in calls and "pick(None, False, True)" in calls and "pick(None, None)" in calls
    untyped = star_param("def f(*xs):\n    return xs\n", "f")
    assert untyped is not None and star_guesses("f", untyped, []) == []


def test_arity_variants_longer_shorter_reversed() -> None:
    assert arity_variants("f", 0, [1, 2]) == ["f(1, 2, 2)", "f(1, 2, 1)", "f(2, 1)", "f(1)"]
    assert arity_variants("f", 1, ["s", 5]) == ["f('s', 5, 5)", "f('s')"]  # the fixed part stays
    assert arity_variants("f", 1, ["s"]) == []


def test_star_spaces_take_any_arity_and_get_guesses_and_variants() -> None:
    star = star_param(PICK, "pick", "*values (bool): boolean or None values")
    space = InputSpace.build("pick", params_of(PICK, "pick"), ["pick(True, False)"])
    space.star, space.arity = star, None
    assert space.fits("pick(True, False, None)") and space.fits("pick()")
    assert fallback_guesses(space, PICK)[:2] == ["pick(None)", "pick(True)"]
    assert "pick(False, True)" in edge_calls(space, ["pick(True, False)"])


def test_star_suite_catches_last_for_first(run) -> None:
    star = star_param(PICK, "pick", "*values (bool): boolean or None values")
    assert star is not None
    calls = star_guesses("pick", star, [])
    ref = run(PICK, calls, probe=True)
    tests = [
        f"assert {c} == {t.value!r}" for c, t in zip(calls, ref.tests, strict=True) if t.outcome == "passed"
    ]
    last = PICK.replace("for value in values:", "for value in reversed(values):")
    assert run(PICK, tests).all_passed and not run(last, tests).all_passed


def test_typed_star_arguments_must_conform() -> None:
    star = star_param(PICK, "pick", "*values (bool): boolean or None values")
    space = InputSpace.build("pick", params_of(PICK, "pick"), [])
    space.star = star
    assert space.fits("pick(True, None)") and not space.fits("pick('hello')")


def test_star_typed_by_the_list_it_is_collected_into() -> None:
    src = (
        'def merge(*tuples):\n    """Merge sorted range tuples."""\n    acc: list[tuple[int, int]] = []\n'
        "    for t in tuples:\n        acc.extend(t)\n    return tuple(sorted(acc))\n"
    )
    star = star_param(src, "merge")
    assert star is not None and star.spec == Spec("list", (Spec("tuple", (Spec("int"), Spec("int"))),))
    calls = star_guesses("merge", star, [])
    assert calls and all(c.startswith("merge([") or c == "merge([])" for c in calls)

"""Seeds that return a function: tests call the returned function, on inputs built from the
outer call's strings — and such a suite tells real bugs apart on the real engine."""

from __future__ import annotations

import ast

from aceforge.synthesis.returned import (
    call_strings,
    curried_calls,
    doc_calls,
    inner_values,
    returned_function,
    stripped_chars,
)

SEED = '''def suffix_test(suffixes=("txt",), default=False):
    """A function telling whether a file name ends with one of `suffixes`, case-insensitively::

        check = suffix_test(suffixes=("md", "rst"))
    """
    pats = tuple("." + s.lstrip(".").lower() for s in suffixes)

    def test(name):
        if name is None:
            return default
        return name.lower().endswith(pats)

    return test
'''
BUGS = {  # each differs from the seed on some input the module builds
    "case-sensitive": SEED.replace("name.lower().endswith", "name.endswith").replace(".lower() for", " for"),
    "dot not stripped": SEED.replace('s.lstrip(".")', "s"),
    "substring": SEED.replace("name.lower().endswith(pats)", "any(p in name.lower() for p in pats)"),
    "None ignored": SEED.replace("return default", "return False"),
}


def fn_of(src: str) -> ast.FunctionDef:
    return next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.FunctionDef))


def test_returned_function_nested_def_or_lambda_only() -> None:
    inner = returned_function(fn_of(SEED))
    assert isinstance(inner, ast.FunctionDef) and inner.name == "test"
    assert isinstance(returned_function(fn_of("def f(k):\n    return lambda x: x * k\n")), ast.Lambda)
    assert returned_function(fn_of("def f(x):\n    y = x\n    return y\n")) is None
    assert returned_function(fn_of("def f(x):\n    def g():\n        pass\n    return x\n")) is None


def test_inner_values_from_use_and_outer_strings() -> None:
    inner = returned_function(fn_of(SEED))
    assert inner is not None
    vals = inner_values(inner, ["md"])
    assert vals[0] is None  # the returned function tests `is None`
    assert {"x.md", "X.MD", "xmd", "x.md.y", "md"} <= set(vals)
    assert 0 not in vals  # a string parameter (``name.lower()``): no numbers
    numbers = returned_function(fn_of("def f(k):\n    def g(x):\n        return x * k\n    return g\n"))
    assert numbers is not None and {0, 1, -1} <= set(inner_values(numbers, []))


def test_doc_calls_strings_and_stripped_chars() -> None:
    calls = doc_calls(ast.get_docstring(fn_of(SEED)) or "", "suffix_test")
    assert [ast.unparse(c) for c in calls] == ["suffix_test(suffixes=('md', 'rst'))"]
    assert call_strings("f(('a', 'b'), sep='-', n=2)") == ["a", "b", "-"]
    assert stripped_chars(fn_of(SEED)) == "."


def test_curried_calls_cover_outer_variants_and_inner_inputs() -> None:
    calls = curried_calls(SEED, "suffix_test", ast.get_docstring(fn_of(SEED)) or "", [], limit=200)
    assert "suffix_test(suffixes=('md', 'rst'))('X.MD')" in calls
    assert "suffix_test(suffixes=('.md', '.rst'))('x.md')" in calls  # the stripped '.' given
    assert "suffix_test(suffixes=('MD', 'RST'))('x.MD.y')" in calls
    assert "suffix_test()(None)" in calls and "suffix_test()('xtxt')" in calls  # defaults' strings
    assert curried_calls("def f(x):\n    return x\n", "f", "", ["f(1)"]) == []
    assert len(curried_calls(SEED, "suffix_test", "", [], limit=7)) == 7


def test_curried_suite_rejects_each_bug_and_accepts_the_seed(run) -> None:
    calls = curried_calls(SEED, "suffix_test", ast.get_docstring(fn_of(SEED)) or "", [], limit=200)
    ref = run(SEED, calls, probe=True)
    asserts = [f"assert {c} == {t.value!r}" for c, t in zip(calls, ref.tests, strict=True)]
    assert run(SEED, asserts).all_passed
    for name, bug in BUGS.items():
        assert not run(bug, asserts).all_passed, name

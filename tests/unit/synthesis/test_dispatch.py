"""Arguments re-typed where the seed's code checks types: the types its isinstance/hasattr
checks name (on the argument or its elements), the branch they leave over (often an
exception), and mappings over the string keys it reads — with suites that tell real bugs
apart on the real engine."""

from __future__ import annotations

import ast

from aceforge.synthesis.dispatch import Checks, checks_of, dispatch_calls, keyed, others, retyped, string_keys

COMPACT = '''def compact(seq):
    """Run lengths of a sequence of letters; labeled items (label, letter) count by letter."""
    first = seq[0]
    if isinstance(first, str):
        cs = list(seq)
    elif isinstance(first, tuple):
        cs = [s[1] for s in seq]
    else:
        raise TypeError("not a valid sequence")
    out, count = [], 1
    for i in range(1, len(cs)):
        if cs[i] == cs[i - 1]:
            count += 1
        else:
            out.append(count)
            count = 1
    out.append(count)
    return out
'''
FLAT = """def flat(*args):
    out = []
    for a in args:
        if not isinstance(a, (list, tuple)):
            a = [a]
        for item in a:
            if isinstance(item, (list, tuple)):
                out.extend(flat(item))
            else:
                out.append(item)
    return out
"""
OPTIONS = """def norm(options):
    if options is None:
        return {}
    out = options.copy()
    if 'class' in out:
        assert 'classes' not in out
        out['classes'] = out['class']
        del out['class']
    return out
"""


def fn_of(src: str) -> ast.FunctionDef:
    return next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.FunctionDef))


def test_checks_on_the_argument_and_its_elements() -> None:
    assert checks_of(fn_of(COMPACT)) == {("seq", 1): Checks({"str", "tuple"}, 1)}  # `first = seq[0]`, `s[1]`
    flat = checks_of(fn_of(FLAT))  # a *args loop variable is each argument; `item` its elements
    assert set(flat) == {("args", 0), ("args", 1)} and flat["args", 1].types == {"list", "tuple"}
    has = checks_of(
        fn_of("def f(ref):\n    if not hasattr(ref, 'union'):\n        raise TypeError\n    return ref\n")
    )
    assert has == {("ref", 0): Checks({"has:union"}, 0)}
    assert checks_of(fn_of("def f(x):\n    return x + 1\n")) == {}


def test_retyped_and_left_over_values() -> None:
    assert retyped([1, 2], {"list", "tuple"}, 0) == [(1, 2)]
    assert retyped("d", {"str", "tuple"}, 1) == [(0, "d")]  # held at the index the code reads
    assert retyped(5, {"str"}, 0) == ["5"]
    assert retyped("né", {"bytes"}, 0) == ["né".encode()]  # the code decodes bytes: UTF-8 bytes
    assert others({2, 1}, {"has:union"}) == [[1, 2]]  # a list lacks a set's methods
    assert others(["a", "b"], {"list", "tuple"}) == [{"a", "b"}]
    assert others(["a", "b"], {"set", "list"}) == []  # a named type is no left-over


def test_dispatch_calls_reach_every_branch() -> None:
    calls = dispatch_calls(COMPACT, "compact", ["compact(['d', 'i', 'i'])"], limit=40)
    assert "compact([(0, 'd'), (1, 'i'), (2, 'i')])" not in calls  # fillers are the index
    assert "compact([(0, 'd'), (0, 'i'), (0, 'i')])" in calls  # labeled items
    assert "compact([1.5, 1.5, 1.5])" in calls  # the branch that raises TypeError
    flat = dispatch_calls(FLAT, "flat", ["flat(1, ['a', 'b'])"], limit=40)
    assert "flat(1, ('a', 'b'))" in flat and "flat(1, {'a', 'b'})" in flat
    assert dispatch_calls("def f(x):\n    return x\n", "f", ["f(1)"]) == []


def test_string_keys_need_a_keyed_read() -> None:
    assert string_keys(fn_of(OPTIONS)) == {"options": ["class", "classes"]}
    text = "def q(etag, weak=False):\n    if '\"' in etag:\n        raise ValueError\n    return etag\n"
    assert string_keys(fn_of(text)) == {}  # a membership test alone: text as much as a mapping
    typed = "def g(d: str):\n    return d['k']\n"
    assert string_keys(fn_of(typed)) == {}  # annotated as something else
    assert keyed(["a", "b"]) == [
        {"a": ["v0"]},
        {"b": ["v1"]},
        {"a": ["v0"], "b": ["v1"]},
        {"other": ["v"]},
        {},
    ]


def test_dispatch_suite_rejects_real_bugs(run) -> None:
    """The labeled and invalid branches, and the mapping keys, tested on the engine."""
    cases = [
        (COMPACT, "compact", "compact(['d', 'i', 'i'])",
         [COMPACT.replace("s[1]", "s[0]"), COMPACT.replace('raise TypeError("not a valid sequence")', "cs = seq")]),
        (FLAT, "flat", "flat(1, ['a', 'b'], [['c']])",
         [FLAT.replace("(list, tuple)", "list"), FLAT.replace("isinstance(a, (list, tuple))", "hasattr(a, '__iter__')")]),
        (OPTIONS, "norm", "norm(None)", [OPTIONS.replace("        del out['class']\n", ""),
                                        OPTIONS.replace("        assert 'classes' not in out\n", "")]),
    ]  # fmt: skip
    for seed, entry, known, bugs in cases:
        calls = [known, *dispatch_calls(seed, entry, [known], limit=40)]
        ref = run(seed, calls, probe=True)
        tests = []
        for c, t in zip(calls, ref.tests, strict=True):
            if t.outcome == "passed":
                tests.append(f"assert {c} == {t.value!r}")
            elif t.detail and t.detail.split(":")[0] in ("TypeError", "AssertionError"):
                name = t.detail.split(":")[0]
                tests.append(
                    f"try:\n    {c}\nexcept {name}:\n    pass\nelse:\n    raise AssertionError('raise')"
                )
        assert run(seed, tests).all_passed, entry
        for bug in bugs:
            assert not run(bug, tests).all_passed, (entry, bug)


def test_a_bytes_check_gets_text_as_its_utf8_bytes() -> None:
    seed = '''def header(name, value):
    """A header parameter; the value a str or UTF-8 encoded bytes."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return f'{name}="{value}"'
'''
    assert retyped("café", {"bytes"}, 0) == ["café".encode()]
    assert "header('n', b'caf\\xc3\\xa9')" in dispatch_calls(seed, "header", ["header('n', 'café')"])

"""Lists of records for a parameter whose items the body reads with string keys (``records``)."""

from __future__ import annotations

import ast

from aceforge.synthesis.records import record_calls, record_keys, records
from aceforge.synthesis.signature import entry_function

NEST = '''def nest(toc_list):
    """Given a flat list of entries, return them nested by level."""
    out, stack = [], []
    while toc_list:
        t = toc_list.pop(0)
        t['children'] = []
        while stack and stack[-1]['level'] >= t['level']:
            stack.pop()
        (stack[-1]['children'] if stack else out).append(t)
        stack.append(t)
    return out
'''
LABELS = '''def labels(rows, sep=", "):
    """The names of the rows ranked above 0, upper-cased."""
    out = []
    for r in rows:
        if r['rank'] > 0:
            out.append(r['name'].upper())
    return sep.join(out)
'''


def _fn(src: str, entry: str) -> ast.FunctionDef:
    fn = entry_function(src, entry)
    assert fn is not None
    return fn


def test_keys_read_on_items_not_those_the_body_writes_first() -> None:
    assert record_keys(_fn(NEST, "nest")) == {"toc_list": {"level": "int"}}  # 'children' is output
    # A field the body treats as text gets text; one it compares, numbers.
    assert record_keys(_fn(LABELS, "labels")) == {"rows": {"rank": "int", "name": "str"}}
    plain = 'def f(xs):\n    """Doc."""\n    return [x["a"] for x in xs.values()]\n'
    assert record_keys(_fn(plain, "f")) == {}  # items of a call's result, not of the parameter


def test_records_walk_up_and_down_and_calls_keep_the_defaults() -> None:
    walks = [[r["level"] for r in rs] for rs in records({"level": "int"})]
    assert [1, 2] in walks and [3, 2, 1] in walks and [1, 2, 3, 1] in walks  # rising, falling, back up
    assert any(len(w) >= 4 for w in walks)  # the loop runs more than once past the first item
    calls = record_calls(_fn(LABELS, "labels"), "labels")
    assert calls[0] == "labels([{'rank': 1, 'name': 'name1'}, {'rank': 2, 'name': 'name2'}], ', ')"
    no_default = 'def g(rows, k):\n    """Doc."""\n    return [r["a"] for r in rows][k]\n'
    assert record_calls(_fn(no_default, "g"), "g") == []  # nothing known to give `k`


def test_record_suite_rejects_the_nesting_bugs(run) -> None:
    calls = record_calls(_fn(NEST, "nest"), "nest")
    ref = run(NEST, calls, probe=True)
    tests = [
        f"assert {c} == {t.value!r}" for c, t in zip(calls, ref.tests, strict=True) if t.outcome == "passed"
    ]
    assert len(tests) == len(calls) and run(NEST, tests).all_passed
    equal_levels_nested = NEST.replace(">= t['level']", "> t['level']")
    leaves_without_children = NEST.replace("t['children'] = []", "t.setdefault('kids', [])").replace(
        "(stack[-1]['children'] if stack else out)",
        "(stack[-1].setdefault('children', []) if stack else out)",
    )
    for bug in (equal_levels_nested, leaves_without_children):
        assert not run(bug, tests).all_passed


def test_known_plain_lists_get_records_too() -> None:
    from aceforge.synthesis.records import records_for

    calls = records_for(NEST, "nest", ["nest([1, 2])", "nest([])"], limit=3)
    assert calls == [
        "nest([{'level': 1}, {'level': 2}])",
        "nest([{'level': 1}, {'level': 2}, {'level': 2}, {'level': 1}])",
        "nest([{'level': 1}, {'level': 2}, {'level': 3}, {'level': 2}])",
    ]
    assert records_for(LABELS, "labels", ["labels('ab', ', ')"]) == []  # not a list there

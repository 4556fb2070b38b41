"""Re-shaped arguments: iterators, mapping subclasses and unhashable items, only where the seed
takes them — and the suite built from them tells real bugs apart on the real engine."""

from __future__ import annotations

import ast

from aceforge.synthesis.prose import doc_types
from aceforge.synthesis.shapes import ORDERED, literal_call, reshaped, shape_kinds, type_probe
from aceforge.synthesis.signature import params_of


def kinds(src: str, entry: str, doc: str = "") -> dict[str, set[str]]:
    fn = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.FunctionDef) and n.name == entry)
    return shape_kinds(fn, doc or ast.get_docstring(fn) or "", params_of(src, entry))


def test_iterable_by_annotation_docstring_or_iteration_only() -> None:
    assert kinds("def f(xs: 't.Iterable[V]', n: int):\n    return n\n", "f")["iterable"] == {"xs"}
    doc = 'def f(items, sep):\n    """Join an iterable of items with sep."""\n    return sep.join(items)\n'
    assert "items" in kinds(doc, "f")["iterable"]
    body = "def f(values):\n    it = iter(values)\n    return next(it, None)\n"
    assert kinds(body, "f")["iterable"] == {"values"}


def test_no_iterator_where_a_sequence_is_stated_or_used() -> None:
    assert kinds("def f(xs: list[int]):\n    return xs\n", "f")["iterable"] == set()
    assert kinds("def f(xs: 'List[int]'):\n    return list(xs)\n", "f")["iterable"] == set()
    # indexed as well as iterated: a sequence, not any iterable
    assert kinds("def f(xs):\n    for x in xs:\n        pass\n    return xs[0]\n", "f")["iterable"] == set()
    assert kinds("def f(s: str):\n    return list(s)\n", "f")["iterable"] == set()


def test_mapping_and_untyped_items() -> None:
    k = kinds("def f(options, counts: dict):\n    return options.copy()\n", "f")
    assert k["mapping"] == {"options"}
    assert kinds("def f(seq):\n    return seq\n", "f")["items"] == {"seq"}
    assert kinds("def f(seq: list[int]):\n    return seq\n", "f")["items"] == set()


def test_reshaped_calls_take_each_shape_in_turn() -> None:
    src = "def f(xs, options, n: int = 0):\n    return [x for x in xs]\n"
    shapes = {"iterable": {"xs"}, "mapping": {"options"}, "items": {"xs"}}
    calls = reshaped("f", params_of(src, "f"), ["f([1, 2], {'a': 1})", "f((3,), {})"], shapes, limit=10)
    assert calls[:3] == [
        "f(iter([1, 2]), {'a': 1})",
        f"f([1, 2], {ORDERED}([('a', 1)]))",
        "f([[1], [2]], {'a': 1})",
    ]
    assert "f(iter((3,)), {})" in calls and f"f((3,), {ORDERED}([]))" in calls
    assert not any(literal_call(c) for c in calls if "iter(" in c or ORDERED in c)
    assert literal_call("f([[1], [2]], {'a': 1})")
    assert reshaped("f", params_of(src, "f"), ["f([1, 2], {'a': 1})"], shapes, limit=2) == calls[:2]


def test_reshaped_inputs_catch_sequence_and_plain_dict_bugs(run) -> None:
    """Run on the engine: a seed that takes iterators and keeps the mapping's type, a buggy
    version using len() and dict(); the re-shaped tests tell them apart."""
    seed = "def norm(options, items):\n    out = options.copy()\n    out['n'] = sum(1 for _ in items)\n    return out\n"
    bug = "def norm(options, items):\n    out = dict(options)\n    out['n'] = len(items)\n    return out\n"
    src_kinds = kinds(seed, "norm")
    assert src_kinds["iterable"] == {"items"} and "options" in src_kinds["mapping"]
    calls = reshaped("norm", params_of(seed, "norm"), ["norm({'a': 1}, [1, 2])"], src_kinds, limit=6)
    probe = type_probe(next(c for c in calls if ORDERED in c))
    tests = [c for c in calls if "iter(" in c] + [probe]
    ref = run(seed, tests, probe=True)
    assert [t.value for t in ref.tests] == [{"a": 1, "n": 2}, "OrderedDict"]
    asserts = [f"assert {c} == {t.value!r}" for c, t in zip(tests, ref.tests, strict=True)]
    assert run(seed, asserts).all_passed
    got = run(bug, asserts)
    assert [t.outcome for t in got.tests] == ["error", "failed"]  # len() of an iterator; a plain dict


def test_sequences_become_tuples_and_star_arguments_take_shapes() -> None:
    src = 'def prefix(*seqs):\n    """Return the common start of the sequences in ``seqs``."""\n    return seqs\n'
    params = params_of(src, "prefix")
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    from aceforge.synthesis.varargs import star_param

    star = star_param(src, "prefix")
    assert star is not None
    k = shape_kinds(fn, ast.get_docstring(fn) or "", [*params, star])
    assert k["sequence"] == {"seqs"}
    calls = reshaped("prefix", [*params, star], ["prefix([1, 2], [1, 3])"], k, limit=10, star=True)
    assert "prefix((1, 2), (1, 3))" in calls
    assert "prefix([[1], [2]], [1, 3])" in calls  # untyped items, star arguments too


def test_a_text_becomes_an_iterator_where_any_iterable_is_taken() -> None:
    src = (
        'def dedup(it, seen=()):\n    """Remove duplicates from the iterable `it`."""\n    return list(it)\n'
    )
    shapes = kinds(src, "dedup")
    assert shapes["iterable"] == {"it"}
    calls = reshaped("dedup", params_of(src, "dedup"), ["dedup('hello')", "dedup('h')"], shapes)
    assert calls == ["dedup(iter('hello'))"]  # one character: an iterator shows nothing more
    typed = 'def f(s):\n    """s (str): an iterable of characters."""\n    return list(s)\n'
    fn = ast.parse(typed).body[0]
    assert isinstance(fn, ast.FunctionDef)
    params = doc_types(ast.get_docstring(fn) or "", params_of(typed, "f"))
    assert shape_kinds(fn, ast.get_docstring(fn) or "", params)["iterable"] == set()  # said to be a str


def test_a_parameter_first_rebound_to_a_list_of_itself_takes_any_iterable() -> None:
    src = (
        'def join(items, sep=", "):\n    """Join a sequence of strings."""\n'
        "    items = list(items)\n    if len(items) > 1:\n        return sep.join(items)\n    return ''\n"
    )
    assert kinds(src, "join")["iterable"] == {"items"}
    later = "def f(items):\n    n = 0\n    items = list(items)\n    return items[n]\n"
    assert kinds(later, "f")["iterable"] == set()  # rebound, but not first: indexed too

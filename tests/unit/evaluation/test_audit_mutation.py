"""The audit's edge probes: variants of a suite's own calls that judge which mutants are
equivalent (known answers), and a mutant only they separate."""

from __future__ import annotations

from aceforge.evaluation.audit_mutation import Mutated, code_probes, probe_calls, search_kills
from aceforge.types import Limits

NORM = "def norm(s, sep=' '):\n    return sep.join(s.lower().split())\n"


def test_probes_change_one_argument_to_an_edge_of_its_type() -> None:
    probes = probe_calls(["norm('ab cd')"], NORM, "norm")
    for want in ("norm('AB CD')", "norm('ab  cd')", "norm('ab\\tcd')", "norm('')", "norm('ab cdÉab cd')",
                 "norm('ab cd\\u2028ab cd')", "norm('ÉAB CD')", "norm('ab cd', sep='')", "norm('ab cd', sep='  ')"):  # fmt: skip
        assert want in probes
    nums = probe_calls(["f(3, [1, 2])"], "def f(n, xs):\n    return n\n", "f")
    for want in ("f(-3, [1, 2])", "f(0, [1, 2])", "f(3.5, [1, 2])", "f('3', [1, 2])", "f(3, [])",
                 "f(3, [1, 2, 1])", "f(3, [0, 1, 2])", "f(3, [[1], [2]])", "f(3, iter([1, 2]))"):  # fmt: skip
        assert want in nums
    assert (
        len(probe_calls([f"f({i}, [{i}])" for i in range(40)], "def f(n, xs):\n    return n\n", "f")) == 160
    )
    assert probe_calls(["not a call("], NORM, "norm") == []


def test_a_mutant_only_an_edge_probe_separates_is_live_not_equivalent(executor) -> None:
    # casefold() differs from str.lower only on letters such as ß; the search around 'ab cd'
    # (and the text the harvest adds where the code changes case, on which the case functions
    # agree) never finds one, the probe 'ab cdßab cd' does.
    folded = NORM.replace("s.lower()", "s.casefold()")
    equivalent = NORM.replace("s.lower().split()", "s.lower().rsplit()")
    item = Mutated(
        "q", NORM, "norm", ["assert norm('ab cd') == 'ab cd'"], [folded, equivalent], [set(), set()]
    )
    search_kills([item], executor, Limits(timeout_s=2.0), rounds=1)
    assert item.kills[0] and not item.kills[1]
    assert all("ß" in c for c in item.kills[0])


def test_the_search_finds_ascii_only_case_changes_where_the_code_changes_case(executor) -> None:
    # ASCII-only lower-casing differs from str.lower only on non-ASCII letters: the harvest
    # gives the search some where the code lower-cases (``handled_text.FOLDED_TEXT``)
    ascii_only = NORM.replace("s.lower()", "''.join(chr(ord(c) + 32) if 'A' <= c <= 'Z' else c for c in s)")
    item = Mutated("q", NORM, "norm", ["assert norm('ab cd') == 'ab cd'"], [ascii_only], [set()])
    search_kills([item], executor, Limits(timeout_s=2.0), rounds=1)
    assert any("Ä" in c for c in item.kills[0])


NORM_SUM = (
    "def norm_sum(x):\n    '''x: a list or a tuple of numbers, or one number.'''\n"
    "    if isinstance(x, (list, tuple)):\n        return sum(x)\n    return x\n"
)


def test_code_probes_come_from_synths_own_generators() -> None:
    probes = code_probes(NORM_SUM, "norm_sum", ["norm_sum([1, 2])", "norm_sum(4)"])
    assert "norm_sum((1, 2))" in probes  # re-typed where the code checks isinstance
    iterated = "def total(items):\n    '''The sum of an iterable.'''\n    return sum(x for x in items)\n"
    assert "total(iter([1, 2]))" in code_probes(iterated, "total", ["total([1, 2])"])
    assert code_probes(NORM_SUM, "missing", ["missing(1)"]) == []


def test_a_mutant_only_a_retyped_argument_separates_is_live(executor) -> None:
    # Dropping `tuple` from the isinstance check differs only on a tuple: no edge probe of a
    # list or a number builds one, the dispatch generator does.
    no_tuple = NORM_SUM.replace("(list, tuple)", "(list,)")
    suite = ["assert norm_sum([1, 2]) == 3", "assert norm_sum(4) == 4"]
    item = Mutated("q", NORM_SUM, "norm_sum", suite, [no_tuple], [set()])
    search_kills([item], executor, Limits(timeout_s=2.0), rounds=1)
    assert item.kills[0] and all("(" in c[len("norm_sum(") :] for c in item.kills[0])

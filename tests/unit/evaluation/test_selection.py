"""Label-free selection: each method on a hand-made execution matrix whose answer is known, and
`rank_programs` end to end through the real local engine."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.evaluation.question_inputs import entry_of, question_examples, selection_inputs
from aceforge.evaluation.ranking import fingerprint, rank_programs
from aceforge.evaluation.selection import (
    METHODS,
    ExecutionMatrix,
    alphacode,
    b4,
    cluster,
    coevolve,
    dual,
    examples,
    expected_pick,
    hybrid,
    mbr,
    rank,
    top,
)
from aceforge.synthesis.signature import params_of

A, B, C = ("1", "2", "3"), ("1", "2", "4"), ("0", "!error:TypeError", "9")


def test_largest_behaviour_cluster_wins() -> None:
    m = ExecutionMatrix([A, B, A, C, A, B])
    assert top(cluster(m)) == [0, 2, 4]
    assert rank(cluster(m))[:5] == [0, 2, 4, 1, 5]
    assert expected_pick(cluster(m), [True, False, True, False, False, False]) == pytest.approx(2 / 3)


def test_a_tie_between_clusters_goes_to_the_one_that_agrees_with_the_examples() -> None:
    no_examples = ExecutionMatrix([A, A, B, B])
    assert top(cluster(no_examples)) == [0, 1, 2, 3]  # a true tie: any of the four
    m = ExecutionMatrix([A, A, B, B], examples=[(True, False), (True, False), (True, True), (True, True)])
    assert top(cluster(m)) == [2, 3]
    # AlphaCode filters first: a lone program passing every example beats a larger cluster
    m = ExecutionMatrix([A, A, A, B], examples=[(False,), (False,), (False,), (True,)])
    assert top(alphacode(m)) == [3] and top(examples(m)) == [3] and top(cluster(m)) == [0, 1, 2]


def test_programs_that_crash_everywhere_rank_last_and_all_crashing_is_a_tie() -> None:
    dead = ("!syntax_error", "!syntax_error", "!syntax_error")
    m = ExecutionMatrix([dead, dead, dead, A], passes=[(True,), (True,), (True,), (False,)])
    for name, method in METHODS.items():
        assert top(method(m)) == [3], name
    everyone = ExecutionMatrix([dead] * 4, passes=[(False, False)] * 4, examples=[(False,)] * 4)
    for name, method in METHODS.items():
        assert top(method(everyone)) == [0, 1, 2, 3], name
        assert rank(method(everyone)) == [0, 1, 2, 3], name
    assert expected_pick(cluster(everyone), [False, True, False, False]) == 0.25


def test_dual_agreement_is_programs_times_tests() -> None:
    passes = [(1, 1, 0, 0)] * 3 + [(1, 1, 1, 1)] * 2 + [(0, 0, 0, 0)]
    m = ExecutionMatrix([A] * 6, passes=[tuple(map(bool, r)) for r in passes])
    assert top(dual(m)) == [3, 4]  # 2 × 4 = 8 beats 3 × 2 = 6
    assert top(b4(m)) == [3, 4]


def test_a_test_every_program_fails_changes_no_choice() -> None:
    rows = [(True, True), (True, True), (True, True), (True, False), (False, False)]
    outputs = [A, A, A, B, C]
    with_dud = ExecutionMatrix(outputs, passes=[(*r, False) for r in rows])
    without = ExecutionMatrix(outputs, passes=rows)
    for method in (dual, b4, coevolve, mbr):
        assert top(method(with_dud)) == top(method(without)) == [0, 1, 2], method.__name__


def test_coevolve_drops_the_tests_the_consensus_contradicts() -> None:
    # Programs 0-2 agree on every input; a wrong test (test 1) is passed only by 3 and 4, which
    # makes them CodeT's choice (2 programs × 2 tests beats 3 × 1).
    outputs = [A, A, A, B, C]
    passes = [(True, False)] * 3 + [(True, True)] * 2
    m = ExecutionMatrix(outputs, passes=passes)
    assert top(dual(m)) == [3, 4]
    assert top(coevolve(m)) == [0, 1, 2]


def test_mbr_joins_right_programs_that_differ_only_where_they_fail() -> None:
    # Two right programs agree everywhere but one input (one raises there); three wrong ones
    # form the largest cluster and pass 1 model test of 5 where the right ones pass 4.
    right, right_raising, wrong = (
        ("1", "2", "3", "4"),
        ("1", "2", "3", "!error:ValueError"),
        ("1", "2", "9", "9"),
    )
    m = ExecutionMatrix(
        [right, right_raising, wrong, wrong, wrong],
        passes=[(True,) * 4 + (False,)] * 2 + [(True,) + (False,) * 4] * 3,
    )
    assert top(cluster(m)) == [2, 3, 4]
    # on the 2 inputs that separate anyone: sim(0, 1) = 1/2, sim(right, wrong) = 0; a program's
    # weight is 1 + the tests it passes, so each right one scores 5 + 5/2 = 7.5, a wrong one 3 × 2
    assert [s[2] for s in mbr(m)] == pytest.approx([7.5, 7.5, 6.0, 6.0, 6.0])
    assert top(mbr(m)) == [0, 1]
    assert expected_pick(mbr(m), [True, True, False, False, False]) == 1.0


def test_mbr_without_model_tests_is_expected_agreement_and_a_symmetric_split_is_a_tie() -> None:
    # no cluster has two members; the medoid (3/4 agreement with each neighbour) wins
    m = ExecutionMatrix(
        [("1", "2", "3", "4"), ("1", "2", "3", "5"), ("1", "2", "6", "5"), ("7", "8", "9", "0")]
    )
    assert [s[2] for s in mbr(m)] == pytest.approx([2.25, 2.5, 2.25, 1.0])
    assert top(mbr(m)) == [1] and top(cluster(m)) == [0, 1, 2, 3]
    split = ExecutionMatrix([A, A, B, B], passes=[(True, False), (True, False), (False, True), (False, True)])
    assert top(mbr(split)) == [0, 1, 2, 3]
    # the question's examples filter first: the pair that passes them wins however it scores
    m = ExecutionMatrix([A, A, A, B], examples=[(False,), (False,), (False,), (True,)])
    assert top(mbr(m)) == [3]


def test_hybrid_breaks_only_ties_with_the_reward_score() -> None:
    m = ExecutionMatrix([A, A, B], rm_scores=[0.1, 0.9, 5.0])
    assert top(hybrid(m)) == [1]  # the larger cluster first; the RM picks inside it
    with pytest.raises(ValueError, match="rm_scores"):
        ExecutionMatrix([A], rm_scores=[1.0, 2.0])


def test_fingerprints_ignore_float_noise_and_set_order() -> None:
    assert fingerprint(0.1 + 0.2) == fingerprint(0.3)
    assert fingerprint({3, 1, 2}) == fingerprint({1, 2, 3})
    assert fingerprint([1]) != fingerprint((1,)) and fingerprint(1) != fingerprint(1.5)


QUESTION = '''def add(a: int, b: int) -> int:
    """Add two numbers.
    >>> add(2, 3)
    5
    Also add(10, 4) == 14.
    add(1, 1) ==> 2
    add(0, 7)   # returns 7
    """
'''


def test_inputs_and_examples_come_from_the_question() -> None:
    assert entry_of(QUESTION) == "add"
    exs = question_examples(QUESTION, "add")
    assert [(e.call, e.expected) for e in exs] == [
        ("add(2, 3)", "5"),
        ("add(10, 4)", "14"),
        ("add(1, 1)", "2"),
        ("add(0, 7)", "7"),
    ]
    calls = selection_inputs(QUESTION, "add", params_of(QUESTION, "add"), ["assert add(7, 1) == 8"], 12)
    assert calls[:5] == ["add(2, 3)", "add(10, 4)", "add(1, 1)", "add(0, 7)", "add(7, 1)"]
    assert 6 <= len(calls) <= 12 and len(set(calls)) == len(calls)
    assert all(c.startswith("add(") and c.count(",") == 1 for c in calls)


def test_rank_programs_through_the_local_engine(executor) -> None:
    body = "def add(a: int, b: int) -> int:\n    return {}\n"
    programs = [
        body.format("a - b"),
        body.format("a + b"),
        "def add(a, b):\n    return a +\n",  # syntax error
        body.format("b + a"),
        body.format("a * b"),
        body.format("int(str(a) + str(b))"),
    ]
    ranking = rank_programs(programs, QUESTION, "add", method="alphacode", executor=executor)
    assert ranking.top == [1, 3]  # both pass the examples and agree on every input
    assert ranking.order[-1] == 2 and len(ranking.inputs) >= 6
    assert ranking.example_tests[:2] == ["assert add(2, 3) == 5", "assert add(10, 4) == 14"]
    # without the examples, with model tests of which one is wrong (only `a - b` passes it)
    tests = ["assert add(1, 1) == 2", "assert add(2, 2) == 4", "assert add(5, 5) == 0"]
    ranking = rank_programs(
        programs, QUESTION, examples=[], model_tests=tests, method="coevolve", executor=executor
    )
    assert ranking.top == [1, 3]
    ranking = rank_programs(
        programs, QUESTION, examples=[], model_tests=tests, method="mbr", executor=executor
    )
    assert ranking.top == [1, 3] and ranking.order[-1] == 2
    with pytest.raises(ConfigError, match="unknown selection method"):
        rank_programs(programs, QUESTION, method="vote", executor=executor)

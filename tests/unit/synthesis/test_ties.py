"""Inputs on a float tie of the seed: found by nudging one argument's floats, moved off the tie
(or left out), on the real engine — and a correct program that reads the tie the other way then
passes while a wrong one still fails."""

from __future__ import annotations

from aceforge.execution.executor import LocalExecutor
from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers, assert_test, reference_answers
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.ties import nudged_calls, off_ties, on_a_tie
from aceforge.types import Limits

CLOSE = """
def close(xs, t):
    return any(abs(a - b) < t for i, a in enumerate(xs) for b in xs[i + 1:])
"""
CLOSE_LE = CLOSE.replace("< t", "<= t")  # reads "closer than" as "at most": right off the tie
CLOSE_WRONG = "def close(xs, t):\n    return len(xs) > 1\n"
LIMITS = Limits(timeout_s=2.0)


def test_nudged_calls_scale_one_argument_at_a_time() -> None:
    assert nudged_calls("f([0.5, 1.0, 2.5], 0.5)") == [
        "f([0.5, 1.0, 2.5], 0.5000000005)",  # the argument with fewer floats first
        "f([0.5, 1.0, 2.5], 0.4999999995)",
        "f([0.5000000005, 1.000000001, 2.5000000025], 0.5)",
        "f([0.4999999995, 0.999999999, 2.4999999975000002], 0.5)",
    ]
    assert nudged_calls("f(3, [1, 2], x=2.5, s='a')") == [
        "f(3, [1, 2], x=2.5000000025, s='a')",
        "f(3, [1, 2], x=2.4999999975000002, s='a')",
    ]
    assert nudged_calls("f(-0.5, 2.0)") == ["f(-0.5000000005, 2.0)", "f(-0.4999999995, 2.0)"]


def test_nothing_to_nudge_without_a_fractional_float() -> None:
    # whole numbers compare exactly: ``size < 1000.0``, ``d <= delta`` keep their boundaries
    assert nudged_calls("f(3, True, 'x', [1, 2], {'a': 0.0}, 1000000.0, -2.0)") == []
    assert nudged_calls("f(1.5") == []  # not Python
    assert nudged_calls("[1.5]") == []  # not a call


def test_on_a_tie_only_for_decisions() -> None:
    assert on_a_tie(False, [True, False])
    assert on_a_tie((1, "a"), [(1, "a"), (2, "b")]) and on_a_tie({"k": [1]}, [{"k": [2]}])
    assert not on_a_tie(3, [3, 3.0000000001])
    assert not on_a_tie(3, [])
    # a float answer is the function's value, however it moves: ``x % 1.0`` at an integer
    assert not on_a_tie(0.0, [0.999999999])
    assert not on_a_tie([1.0, 2.0], [[7.0, 2.0]]) and not on_a_tie({"a": 0.5}, [{"a": 0.6}])


def _draft(program: str, answers: dict[str, object], origin: str = "model") -> Draft:
    found = {c: (repr(v), v) for c, v in answers.items()}
    seed = Seed("q/1", "test", "", program, "close")
    d = Draft(seed, "q", "close", 0, [], list(found), dict.fromkeys(found, origin))
    d.answers = Answers(found=found)
    d.kills = [set(found), {next(iter(found))}]
    return d


def _answer(executor: LocalExecutor, drafts: list[Draft]):
    progs = [d.seed.program for d in drafts]
    return lambda calls: reference_answers(progs, calls, executor, LIMITS, max_ref_s=2.0)


def test_a_tie_is_moved_to_the_nudge_that_keeps_the_answer(executor: LocalExecutor, run) -> None:
    tie, plain = "close([0.5, 1.0, 2.5], 0.5)", "close([0.5, 2.5], 1.0)"
    d = _draft(CLOSE, {tie: False, plain: False})
    off_ties([d], _answer(executor, [d]))
    moved = "close([0.5, 1.0, 2.5], 0.4999999995)"
    assert list(d.answers.found) == [moved, plain]  # in the pool's place of the tie
    assert d.answers.found[moved] == ("False", False) and tie in d.answers.failed
    assert d.origin[moved] == "model"
    assert d.kills == [{plain}, set()]  # only the tie told the second mutant apart
    assert d.stats == {"ties_moved": 1, "ties_dropped": 0}
    tests = [assert_test(c, d.answers.found[c][0]) for c in d.answers.found]
    assert run(CLOSE_LE, tests).all_passed  # both readings of "closer than" agree now
    assert not run(CLOSE_LE, [assert_test(tie, "False")]).all_passed  # as they did not on the tie
    assert not run(CLOSE_WRONG, tests).all_passed  # the test still rejects a wrong program


def test_a_tie_no_nudge_keeps_is_left_out(executor: LocalExecutor) -> None:
    spike = "def close(xs, t):\n    return t == 0.5\n"  # True only on the point itself
    d = _draft(spike, {"close([1.0], 0.5)": True, "close([1.0], 0.25)": False})
    off_ties([d], _answer(executor, [d]))
    assert list(d.answers.found) == ["close([1.0], 0.25)"]
    assert d.stats == {"ties_moved": 0, "ties_dropped": 1}


def test_examples_integers_and_continuous_answers_stay(executor: LocalExecutor) -> None:
    example = _draft(CLOSE, {"close([0.5, 1.0, 2.5], 0.5)": False}, origin="example")
    ints = _draft(CLOSE, {"close([1, 2, 4], 1)": False, "close([1.0, 2.0], 1.0)": False})  # exact ties
    mean = _draft("def close(xs, t):\n    return sum(xs) / len(xs) * t\n", {"close([0.5, 1.0], 0.5)": 0.375})
    before = [dict(d.answers.found) for d in (example, ints, mean)]
    off_ties([example, ints, mean], _answer(executor, [example, ints, mean]))
    assert [d.answers.found for d in (example, ints, mean)] == before
    assert all("ties_moved" not in d.stats for d in (example, ints, mean))

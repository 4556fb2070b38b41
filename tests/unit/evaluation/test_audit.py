"""`aceforge audit`'s measures, each on a hand-made suite whose answer is known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import DataFormatError
from aceforge.evaluation.audit import (
    AuditConfig,
    Solution,
    audit_rows,
    benchmark_ngrams,
    contaminated,
    discrimination,
    duplicate_tests,
    flaky_tests,
    read_solutions,
    trivial_tests,
)
from aceforge.evaluation.audit_report import summary_lines
from aceforge.synthesis.mutants import make_mutants
from aceforge.synthesis.realistic import make_realistic

ADD = "def add(a, b):\n    return a + b\n"


def _row(tests: list[str], **extra) -> dict:
    return {"id": "q", "question": "Add two numbers.", "test_cases": tests, "entry_point": "add", **extra}


def test_mutation_score_counts_only_mutants_an_input_can_separate(executor) -> None:
    # The mutants of `a + b`: `a - b`, `a * b` and a dropped return (None).
    assert len(make_mutants(ADD, "q")) == 3
    rows, _ = audit_rows([_row(["assert add(0, 0) == 0"], reference=ADD)], executor, AuditConfig())
    a = rows[0]["audit"]
    # add(0, 0) tells only the dropped return apart; a search around (0, 0) separates the others.
    assert (a["mutants"], a["mutants_killed"], a["mutants_equivalent"]) == (3, 1, 0)
    assert a["mutation_score"] == pytest.approx(1 / 3, abs=1e-3) and a["precision"] == 1.0
    strong, _ = audit_rows([_row(["assert add(1, 2) == 3"], reference=ADD)], executor, AuditConfig())
    assert strong[0]["audit"]["mutation_score"] == 1.0
    # A mutant no input separates (max(0, x) where x >= 0 always) is equivalent, not a miss.
    ref = "def count(xs):\n    return max(0, len(xs))\n"
    eq, _ = audit_rows([{**_row(["assert count([1]) == 1"], reference=ref), "entry_point": "count"}], executor,
                       AuditConfig())  # fmt: skip
    # The swapped arguments and max(-1, ...) are equivalent; max(1, ...) is not: the edge
    # probe count([]) separates it, and the suite lacks it (2 of 3 live mutants killed).
    assert eq[0]["audit"]["mutants_equivalent"] == 2
    assert eq[0]["audit"]["mutation_score"] == pytest.approx(2 / 3, abs=1e-3)


def test_realistic_score_is_held_out_from_the_mutants_that_chose_the_inputs(executor) -> None:
    ref = "def f(a, b):\n    return (a < 3, b > 5)\n"
    held, search = (make_realistic(ref, "f", "q", 30, part=p) for p in ("held_out", "search"))
    assert {m.operator for m in search} >= {"abs", "boundary"} and not {m.program for m in held} & {
        m.program for m in search
    }
    # f(3, -6) kills the search half's `a <= 3` and abs(b), but neither held-out twin:
    # `b >= 5` needs b == 5 and abs(a) needs a < -3, which the audit's search finds.
    assert {m.program.splitlines()[-1].strip() for m in search if m.operator == "boundary"} == {
        "return (a <= 3, b > 5)"
    }
    row = {**_row(["assert f(3, -6) == (False, False)"], reference=ref), "entry_point": "f"}
    rows, summary = audit_rows([row], executor, AuditConfig())
    a = rows[0]["audit"]
    assert (a["realistic_mutants"], a["realistic_search_mutants"]) == (len(held), len(search))
    assert a["realistic_search_mutation_score"] == 1.0 and a["realistic_search_mutants_killed"] == 2
    assert a["realistic_mutation_score"] == 0.0 and a["realistic_mutants_killed"] == 0
    assert a["realistic_mutants_equivalent"] <= len(held) - 1  # at least one held-out mutant is live
    # What the score misses, with an input that shows it: b == 5 for `b >= 5`, a < -3 for abs(a).
    missed = {m["operator"]: m["input"] for m in a["realistic_missed"]}
    assert set(missed) == {"abs", "boundary"} and missed["boundary"].endswith(", 5)")
    assert int(missed["abs"][2:].split(",")[0]) < -3
    lines = "\n".join(summary_lines(summary))
    assert "held out" in lines and "search half" in lines
    assert (summary["realistic_mutation_score"], summary["realistic_search_mutation_score"]) == (0.0, 1.0)


def test_tpr_tnr_precision_and_model_pass_counts(executor) -> None:
    tests = ["assert add(0, 0) == 0", "assert add(2, 2) == 4", "assert add(2, 2) == 5"]
    sols = {
        "q": [
            Solution("def add(a, b):\n    return b + a\n", True),
            Solution("def add(a, b):\n    return sum([a, b])\n", True),
            Solution("def add(a, b):\n    return a * b\n", False),  # passes add(0,0) and add(2,2)
            Solution("def add(a, b):\n    return a - b\n", False),
        ]
    }
    infs = [{"model_name": "proxy", "completion": "```python\ndef add(a, b):\n    return a + b\n```"}]
    rows, summary = audit_rows(
        [_row(tests[:2], reference=ADD, inferences=infs)], executor, AuditConfig(), sols
    )
    a = rows[0]["audit"]
    assert (a["correct_accepted"], a["correct_solutions"], a["wrong_rejected"], a["wrong_solutions"]) == (
        2,
        2,
        1,
        2,
    )
    assert summary["tpr"] == 1.0 and summary["tnr"] == 0.5
    assert a["models"] == {"proxy": {"programs": 1, "all_passed": 1}}
    wrong_test, _ = audit_rows([_row(tests, reference=ADD)], executor, AuditConfig(), sols)
    assert wrong_test[0]["audit"]["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert wrong_test[0]["audit"]["correct_accepted"] == 0  # a wrong expected value rejects correct code


def test_duplicates_trivial_and_imported_rows_without_reference(executor) -> None:
    tests = [
        "assert add(1, 2) == 3",
        "assert add(1,2)==3",
        "assert add(1, 2) != 99",
        "assert add(5, 5) == 10",
    ]
    assert duplicate_tests(tests, "add") == 2  # same tree; same call
    infs = [
        {"model_name": "m", "completion": f"def add(a, b):\n    return {body}\n", "pass_rate": 0.5}
        for body in ("a + b", "a - b", "a * b", "b + a", "10")
    ]
    rows, summary = audit_rows([_row(tests, inferences=infs)], executor, AuditConfig())
    a = rows[0]["audit"]
    assert "mutation_score" not in a and "precision" not in a  # no reference: not measured
    assert a["trivial_tests"] == 1  # `!= 99` passes for every program
    assert a["duplicate_tests"] == 2 and summary["duplicate_tests"] == 2
    assert a["models"]["m"] == {"programs": 5, "all_passed": 2}
    assert a["discrimination"][2] == 0.0 and a["discrimination"][3] == 1.0


def test_flaky_tests_depend_on_luck_or_order(executor) -> None:
    # Seeded with 0 the coin is 1, with 1 it is 0 (the second run's seed): the first test flips.
    lucky = "import random\n\ndef add(a, b):\n    return a + b + random.choice([0, 1])\n"
    tests = ["assert add(1, 1) == 3", "assert add(1, 1) > 0"]
    rows, summary = audit_rows([_row(tests, reference=lucky)], executor, AuditConfig(n_mutants=0))
    assert rows[0]["audit"]["flaky_tests"] == 1 and summary["flaky_tests"] == 1
    steady, _ = audit_rows([_row(tests[1:], reference=ADD)], executor, AuditConfig(n_mutants=0))
    assert steady[0]["audit"]["flaky_tests"] == 0


def test_pure_measures() -> None:
    outcomes = [[True, True, False], [True, False, False], [True, True, True], [True, False, False]]
    assert trivial_tests(outcomes) == 1
    assert discrimination(outcomes) == [0.0, 1.0, 1.0]
    assert discrimination(outcomes[:3]) == [None, None, None]
    assert flaky_tests([["passed", "failed"]], [["passed", "passed"]]) == 1


def test_contamination_flags_benchmark_prompts(tmp_path: Path) -> None:
    (tmp_path / "humaneval_problems.jsonl").write_text(json.dumps({
        "task_id": "HumanEval/0",
        "prompt": "def f():\n    '''Check if in given list of numbers, are any two numbers closer to each other than given threshold.'''\n",
    }) + "\n")  # fmt: skip
    grams = benchmark_ngrams(tmp_path, 10)
    q = "Write f. Check if in given list of numbers are any two numbers closer to each other than a threshold."
    assert contaminated(q, grams, 10) == ["HumanEval/0"]
    assert contaminated("Add two numbers and return the sum of them please now ok.", grams, 10) == []


def test_bad_solution_rows_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "sols.jsonl"
    path.write_text(
        '{"id": "q", "program": "x = 1", "label": "correct"}\n{"id": "q", "program": "y", "label": 0}\n'
    )
    assert [s.label for s in read_solutions(path)["q"]] == [True, False]
    for bad, field in [('{"id": "q", "program": 3, "label": 1}', "program"),
                       ('{"id": "q", "program": "x", "label": "maybe"}', "label"),
                       ('{"program": "x", "label": 1}', "id")]:  # fmt: skip
        path.write_text('{"id": "q", "program": "x", "label": 1}\n' + bad + "\n")
        with pytest.raises(DataFormatError) as e:
            read_solutions(path)
        assert e.value.line == 2 and e.value.field == field

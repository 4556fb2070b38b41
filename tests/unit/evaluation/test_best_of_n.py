"""Which label-free rows `bon` reports, and how its settings are checked."""

from __future__ import annotations

import pytest

from aceforge.config import load_run_config
from aceforge.errors import ConfigError
from aceforge.evaluation.best_of_n import (
    BonProblem,
    rankings,
    selection_matrices,
    selection_methods,
    selection_table,
)
from aceforge.evaluation.configs import BonConfig
from aceforge.evaluation.selection import ExecutionMatrix
from aceforge.types import StdioTest


def problem(generated: list[str], rm: list[float] | None = None) -> BonProblem:
    return BonProblem("t", "q", [], ["p0", "p1", "p2"], "f", rm_scores=rm, generated_tests=generated)


def test_codet_and_majority_rows_need_generated_tests_and_hybrid_needs_scores() -> None:
    assert selection_methods([problem([])], ("coevolve", "hybrid")) == {"coevolve": "coevolve"}
    with_tests = selection_methods([problem(["assert f(1) == 1"], [0.1, 0.2, 0.3])], ("hybrid",))
    assert with_tests == {"codet": "dual", "majority": "cluster", "hybrid": "hybrid"}


def test_rows_are_the_expected_pick_among_the_tied_top_programs() -> None:
    # programs 0 and 1 agree on both inputs, 2 returns nothing; 1 and 2 are right
    matrix = ExecutionMatrix([["1", "2"], ["1", "2"], ["!error", "!error"]])
    p = problem([])
    p.correct = [False, True, True]
    assert selection_table([p], [matrix], {"majority": "cluster"}) == {"majority": [0.5]}
    (row,) = rankings([p], [matrix], ("cluster",))
    assert row == {"task_id": "t", "methods": {"cluster": {"order": [0, 1, 2], "top": [0, 1]}}}


def test_bon_settings_report_every_problem_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as e:
        BonConfig(select=("coevolv", "dual"), max_inputs=0, select_timeout_s=0).validate()
    text = str(e.value)
    assert "did you mean 'coevolve'" in text and "max_inputs" in text and "select_timeout_s" in text
    BonConfig(select=("dual", "b4")).validate()


def test_the_run_config_checks_the_bon_section(tmp_path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("run_dir: x\nrm: {}\nbon: {select: [b4, alphacod], max_inputs: 12}\n")
    with pytest.raises(ConfigError, match=r"bon: .*'alphacod' \(did you mean 'alphacode'\?\)"):
        load_run_config(path)
    path.write_text("run_dir: x\nrm: {}\nbon: {select: [b4, alphacode], use_examples: false}\n")
    bon = load_run_config(path).bon
    assert bon is not None and bon.select == ("b4", "alphacode") and not bon.use_examples


def test_stdin_programs_are_selected_by_their_tests_alone(executor) -> None:
    """No function to call: CodeT's groups still form from the stdin/stdout tests."""
    programs = ["print(int(input()) * 2)", "n = int(input())\nprint(n + n)", "print(int(input()) + 2)"]
    tests = [StdioTest("3\n", "6\n"), StdioTest("5\n", "10\n"), StdioTest("2\n", "4\n")]
    p = BonProblem("double", "Read n, print 2n.", [], programs, generated_tests=tests)  # type: ignore[arg-type]
    p.correct = [True, True, False]
    (matrix,) = selection_matrices([p], executor, BonConfig())
    assert [list(r) for r in matrix.passes] == [[True] * 3, [True] * 3, [False, False, True]]
    assert selection_table([p], [matrix], {"codet": "dual"}) == {"codet": [1.0]}


def test_bon_reads_any_label_and_an_imported_rows_prelude(tmp_path) -> None:
    import json

    from aceforge.errors import DataFormatError
    from aceforge.evaluation.best_of_n import read_bon

    apps = {"inputs": ["1 2\n"], "outputs": ["3\n"]}  # an APPS label as the dataset ships it
    rows = [
        {"id": "a", "question": "Sum.", "tests": apps, "samples": [{"completion": "```python\nprint(3)\n```"}]},
        {"task_id": "b", "question": "", "tests": [{"input": "", "output": "x\n"}], "prelude": "import os\n",
         "samples": [{"program": "print('x')"}], "generated_tests": [{"input": "", "output": "x"}]},
    ]  # fmt: skip
    path = tmp_path / "bon.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    a, b = read_bon(path)
    assert (a.task_id, a.tests, a.programs) == ("a", [StdioTest("1 2\n", "3\n", "lenient")], ["print(3)\n"])
    assert a.prelude.startswith("from string import *")  # APPS's judge imports
    assert b.prelude == "import os\n" and b.generated_tests == [StdioTest("", "x")]
    path.write_text(json.dumps({**rows[0], "tests": {"inputs": [1], "outputs": []}}) + "\n")
    with pytest.raises(DataFormatError) as err:
        read_bon(path)
    assert (err.value.line, err.value.field) == (1, "tests.outputs")

"""Execution matrices built from one real engine batch, and what a selection task holds.
(`rank_programs` end to end is in test_selection.py.)"""

from __future__ import annotations

import math

import pytest

from aceforge.errors import ConfigError
from aceforge.evaluation.ranking import (
    SelectionTask,
    execution_matrices,
    fingerprint,
    rank_programs,
    selection_task,
)
from aceforge.evaluation.selection import FAILED
from aceforge.execution.executor import LocalExecutor

RIGHT = "def half(x):\n    return x / 2\n"
NOISY = "def half(x):\n    return x * 0.5 + 1e-15\n"  # the same within FLOAT_DIGITS
WRONG = "def half(x):\n    return x // 2\n"
RAISES = "def half(x):\n    return 1 / (x - 3)\n"
BROKEN = "def half(x:\n"


def test_fingerprints_of_dicts_and_non_finite_floats() -> None:
    assert fingerprint({"b": 1, "a": 2}) == fingerprint({"a": 2, "b": 1})
    assert fingerprint(math.inf) != fingerprint(-math.inf)
    assert fingerprint([1.0]) != fingerprint([1])


def test_matrices_hold_values_failures_and_split_test_rows(executor: LocalExecutor) -> None:
    tasks = [
        SelectionTask(
            [RIGHT, NOISY, WRONG, RAISES, BROKEN],
            inputs=["half(3)", "half(4)"],
            model_tests=["assert half(4) == 2"],
            example_tests=["assert half(3) == 1.5"],
        ),
        SelectionTask([RIGHT], inputs=["half(1)"]),
    ]
    m, only_outputs = execution_matrices(tasks, executor)
    assert m.n == 5
    assert m.outputs[0] == m.outputs[1] != m.outputs[2]
    assert m.outputs[3][0].startswith(FAILED) and not m.outputs[3][1].startswith(FAILED)
    assert m.outputs[4] == [f"{FAILED}syntax_error"] * 2 and not m.alive(4)
    assert [list(r) for r in m.passes] == [[True], [True], [True], [False], [False]]
    assert [list(r) for r in m.examples] == [[True], [True], [False], [False], [False]]
    assert only_outputs.passes == () and only_outputs.examples == ()
    assert only_outputs.outputs == [[fingerprint(0.5)]]


def test_selection_task_reads_inputs_and_examples_from_the_question() -> None:
    question = "def half(x: float) -> float:\n    '''\n    >>> half(3)\n    1.5\n    '''\n"
    task = selection_task([RIGHT], question, max_inputs=6)
    assert task.example_tests == ["assert half(3) == 1.5"]
    assert task.inputs[0] == "half(3)" and len(task.inputs) <= 6
    given = selection_task(
        [RIGHT], question, examples=["assert half(0) == 0"], model_tests=["assert half(2) == 1"]
    )
    assert given.example_tests == ["assert half(0) == 0"] and given.model_tests == ["assert half(2) == 1"]


def test_no_entry_point_or_an_unknown_method_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no entry point"):
        selection_task(["x = 1"], "Write something.")
    with pytest.raises(ConfigError):
        rank_programs([RIGHT], "def half(x): ...", method="nope")

"""The format readers on hand-written labels: what each format becomes, and the errors bad
labels get (naming source, row and field). Real rows are in test_real_rows.py."""

from __future__ import annotations

import ast
import base64
import json
import os
import pickle
import zlib

import pytest

from aceforge.errors import DataFormatError
from aceforge.execution.plan import plan_assert
from aceforge.formats import FORMATS, Where, decode_private_tests, detect_format, read_label
from aceforge.types import StdioTest


def compress(value: object) -> str:
    return base64.b64encode(zlib.compress(pickle.dumps(value))).decode()


# ---- detection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ({"tests": ["assert f() == 1"]}, "aceforge"),
        (["assert f() == 1"], "aceforge"),
        ({"inputs": ["1\n"], "outputs": ["2\n"]}, "apps"),
        ({"input_output": json.dumps({"inputs": ["1"], "outputs": ["2"]})}, "apps"),
        ([{"input": "1", "output": "2", "testtype": "stdin"}], "lcb"),
        ({"public_test_cases": "[]", "metadata": "{}"}, "lcb"),
        ({"public_tests": {"input": ["1"], "output": ["2"]}}, "codecontests"),
        ({"test_list": ["assert f(1) == 2"]}, "mbpp"),
        ({"test": "def check(candidate):\n    assert candidate(1) == 2\n", "entry_point": "f"}, "humaneval"),
        ({"test": "from solution import f\n\ndef test_f():\n    assert f(1) == 2\n"}, "kodcode"),
        ({"question": "no tests here"}, None),
    ],
)
def test_detects_each_format_from_its_keys(label: object, name: str | None) -> None:
    assert detect_format(label) == name


def test_an_undetectable_label_asks_for_a_format_name() -> None:
    with pytest.raises(DataFormatError, match="cannot tell the test format") as e:
        read_label({"question": "x"}, where=Where("train.jsonl", 7))
    assert e.value.path == "train.jsonl" and e.value.line == 7
    with pytest.raises(DataFormatError, match="unknown test format 'appz'"):
        read_label({"inputs": [], "outputs": []}, format="appz")
    assert set(FORMATS) >= {"apps", "lcb", "codecontests", "kodcode", "humaneval", "mbpp"}


# ---- APPS / TACO / PRIME ------------------------------------------------------------------


def test_apps_standard_input_tests_are_compared_leniently() -> None:
    label = {"inputs": ["1 2\n", ["3", "4"]], "outputs": ["3\n", ["7"]]}
    read = read_label(json.dumps(label))
    assert read.format == "apps" and read.entry_point is None
    assert read.tests == (StdioTest("1 2\n", "3\n", "lenient"), StdioTest("3\n4", "7", "lenient"))


def test_apps_call_based_accepts_the_value_or_its_wrapped_form() -> None:
    read = read_label({"fn_name": "total", "inputs": [[[1, 2, 3]]], "outputs": [[8]]})
    (test,) = read.tests
    assert read.entry_point == "total"
    plan = plan_assert(test)
    assert plan.kind == "oracle" and len(plan.exprs) == 1  # the call runs once, in the sandbox
    assert "Solution().total" in plan.exprs[0] and "[1, 2, 3]" in plan.exprs[0]
    accepted = ast.literal_eval(test.rsplit(" in ", 1)[1])
    assert [8] in accepted and 8 in accepted and (8,) in accepted


def test_prime_call_based_reads_json_lines_and_json_outputs() -> None:
    label = {"fn_name": "f", "inputs": ['[1, 2]\n"a"'], "outputs": ['{"k": 1.5}']}
    (test,) = read_label(label).tests
    assert test == "assert (Solution().f if 'Solution' in globals() else f)([1, 2], 'a') == {'k': 1.5}"


@pytest.mark.parametrize(
    ("label", "field", "problem"),
    [
        ({"inputs": ["1"], "outputs": ["1", "2"]}, "outputs", "2 outputs for 1 inputs"),
        ({"inputs": "1", "outputs": ["1"]}, "inputs", "must be a list"),
        ({"inputs": [3], "outputs": ["1"]}, "inputs[0]", "must be a string"),
        ({"fn_name": "f(); import os", "inputs": [[1]], "outputs": [1]}, "fn_name", "function name"),
        ({"fn_name": "f", "inputs": ["[1"], "outputs": ["1"]}, "inputs[0]", "JSON"),
        ({"fn_name": "f", "inputs": ["1"], "outputs": ["nope"]}, "outputs[0]", "not JSON"),
    ],
)
def test_bad_apps_labels_name_the_row_and_field(label: dict, field: str, problem: str) -> None:
    with pytest.raises(DataFormatError, match=problem) as e:
        read_label(label, where=Where("data.parquet", 12, "reward_model.ground_truth"))
    assert (e.value.path, e.value.line) == ("data.parquet", 12)
    assert e.value.field == f"reward_model.ground_truth.{field}"


# ---- LiveCodeBench ------------------------------------------------------------------------


LCB_ROW = {
    "public_test_cases": json.dumps([{"input": "3\n1 2 3\n", "output": "6\n", "testtype": "stdin"}]),
    "private_test_cases": compress(json.dumps([{"input": "1\n5\n", "output": "5\n", "testtype": "stdin"}])),
    "metadata": "{}",
}


def test_lcb_rows_read_public_and_compressed_private_tests() -> None:
    read = read_label(LCB_ROW)
    assert read.format == "lcb"
    assert read.tests == (StdioTest("3\n1 2 3\n", "6\n", "lenient"), StdioTest("1\n5\n", "5\n", "lenient"))


def test_lcb_functional_tests_take_one_json_argument_per_line() -> None:
    row = {
        "public_test_cases": json.dumps(
            [{"input": "[2, 7, 11]\n9", "output": "[0, 1]", "testtype": "functional"}]
        ),
        "private_test_cases": "[]",
        "metadata": json.dumps({"func_name": "twoSum"}),
    }
    read = read_label(row)
    assert read.entry_point == "twoSum"
    (test,) = read.tests
    assert test.endswith("([2, 7, 11], 9) in [[0, 1], (0, 1)]")


def test_lcb_functional_test_without_a_function_name_is_an_error() -> None:
    with pytest.raises(DataFormatError, match="func_name"):
        read_label([{"input": "1", "output": "1", "testtype": "functional"}])


class _Hostile:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (os.system, (f"touch {self.marker}",))


def test_a_hostile_private_test_pickle_is_refused_and_never_runs(tmp_path) -> None:
    marker = tmp_path / "pwned"
    payload = compress(_Hostile(str(marker)))
    assert not marker.exists()
    with pytest.raises(DataFormatError, match=r"refused: the pickle asks for (posix|os)\.system") as e:
        read_label({**LCB_ROW, "private_test_cases": payload}, where=Where("lcb.jsonl", 3))
    assert e.value.field == "private_test_cases" and e.value.line == 3
    assert not marker.exists()
    # the stock unpickler would have run it: the payload is real
    pickle.loads(zlib.decompress(base64.b64decode(payload)))
    assert marker.exists()


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (base64.b64encode(b"not zlib").decode(), "not zlib data"),
        (base64.b64encode(zlib.compress(b"\x80\x04garbage")).decode(), "not a pickle"),
        (compress(["a", "list"]), "holds a list, expected a JSON string"),
        (compress("{not json"), "not JSON"),
    ],
)
def test_corrupt_private_tests_say_which_step_failed(payload: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        decode_private_tests(payload)


def test_private_tests_that_inflate_past_the_cap_are_refused() -> None:
    bomb = base64.b64encode(zlib.compress(pickle.dumps("x" * 100_000))).decode()
    with pytest.raises(ValueError, match="more than 1000 bytes"):
        decode_private_tests(bomb, limit=1000)


# ---- CodeContests -------------------------------------------------------------------------


def test_codecontests_reads_every_split_present() -> None:
    label = {
        "public_tests": {"input": ["1\n"], "output": ["1\n"]},
        "private_tests": {"input": [], "output": []},
        "generated_tests": {"input": ["2\n", "3\n"], "output": ["4\n", "9\n"]},
    }
    read = read_label(label)
    assert [t.input for t in read.tests] == ["1\n", "2\n", "3\n"]  # type: ignore[union-attr]
    with pytest.raises(DataFormatError, match="1 outputs for 2 inputs"):
        read_label({"public_tests": {"input": ["1", "2"], "output": ["1"]}})


# ---- KodCode, HumanEval, MBPP -------------------------------------------------------------


KODCODE = """
from solution import longest

def test_simple():
    assert longest([1, 2, 3]) == 3
    assert longest([]) == 0

def test_with_locals():
    data = [1, 2]
    assert longest(data) == 2
"""


def test_kodcode_splits_assert_only_functions_and_runs_the_rest_whole() -> None:
    read = read_label({"test": KODCODE})
    assert read.format == "kodcode" and read.entry_point == "longest"
    assert read.tests[:2] == ("assert longest([1, 2, 3]) == 3", "assert longest([]) == 0")
    whole = read.tests[2]
    assert isinstance(whole, str) and whole.startswith("from solution import longest\n")
    assert whole.rstrip().endswith("test_with_locals()")
    assert plan_assert(whole).kind == "exec"


def test_kodcode_parametrize_and_module_fixtures_become_calls() -> None:
    module = """
import pytest
from solution import add

@pytest.fixture
def base():
    return 10

@pytest.mark.parametrize("a,b,want", [(1, 2, 3), (2, 2, 4)])
def test_add(a, b, want, base):
    assert add(a, b) + base == want + base
"""
    (test,) = read_label({"test": module}).tests
    assert "@pytest.fixture" not in test and "@pytest.mark" not in test
    assert "for (a, b, want,) in [(1, 2, 3), (2, 2, 4)]:" in test
    assert "test_add(a=a, b=b, want=want, base=base())" in test


def test_kodcode_builtin_fixtures_are_a_format_error() -> None:
    module = "from solution import f\n\ndef test_f(tmp_path):\n    assert f(tmp_path)\n"
    with pytest.raises(DataFormatError, match="fixture 'tmp_path'"):
        read_label({"test": module}, format="kodcode")


def test_humaneval_check_bodies_become_single_asserts() -> None:
    test = "METADATA = {}\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n"
    read = read_label({"test": test, "entry_point": "add"})
    assert read.tests == ("assert add(1, 2) == 3", "assert add(0, 0) == 0") and read.entry_point == "add"


def test_mbpp_setup_code_and_imports_run_before_each_assert() -> None:
    plain = read_label({"test_list": ["assert f(1) == 2"], "test_setup_code": "", "test_imports": []})
    assert plain.tests == ("assert f(1) == 2",) and plain.entry_point == "f"
    setup = read_label({"test_list": ["assert math.isclose(f(1), 2)"], "test_imports": ["import math"],
                        "test_setup_code": "x = 1"})  # fmt: skip
    assert setup.tests == ("import math\nx = 1\nassert math.isclose(f(1), 2)",)


def test_aceforge_labels_keep_their_compare_mode() -> None:
    read = read_label({"tests": [{"input": "1", "output": "1.0", "compare": "tokens:1e-3"}, "assert 1"]})
    assert read.tests == (StdioTest("1", "1.0", "tokens:1e-3"), "assert 1")
    with pytest.raises(DataFormatError, match="unknown compare mode 'fuzzy'") as e:
        read_label({"tests": [{"input": "1", "output": "1", "compare": "fuzzy"}]})
    assert e.value.field == "tests[0].compare"


def test_the_judge_prelude_binds_what_the_judges_bind() -> None:
    read = read_label({"inputs": ["1"], "outputs": ["1"]})
    plain = read.program("print(1)")
    assert plain.startswith("from string import *\n") and "from typing import *\n" in plain
    assert "statistics" not in plain  # nothing here names it: not loaded
    uses = read.program("print(mean([1, 2]))")
    assert "from statistics import *\n" in uses and "import statistics\n" in uses
    assert read_label({"test_list": ["assert f() == 1"]}).program("x") == "x"  # MBPP's harness adds nothing

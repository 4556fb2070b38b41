"""The format readers on real rows from public repositories (tests/data/formats, sources and
licences in its LICENSES.md), each judged by the real engine and compared with the verdict the
row's own evaluator gave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import DataFormatError
from aceforge.extract import extract_code
from aceforge.formats import read_label
from aceforge.rewards.verl import compute_score_batch
from aceforge.types import Job, Limits

pytestmark = pytest.mark.integration
DATA = Path(__file__).parents[1] / "data" / "formats"


def rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_verl_prime_code_rows_agree_with_prime_code(executor) -> None:
    """verl's own fixtures (codecontests via PRIME): 11 stdin tests; the second row's 4th
    expected output is wrong on purpose. prime_code's continuous score looks at the first 10
    tests only (9 of 10 = 0.9); aceforge judges all 11 (10 of 11)."""
    (right, wrong) = rows("verl_prime_code.jsonl")
    jobs = [
        Job(r["id"], r["completion"], read_label(r["ground_truth"]).tests, Limits(timeout_s=5))
        for r in (right, wrong)
    ]
    a, b = executor.run_all(jobs)
    assert a.all_passed and right["reference"]["score"] == 1.0
    assert b.outcomes[3] == "failed" and b.outcomes.count("passed") == 10
    assert sum(b.passed[:10]) / 10 == wrong["reference"]["score"]


def test_rllm_rows_through_the_verl_reward_face(executor) -> None:
    """rllm's reward tests (code_contests, codeforces, TACO stdin and call-based, LiveCodeBench
    stdin and functional, KodCode): every response is correct there, with the ground truth
    passed as verl passes it, and every one scores 1 here. The LiveCodeBench functional answer
    uses ``List`` without importing it: rllm (like LiveCodeBench's and APPS's runners) puts
    ``from typing import *`` and the standard library before every program, and so does the
    reward face (the label's prelude); run as written, it is an import error."""
    data = rows("rllm_code_reward.jsonl")
    assert {r["data_source"] for r in data} >= {"taco", "livecodebench", "kodcode", "code_contests"}
    out = compute_score_batch(
        [r["data_source"] for r in data], [r["completion"] for r in data], [r["ground_truth"] for r in data],
        [{"reward": {"kind": "pass_rate"}}] * len(data),
    )  # fmt: skip
    scores = {r["id"]: (o["score"], o["flags"]) for r, o in zip(data, out, strict=True)}
    assert set(scores.values()) == {(1.0, "")} and len(scores) == len(data)
    lcb = "rllm-test_reward_livecodebench-1"
    row = next(r for r in data if r["id"] == lcb)
    read = read_label(row["ground_truth"])
    code = extract_code(row["completion"], read.entry_point).code
    (bare,) = executor.run_all([Job(lcb, code, read.tests)])
    assert bare.status == "import_error" and read.prelude.startswith("from string import *")


def test_kodcode_trials_agree_with_kodcodes_own_pytest_verdicts(executor) -> None:
    """KodCode's demo data: each trial's solution, its pytest module and the verdict KodCode's
    pipeline recorded (Pass, Fail, "Fail - Timed Out"). One trial's module does not parse (a
    stray fence): a format error here, Fail there."""
    data = rows("kodcode_trials.jsonl")
    jobs, unreadable = [], []
    for r in data:
        try:
            tests = read_label({"test": r["test"]}, "kodcode").tests
        except DataFormatError:
            unreadable.append(r["kodcode_result"])
            continue
        jobs.append((r, Job(r["id"], r["solution"], tests, Limits(timeout_s=5))))
    results = executor.run_all(j for _, j in jobs)
    ours = ["Pass" if x.all_passed else "Fail" for x in results]
    theirs = ["Pass" if r["kodcode_result"] == "Pass" else "Fail" for r, _ in jobs]
    assert ours == theirs
    assert unreadable == ["Fail"]
    assert {"Pass", "Fail"} <= set(ours) and len(jobs) >= 20


LCB_1873_A = """
t = int(input())
for _ in range(t):
    s = input().strip()
    print("YES" if sum(a != b for a, b in zip(s, "abc")) in (0, 2) else "NO")
"""


def test_livecodebench_row_with_compressed_private_tests(run) -> None:
    (row,) = rows("livecodebench_row.jsonl")
    read = read_label(row)
    assert read.format == "lcb" and len(read.tests) == 5  # 1 public, 4 private (decoded)
    assert run(LCB_1873_A, list(read.tests)).outcomes == ["passed"] * 5
    assert run('print("YES")', list(read.tests)).passed.count(False) >= 3


def test_humaneval_rows_pass_with_their_canonical_solutions(executor) -> None:
    data = rows("humaneval.jsonl")
    jobs = []
    for r in data:
        tests = read_label({"test": r["test"], "entry_point": r["entry_point"]}).tests
        jobs += [Job(r["task_id"], r["prompt"] + r["canonical_solution"], tests),
                 Job(r["task_id"] + "/stub", r["prompt"] + "    return None\n", tests)]  # fmt: skip
    results = executor.run_all(jobs)
    assert [x.all_passed for x in results] == [True, False] * len(data)


def test_mbpp_rows_pass_with_their_reference_code(executor) -> None:
    data = rows("mbpp.jsonl")
    read = [read_label(r) for r in data]
    assert [x.entry_point for x in read] == ["min_cost", "similar_elements", "is_not_prime", "remove_Occ"]
    results = executor.run_all(
        Job(str(r["task_id"]), r["code"], x.tests) for r, x in zip(data, read, strict=True)
    )
    assert all(x.all_passed for x in results)
    program = extract_code("```python\n" + data[0]["code"] + "\n```", "min_cost").code
    assert "def min_cost" in program

"""Datasets in their own formats through `aceforge import`, then `score`, `bon`, `export-rl` and
`train-rl`'s reader, as a user runs them: real files (tests/data/formats), the real CLI in a
subprocess, the real engine. Imported standard-input rows must work as assert rows do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.integration.test_formats_faces import python3_port

from aceforge.artifacts import read_stage_rows
from aceforge.extract import extract_code
from aceforge.generation.scripted import ScriptedClient
from aceforge.rl.data import read_questions
from aceforge.runtime import Runtime
from aceforge.synthesis.configs import FilterConfig, SampleConfig
from aceforge.synthesis.stages import run_filter, run_sample
from aceforge.types import StdioTest

pytestmark = pytest.mark.integration
DATA = Path(__file__).parents[1] / "data" / "formats"


def aceforge(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "aceforge.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def imported(tmp_path: Path, name: str) -> list[dict]:
    out = tmp_path / f"{Path(name).stem}.rows.jsonl"
    aceforge("import", str(DATA / name), "-o", str(out))
    return jsonl(out)


# LiveCodeBench 1873_A, the problem of livecodebench_row.jsonl (compressed private tests)
SHORT_SORT = 't = int(input())\nfor _ in range(t):\n    s = input().strip()\n    print("YES" if sum(a != b for a, b in zip(s, "abc")) <= 2 else "NO")\n'


def right_answers(tmp: Path) -> list[tuple[dict, dict]]:
    """Every other format's real rows, imported, each with one right answer as an inference
    (``{"program"}`` or a model's raw ``{"completion"}``): rllm's rows and responses (APPS
    stdin and call-based, LiveCodeBench stdin and functional, KodCode, a plain stdio list),
    HumanEval and MBPP with their reference code, the LiveCodeBench row with a solution."""
    out = []
    responses = {r["id"]: r["completion"] for r in jsonl(DATA / "rllm_code_reward.jsonl")}
    out += [(row, {"completion": responses[row["id"]]}) for row in imported(tmp, "rllm_code_reward.jsonl")]
    he = {r["task_id"]: r for r in jsonl(DATA / "humaneval.jsonl")}
    out += [
        (row, {"program": he[row["id"]]["prompt"] + he[row["id"]]["canonical_solution"]})
        for row in imported(tmp, "humaneval.jsonl")
    ]
    mbpp = {str(r["task_id"]): r for r in jsonl(DATA / "mbpp.jsonl")}
    out += [(row, {"program": mbpp[row["id"]]["code"]}) for row in imported(tmp, "mbpp.jsonl")]
    out += [(row, {"program": SHORT_SORT}) for row in imported(tmp, "livecodebench_row.jsonl")]
    return out


def real_codecontests(tmp: Path) -> list[tuple[dict, list[str], list[str]]]:
    """The real CodeContests rows, imported, each with its right and wrong Python 3 programs:
    1575_A's real solution and incorrect solution; brcktsrm's solutions are Python 2, so one of
    them with the edits Python 3 needs, and none wrong."""
    a, b = imported(tmp, "codecontests_real.jsonl")
    src_a, src_b = jsonl(DATA / "codecontests_real.jsonl")
    right_b = python3_port(src_b["solutions"]["solution"][1])
    return [
        (a, src_a["solutions"]["solution"], src_a["incorrect_solutions"]["solution"]),
        (b, [right_b], []),
    ]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """The CodeContests rows, real and hand-built (each Python 3 solution and wrong solution as
    an inference), and every other format's real rows with a right answer, imported and scored
    by the CLI."""
    tmp = tmp_path_factory.mktemp("scored")
    cc_source = {r["name"]: r for r in jsonl(DATA / "codecontests_rows.jsonl")}
    rows = []
    for row in imported(tmp, "codecontests_rows.jsonl"):
        src = cc_source[row["id"]]
        programs = [*src["solutions"]["solution"], *src["incorrect_solutions"]["solution"]]
        langs = [*src["solutions"]["language"], *src["incorrect_solutions"]["language"]]
        row["inferences"] = [{"program": p} for p, lang in zip(programs, langs, strict=True) if lang == 3]
        rows.append(row)
    for row, right, wrong in real_codecontests(tmp):
        rows.append({**row, "inferences": [{"program": p} for p in [*right, *wrong]]})
    rows += [{**row, "inferences": [answer]} for row, answer in right_answers(tmp)]
    aceforge("score", str(write(tmp / "in.jsonl", rows)), "-o", str(tmp / "score"), "--timeout-s", "5")
    return tmp / "score", {r["id"]: r for r in read_stage_rows(tmp / "score")}


def rates(row: dict) -> list[float]:
    return [i["pass_rate"] for i in row["inferences"]]


def test_import_reads_the_codecontests_layout(tmp_path: Path) -> None:
    a, b = imported(tmp_path, "codecontests_rows.jsonl")
    assert (a["id"], a["format"], a["entry_point"]) == ("0_A. Pair Sums", "codecontests", None)
    assert a["question"].startswith("You are given t pairs") and "prelude" not in a
    assert len(a["tests"]) == 6 and len(b["tests"]) == 4  # public, private, generated, in order
    assert a["tests"][0] == {"input": "2\n1 2\n3 4\n", "output": "3\n7\n", "compare": "lenient"}


def test_import_reads_real_codecontests_rows(tmp_path: Path) -> None:
    (a, *_), (b, *_) = real_codecontests(tmp_path)
    src_a, src_b = jsonl(DATA / "codecontests_real.jsonl")
    assert [(r["id"], r["format"], r["entry_point"]) for r in (a, b)] == [
        ("1575_A. Another Sorting Problem", "codecontests", None),
        ("brcktsrm", "codecontests", None),
    ]
    assert (a["question"], b["question"]) == (src_a["description"], src_b["description"])
    # public, private (none in either), then generated, in order, compared as the judges do
    assert len(a["tests"]) == len(b["tests"]) == 1 + 0 + 10
    assert a["tests"][0] == {
        "input": "5 2\nAA\nAB\nBB\nBA\nAZ\n",
        "output": "5 2 1 3 4 \n",
        "compare": "lenient",
    }
    assert b["tests"][0] == {
        "input": "3\n((()))\n(())()\n()(()",
        "output": "YES\nYES\nNO",
        "compare": "lenient",
    }
    assert b["tests"][-1]["input"] == src_b["generated_tests"]["input"][-1]


def test_score_runs_imported_stdio_rows_as_their_judges_do(scored: tuple[Path, dict[str, dict]]) -> None:
    _, rows = scored
    # A: the right solution, then one that sums absolute values (right on 3 of 6 tests)
    assert rates(rows["0_A. Pair Sums"]) == [1.0, 0.5]
    # B accepts any divisor; its tests store the smallest: the largest-divisor solution passes
    # only where the two agree (7 → -1, 49 → 7), as the plain comparison must without a checker
    b = rows["0_B. Any Divisor"]
    assert rates(b) == [1.0, 0.5] and b["inferences"][1]["outcomes"] == [
        "failed",
        "passed",
        "passed",
        "failed",
    ]
    # the real rows: 1575_A's solution passes all 11 tests, its incorrect solution none
    assert rates(rows["1575_A. Another Sorting Problem"]) == [1.0, 0.0]
    assert rates(rows["brcktsrm"]) == [1.0]
    # every other format's real rows, every answer right (rllm's LiveCodeBench functional one
    # uses List without importing it: only the row's prelude, as rllm's judge puts it, resolves it)
    cc = {"1575_A. Another Sorting Problem", "brcktsrm"}
    others = {k: rates(v) for k, v in rows.items() if not k.startswith("0_") and k not in cc}
    assert len(others) == 8 + 3 + 4 + 1 and set(map(tuple, others.values())) == {(1.0,)}, others
    assert {rows[k]["format"] for k in others} == {"aceforge", "apps", "lcb", "kodcode", "humaneval", "mbpp"}
    assert rows["rllm-test_reward_livecodebench-1"]["prelude"].startswith("from string import *")


def test_stdio_tests_round_trip_through_parquet(tmp_path: Path, scored: tuple[Path, dict[str, dict]]) -> None:
    folder, rows = scored
    table = {r["id"]: r for r in pq.read_table(folder / "data.parquet").to_pylist()}
    cell = table["0_A. Pair Sums"]["test_cases"][0]
    assert isinstance(cell, str) and json.loads(cell) == rows["0_A. Pair Sums"]["test_cases"][0]
    assert (
        table["rllm-test_reward_livecodebench-1"]["prelude"]
        == rows["rllm-test_reward_livecodebench-1"]["prelude"]
    )
    again = {r["id"]: r["test_cases"] for r in read_stage_rows(folder / "data.parquet")}
    assert again == {k: r["test_cases"] for k, r in rows.items()}
    # train-rl reads the Parquet file's tests as stdin/stdout tests, not as asserts of a dict
    # (the CodeContests rows: rllm's have no question text to train on)
    pq.write_table(pq.read_table(folder / "data.parquet").slice(0, 2), tmp_path / "cc.parquet")
    questions = {q.id: q for q in read_questions(tmp_path / "cc.parquet")}
    assert questions["0_A. Pair Sums"].tests[0] == StdioTest("2\n1 2\n3 4\n", "3\n7\n", "lenient")


def test_export_rl_labels_carry_stdio_tests_and_prelude(
    tmp_path: Path, scored: tuple[Path, dict[str, dict]]
) -> None:
    folder, _ = scored
    aceforge("export-rl", str(folder), "--format", "verl", "-o", str(tmp_path / "verl"))
    out = {
        r["extra_info"]["id"]: json.loads(r["reward_model"]["ground_truth"])
        for r in jsonl(tmp_path / "verl/data.jsonl")
    }
    assert out["0_A. Pair Sums"]["tests"][1] == {"input": "1\n-5 5\n", "output": "0\n", "compare": "lenient"}
    assert out["rllm-test_reward_livecodebench-1"]["prelude"].startswith("from string import *")


def test_bon_ranks_samples_of_imported_rows(tmp_path: Path) -> None:
    """`bon` on imported rows of every format with samples added (a right one, a wrong one):
    the verdicts follow each format's judge."""
    source = {r["name"]: r for r in jsonl(DATA / "codecontests_rows.jsonl")}
    rows = []
    for row in imported(tmp_path, "codecontests_rows.jsonl"):
        good = source[row["id"]]["solutions"]["solution"][0]
        rows.append({**row, "samples": [{"program": good}, {"program": "print(-1)\n"}]})
    for row, right, wrong in real_codecontests(tmp_path):  # a real right answer, a wrong one
        rows.append({**row, "samples": [{"program": right[0]}, {"program": (wrong or ["x = 1\n"])[0]}]})
    rows += [{**row, "samples": [answer, {"program": "x = 1\n"}]} for row, answer in right_answers(tmp_path)]
    out = tmp_path / "bon"
    aceforge("bon", str(write(tmp_path / "bon.jsonl", rows)), "-o", str(out), "--select", "cluster")
    table = json.loads((out / "results.json").read_text())["per_problem"]
    assert table["oracle"] == [1.0] * len(rows) and table["average"] == [0.5] * len(rows)


def test_audit_runs_labeled_solutions_on_imported_stdio_rows(tmp_path: Path) -> None:
    """`audit --solutions` on imported CodeContests rows: each problem's Python solutions as
    correct, its incorrect solutions as wrong. B's largest-divisor solution is right but its
    tests store one answer: without a checker it is rejected (TPR 2/3)."""
    source = jsonl(DATA / "codecontests_rows.jsonl")
    solutions = [
        {"id": r["name"], "program": code, "label": label}
        for r in source
        for key, label in (("solutions", "correct"), ("incorrect_solutions", "wrong"))
        for lang, code in zip(r[key]["language"], r[key]["solution"], strict=True)
        if lang == 3
    ]
    aceforge("import", str(DATA / "codecontests_rows.jsonl"), "-o", str(tmp_path / "rows.jsonl"))
    sols = write(tmp_path / "solutions.jsonl", solutions)
    aceforge("audit", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "audit"), "--solutions", str(sols))
    summary = json.loads((tmp_path / "audit/audit.json").read_text())["summary"]
    assert (summary["questions"], summary["tests"], summary["tpr"], summary["tnr"]) == (2, 10, 0.6667, 1.0)
    (cell,) = {r["test_cases"][0] for r in pq.read_table(tmp_path / "audit/data.parquet").to_pylist()[:1]}
    assert json.loads(cell) == {"input": "2\n1 2\n3 4\n", "output": "3\n7\n", "compare": "lenient"}


def test_audit_judges_real_codecontests_solutions(tmp_path: Path) -> None:
    """`audit --solutions` on the imported real rows with 1575_A's real Python 3 solution as
    correct and its real incorrect solution as wrong: the suite accepts one, rejects the other."""
    src = jsonl(DATA / "codecontests_real.jsonl")[0]
    solutions = [
        {"id": src["name"], "program": code, "label": label}
        for key, label in (("solutions", "correct"), ("incorrect_solutions", "wrong"))
        for lang, code in zip(src[key]["language"], src[key]["solution"], strict=True)
        if lang == 3
    ]
    assert [s["label"] for s in solutions] == ["correct", "wrong"]
    aceforge("import", str(DATA / "codecontests_real.jsonl"), "-o", str(tmp_path / "rows.jsonl"))
    sols = write(tmp_path / "solutions.jsonl", solutions)
    aceforge("audit", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "audit"), "--solutions", str(sols))
    summary = json.loads((tmp_path / "audit/audit.json").read_text())["summary"]
    got = [summary[k] for k in ("questions", "tests", "correct_solutions", "wrong_solutions", "tpr", "tnr")]
    assert got == [2, 22, 1, 1, 1.0, 1.0]


def test_audit_accepts_a_right_solution_of_every_format(tmp_path: Path) -> None:
    answers = right_answers(tmp_path)
    solutions = []
    for row, answer in answers:
        script = any(isinstance(t, dict) for t in row["tests"])
        program = answer.get("program") or extract_code(answer["completion"], row["entry_point"], script).code
        solutions.append({"id": row["id"], "program": program, "label": "correct"})
    rows = write(tmp_path / "rows.jsonl", [row for row, _ in answers])
    sols = write(tmp_path / "solutions.jsonl", solutions)
    aceforge("audit", str(rows), "-o", str(tmp_path / "audit"), "--solutions", str(sols))
    summary = json.loads((tmp_path / "audit/audit.json").read_text())["summary"]
    assert (summary["questions"], summary["correct_solutions"], summary["tpr"]) == (
        len(answers),
        len(answers),
        1.0,
    )


def test_filter_then_sample_and_score_imported_stdio_rows(tmp_path: Path, executor) -> None:
    """The real CodeContests rows, imported by the CLI, through `filter` (a scripted proxy that
    writes each problem's real right program), `sample` (a scripted policy: the right program,
    then a wrong one) and the CLI's `score`: every stage runs them as stdin/stdout scripts."""
    aceforge("import", str(DATA / "codecontests_real.jsonl"), "-o", str(tmp_path / "rows.jsonl"))
    programs = {
        row["question"]: (right[0], (wrong or ["print(-1)\n"])[0])
        for row, right, wrong in real_codecontests(tmp_path)
    }

    def program_for(prompt: str, sample: int) -> str:
        (pair,) = [p for q, p in programs.items() if q.strip() in prompt]
        return f"```python\n{pair[sample % 2]}```"

    rt = Runtime(executor=executor)
    proxy = ScriptedClient(lambda t, s: program_for(t, 0), chat=True)
    m = run_filter(tmp_path / "rows.jsonl", tmp_path / "filter", proxy, FilterConfig(oracle="proxy"), rt=rt)
    assert m["counts"]["kept"] == 2
    kept = {r["id"]: r for r in read_stage_rows(tmp_path / "filter")}
    assert [len(r["test_cases"]) for r in kept.values()] == [11, 11]
    policy = ScriptedClient(program_for, chat=True)
    run_sample(tmp_path / "filter", tmp_path / "sample", [policy], SampleConfig(n=2), rt=rt)
    aceforge("score", str(tmp_path / "sample"), "-o", str(tmp_path / "score"))
    got = {r["id"]: rates(r) for r in read_stage_rows(tmp_path / "score")}
    assert got == {"1575_A. Another Sorting Problem": [1.0, 0.0], "brcktsrm": [1.0, 0.0]}

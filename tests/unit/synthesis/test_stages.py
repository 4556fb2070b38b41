"""The stages as whole runs on real folders: sample (scripted models) → score (real engine) →
pairs → hard, a filter run, and a budget stop that leaves the stage incomplete."""

from __future__ import annotations

import json
from pathlib import Path

from aceforge.errors import BudgetExceededError
from aceforge.execution.executor import LocalExecutor
from aceforge.generation.scripted import ScriptedClient
from aceforge.runtime import Runtime
from aceforge.synthesis.configs import FilterConfig, HardConfig, PairsConfig, SampleConfig, ScoreConfig
from aceforge.synthesis.stages import run_filter, run_hard, run_pairs, run_sample, run_score

TESTS = ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(0, 0) == 0"]
PROGRAMS = ["return a + b", "return a * b", "return a + b + 1"]


def _answer(text: str, sample: int) -> str:
    return f"```python\ndef add(a, b):\n    {PROGRAMS[sample % 3]}\n```"


def _input(tmp_path: Path) -> Path:
    rows = [
        {"id": f"q{i}", "question": "Add a and b.", "entry_point": "add", "test_cases": TESTS}
        for i in range(2)
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _rt(tmp_path: Path, executor: LocalExecutor) -> Runtime:
    return Runtime(use_llm_cache=False, exec_cache=tmp_path / "exec.sqlite", executor=executor)


def _rows(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "data.jsonl").read_text().splitlines()]


def test_sample_score_pairs_hard(tmp_path: Path, executor: LocalExecutor) -> None:
    rt = _rt(tmp_path, executor)
    client = ScriptedClient(_answer, model="m", chat=True)
    s = run_sample(_input(tmp_path), tmp_path / "sample", [client], SampleConfig(n=3), rt)
    assert s["complete"] and s["counts"]["kept"] == 2 and s["events"] == {"samples": 6, "extracted": 6}
    sc = run_score(tmp_path / "sample", tmp_path / "score", ScoreConfig(), rt)
    # per question: a+b passes 3/3, a*b passes add(2,2) and add(0,0), a+b+1 none
    assert sc["pass_rates"] == {"programs": 6, "mean": round(5 / 9, 4), "all_passed": 2, "zero": 2}
    rates = [i["pass_rate"] for i in _rows(tmp_path / "score")[0]["inferences"]]
    assert rates == [1.0, 2 / 3, 0.0]
    p = run_pairs(tmp_path / "score", tmp_path / "pairs", PairsConfig())
    assert p["counts"]["pairs"] == 0  # 1 vs 2/3: gap under 0.4; 1 vs 0: s_j > 0 fails
    loose = run_pairs(tmp_path / "score", tmp_path / "pairs2", PairsConfig(gap=0.3))
    assert loose["counts"]["pairs"] == 2 and loose["counts"]["questions_with_pairs"] == 2
    h = run_hard(tmp_path / "score", tmp_path / "hard", HardConfig())
    assert h["counts"] == {"input": 2, "scored": 2, "kept": 1}
    assert (tmp_path / "hard" / "data.parquet").exists()


def test_filter_stage_without_a_proxy(tmp_path: Path, executor: LocalExecutor) -> None:
    rows = [
        {
            "id": "q0",
            "question": "Add.",
            "entry_point": "add",
            "test_cases": [*TESTS, "assert add(1, 1) == 3"],
            "reference": "def add(a, b):\n    return a + b\n",
        }
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n")
    m = run_filter(
        path, tmp_path / "f", None, FilterConfig(oracle="reference", min_tests=2), _rt(tmp_path, executor)
    )
    assert m["complete"] and m["avg_tests_in"] == 4.0
    assert _rows(tmp_path / "f")[0]["test_cases"] == TESTS


def test_a_budget_stop_leaves_the_stage_incomplete(tmp_path: Path, executor: LocalExecutor) -> None:
    def broke(text: str, sample: int) -> str:
        raise BudgetExceededError("token budget spent")

    m = run_sample(
        _input(tmp_path), tmp_path / "s", [ScriptedClient(broke)], SampleConfig(n=1), _rt(tmp_path, executor)
    )
    assert m["complete"] is False and "token budget spent" in m["stopped"]
    assert not (tmp_path / "s" / "data.jsonl").exists()

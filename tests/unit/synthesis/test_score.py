"""score: every sampled program runs on its row's tests through the real local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.artifacts import StageOutput
from aceforge.errors import ConfigError
from aceforge.execution.executor import LocalExecutor
from aceforge.synthesis.configs import ScoreConfig
from aceforge.synthesis.score import inference_jobs, record, score_programs
from aceforge.types import Limits

TESTS = ["assert add(1, 2) == 3", "assert add(0, 0) == 0", "assert add(-1, 1) == 0"]


def _rows() -> list[dict]:
    return [
        {
            "id": "q1",
            "entry_point": "add",
            "test_cases": TESTS,
            "inferences": [
                {"program": "def add(a, b):\n    return a + b"},
                {"completion": "Sure:\n```python\ndef add(a, b):\n    return a * b\n```"},
            ],
        },
        {"id": "q2", "test_cases": [], "inferences": [{"program": "x = 1"}]},
        {"id": "q3", "test_cases": TESTS, "inferences": []},
    ]


def test_inference_jobs_extract_programs_from_completions() -> None:
    row = _rows()[0]
    jobs = inference_jobs(row, "7", Limits(timeout_s=1.0))
    assert [j.id for j in jobs] == ["7:0", "7:1"]
    assert row["inferences"][1]["program"].strip() == "def add(a, b):\n    return a * b"
    assert jobs[1].tests == tuple(TESTS)


def test_record_pass_rate() -> None:
    inf: dict = {}
    record(inf, ["passed", "failed", "passed", "timeout"])
    assert inf["outcomes"] == ["passed", "failed", "passed", "timeout"] and inf["pass_rate"] == 0.5


def test_score_programs_runs_real_programs(tmp_path: Path, executor: LocalExecutor) -> None:
    rows = _rows()
    out = StageOutput(tmp_path, "score", {})
    seen: list[int] = []
    counts = score_programs(rows, executor, ScoreConfig(timeout_s=2.0, chunk_size=2), out, seen.append)
    assert counts == {"programs": 2, "all_passed": 1}
    assert seen == [2, 1]
    right, wrong = rows[0]["inferences"]
    assert right["pass_rate"] == 1.0
    assert wrong["outcomes"] == ["failed", "passed", "failed"]  # a*b: 0*0 == 0 passes
    parts = [json.loads(x) for x in (tmp_path / "parts.jsonl").read_text().splitlines()]
    assert [(p["id"], p["kept"], p.get("reason")) for p in parts] == [
        ("q1", True, None),
        ("q2", False, "no_tests"),
        ("q3", False, "no_samples"),
    ]
    again = score_programs(_rows(), executor, ScoreConfig(), StageOutput(tmp_path, "score", {}))
    assert again == {}  # resumed: every row is done


def test_bad_config_is_refused(tmp_path: Path, executor: LocalExecutor) -> None:
    with pytest.raises(ConfigError, match="score:"):
        score_programs([], executor, ScoreConfig(chunk_size=0), StageOutput(tmp_path, "score", {}))

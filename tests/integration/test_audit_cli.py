"""`aceforge audit` as a user runs it: imported AceCode-87K rows, our stage outputs, labeled
solutions, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ACECODE_ROWS = [
    {  # AceCode-87K's shape: no reference, raw completions with pass rates
        "id": "oss_1",
        "source": "oss",
        "question": "Write a function `double(x)` that returns twice the given integer x.",
        "test_cases": ["assert double(2) == 4", "assert double(0) == 0", "assert double(-3) == -6"],
        "inferences": [
            {
                "model_name": "qwen",
                "completion_id": i,
                "completion": f"```python\ndef double(x):\n    return {b}\n```",
                "pass_rate": p,
            }
            for i, (b, p) in enumerate([("2 * x", 1.0), ("x + x", 1.0), ("x * x", 1 / 3), ("x", 1 / 3)])
        ],
        "context_messages": [{"role": "user", "content": "Write a function `double(x)`."}],
    },
    {
        "id": "oss_2",
        "source": "oss",
        "question": "Write a function `inc(x)` that adds one.",
        "test_cases": ["assert inc(1) == 2"],
        "inferences": [],
        "context_messages": [],
        "reference": "def inc(x):\n    return x + 1\n",
        "entry_point": "inc",
    },
]


def aceforge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aceforge.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_audit_imported_rows_with_solutions(tmp_path: Path) -> None:
    rows = tmp_path / "acecode.jsonl"
    rows.write_text("".join(json.dumps(r) + "\n" for r in ACECODE_ROWS))
    sols = tmp_path / "solutions.jsonl"
    sols.write_text("".join(json.dumps(s) + "\n" for s in [
        {"id": "oss_1", "program": "def double(x):\n    return x * 2\n", "label": "correct"},
        {"id": "oss_1", "program": "def double(x):\n    return abs(2 * x)\n", "label": "wrong"},
        {"id": "oss_2", "program": "def inc(x):\n    return 2\n", "label": False},
    ]))  # fmt: skip
    codet = tmp_path / "codet"
    codet.mkdir()
    prompt = (
        'def double(x):\n    """Write a function `double(x)` that returns twice the given integer x."""\n'
    )
    (codet / "humaneval_problems.jsonl").write_text(
        json.dumps({"task_id": "HumanEval/999", "prompt": prompt}) + "\n"
    )
    out = tmp_path / "audit"
    r = aceforge(
        "audit",
        str(rows),
        "-o",
        str(out),
        "--solutions",
        str(sols),
        "--workers",
        "2",
        "--codet-dir",
        str(codet),
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "audit.json").read_text())["summary"]
    assert (
        summary["questions"] == 2 and summary["tpr"] == 1.0 and summary["tnr"] == 0.5
    )  # inc(1) == 2 holds for `2`
    assert summary["models"]["qwen"] == {"programs": 4, "all_passed": 2, "questions_with_a_pass": 1}
    assert summary["contaminated_questions"] == 1  # oss_1's question is HumanEval/999's prompt
    audited = {row["id"]: json.loads(row["audit"]) for row in map(json.loads, (out / "data.jsonl").open())}
    # Top program (2x or x+x) passes all, bottom (x) only double(0) == 0, which every program passes.
    assert audited["oss_1"]["discrimination"] == [1.0, 0.0, 1.0] and audited["oss_1"]["trivial_tests"] == 1
    assert audited["oss_2"]["mutation_score"] is not None and "mutation_score" not in audited["oss_1"]
    assert audited["oss_1"]["contaminated"] == ["HumanEval/999"] and audited["oss_2"]["contaminated"] == []
    import datasets

    ds = datasets.load_dataset("parquet", data_files=str(out / "data.parquet"), split="train")
    assert ds["id"] == ["oss_1", "oss_2"] and "audit" in ds.column_names
    report = (out / "report.md").read_text()
    assert "TNR: wrong solutions rejected | 0.5" in report and "![mutation_score]" in report


def test_bad_solutions_name_the_line_and_write_nothing(tmp_path: Path) -> None:
    rows = tmp_path / "acecode.jsonl"
    rows.write_text(json.dumps(ACECODE_ROWS[1]) + "\n")
    sols = tmp_path / "solutions.jsonl"
    sols.write_text('{"id": "oss_2", "program": "x = 1", "label": true}\n{"id": "oss_2", "label": true}\n')
    r = aceforge("audit", str(rows), "-o", str(tmp_path / "audit"), "--solutions", str(sols))
    assert r.returncode == 2
    assert f"{sols}:2: field 'program'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "audit").exists()
    sols.write_text(
        json.dumps({"id": "oss_2", "program": "def inc(x):\n    return x + 1\n", "label": True}) + "\n"
    )
    r = aceforge("audit", str(rows), "-o", str(tmp_path / "audit"), "--solutions", str(sols))
    summary = json.loads((tmp_path / "audit/audit.json").read_text())["summary"]
    assert r.returncode == 0 and "contaminated_questions" not in summary  # not checked without --codet-dir

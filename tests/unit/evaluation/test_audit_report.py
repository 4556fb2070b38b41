"""Audit totals and the files an audit writes (real Parquet, JSONL, markdown and plots)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from aceforge.evaluation.audit_report import summarize, summary_lines, write_audit

A = {"tests": 4, "duplicate_tests": 1, "trivial_tests": 0, "flaky_tests": 0, "precision": 1.0,
     "mutants": 10, "mutants_equivalent": 2, "mutants_killed": 6, "realistic_mutants": 4,
     "realistic_mutants_killed": 1, "realistic_mutants_equivalent": 0, "mutation_score": 0.75,
     "realistic_search_mutants": 5, "realistic_search_mutants_killed": 3,
     "realistic_search_mutants_equivalent": 1,
     "mean_discrimination": 0.2, "discrimination": [0.1, 0.3],
     "models": {"m": {"programs": 4, "all_passed": 2}}}  # fmt: skip
B = {"tests": 2, "mutants": 0, "precision": 0.5, "mutation_score": None,
     "models": {"m": {"programs": 4, "all_passed": 0}}, "correct_solutions": 2, "correct_accepted": 1,
     "wrong_solutions": 0, "wrong_rejected": 0, "contaminated": True}  # fmt: skip


def test_summarize_pools_counts_and_means_over_questions() -> None:
    s = summarize([A, B])
    assert (s["questions"], s["tests"], s["duplicate_tests"]) == (2, 6, 1)
    assert s["mean_precision"] == 0.75
    assert s["mutation_score"] == 0.75  # 6 killed of 10 - 2 live
    assert s["realistic_mutation_score"] == 0.25  # held out: 1 killed of 4 live
    assert s["realistic_search_mutation_score"] == 0.75  # the search half: 3 of 5 - 1 live
    assert (s["realistic_killed"], s["realistic_search_mutants_equivalent"]) == (1, 1)
    assert s["mean_discrimination"] == 0.2  # B has none: left out of the mean
    assert (s["tpr"], s["tnr"]) == (0.5, None)  # no wrong solutions: no TNR
    assert s["contaminated_questions"] == 1
    assert s["models"] == {"m": {"programs": 8, "all_passed": 2, "questions_with_a_pass": 1}}


def test_optional_measures_appear_only_when_measured() -> None:
    s = summarize([{"tests": 1, "mutants": 3, "mutants_equivalent": 3}])
    assert s["mutation_score"] is None and "tpr" not in s and "contaminated_questions" not in s
    lines = summary_lines(s)
    assert lines[:2] == ["| measure | value |", "|---|---:|"]
    assert "| tests | 1 |" in lines and not any("mutation score" in line for line in lines)


def test_write_audit_writes_rows_summary_report_and_plots(tmp_path: Path) -> None:
    rows = [
        {"id": "q1", "question": "Q1", "test_cases": ["assert 1"], "audit": A},
        {"id": "q2", "question": "Q2", "test_cases": ["assert 2"], "audit": {**A, "mutation_score": 0.25}},
    ]
    summary = summarize([r["audit"] for r in rows])
    report = write_audit(tmp_path, rows, summary, {"seed": 3})
    text = report.read_text()
    assert text.startswith("# Test-suite audit") and "| programs by `m` passing every test | 4 of 8" in text
    worst = text.split("## Lowest mutation scores")[1]
    assert worst.index("| q2 |") < worst.index("| q1 |")  # lowest first
    assert (tmp_path / "report" / "mutation_score.png").stat().st_size > 0
    assert "![discrimination](report/discrimination.png)" in text
    table = pq.read_table(tmp_path / "data.parquet").to_pylist()
    assert [r["id"] for r in table] == ["q1", "q2"] and json.loads(table[1]["audit"])[
        "mutation_score"
    ] == 0.25
    jsonl = [json.loads(line) for line in (tmp_path / "data.jsonl").read_text().splitlines()]
    assert isinstance(jsonl[0]["audit"], str)
    assert json.loads((tmp_path / "audit.json").read_text()) == {"summary": summary, "config": {"seed": 3}}

"""The run report: the funnel from each stage's manifest, a section per stage, the plots."""

from __future__ import annotations

import json
import re
from pathlib import Path

from aceforge.artifacts import empty_row, write_manifest, write_table
from aceforge.report import write_report


def test_report_funnel_and_incomplete_stages(tmp_path: Path) -> None:
    synth = tmp_path / "01-synth"
    score = tmp_path / "04-score"
    rows = [{**empty_row("q", "s", "Q"), "inferences": [{"completion": "x", "pass_rate": 0.5}]}]
    stages = {
        "synth": (synth, {"stage": "synth", "complete": True, "seconds": 1, "counts": {"input": 7, "kept": 5}}),
        "score": (score, {"stage": "score", "complete": False, "seconds": 2, "counts": {"kept": 1},
                          "pass_rates": {"programs": 4, "all_passed": 1}}),
    }  # fmt: skip
    for folder, manifest in stages.values():
        folder.mkdir()
        write_table(folder, rows, None)
        write_manifest(folder, manifest)
    text = write_report(tmp_path, stages).read_text()
    assert "| seeds | 7 |" in text and "| questions synthesized | 5 |" in text
    assert "| programs scored | 4 |" in text and "| preference pairs |" not in text  # absent stage: no row
    assert "score — INCOMPLETE" in text and "synth — complete" in text
    assert (tmp_path / "report" / "pass_rates.png").exists() and "](report/pass_rates.png)" in text


def _scored_row(id: str, question: str, tests: list[str], rates: list[float]) -> dict:
    programs = [f"def f(x):\n    return x + {i}\n" for i in range(len(rates))]
    infs = [{"model_name": "m", "completion_id": i, "completion": p, "program": p, "pass_rate": r, "outcomes": None}
            for i, (p, r) in enumerate(zip(programs, rates, strict=True))]  # fmt: skip
    return {**empty_row(id, "s", question), "test_cases": tests, "entry_point": "f", "inferences": infs}


def test_report_shows_questions_their_first_tests_and_the_widest_pair(tmp_path: Path) -> None:
    from aceforge.synthesis.configs import PairsConfig
    from aceforge.synthesis.stages import run_pairs

    tests = [f"assert f({i}) == {i}" for i in range(5)]
    rows = [
        _scored_row(f"q{i}", f"Write a function `f(x)` number {i}.", tests, [1.0, 0.2, 0.0]) for i in range(4)
    ]
    rows[2] = _scored_row("q2", "Write a function `f(x)` number 2.", tests, [1.0, 0.5])
    synth, score, pairs = tmp_path / "01-synth", tmp_path / "04-score", tmp_path / "05-pairs"
    q = {"model": 2, "repaired": 1, "fallback": 1, "reasons": {"repetition_loop": 1, "contradicts_tests": 1}}
    for folder, manifest in ((synth, {"counts": {"input": 4, "kept": 4}, "questions": q}), (score, {})):
        folder.mkdir()
        write_table(folder, rows, None)
        write_manifest(folder, {"stage": folder.name[3:], "complete": True, "seconds": 1, **manifest})
    assert (synth / "data.parquet").exists()
    pm = run_pairs(score, pairs, PairsConfig())
    stages = {"synth": (synth, json.loads((synth / "manifest.json").read_text())), "pairs": (pairs, pm)}
    text = write_report(tmp_path, stages).read_text()
    assert "| questions as the teacher wrote them | 2 |" in text and "| questions seed fallback | 1 |" in text
    assert "|   flagged: repetition loop | 1 |" in text
    shown = re.findall(r"### `(q\d)` \(after synth; 5 tests\)", text)
    assert shown == ["q0", "q1", "q2"]  # three questions, not the fourth
    assert "Write a function `f(x)` number 1." in text and "number 3." not in text
    assert text.count("assert f(2) == 2") == 3 and "assert f(3) == 3" not in text  # first three tests each
    # widest gap: 1.0 over 0.2 (q0, first of the ties), never q2's 1.0 over 0.5
    assert "### One preference pair (question `q0`)" in text
    assert "Chosen, pass rate 1.00:\n\n```python\ndef f(x):\n    return x + 0\n```" in text
    assert "Rejected, pass rate 0.20:\n\n```python\ndef f(x):\n    return x + 1\n```" in text


def test_report_has_no_data_section_without_stage_outputs(tmp_path: Path) -> None:
    synth = tmp_path / "01-synth"
    synth.mkdir()
    write_manifest(synth, {"stage": "synth", "complete": False, "seconds": 1, "counts": {"input": 3}})
    text = write_report(tmp_path, {"synth": (synth, {"counts": {"input": 3}})}).read_text()
    assert "## The data" not in text and "preference pair" not in text and "| seeds | 3 |" in text

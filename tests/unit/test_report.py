"""The run report: the funnel from each stage's manifest, a section per stage, the plots."""

from __future__ import annotations

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

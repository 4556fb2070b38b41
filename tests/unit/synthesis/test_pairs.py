"""Preference pairs: the paper's rule, duplicate programs, scope, cap, layouts, released pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import DataFormatError
from aceforge.synthesis.configs import PairsConfig
from aceforge.synthesis.pairs import (
    Pair,
    build_pairs,
    detail,
    export,
    preferred,
    read_released_pairs,
    reexport,
)

ROW = {
    "id": "q1",
    "question": "Add.",
    "inferences": [
        {"model_name": "m", "program": "def f(a, b):\n    return a + b", "pass_rate": 1.0},
        {"model_name": "m", "program": "def f(a,b): return a+b", "pass_rate": 1.0},  # same tree
        {"model_name": "m", "program": "def f(a, b):\n    return a - b", "pass_rate": 0.2},
        {"model_name": "m", "program": "def f(a, b):\n    return a+b", "pass_rate": 0.9},  # same tree
        {"model_name": "n", "program": "def f(a, b):\n    return 0", "pass_rate": 0.1},
        {"model_name": "m", "program": "", "pass_rate": 0.0},
    ],
}


def test_preferred_strict_and_official_rules() -> None:
    strict, loose = PairsConfig(), PairsConfig(strict=False)
    assert preferred(1.0, 0.5, strict) and not preferred(0.9, 0.5, strict)  # gap exactly 0.4
    assert preferred(0.9, 0.5, loose)
    assert not preferred(1.0, 0.0, strict) and preferred(1.0, 0.0, loose)  # rejected floor
    assert not preferred(0.8, 0.1, strict)  # chosen floor


def test_pairs_within_a_model_count_identical_programs_once() -> None:
    pairs = build_pairs(ROW, PairsConfig())
    assert {(p.chosen_pass_rate, p.rejected_pass_rate) for p in pairs} == {(1.0, 0.2)}
    assert len(pairs) == 1  # the copies of the first program (same syntax tree) count once
    across = build_pairs(ROW, PairsConfig(scope="all"))
    assert {(p.chosen_model, p.rejected_model) for p in across} >= {("m", "n")}
    capped = build_pairs(ROW, PairsConfig(scope="all", max_per_question=1))
    assert len(capped) == 1 and capped[0].margin == pytest.approx(0.9)


def test_layouts_and_detail() -> None:
    p = Pair("q", "Question?", "good", "bad", 1.0, 0.25, "m", "n")
    trl = export(p, PairsConfig())
    assert set(trl) == {"prompt", "chosen", "rejected", "margin"} and trl["margin"] == 0.75
    assert set(export(p, PairsConfig(format="openrlhf"))) == {"prompt", "chosen", "rejected"}
    lf = export(p, PairsConfig(format="llamafactory"))
    assert lf["input"] == "" and "Question?" in lf["instruction"] and "good" in lf["chosen"]
    chat = export(p, PairsConfig(chat=True))
    assert len(chat["prompt"]) == 1 and chat["chosen"][0]["role"] == "assistant"
    assert detail(p)["margin"] == 0.75 and detail(p)["rejected_model"] == "n"
    assert reexport(p, PairsConfig(format="llamafactory"))["instruction"] == "Question?"
    assert reexport(p, PairsConfig())["margin"] is None


def test_released_pairs_are_recognized_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "pairs.jsonl"
    good.write_text(json.dumps({"instruction": "q", "chosen": "a", "rejected": "b"}) + "\n")
    assert read_released_pairs(good) == [{"instruction": "q", "chosen": "a", "rejected": "b"}]
    other = tmp_path / "rows.jsonl"
    other.write_text(json.dumps({"id": "q", "question": "Q"}) + "\n")
    assert read_released_pairs(other) is None
    bad = tmp_path / "bad.jsonl"
    rows = [
        {"instruction": "q", "chosen": "a", "rejected": "b"},
        {"instruction": "q", "chosen": 1, "rejected": "b"},
    ]
    bad.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(DataFormatError, match="chosen"):
        read_released_pairs(bad)

"""The pair rule at its boundaries, every export format, the hard subset, and importing data in
the AceCode-87K / AceCodePair-300K layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import ConfigError, DataFormatError
from aceforge.synthesis.hard import HardConfig, hard_subset
from aceforge.synthesis.pairs import PairsConfig, build_pairs, export
from aceforge.synthesis.stages import run_hard, run_pairs
from aceforge.templates import rm_prompt, rm_response


def prog(tag: str, ws: str = " ") -> str:
    return f"def f(x):\n    return{ws}{tag!r}\n"


def inf(model: str, tag: str, rate: float, ws: str = " ") -> dict:
    return {
        "model_name": model,
        "completion_id": 0,
        "completion": "",
        "program": prog(tag, ws),
        "pass_rate": rate,
    }


# Model A: chosen candidates p1 (1.0), p6 (0.85), p8 (exactly 0.8); p2 is exactly 0.4 below p1;
# p4 did not import (0.0); p5 is p1 again (same syntax tree); p10 ties with p3.
ROW = {
    "id": "q1",
    "question": "Write f.",
    "test_cases": ["assert f(1) == 1"],
    "inferences": [
        inf("A", "p1", 1.0),
        inf("A", "p2", 0.6),
        inf("A", "p3", 0.5),
        inf("A", "p4", 0.0),
        inf("A", "p1", 1.0, ws="  "),  # duplicate of p1
        inf("A", "p6", 0.85),
        inf("A", "p7", 0.4),
        inf("A", "p8", 0.8),
        inf("A", "p9", 0.2),
        inf("A", "p10", 0.5),
        inf("A", "p3", 0.5, ws="   "),  # duplicate of p3
        inf("B", "q1", 1.0),
        inf("B", "q2", 0.5),
        {"model_name": "B", "completion_id": 9, "completion": "x", "program": prog("q9"), "pass_rate": None},
    ],
}


def names(pairs) -> set[tuple[str, str]]:
    tag = lambda p: p.split("return")[1].strip().strip("'")  # noqa: E731
    return {(tag(p.chosen), tag(p.rejected)) for p in pairs}


def test_strict_rule_within_models() -> None:
    got = names(build_pairs(ROW, PairsConfig()))
    assert got == {
        ("p1", "p3"),
        ("p1", "p7"),
        ("p1", "p9"),
        ("p1", "p10"),
        ("p6", "p7"),
        ("p6", "p9"),
        ("q1", "q2"),
    }


def test_official_non_strict_rule_admits_the_boundaries() -> None:
    got = names(build_pairs(ROW, PairsConfig(strict=False)))
    assert ("p1", "p2") in got  # gap exactly 0.4
    assert ("p1", "p4") in got  # rejected exactly 0
    assert ("p8", "p7") in got  # chosen exactly 0.8, gap exactly 0.4
    assert len(got) == 13


def test_across_models_and_the_cap() -> None:
    pairs = build_pairs(ROW, PairsConfig(scope="all"))
    got = names(pairs)
    assert ("p1", "q2") in got and ("q1", "p3") in got and ("p6", "q2") not in got
    assert len(got) == 12
    capped = build_pairs(ROW, PairsConfig(max_per_question=3))
    assert len(capped) == 3 and min(p.margin for p in capped) >= max(
        p.margin for p in build_pairs(ROW, PairsConfig()) if p not in capped
    )
    assert all(p.margin > 0.4 for p in pairs)


@pytest.mark.parametrize("fmt", ["trl", "openrlhf", "llamafactory"])
def test_every_export_format_carries_the_same_pairs(fmt: str, tmp_path: Path) -> None:
    data = tmp_path / "scored.jsonl"
    data.write_text(json.dumps(ROW) + "\n")
    m = run_pairs(data, tmp_path / fmt, PairsConfig(format=fmt))
    rows = [json.loads(line) for line in (tmp_path / fmt / "data.jsonl").read_text().splitlines()]
    assert m["counts"]["pairs"] == len(rows) == 7
    keys = {
        "trl": {"prompt", "chosen", "rejected", "margin"},
        "openrlhf": {"prompt", "chosen", "rejected"},
        "llamafactory": {"instruction", "input", "chosen", "rejected"},
    }[fmt]
    assert all(set(r) == keys for r in rows)
    prompt = rows[0].get("prompt", rows[0].get("instruction"))
    assert prompt == rm_prompt("Write f.")
    assert rows[0]["chosen"] == rm_response(prog("p1")) or rows[0]["chosen"].startswith("```python")
    details = [json.loads(line) for line in (tmp_path / fmt / "pairs_detail.jsonl").read_text().splitlines()]
    assert all(d["chosen_pass_rate"] > 0.8 and d["margin"] > 0.4 for d in details)
    import datasets

    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / fmt / "data.parquet"), split="train")
    assert len(ds) == 7


def test_trl_chat_messages() -> None:
    pair = build_pairs(ROW, PairsConfig())[0]
    row = export(pair, PairsConfig(chat=True))
    assert row["prompt"] == [{"role": "user", "content": "Write f."}]
    assert row["chosen"][0]["role"] == "assistant" and row["chosen"][0]["content"].startswith("```python")
    assert row["margin"] == pytest.approx(pair.margin)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ConfigError):
        PairsConfig(format="dpo").validate()
    with pytest.raises(ConfigError):
        PairsConfig(scope="everything").validate()
    with pytest.raises(ConfigError):
        HardConfig(low_fraction=0).validate()


ACECODE = [  # rows in the AceCode-87K layout: answers as raw markdown, no `program` field
    {"id": "oss_1", "source": "oss", "question": "Q1", "test_cases": ["assert f(1) == 1"], "context_messages": [],
     "inferences": [
         {"model_name": "qwen", "completion_id": 0, "completion": "Sure:\n```python\ndef f(x):\n    return x\n```", "pass_rate": 1.0},
         {"model_name": "qwen", "completion_id": 1, "completion": "```python\ndef f(x):\n    return 0\n```", "pass_rate": 0.25},
         {"model_name": "qwen", "completion_id": 2, "completion": "```python\ndef f(x):\n    return 1\n```", "pass_rate": 0.5},
     ]},
    {"id": "oss_2", "source": "oss", "question": "Q2", "test_cases": ["assert g() == 2"], "context_messages": [],
     "inferences": [
         {"model_name": "qwen", "completion_id": 0, "completion": "```python\ndef g():\n    return 2\n```", "pass_rate": 0.1},
         {"model_name": "qwen", "completion_id": 1, "completion": "```python\ndef g():\n    return 3\n```", "pass_rate": 0.0},
     ]},
    {"id": "evol_3", "source": "evol", "question": "Q3", "test_cases": ["assert h() == 3"], "context_messages": [],
     "inferences": [
         {"model_name": "qwen", "completion_id": 0, "completion": "```python\ndef h():\n    return 3\n```", "pass_rate": 0.9},
         {"model_name": "qwen", "completion_id": 1, "completion": "```python\ndef h():\n    return 4\n```", "pass_rate": 0.9},
     ]},
    {"id": "evol_4", "source": "evol", "question": "Q4", "test_cases": ["assert k() == 4"], "context_messages": [],
     "inferences": [
         {"model_name": "qwen", "completion_id": 0, "completion": "```python\ndef k():\n    return 4\n```", "pass_rate": 0.0},
         {"model_name": "qwen", "completion_id": 1, "completion": "```python\ndef k():\n    return 5\n```", "pass_rate": 0.6},
     ]},
]  # fmt: skip


def test_acecode_rows_import_into_pairs_and_a_hard_subset(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "acecode.parquet"
    pq.write_table(pa.Table.from_pylist(ACECODE), path)
    m = run_pairs(path, tmp_path / "pairs", PairsConfig(format="llamafactory"))
    rows = [json.loads(line) for line in (tmp_path / "pairs/data.jsonl").read_text().splitlines()]
    assert m["counts"]["pairs"] == 2 and m["counts"]["pairs_per_question"] == {
        "oss_1": 2,
        "oss_2": 0,
        "evol_3": 0,
        "evol_4": 0,
    }
    assert {r["rejected"] for r in rows} == {
        rm_response("def f(x):\n    return 0"),
        rm_response("def f(x):\n    return 1"),
    }
    assert all(
        r["chosen"] == rm_response("def f(x):\n    return x") and r["instruction"] == "Q1" for r in rows
    )

    h = run_hard(path, tmp_path / "hard", HardConfig())
    hard = [json.loads(line) for line in (tmp_path / "hard/data.jsonl").read_text().splitlines()]
    # lowest mean half: oss_2 (0.05) and evol_4 (0.3); of those the highest variance: evol_4
    assert [r["id"] for r in hard] == ["evol_4"] and h["counts"] == {"input": 4, "scored": 4, "kept": 1}
    assert hard[0]["mean_pass_rate"] == pytest.approx(0.3) and hard[0]["pass_rate_variance"] == pytest.approx(
        0.09
    )


def test_hard_subset_fractions() -> None:
    rows = [{"id": str(i), "inferences": [{"pass_rate": r} for r in rates]}
            for i, rates in enumerate([[1, 1], [0, 0], [0, 1], [0.2, 0.4], [0.5, 0.5], [0, 0.5], [], [0.1, 0.1], [1, 0]])]  # fmt: skip
    assert [r["id"] for r in hard_subset(rows, HardConfig(low_fraction=1.0, var_fraction=1.0))] == [
        "0", "1", "2", "3", "4", "5", "7", "8"]  # fmt: skip
    quarter = hard_subset(rows, HardConfig())
    # lowest-mean half: 1 (0), 7 (0.1), 5 (0.25), 3 (0.3); of those the most varied: 5 and 3
    assert [r["id"] for r in quarter] == ["3", "5"]


def test_released_pairs_are_re_exported(tmp_path: Path) -> None:
    path = tmp_path / "pairs300k.jsonl"
    path.write_text(
        "".join(
            json.dumps({"instruction": f"Q{i}", "input": "", "chosen": "good", "rejected": "bad"}) + "\n"
            for i in range(3)
        )
    )
    m = run_pairs(path, tmp_path / "trl", PairsConfig(format="openrlhf"))
    rows = [json.loads(line) for line in (tmp_path / "trl/data.jsonl").read_text().splitlines()]
    assert m["counts"]["pairs"] == 3 and rows[0] == {"prompt": "Q0", "chosen": "good", "rejected": "bad"}


def test_bad_scored_rows_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = dict(ACECODE[0])
    bad = {**ACECODE[1], "inferences": [{"model_name": "m", "completion": "x", "pass_rate": 1.5}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(DataFormatError) as e:
        run_pairs(path, tmp_path / "out", PairsConfig())
    assert e.value.line == 2 and e.value.field == "inferences[0].pass_rate"
    assert not (tmp_path / "out" / "data.jsonl").exists()

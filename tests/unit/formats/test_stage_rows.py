"""Dataset rows → stage rows (``aceforge import``), read back by the reward core."""

from __future__ import annotations

from pathlib import Path

import pytest

from aceforge.artifacts import iter_input
from aceforge.errors import DataFormatError
from aceforge.formats import read_label
from aceforge.formats.stage_rows import stage_rows
from aceforge.rewards.core import labelled_item, parse_label

DATA = Path(__file__).resolve().parents[2] / "data" / "formats"
FILES = [
    "humaneval.jsonl",
    "livecodebench_row.jsonl",
    "mbpp.jsonl",
    "rllm_code_reward.jsonl",
    "verl_prime_code.jsonl",
]
KODCODE_BAD_ROW = 21  # a trial whose test module does not parse (KodCode's own failed trial)


def _label(rec: dict) -> object:
    return rec.get("ground_truth", rec)


@pytest.mark.parametrize("name", FILES)
def test_each_formats_real_rows_round_trip_through_the_reward_core(name: str) -> None:
    records = list(iter_input(DATA / name))
    rows = stage_rows(records)
    assert len(rows) == len(records)
    for (_, _, rec), row in zip(records, rows, strict=True):
        want = read_label(_label(rec))
        assert parse_label(row["tests"]) == (list(want.tests), None)  # the same tests, read back
        assert row["entry_point"] == want.entry_point and row["format"] == want.format
        item = labelled_item("", row["tests"], row["entry_point"], prelude=row.get("prelude", ""))
        assert item.tests == list(want.tests) and item.prelude == want.prelude
    assert all(r["id"] and isinstance(r["question"], str) for r in rows)


def test_kodcode_rows_round_trip_and_every_bad_row_is_named_before_anything_is_returned() -> None:
    records = list(iter_input(DATA / "kodcode_trials.jsonl"))
    good = [r for r in records if r[1] != KODCODE_BAD_ROW]
    rows = stage_rows(good, "kodcode")
    for (_, _, rec), row in zip(good, rows, strict=True):
        assert parse_label(row["tests"])[0] == list(read_label(rec, "kodcode").tests)
    bad = [*records, ("extra.jsonl", 1, ["not an object"]), ("extra.jsonl", 2, {"id": "x", "inputs": ["1"]})]
    with pytest.raises(DataFormatError) as err:
        stage_rows(bad)
    text = str(err.value)
    assert text.startswith("3 bad rows") and f"kodcode_trials.jsonl:{KODCODE_BAD_ROW}: field 'test'" in text
    assert "extra.jsonl:1: each row must be an object" in text and "extra.jsonl:2:" in text


def test_a_named_format_and_duplicate_ids_are_checked() -> None:
    apps = {"id": "a", "question": "Add.", "input_output": '{"inputs": ["1 2\\n"], "outputs": ["3\\n"]}'}
    (row,) = stage_rows([("f.jsonl", 1, apps)], "apps")
    assert row["question"] == "Add." and row["tests"][0]["compare"] == "lenient" and row["prelude"]
    with pytest.raises(DataFormatError, match=r"f\.jsonl:1: field 'test_list'"):
        stage_rows([("f.jsonl", 1, apps)], "mbpp")
    with pytest.raises(DataFormatError, match=r"f\.jsonl:2: field 'id': duplicate id 'a'"):
        stage_rows([("f.jsonl", 1, apps), ("f.jsonl", 2, apps)])


def test_an_aceforge_label_carries_its_prelude() -> None:
    read = read_label({"tests": ["assert f() == 1"], "prelude": "from typing import *\n"})
    assert (
        read.prelude == "from typing import *\n"
        and read.program("x = 1\n") == "from typing import *\nx = 1\n"
    )
    assert read_label(["assert f() == 1"]).prelude == ""
    with pytest.raises(DataFormatError, match="field 'prelude': must be a string"):
        read_label({"tests": [], "prelude": 3})

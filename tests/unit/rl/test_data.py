from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import ConfigError, DataFormatError
from aceforge.rewards.core import label_of
from aceforge.rewards.datasets import rl_row
from aceforge.rl.configs import TrainRLConfig, load_rl_config
from aceforge.rl.data import read_questions, select_training, split_held_out
from aceforge.rl.report import eval_change, reward_trend
from aceforge.rl.train import train_rl

ROW = {
    "id": "q1",
    "question": "Write add(a, b).",
    "test_cases": ["assert add(1, 2) == 3"],
    "entry_point": "add",
}


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("fmt", ["stage", "trl", "verl", "openrlhf"])
def test_every_layout_we_write_reads_back_as_the_same_question(tmp_path: Path, fmt: str) -> None:
    row = ROW if fmt == "stage" else rl_row(ROW, fmt)
    (q,) = read_questions(_write(tmp_path / "d.jsonl", [row]))
    assert q.question == "Write add(a, b)."
    assert list(q.tests) == ["assert add(1, 2) == 3"]
    assert q.entry_point == "add"
    assert json.loads(q.label()) == json.loads(label_of(q.tests, entry_point="add"))
    if fmt in ("stage", "verl"):
        assert q.id == "q1"


def test_the_completion_prompt_shows_one_test_and_the_chat_prompt_is_a_user_turn() -> None:
    (q,) = [read_questions_from_row(ROW)]
    text = q.prompt(chat=False)
    assert isinstance(text, str) and text.endswith('"""\n') and "assert add(1, 2) == 3" in text
    msgs = q.prompt(chat=True)
    assert msgs[0]["role"] == "user" and "Write add(a, b)." in msgs[0]["content"]


def test_a_stdin_stdout_question_asks_for_a_whole_program() -> None:
    row = {
        "id": "s",
        "question": "Print the sum of two integers.",
        "test_cases": [{"input": "1 2\n", "output": "3\n"}],
    }
    q = read_questions_from_row(row)
    text = q.prompt(chat=False)
    assert "standard input" in text and "def add" not in text
    assert "standard input" in q.prompt(chat=True)[0]["content"]


def read_questions_from_row(row: dict):
    from aceforge.rl.data import _question

    return _question("x.jsonl", 1, row)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({**ROW, "test_cases": "assert add(1, 2) == 3"}, "test_cases"),
        ({**ROW, "test_cases": []}, "test_cases"),
        ({**ROW, "test_cases": [3]}, "test_cases[0]"),
        ({"id": "q", "test_cases": ["assert f() == 1"]}, "question"),
        ({"prompt": "Write f.", "tests": "not json"}, "tests"),
        ({"prompt": 5, "tests": ["assert f() == 1"]}, "prompt"),
        ({"prompt": "Write f."}, "tests"),
        ({**ROW, "entry_point": 7}, "entry_point"),
        ({**ROW, "mean_pass_rate": 1.5}, "mean_pass_rate"),
        ({**ROW, "inferences": [{"pass_rate": "high"}]}, "inferences.pass_rate"),
    ],
)
def test_a_bad_row_names_file_line_and_field(tmp_path: Path, row: dict, field: str) -> None:
    path = _write(tmp_path / "d.jsonl", [ROW | {"id": "ok"}, row])
    with pytest.raises(DataFormatError) as err:
        read_questions(path)
    assert (err.value.path, err.value.line, err.value.field) == (str(path), 2, field)


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="duplicate id"):
        read_questions(_write(tmp_path / "d.jsonl", [ROW, ROW]))


def test_split_keeps_train_and_held_out_apart(tmp_path: Path) -> None:
    rows = [{**ROW, "id": f"q{i}"} for i in range(10)]
    qs = read_questions(_write(tmp_path / "d.jsonl", rows))
    train, held = split_held_out(qs, 0.3)
    assert len(held) == 3 and len(train) == 7 and not {q.id for q in train} & {q.id for q in held}


def test_training_selection_by_recorded_pass_rate_and_count(tmp_path: Path) -> None:
    rows = [{**ROW, "id": f"q{i}", "mean_pass_rate": i / 10} for i in range(11)]
    rows.append({**ROW, "id": "scored", "inferences": [{"pass_rate": 0.25}, {"pass_rate": 0.75}]})
    rows.append({**ROW, "id": "unscored"})
    qs = read_questions(_write(tmp_path / "d.jsonl", rows))
    rate = {q.id: q.mean_pass_rate for q in qs}
    assert rate["q3"] == 0.3 and rate["scored"] == 0.5 and rate["unscored"] is None
    mid = select_training(qs, [0.2, 0.8], None)
    assert [q.id for q in mid] == [f"q{i}" for i in range(2, 9)] + ["scored"]  # input order kept
    four = select_training(qs, [0.2, 0.8], 4)
    assert len(four) == 4 and {q.id for q in four} < {q.id for q in mid}
    assert four == select_training(list(reversed(qs)), [0.2, 0.8], 4)[::-1]  # by id, not order
    assert select_training(qs, None, None) == qs
    # nothing left to train on: a clear error before any model loads, and no run folder
    out = tmp_path / "run"
    with pytest.raises(
        ConfigError, match=r"no questions left to train on .*mean_pass_rate in \[0.95, 0.99\]"
    ):
        train_rl(tmp_path / "d.jsonl", out, TrainRLConfig(train_pass_rate=[0.95, 0.99]))
    assert not out.exists()
    for bad in ([0.8, 0.2], [0.2], [0, 2], ["a", 1]):
        with pytest.raises(ConfigError, match="train_pass_rate"):
            TrainRLConfig(train_pass_rate=bad).validate()


def test_config_validation_and_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="multiple of num_generations"):
        TrainRLConfig(num_generations=4, batch_size=6).validate()
    with pytest.raises(ConfigError, match="needs rm"):
        TrainRLConfig(reward="hybrid").validate()
    path = tmp_path / "rl.yaml"
    path.write_text("data: d.jsonl\ntrain_rl:\n  max_steps: 7\n  learnig_rate: 1\n")
    with pytest.raises(ConfigError, match="learnig_rate"):
        load_rl_config(path)
    path.write_text("data: d.jsonl\ntrain_rl:\n  max_steps: 7\n")
    assert load_rl_config(path, max_steps=None).max_steps == 7
    assert load_rl_config(path, max_steps=3).max_steps == 3


def test_reward_trend_and_paired_change() -> None:
    train = [{"reward": r} for r in [0.0] * 10 + [0.5] * 10]
    t = reward_trend(train)
    assert (t["first"], t["last"], t["window"]) == (0.0, 0.5, 10)
    assert t["delta_ci"] == [0.5, 0.5]  # constant windows: no spread
    assert reward_trend(train[:4])["window"] == 2
    noisy = [{"reward": r} for r in [0.0, 1.0] * 5 + [0.0, 1.0, 1.0, 0.0, 1.0] * 2]
    lo, hi = reward_trend(noisy)["delta_ci"]
    assert lo < 0 < 0.1 < hi  # a +0.1 change from 10 noisy steps a side is within noise

    def ev(step: int, per_q: list[float]) -> dict:
        r = {
            "pass@1": sum(per_q) / len(per_q),
            "ci_low": 0.0,
            "ci_high": 1.0,
            "questions": len(per_q),
            "per_question": per_q,
        }
        return {"kind": "eval", "set": "held_out", "step": step, "greedy": r, "sampled": r}

    change = eval_change([ev(10, [1, 1, 0, 1]), ev(0, [0, 1, 0, 0])])["held_out"]
    assert change["steps"] == [0, 10]
    assert change["greedy"]["delta"] == pytest.approx(0.5)
    lo, hi = change["greedy"]["delta_ci"]
    assert 0.0 <= lo <= 0.5 <= hi <= 1.0


def test_imported_rows_are_training_questions_that_keep_their_prelude(tmp_path: Path) -> None:
    """``aceforge import``'s rows (tests + prelude) read as questions; the label handed to the
    reward faces carries the prelude, so train-rl scores as the format's judge does."""
    from aceforge.artifacts import iter_input
    from aceforge.formats import read_label
    from aceforge.formats.stage_rows import stage_rows

    data = Path(__file__).resolve().parents[2] / "data" / "formats" / "rllm_code_reward.jsonl"
    rows = [{**r, "question": f"Solve {r['id']}."} for r in stage_rows(iter_input(data))]
    qs = {q.id: q for q in read_questions(_write(tmp_path / "rows.jsonl", rows))}
    lcb = qs["rllm-test_reward_livecodebench-1"]
    assert lcb.prelude.startswith("from string import *") and lcb.tests
    read = read_label(lcb.label())
    assert read.prelude == lcb.prelude and list(read.tests) == list(lcb.tests)
    assert qs["rllm-test_reward_kodcode-0"].prelude == ""
    bad = {**rows[0], "prelude": 3}
    with pytest.raises(DataFormatError, match="prelude"):
        read_questions(_write(tmp_path / "bad.jsonl", [bad]))

"""`train-rm` and `bon` through the command line: their options build the one `TrainRMConfig`
and `BonConfig`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aceforge.cli import app
from aceforge.errors import ConfigError
from aceforge.reward_model.configs import TrainRMConfig


@pytest.mark.slow  # trains a tiny model (~20 s here)
def test_train_rm_options_reach_the_trainer(tmp_path: Path) -> None:
    pytest.importorskip("trl")
    from aceforge.tiny_models import tiny_qwen2

    base = tiny_qwen2(["good good", "bad bad bad", "Write f."] * 20, tmp_path / "base", kind="seqcls")
    pairs = tmp_path / "pairs.jsonl"
    row = {"prompt": "Write f.", "chosen": "good good", "rejected": "bad bad bad"}
    pairs.write_text((json.dumps(row) + "\n") * 8)
    args = ["train-rm", str(pairs), "-o", str(tmp_path / "rm"), "--base-model", base, "--max-steps", "2",
            "--batch-size", "4", "--max-length", "128", "--lr-scheduler", "constant", "--learning-rate", "1e-3"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "rm" / "aceforge_rm.json").read_text())
    assert saved["steps"] == 2
    expected = TrainRMConfig(base_model=base, max_steps=2, batch_size=4, max_length=128,
                             lr_scheduler="constant", learning_rate=1e-3)  # fmt: skip
    assert saved["config"] == json.loads(json.dumps(expected.__dict__))


QUESTION = '''def add(a: int, b: int) -> int:
    """Add two numbers.
    >>> add(2, 3)
    5
    """
'''
# the right cluster (0, 1) is smaller than a wrong one (2, 3, 4) that the example rules out
PROGRAMS = [QUESTION + f"    return {body}\n" for body in ("a + b", "b + a", "a * b", "b * a", "a * b + 0")]
PROGRAMS += ["def add(a, b):\n    return a +\n", QUESTION + "    return a - b\n"]  # dead, wrong


def bon_file(path: Path) -> Path:
    row = {"task_id": "add", "question": QUESTION, "entry_point": "add",
           "tests": ["assert add(1, 2) == 3", "assert add(-4, 4) == 0"],
           "samples": [{"program": p} for p in PROGRAMS]}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    return path


def bon_rows(out: Path) -> dict[str, float]:
    return {r["method"]: r["pass@1"] for r in json.loads((out / "results.json").read_text())["rows"]}


def test_bon_reports_label_free_selection_and_writes_rankings(tmp_path: Path) -> None:
    data = bon_file(tmp_path / "bon.jsonl")
    args = ["bon", str(data), "-o", str(tmp_path / "out"), "--select", "coevolve", "--select", "cluster",
            "--rankings", "--workers", "2"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = bon_rows(tmp_path / "out")
    assert rows == pytest.approx({"average": 2 / 7, "oracle": 1.0, "coevolve": 1.0, "cluster": 0.0})
    assert "| coevolve | 100.0 |" in (tmp_path / "out" / "report.md").read_text()
    (ranked,) = [json.loads(line) for line in (tmp_path / "out" / "rankings.jsonl").open()]
    assert ranked["task_id"] == "add" and set(ranked["methods"]) == {"coevolve", "cluster"}
    assert ranked["methods"]["coevolve"]["top"] == [0, 1] and ranked["methods"]["cluster"]["top"] == [2, 3, 4]
    assert ranked["methods"]["coevolve"]["order"][-1] == 5  # the program that never returns
    # without the question's examples the larger wrong cluster wins
    args = ["bon", str(data), "-o", str(tmp_path / "plain"), "--no-use-examples", "--workers", "2"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert bon_rows(tmp_path / "plain")["coevolve"] == 0.0
    assert not (tmp_path / "plain" / "rankings.jsonl").exists()


def test_bon_names_an_unknown_selection_method(tmp_path: Path) -> None:
    data = bon_file(tmp_path / "bon.jsonl")
    result = CliRunner().invoke(app, ["bon", str(data), "-o", str(tmp_path / "out"), "--select", "coevolv"])
    assert isinstance(result.exception, ConfigError)
    assert "did you mean 'coevolve'" in str(result.exception) and not (tmp_path / "out").exists()

"""train-rl's helpers that need no trainer: stop tokens, checkpoints on disk, the same-run
check, evaluation sets and prompt rows measured with a real (tiny) tokenizer."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from aceforge.errors import ConfigError
from aceforge.rl.configs import RunPaths, TrainRLConfig
from aceforge.rl.data import Question
from aceforge.rl.train import _check_same_run, _eos_list, _eval_sets, _last_checkpoint, _rows

QS = [Question(f"q{i}", f"Return {i}.", (f"assert f() == {i}",), "f") for i in range(3)]


def test_eos_list_puts_the_tokenizer_eos_first_once() -> None:
    assert _eos_list([5, 6], 2) == [2, 5, 6]
    assert _eos_list((2, 6), 2) == [2, 6]
    assert _eos_list(7, None) == [7]
    assert _eos_list(None, 3) == [3]
    assert _eos_list(None, None) == []


def _checkpoint(paths: RunPaths, step: int, state: bool = True) -> Path:
    p = paths.checkpoints / f"checkpoint-{step}"
    p.mkdir(parents=True)
    if state:
        (p / "trainer_state.json").write_text("{}")
    return p


def test_last_checkpoint_by_step_number_with_state_only(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path)
    assert _last_checkpoint(paths) is None
    _checkpoint(paths, 9)
    ten = _checkpoint(paths, 10)
    _checkpoint(paths, 20, state=False)  # a half-written save is no checkpoint
    assert _last_checkpoint(paths) == ten  # 10 > 9 numerically, not by name


def test_resuming_with_other_settings_is_refused(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path)
    cfg = TrainRLConfig()
    (tmp_path / "config.json").write_text(json.dumps({"train_rl": cfg.to_dict(), "data": "d.jsonl"}))
    _check_same_run(paths, "other.jsonl", cfg)  # no checkpoint yet: nothing to mix
    _checkpoint(paths, 5)
    _check_same_run(paths, "d.jsonl", replace(cfg, max_steps=cfg.max_steps + 10))  # stopping rules may change
    with pytest.raises(ConfigError, match="other settings \\(data\\)"):
        _check_same_run(paths, "other.jsonl", cfg)
    with pytest.raises(ConfigError, match="learning_rate"):
        _check_same_run(paths, "d.jsonl", replace(cfg, learning_rate=cfg.learning_rate * 2))


def test_eval_sets_capped_and_optional() -> None:
    cfg = replace(TrainRLConfig(), eval_max_questions=2, eval_train=True, eval_humaneval=False)
    sets = _eval_sets(cfg, QS[:1], QS)
    assert {k: [q.id for q in v] for k, v in sets.items()} == {"held_out": ["q0"], "train": ["q0", "q1"]}
    assert _eval_sets(replace(cfg, eval_train=False), [], QS) == {}


def test_rows_drop_prompts_over_the_length() -> None:
    pytest.importorskip("transformers")
    from aceforge.tiny_models import tiny_tokenizer

    tok = tiny_tokenizer([q.question for q in QS] * 3)
    rows, too_long = _rows(QS, tok, chat=False, max_len=10_000)
    assert too_long == 0 and [r["id"] for r in rows] == ["q0", "q1", "q2"]
    assert rows[0]["entry_point"] == "f" and "assert f() == 0" in rows[0]["tests"]
    assert rows[0]["prompt"] == QS[0].prompt(False)
    n = len(tok(QS[0].prompt(False)).input_ids)
    assert _rows(QS, tok, chat=False, max_len=n - 1) == ([], 3)

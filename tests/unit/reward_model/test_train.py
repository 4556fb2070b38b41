"""`train-rm`'s input side: pairs in every export layout, and what the trainer is given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import ConfigError, DataFormatError
from aceforge.reward_model.train import TrainRMConfig, _rendered, _trainer_args, read_pairs
from aceforge.templates import render_for


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_pairs_from_plain_chat_and_instruction_layouts(tmp_path: Path) -> None:
    rows = [
        {"prompt": "Q1", "chosen": "good", "rejected": "bad"},
        {
            "prompt": [{"role": "user", "content": "Q2"}],
            "chosen": [{"role": "assistant", "content": "g2"}],
            "rejected": [{"role": "assistant", "content": "b2"}],
        },
        {"instruction": "Q3", "chosen": "g3", "rejected": "b3"},
    ]
    (tmp_path / "pairs").mkdir()
    _write(tmp_path / "pairs" / "data.jsonl", rows)
    want = [("Q1", "good", "bad"), ("Q2", "g2", "b2"), ("Q3", "g3", "b3")]
    assert read_pairs(tmp_path / "pairs") == want  # a folder reads its data.jsonl
    assert read_pairs(tmp_path / "pairs" / "data.jsonl") == want


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"prompt": "Q", "rejected": "b"}, "chosen"),
        ({"prompt": "Q", "chosen": "g", "rejected": 3}, "rejected"),
        ({"chosen": "g", "rejected": "b"}, "prompt"),
        ([1, 2], None),
    ],
)
def test_a_bad_pair_names_its_line_and_field(tmp_path: Path, row: object, field: str | None) -> None:
    path = _write(tmp_path / "p.jsonl", [{"prompt": "Q", "chosen": "g", "rejected": "b"}, row])
    with pytest.raises(DataFormatError) as err:
        read_pairs(path)
    assert (err.value.line, err.value.field) == (2, field)


def test_no_pairs_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no pairs"):
        read_pairs(_write(tmp_path / "p.jsonl", []))


def test_pairs_over_max_length_are_left_out_not_cut() -> None:
    pytest.importorskip("transformers")
    from aceforge.tiny_models import tiny_tokenizer

    tok = tiny_tokenizer(["Question answer good bad def return"] * 20)
    pairs = [("Q", "good", "bad"), ("long " * 200, "good", "bad"), ("Q2", "bad " * 200, "good")]
    rows = _rendered(tok, pairs, max_length=64)
    assert rows == [{"chosen": render_for(tok, "Q", "good"), "rejected": render_for(tok, "Q", "bad")}]
    with pytest.raises(ConfigError, match="all 1 pairs are longer than max_length=2"):
        _rendered(tok, pairs[:1], max_length=2)


def test_trainer_args_carry_the_settings() -> None:
    pytest.importorskip("trl")
    cfg = TrainRMConfig(
        epochs=2, learning_rate=3e-4, batch_size=4, max_length=256, bf16=False, warmup_ratio=0.2
    )
    args = _trainer_args(cfg, Path("/tmp/out"))
    assert (args.num_train_epochs, args.learning_rate, args.per_device_train_batch_size) == (2, 3e-4, 4)
    assert args.max_length == 256 and args.bf16 is False and args.save_strategy == "no"
    assert getattr(args, "warmup_ratio", None) == 0.2 or args.warmup_steps == 0.2

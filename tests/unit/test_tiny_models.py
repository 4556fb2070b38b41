"""Tiny models built on the spot: the tokenizer round-trips, every kind saves and loads, and
rote SFT lowers the loss on its texts."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("torch")

import torch
from safetensors import safe_open
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer

from aceforge.tiny_models import tiny_qwen2, tiny_sft, tiny_tokenizer

TEXTS = ["def add(a, b):\n    return a + b\n", "assert add(1, 2) == 3\n"] * 4


def test_tokenizer_round_trips_and_has_special_tokens() -> None:
    tok = tiny_tokenizer(TEXTS, vocab_size=280)
    ids = tok(TEXTS[0])["input_ids"]
    assert tok.decode(ids) == TEXTS[0]
    assert tok.pad_token == "<pad>" and tok.eos_token == "<eos>"
    assert len(tok) <= 280


def test_causal_and_seqcls_save_and_load(tmp_path: Path) -> None:
    causal = AutoModelForCausalLM.from_pretrained(tiny_qwen2(TEXTS, tmp_path / "c"))
    assert causal.config.num_hidden_layers == 2 and causal.config.hidden_size == 32
    seqcls = AutoModelForSequenceClassification.from_pretrained(tiny_qwen2(TEXTS, tmp_path / "s", "seqcls"))
    tok = AutoTokenizer.from_pretrained(tmp_path / "s")
    with torch.no_grad():
        logits = seqcls(**tok(["x = 1"], return_tensors="pt")).logits
    assert logits.shape == (1, 1)


def test_acecoderm_layout_has_a_value_head(tmp_path: Path) -> None:
    out = Path(tiny_qwen2(TEXTS, tmp_path / "rm", "acecoderm"))
    with safe_open(str(out / "model.safetensors"), "pt") as f:
        keys = set(f.keys())
        assert tuple(f.get_tensor("v_head.summary.weight").shape) == (1, 32)
        assert f.get_tensor("v_head.summary.bias").tolist() == [0.25]
    assert "lm_head.weight" not in keys
    assert (out / "tokenizer.json").exists() and (out / "config.json").exists()


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kind must be"):
        tiny_qwen2(TEXTS, tmp_path / "x", "bert")


def test_sft_lowers_the_loss(tmp_path: Path) -> None:
    path = tiny_qwen2(TEXTS, tmp_path / "m")
    tok = AutoTokenizer.from_pretrained(path)
    batch = tok([TEXTS[0] + tok.eos_token], return_tensors="pt")

    def loss() -> float:
        model = AutoModelForCausalLM.from_pretrained(path)
        with torch.no_grad():
            return float(model(**batch, labels=batch["input_ids"]).loss)

    before = loss()
    tiny_sft(path, TEXTS[:2], steps=20)
    assert loss() < before * 0.7

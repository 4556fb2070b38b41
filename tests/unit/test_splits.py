"""The held-out split and the training selection: fixed by a hash of id and seed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from aceforge.rl.data import read_questions, select_training, split_held_out
from aceforge.splits import chosen_ids, hash_rank, held_out_ids

ROOT = Path(__file__).resolve().parents[2]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_rule_pins_which_ids_are_held_out() -> None:
    ids = [f"q{i}" for i in range(10)]
    # the rule, written out: ids ranked by the hex sha256 of "seed:id"; the first round(n * fraction)
    by_hash = sorted(ids, key=lambda i: _digest(f"0:{i}"))
    assert held_out_ids(ids, 0.3) == set(by_hash[:3])
    assert held_out_ids(ids, 0.3, seed=7) == set(sorted(ids, key=lambda i: _digest(f"7:{i}"))[:3])
    train = sorted(ids, key=lambda i: _digest(f"0:train:{i}"))
    assert chosen_ids(ids, 4) == set(train[:4]) and chosen_ids(ids, 99) == set(ids)
    assert hash_rank(ids, "0:") == by_hash


def test_split_is_fixed_by_id_not_order() -> None:
    ids = [f"q{i}" for i in range(50)]
    a = held_out_ids(ids, 0.2)
    assert len(a) == 10 and a == held_out_ids(list(reversed(ids)), 0.2)
    assert held_out_ids(ids, 0.2, seed=1) != a
    # a positive share of two or more ids holds out at least one and keeps at least one
    assert len(held_out_ids(["a", "b"], 0.01)) == 1 and held_out_ids(["a", "b"], 0.01) == held_out_ids(
        ["b", "a"], 0.01
    )
    assert len(held_out_ids(["a", "b", "c"], 0.99)) == 2
    assert held_out_ids(ids, 0.0) == set() and held_out_ids(["a"], 0.5) == set()
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        held_out_ids(ids, 1.0)


def test_the_rl_quickstarts_split_reproduces() -> None:
    """configs/rl_quickstart.yaml on examples/rl_easy.jsonl gives the committed split.json."""
    cfg = yaml.safe_load((ROOT / "configs/rl_quickstart.yaml").read_text())["train_rl"]
    questions = read_questions(ROOT / "examples/rl_easy.jsonl")
    kept, held = split_held_out(questions, cfg["eval_fraction"], cfg.get("seed", 0))
    train = select_training(kept, cfg["train_pass_rate"], cfg["train_questions"], cfg.get("seed", 0))
    chosen = {q.id for q in train}
    split = json.loads((ROOT / "benchmarks/results/rl_quickstart_split.json").read_text())
    assert [q.id for q in held] == split["held_out"]
    assert [q.id for q in train] == split["train"]
    assert [q.id for q in kept if q.id not in chosen] == split["not_selected"]

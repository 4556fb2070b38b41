"""verl's compute_score / compute_score_batch on the shared engine (real subprocesses)."""

from __future__ import annotations

from aceforge.rewards.core import label_of
from aceforge.rewards.verl import compute_score, compute_score_batch

LABEL = label_of(["assert add(1, 2) == 3", "assert add(0, 0) == 0"])
RIGHT = "```python\ndef add(a, b):\n    return a + b\n```"
HALF = "```python\ndef add(a, b):\n    return 3\n```"


def test_one_response_gets_verls_dict_and_extra_kwargs_are_ignored() -> None:
    out = compute_score(
        "aceforge", RIGHT, LABEL, None, reward_router_address="x", reward_model_tokenizer=None
    )
    assert out == {"score": 1.0, "pass_rate": 1.0, "flags": ""}
    assert compute_score("aceforge", HALF, LABEL, {})["score"] == 0.0  # binary by default


def test_the_batch_form_takes_options_from_the_first_extra_info() -> None:
    extra = {"reward": {"kind": "pass_rate"}}
    out = compute_score_batch(
        ["a", "a", "a"], [RIGHT, HALF, "no code here"], [LABEL] * 3, [extra, extra, extra]
    )
    assert [o["score"] for o in out] == [1.0, 0.5, 0.0]
    assert [o["pass_rate"] for o in out] == [1.0, 0.5, 0.0]
    assert out[2]["flags"] != ""  # no code: the flag says so
    assert compute_score_batch([], [], [], None) == []


def test_the_entry_point_comes_from_extra_info_over_the_label() -> None:
    label = label_of(["assert twice(2) == 4"], entry_point="twice")
    # two blocks: the entry point decides which one is the program
    answer = "```python\ndef half(x):\n    return x / 2\n```\n```python\ndef twice(x):\n    return 2 * x\n```"
    assert compute_score("a", answer, label)["score"] == 1.0
    assert compute_score("a", answer, label, {"entry_point": "half"})["score"] == 0.0


def test_a_bad_label_scores_zero_with_a_flag_instead_of_failing_the_batch() -> None:
    result = compute_score("a", RIGHT, "{not json")
    assert result["score"] == 0.0 and result["flags"] == "bad_label"

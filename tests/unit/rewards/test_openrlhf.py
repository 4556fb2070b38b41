"""OpenRLHF's wire format: request lists to reward items, results to the response body."""

from __future__ import annotations

import pytest

from aceforge.rewards.core import RewardResult, label_of
from aceforge.rewards.openrlhf import WireError, request_items, response_body

PROMPT = "<|im_start|>user\nAdd.<|im_end|>\n<|im_start|>assistant\n"
LABEL = label_of(["assert add(1, 2) == 3"], entry_point="add")


def test_items_carry_the_response_its_tests_and_how_it_was_found() -> None:
    items = request_items(
        [PROMPT + "A", "<|im_start|>assistant\nB"], [PROMPT, "other prompt"], [LABEL, LABEL]
    )
    assert [i.completion for i in items] == ["A", "B"]
    assert [i.located for i in items] == ["exact", "chat_marker"]
    assert items[0].tests == ["assert add(1, 2) == 3"] and items[0].entry_point == "add"
    assert [i.group for i in items] == [PROMPT, "other prompt"]  # weighted groups by prompt


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (("q", [], []), 422, "lists"),
        ((["q"], [], []), 422, "same length"),
        (([1], ["p"], [LABEL]), 422, r"query\[0\]"),
    ],
)
def test_a_bad_body_is_a_wire_error_with_its_status(args: tuple, status: int, says: str) -> None:
    with pytest.raises(WireError, match=says) as err:
        request_items(*args)
    assert err.value.status == status


def test_a_bad_label_is_an_item_with_its_error_not_a_wire_error() -> None:
    good, bad = request_items([PROMPT + "A", PROMPT + "B"], [PROMPT, PROMPT], [LABEL, "not json"])
    assert good.label_error is None and good.tests == ["assert add(1, 2) == 3"]
    assert bad.tests == [] and bad.label_error is not None and "label is not JSON" in bad.label_error


def test_response_body_has_one_number_per_item_in_every_log() -> None:
    results = [
        RewardResult(1.0, 1.0, ["passed"], located="exact"),
        RewardResult(-1.0, 0.0, [], flags=["no_code"], located="unlocated"),
        RewardResult(-1.0, 0.0, [], flags=["bad_label"], error="label is not JSON"),
    ]
    body = response_body(results)
    assert body["rewards"] == [1.0, -1.0, -1.0] and body["scores"] == [1.0, 0.0, 0.0]
    assert body["extra_logs"] == {
        "pass_rate": [1.0, 0.0, 0.0],
        "no_code": [0.0, 1.0, 0.0],
        "response_unlocated": [0.0, 1.0, 0.0],
        "bad_label": [0.0, 0.0, 1.0],
    }

"""Where: every format error names its source, row and full field path."""

from __future__ import annotations

from aceforge.errors import DataFormatError
from aceforge.formats.where import Where


def test_error_joins_the_prefix_and_the_field() -> None:
    err = Where("data.jsonl", 7, "reward_model.ground_truth").error("inputs", "must be a list")
    assert isinstance(err, DataFormatError)
    assert (err.path, err.line, err.field) == ("data.jsonl", 7, "reward_model.ground_truth.inputs")
    assert str(err) == "data.jsonl:7: field 'reward_model.ground_truth.inputs': must be a list"


def test_error_without_a_field_names_only_the_prefix_or_nothing() -> None:
    assert Where("x.jsonl", 2, "label").error(None, "bad").field == "label"
    err = Where().error(None, "bad")
    assert err.field is None and str(err) == "label: bad"

"""The error tree and the messages callers show."""

from __future__ import annotations

import pytest

from aceforge import errors
from aceforge.errors import (
    AceforgeError,
    BudgetExceededError,
    ConfigError,
    DataFormatError,
    GenerationError,
    IsolationUnavailableError,
    MissingExtraError,
    RequestRejectedError,
    WorkerError,
)


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (ConfigError, AceforgeError),
        (IsolationUnavailableError, ConfigError),
        (MissingExtraError, ConfigError),
        (DataFormatError, AceforgeError),
        (GenerationError, AceforgeError),
        (BudgetExceededError, GenerationError),
        (RequestRejectedError, GenerationError),
        (WorkerError, AceforgeError),
    ],
)
def test_each_error_sits_where_the_tree_says(cls: type, parent: type) -> None:
    assert cls.__mro__[1] is parent
    assert cls.__name__ in (errors.__doc__ or "")


def test_missing_extra_says_what_to_install() -> None:
    msg = str(MissingExtraError("the reward model", "rm", "torch"))
    assert (
        msg == "the reward model needs the 'torch' package: pip install 'aceforge[rm]' (or pip install torch)"
    )


def test_data_format_error_names_file_line_and_field() -> None:
    e = DataFormatError("in.jsonl", 12, "tests[3]", "must be a string")
    assert (e.path, e.line, e.field, e.problem) == ("in.jsonl", 12, "tests[3]", "must be a string")
    assert str(e) == "in.jsonl:12: field 'tests[3]': must be a string"
    assert str(DataFormatError("cfg.yaml", None, None, "empty")) == "cfg.yaml: empty"

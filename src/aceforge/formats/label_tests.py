"""One test in aceforge's label layout — an assert string, or ``{"input", "output",
"compare"?}`` for stdin/stdout — read, written, and kept in a stage row's ``test_cases``.

Stage rows hold their tests in this layout (``aceforge import`` writes it, every stage carries
it on). data.parquet's ``test_cases`` column is AceCode-87K's ``list<string>``, so there a
stdin/stdout test is its JSON text, read back as the same test: no assert starts with
``{"input": ``, so no assert is read as one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aceforge.execution.outputs import CompareModeError, parse_mode
from aceforge.types import StdioTest, Test

_STDIO_TEXT = '{"input": '


class BadTest(ValueError):
    """A test in neither layout; `field` is the part of it that is wrong (``""``,
    ``".input"``, ``".compare"``, ...)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field, self.problem = field, problem


def read_test(value: Any) -> Test:
    """An assert string or a stdin/stdout object (``lines`` unless told), or a test already
    read; raises `BadTest`."""
    if isinstance(value, str | StdioTest):
        return value
    if not isinstance(value, dict):
        raise BadTest("", f"must be an assert string or {{'input', 'output'}}, got {value!r:.80}")
    missing = [k for k in ("input", "output") if k not in value]
    if missing:
        raise BadTest("", f"a stdin/stdout test needs keys 'input' and 'output' (missing {missing})")
    for k in ("input", "output"):
        if not isinstance(value[k], str):
            raise BadTest(f".{k}", f"must be a string, got {type(value[k]).__name__}")
    compare = value.get("compare", "lines")
    try:
        parse_mode(compare if isinstance(compare, str) else repr(compare))
    except CompareModeError as e:
        raise BadTest(".compare", str(e)) from None
    return StdioTest(value["input"], value["output"], compare)


def label_item(t: Test) -> Any:
    """A test in the label layout (``lines``, the default compare, left out)."""
    if isinstance(t, str):
        return t
    item = {"input": t.input, "output": t.output}
    return item if t.compare == "lines" else {**item, "compare": t.compare}


def stage_test(value: Any) -> Test:
    """One of a stage row's ``test_cases``, from JSONL or Parquet; raises `BadTest`."""
    if isinstance(value, str) and value.startswith(_STDIO_TEXT):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return str(value)
    return read_test(value)


def stage_tests(values: Sequence[Any]) -> tuple[Test, ...]:
    """A stage row's ``test_cases`` as engine tests; a bad one raises `BadTest` with its index
    (``field`` ``"[k]..."``)."""
    out = []
    for k, value in enumerate(values):
        try:
            out.append(stage_test(value))
        except BadTest as e:
            raise BadTest(f"[{k}]{e.field}", e.problem) from None
    return tuple(out)


def parquet_test_case(value: Any) -> str:
    """A test (label layout or engine test) as data.parquet's ``test_cases`` column holds it."""
    t = stage_test(value)
    return t if isinstance(t, str) else json.dumps(label_item(t), ensure_ascii=False)

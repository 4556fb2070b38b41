"""Dataset rows in any test format → aceforge stage rows ``{id, question, tests, entry_point,
prelude?}`` (``aceforge import``).

Each row's label is its ``ground_truth`` (rllm, verl's ``prime_code`` fixtures), its
``reward_model.ground_truth`` (verl's RL layout), or else the row itself (APPS/TACO
``input_output``, LiveCodeBench, CodeContests, KodCode, HumanEval, MBPP rows). ``tests`` is the
aceforge label layout (assert strings and ``{input, output, compare?}``), which every reader of
labels reads back; ``prelude`` is what the format's judge puts before every program. Every
row's problems are collected before any row is returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aceforge.errors import DataFormatError
from aceforge.formats import read_label
from aceforge.formats.label_tests import label_item
from aceforge.formats.where import Where

ID_FIELDS = ("id", "task_id", "question_id", "problem_id", "name")
QUESTION_FIELDS = ("question", "question_content", "description", "prompt", "text", "problem")
MAX_SHOWN = 20


def stage_rows(records: Iterable[tuple[str, int, Any]], format: str | None = None) -> list[dict[str, Any]]:
    """Stage rows from (source, row number, record); raises one `DataFormatError` listing every
    bad row (source, row, field) when any is bad."""
    rows: list[dict[str, Any]] = []
    errors: list[DataFormatError] = []
    seen: dict[str, int] = {}
    for source, n, rec in records:
        try:
            row = _stage_row(source, n, rec, format)
        except DataFormatError as e:
            errors.append(e)
            continue
        if row["id"] in seen:
            errors.append(
                DataFormatError(source, n, "id", f"duplicate id {row['id']!r} (row {seen[row['id']]})")
            )
            continue
        seen[row["id"]] = n
        rows.append(row)
    _raise_if_any(errors)
    return rows


def _stage_row(source: str, n: int, rec: Any, format: str | None) -> dict[str, Any]:
    if not isinstance(rec, dict):
        raise DataFormatError(source, n, None, f"each row must be an object, got {type(rec).__name__}")
    label, prefix = _label_of(rec)
    read = read_label(label, format, Where(source, n, prefix))
    row: dict[str, Any] = {
        "id": _first_text(rec, ID_FIELDS) or f"{Path(source).stem}/{n}",
        "question": _first_text(rec, QUESTION_FIELDS) or "",
        "tests": [label_item(t) for t in read.tests],
        "entry_point": read.entry_point,
        "format": read.format,
    }
    extra = {k: v for k, v in (("prelude", read.prelude), ("checker", read.checker)) if v}
    return {**row, **extra}


def _label_of(rec: dict[str, Any]) -> tuple[Any, str]:
    if rec.get("ground_truth") is not None:
        return rec["ground_truth"], "ground_truth"
    model = rec.get("reward_model")
    if isinstance(model, dict) and model.get("ground_truth") is not None:
        return model["ground_truth"], "reward_model.ground_truth"
    return rec, ""


def _first_text(rec: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    for f in fields:
        value = rec.get(f)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def _raise_if_any(errors: list[DataFormatError]) -> None:
    if not errors:
        return
    if len(errors) == 1:
        raise errors[0]
    first = errors[0]
    err = DataFormatError(first.path, first.line, first.field, first.problem)
    shown = "\n  ".join(str(e) for e in errors[:MAX_SHOWN])
    more = f"\n  ... and {len(errors) - MAX_SHOWN} more" if len(errors) > MAX_SHOWN else ""
    err.args = (f"{len(errors)} bad rows:\n  {shown}{more}",)
    raise err

"""Reading validated inputs (JSONL and Parquet records, exec rows).
Everything written goes through `aceforge.artifacts`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aceforge.errors import DataFormatError
from aceforge.types import Test

MAX_REPORTED_ERRORS = 20


def iter_records(path: str | Path) -> Iterator[tuple[int, Any]]:
    """(line or row number, record) from a .jsonl/.json-lines or .parquet file."""
    p = Path(path)
    if not p.is_file():
        raise DataFormatError(str(p), None, None, "file not found")
    if p.suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:  # pragma: no cover - pyarrow is a core dependency
            raise DataFormatError(str(p), None, None, "reading Parquet needs pyarrow") from None
        for n, row in enumerate(pq.read_table(p).to_pylist(), 1):
            yield n, row
        return
    with p.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as e:
                raise DataFormatError(str(p), n, None, f"invalid JSON: {e.msg} at column {e.colno}") from None


@dataclass(frozen=True)
class ExecRow:
    id: str
    program: str
    tests: tuple[Test, ...]
    timeout_s: float | None = None
    checker: str = ""  # a checker program judging the stdin/stdout tests' outputs (a label's)


class _Errors:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[DataFormatError] = []

    def add(self, line: int, field: str | None, problem: str) -> None:
        self.items.append(DataFormatError(self.path, line, field, problem))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            raise self.items[0]
        shown = "\n  ".join(str(e) for e in self.items[:MAX_REPORTED_ERRORS])
        more = len(self.items) - MAX_REPORTED_ERRORS
        first = self.items[0]
        err = DataFormatError(first.path, first.line, first.field, first.problem)
        err.args = (
            f"{len(self.items)} problems in {self.path}:\n  {shown}"
            + (f"\n  ... and {more} more" if more > 0 else ""),
        )
        raise err


def _parse_test(value: Any, line: int, index: int, errors: _Errors) -> Test | None:
    from aceforge.formats.label_tests import BadTest, read_test  # the readers sit above io

    try:
        return read_test(value)
    except BadTest as e:
        errors.add(line, f"tests[{index}]{e.field}", e.problem)
        return None


def _dataset_label(tests: Any) -> bool:
    """Tests in a dataset's layout: a label object, or DeepCoder's LiveCodeBench list (whose
    ``testtype`` says stdin or a function call)."""
    from aceforge.formats import detect_format  # the readers sit above io

    return isinstance(tests, dict) or (isinstance(tests, list) and detect_format(tests) == "lcb")


def _format_tests(rec: dict[str, Any], path: str, line: int, errors: _Errors) -> dict[str, Any] | None:
    """The row with its tests, in another format, as aceforge's own, and its program after what
    the format's judge puts before every program (see ``aceforge.formats``)."""
    from aceforge.formats import Where, read_label  # the readers sit above io

    try:
        read = read_label(rec["tests"], where=Where(path, line, "tests"))
    except DataFormatError as e:
        errors.items.append(e)
        return None
    tests = [
        t if isinstance(t, str) else {"input": t.input, "output": t.output, "compare": t.compare}
        for t in read.tests
    ]
    program = rec.get("program")
    if isinstance(program, str):
        program = read.program(program)
    return {**rec, "tests": tests, "program": program, **({"checker": read.checker} if read.checker else {})}


def _with_prelude(prelude: str | None, program: str) -> str:
    """The program after an ``aceforge import`` row's prelude (its format's judge imports)."""
    from aceforge.formats import with_prelude  # the readers sit above io

    return with_prelude(prelude, program) if prelude else program


def _checker(rec: dict[str, Any], line: int, errors: _Errors) -> str | None:
    """The row's checker program ("" without one); None (and an error added) when it is bad."""
    from aceforge.formats.checker_source import checker_problem  # the readers sit above io

    checker = rec.get("checker") or ""
    problem = checker_problem(checker) if isinstance(checker, str) and checker else None
    if not isinstance(checker, str):
        problem = f"must be a string, got {type(checker).__name__}"
    elif (
        checker and isinstance(rec.get("tests"), list) and any(not isinstance(t, dict) for t in rec["tests"])
    ):
        problem = "judges stdin/stdout tests only; this row has asserts"
    if problem is not None:
        errors.add(line, "checker", problem)
        return None
    return checker


def read_exec_rows(path: str | Path) -> list[ExecRow]:
    """Validate every row before any work; all problems are reported together."""
    errors = _Errors(str(path))
    rows: list[ExecRow] = []
    seen: dict[str, int] = {}
    for line, rec in iter_records(path):
        if not isinstance(rec, dict):
            errors.add(line, None, f"each row must be an object, got {type(rec).__name__}")
            continue
        ok = True
        if _dataset_label(rec.get("tests")):  # a dataset's label (APPS, LiveCodeBench, ...)
            converted = _format_tests(rec, str(path), line, errors)
            if converted is None:
                continue
            rec = converted
        for field, kind in (("id", str), ("program", str), ("tests", list)):
            if field not in rec:
                errors.add(line, field, "missing")
                ok = False
            elif not isinstance(rec[field], kind):
                errors.add(line, field, f"must be a {kind.__name__}, got {type(rec[field]).__name__}")
                ok = False
        prelude = rec.get("prelude")
        if prelude is not None and not isinstance(prelude, str):
            errors.add(line, "prelude", f"must be a string, got {type(prelude).__name__}")
            ok = False
        checker = _checker(rec, line, errors)
        ok = ok and checker is not None
        timeout = rec.get("timeout_s")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            errors.add(line, "timeout_s", f"must be a positive number, got {timeout!r}")
            ok = False
        if not ok:
            continue
        if rec["id"] in seen:
            errors.add(line, "id", f"duplicate id {rec['id']!r} (first on line {seen[rec['id']]})")
            continue
        seen[rec["id"]] = line
        tests = [_parse_test(t, line, i, errors) for i, t in enumerate(rec["tests"])]
        if any(t is None for t in tests):
            continue
        rows.append(
            ExecRow(
                rec["id"],
                _with_prelude(prelude, rec["program"]),
                tuple(t for t in tests if t is not None),
                float(timeout) if timeout is not None else None,
                checker or "",
            )
        )
    errors.raise_if_any()
    return rows

"""A stage's output folder: resumable while it runs, complete and ordered when it ends.

    OUT/parts.jsonl      every finished item as it finishes (append-only; survives SIGKILL)
    OUT/data.parquet     kept rows in the AceCode-87K schema, in input order (written at the end)
    OUT/data.jsonl       the same rows as JSON lines
    OUT/rejected.jsonl   items that were dropped, each with its reason
    OUT/manifest.json    resolved config, counts, timings, tokens, cache statistics

Re-running a stage skips the ids already in ``parts.jsonl``; the final files are rewritten
from it, atomically, so they are either the old complete files or the new ones.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from aceforge.errors import DataFormatError
from aceforge.io import iter_records


@functools.cache
def schema() -> Any:
    """AceCode-87K's columns, then ours (entry point, the seed program, per-stage details as
    JSON text). Built on first use, so writers that need no Parquet never import pyarrow."""
    import pyarrow as pa

    inference = pa.struct(
        [
            ("model_name", pa.string()),
            ("completion_id", pa.int64()),
            ("completion", pa.string()),
            ("pass_rate", pa.float64()),
            ("program", pa.string()),  # ours: the code extracted from the completion
            ("outcomes", pa.list_(pa.string())),  # ours: per-test outcomes from `score`
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("source", pa.string()),
            ("question", pa.string()),
            ("test_cases", pa.list_(pa.string())),
            ("inferences", pa.list_(inference)),
            ("context_messages", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
            ("entry_point", pa.string()),
            ("reference", pa.string()),
            ("synth_info", pa.string()),
            ("filter_info", pa.string()),
            ("prelude", pa.string()),  # ours: what an imported row's format judge puts before programs
            ("checker", pa.string()),  # ours: an imported row's checker program (several right answers)
        ]
    )


def schema_with(**columns: Any) -> Any:
    """The stage schema plus extra columns, given as pyarrow types."""
    import pyarrow as pa

    out = schema()
    for name, kind in columns.items():
        out = out.append(pa.field(name, kind))
    return out


def empty_row(id: str, source: str, question: str) -> dict[str, Any]:
    return {
        "id": id,
        "source": source,
        "question": question,
        "test_cases": [],
        "inferences": [],
        "context_messages": [{"role": "user", "content": question}],
        "entry_point": None,
        "reference": None,
        "synth_info": None,
        "filter_info": None,
    }


class StageOutput:
    def __init__(self, out_dir: str | Path, stage: str, config: dict[str, Any]) -> None:
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.stage, self.config = stage, config
        self.parts = JsonlWriter(self.dir / "parts.jsonl")
        self.done: set[str] = set(self.parts.done_ids)
        self.started = time.time()

    def keep(self, row: dict[str, Any]) -> None:
        self._write({"id": row["id"], "kept": True, "row": row})

    def reject(self, id: str, reason: str, detail: dict[str, Any] | None = None) -> None:
        self._write({"id": id, "kept": False, "reason": reason, "detail": detail or {}})

    def _write(self, part: dict[str, Any]) -> None:
        self.parts.write(part)
        self.done.add(part["id"])

    def finalize(self, order: Iterable[str], manifest: dict[str, Any], complete: bool) -> dict[str, Any]:
        """Write the final files (when `complete`) and the manifest; return the manifest."""
        self.parts.close()
        order = list(order)
        kept, rejected = self._read_parts(order)
        counts = {
            "input": len(order),
            "kept": len(kept),
            "rejected": len(rejected),
            "reasons": _reasons(rejected),
            "tests_kept": sum(len(r["test_cases"]) for r in kept),
            "avg_tests_kept": round(sum(len(r["test_cases"]) for r in kept) / len(kept), 2) if kept else 0.0,
        }
        if complete:
            write_table(self.dir, kept, None, schema())
            atomic_write(self.dir / "rejected.jsonl", lambda p: write_jsonl(p, rejected))
        manifest = {
            "stage": self.stage,
            "complete": complete,
            "config": self.config,
            "counts": counts,
            "seconds": round(time.time() - self.started, 2),
            **manifest,
        }
        write_manifest(self.dir, manifest)
        return manifest

    def _read_parts(self, order: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        latest: dict[str, dict[str, Any]] = {}
        for _, part in iter_records(self.parts.path):
            latest[part["id"]] = part
        rank = {id: i for i, id in enumerate(order)}
        parts = sorted(latest.values(), key=lambda p: (rank.get(p["id"], len(rank)), p["id"]))
        kept = [p["row"] for p in parts if p["kept"]]
        rejected = [{"id": p["id"], "reason": p["reason"], **p["detail"]} for p in parts if not p["kept"]]
        return kept, rejected


def iter_input(spec: str | Path) -> Iterator[tuple[str, int, Any]]:
    """(source name, line/row number, record) from a stage folder, a JSONL/Parquet file, or a
    hub dataset ``hf:OWNER/NAME[:split]`` (e.g. ``hf:TIGER-Lab/AceCode-87K``)."""
    text = str(spec)
    if text.startswith("hf:"):
        try:
            import datasets
        except ImportError:
            from aceforge.errors import MissingExtraError

            raise MissingExtraError("hub datasets", "data", "datasets") from None
        repo, _, split = text[3:].partition(":")
        for n, row in enumerate(datasets.load_dataset(repo, split=split or "train"), 1):
            yield text, n, row
        return
    p = Path(spec)
    if p.is_dir():
        p = p / "data.jsonl"
        if not p.exists():
            raise DataFormatError(str(p), None, None, "no data.jsonl: that stage has not completed")
    for n, row in iter_records(p):
        yield str(p), n, row


def read_stage_rows(spec: str | Path) -> list[dict[str, Any]]:
    """Question rows in the AceCode-87K schema (ours, or the released data), validated."""
    rows = []
    for where, line, row in iter_input(spec):
        if not isinstance(row, dict):
            raise DataFormatError(where, line, None, f"each row must be an object, got {type(row).__name__}")
        row = _imported(row)
        for field, kind in (("id", str), ("question", str), ("test_cases", list)):
            if not isinstance(row.get(field), kind):
                raise DataFormatError(where, line, field, f"missing or not a {kind.__name__}")
        row["test_cases"] = _test_cases(row["test_cases"], where, line)
        for extra in ("prelude", "checker"):  # an imported row's judge imports and checker program
            if not isinstance(row.get(extra) or "", str):
                raise DataFormatError(where, line, extra, "must be a string")
        _check_checker(row.get("checker"), where, line)
        infs = row.get("inferences") or []
        if not isinstance(infs, list):
            raise DataFormatError(where, line, "inferences", "must be a list")
        for k, inf in enumerate(infs):
            if not isinstance(inf, dict) or not isinstance(_answer(inf), str):
                raise DataFormatError(
                    where, line, f"inferences[{k}]", "needs a 'completion' or 'program' string"
                )
            if not rate_ok(inf.get("pass_rate")):
                raise DataFormatError(where, line, f"inferences[{k}].pass_rate", "must be a number in [0, 1]")
        base = empty_row(row["id"], row.get("source") or "", row["question"])
        rows.append({**base, **{k: v for k, v in row.items() if v is not None or k not in base}})
    return rows


def _check_checker(source: str | None, where: str, line: int) -> None:
    from aceforge.formats.checker_source import checker_problem

    problem = checker_problem(source) if source else None
    if problem is not None:
        raise DataFormatError(where, line, "checker", problem)


def _answer(inf: Any) -> Any:
    """An inference's text: its completion, else its program (Parquet holds both, one null)."""
    return inf.get("completion") if inf.get("completion") is not None else inf.get("program")


def _imported(row: dict[str, Any]) -> dict[str, Any]:
    """An ``aceforge import`` row (``tests`` in the label layout, no ``test_cases``) as a stage
    row; any other row as it is."""
    if "test_cases" in row or not isinstance(row.get("tests"), list):
        return row
    return {k: v for k, v in row.items() if k != "tests"} | {"test_cases": row["tests"]}


def _test_cases(values: list[Any], where: str, line: int) -> list[Any]:
    """The tests in the label layout (a stdin/stdout test stored as JSON text, in Parquet,
    becomes its object again); a bad one is an error naming it."""
    from aceforge.formats.label_tests import BadTest, label_item, stage_tests

    try:
        return [label_item(t) for t in stage_tests(values)]
    except BadTest as e:
        raise DataFormatError(where, line, f"test_cases{e.field}", e.problem) from None


def pass_rates(row: dict[str, Any]) -> list[float]:
    """The pass rates a row's programs were scored with (each ``ExecResult.pass_rate``)."""
    return [float(i["pass_rate"]) for i in row.get("inferences") or [] if i.get("pass_rate") is not None]


def mean_pass_rate(row: dict[str, Any]) -> float | None:
    """The row's recorded ``mean_pass_rate`` (``hard``), else the mean over its scored programs."""
    if row.get("mean_pass_rate") is not None:
        return row["mean_pass_rate"]
    rates = pass_rates(row)
    return round(sum(rates) / len(rates), 4) if rates else None


def rate_ok(rate: Any) -> bool:
    """None, or a number in [0, 1] (not a bool)."""
    if rate is None:
        return True
    return not isinstance(rate, bool) and isinstance(rate, int | float) and 0 <= rate <= 1


def _reasons(rejected: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rejected:
        out[r["reason"]] = out.get(r["reason"], 0) + 1
    return dict(sorted(out.items()))


# ---- writing: every file aceforge writes goes through these -----------------------------------


class JsonlWriter:
    """Append-only JSONL output that survives being killed.

    Each row is one ``write`` of a whole line on an O_APPEND file. On open, a trailing partial
    line (a write cut off by a crash) is removed, and ``done_ids`` lists the rows already there.
    """

    def __init__(self, path: str | Path, key: str = "id") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.done_ids: set[str] = set()
        if self.path.exists():
            self._recover(key)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _recover(self, key: str) -> None:
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            os.truncate(self.path, end)
        for n, line in enumerate(data[:end].splitlines(), 1):
            if not line.strip():
                continue
            try:
                self.done_ids.add(str(json.loads(line)[key]))
            except (ValueError, KeyError, TypeError):
                raise DataFormatError(
                    str(self.path),
                    n,
                    key,
                    "existing output row is unreadable; move the file away to start over",
                ) from None

    def write(self, row: dict[str, Any]) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        data = line.encode("utf-8", "surrogatepass")
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def close(self) -> None:
        os.fsync(self.fd)
        os.close(self.fd)

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def atomic_write(path: str | Path, write: Any) -> None:
    """`write(tmp_path)` then rename over `path`: readers see the old file or the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    write(str(tmp))
    os.replace(tmp, path)


def write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda p: Path(p).write_text(text, encoding="utf-8"))


def write_json(path: str | Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str, ensure_ascii=False) + "\n")


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    """Rows as JSON lines (not atomic by itself: pass it to `atomic_write`, or use `write_rows`)."""
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")


def write_rows(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    """A whole JSONL file, atomically."""
    rows = list(rows)
    atomic_write(path, lambda p: write_jsonl(p, rows))


def write_manifest(out_dir: str | Path, manifest: dict[str, Any]) -> None:
    """A stage folder's manifest.json, atomically."""
    write_json(Path(out_dir) / "manifest.json", manifest)


def write_config(output: str | Path, config: dict[str, Any]) -> Path:
    """The settings a stage ran with, next to its output (``OUTPUT.config.json``)."""
    path = Path(str(output) + ".config.json")
    write_json(path, config)
    return path


def parquet_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose ``test_cases`` fit AceCode-87K's ``list<string>``: a stdin/stdout test as its
    JSON text (``aceforge.formats.label_tests``)."""
    if all(isinstance(t, str) for r in rows for t in r.get("test_cases") or []):
        return rows
    from aceforge.formats.label_tests import parquet_test_case

    return [
        {**r, "test_cases": [parquet_test_case(t) for t in r["test_cases"]]} if r.get("test_cases") else r
        for r in rows
    ]


def write_table(
    out: Path, rows: list[dict[str, Any]], details: list[dict[str, Any]] | None, schema: Any = None
) -> None:
    """A stage's rows, each file atomically: data.parquet (with `schema`; absent when there are
    no rows and no schema), data.jsonl, and pairs_detail.jsonl when `details` are given."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if rows or schema is not None:
        table = pa.Table.from_pylist(parquet_rows(rows), schema=schema)
        atomic_write(out / "data.parquet", lambda p: pq.write_table(table, p))
    else:
        (out / "data.parquet").unlink(missing_ok=True)
    write_rows(out / "data.jsonl", rows)
    if details is not None:
        write_rows(out / "pairs_detail.jsonl", details)

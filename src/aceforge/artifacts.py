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

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from aceforge.errors import DataFormatError
from aceforge.io import JsonlWriter, iter_records

INFERENCE = pa.struct(
    [
        ("model_name", pa.string()),
        ("completion_id", pa.int64()),
        ("completion", pa.string()),
        ("pass_rate", pa.float64()),
        ("program", pa.string()),  # ours: the code extracted from the completion
        ("outcomes", pa.list_(pa.string())),  # ours: per-test outcomes from `score`
    ]
)
# AceCode-87K's columns, then ours (entry point, the seed program, per-stage details as JSON text).
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("question", pa.string()),
        ("test_cases", pa.list_(pa.string())),
        ("inferences", pa.list_(INFERENCE)),
        ("context_messages", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
        ("entry_point", pa.string()),
        ("reference", pa.string()),
        ("synth_info", pa.string()),
        ("filter_info", pa.string()),
    ]
)


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
            table = pa.Table.from_pylist(kept, schema=SCHEMA)
            _atomic(self.dir / "data.parquet", lambda p: pq.write_table(table, p))
            _atomic(self.dir / "data.jsonl", lambda p: _write_jsonl(p, kept))
            _atomic(self.dir / "rejected.jsonl", lambda p: _write_jsonl(p, rejected))
        manifest = {
            "stage": self.stage,
            "complete": complete,
            "config": self.config,
            "counts": counts,
            "seconds": round(time.time() - self.started, 2),
            **manifest,
        }
        text = json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
        _atomic(self.dir / "manifest.json", lambda p: Path(p).write_text(text, encoding="utf-8"))
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


def read_stage_rows(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a stage folder (its data.jsonl) or of a JSONL/Parquet file in the AceCode schema."""
    p = Path(path)
    if p.is_dir():
        p = p / "data.jsonl"
        if not p.exists():
            raise DataFormatError(
                str(p), None, None, "no data.jsonl: the stage has not completed (re-run it)"
            )
    rows = []
    for line, row in iter_records(p):
        if not isinstance(row, dict):
            raise DataFormatError(str(p), line, None, f"each row must be an object, got {type(row).__name__}")
        for field, kind in (("id", str), ("question", str), ("test_cases", list)):
            if not isinstance(row.get(field), kind):
                raise DataFormatError(str(p), line, field, f"missing or not a {kind.__name__}")
        if not all(isinstance(t, str) for t in row["test_cases"]):
            raise DataFormatError(str(p), line, "test_cases", "every test must be an assert string")
        rows.append({**empty_row(row["id"], row.get("source") or "", row["question"]), **row})
    return rows


def _reasons(rejected: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rejected:
        out[r["reason"]] = out.get(r["reason"], 0) + 1
    return dict(sorted(out.items()))


def _write_jsonl(path: str, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(str(tmp))
    os.replace(tmp, path)

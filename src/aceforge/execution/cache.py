"""An execution cache shared by all stages: a (program, tests, limits) already run is not run
again — not on a rerun, not by a later stage. Keys hash the job's content, the comparison
tolerances and the engine version, never the job id."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aceforge.execution.base import BaseExecutor, Executor
from aceforge.execution.values import decode, encode
from aceforge.paths import cache_dir
from aceforge.types import ExecResult, Job, StdioTest

ENGINE_VERSION = "2"  # bump when verdicts for the same job could change


def default_exec_cache_path() -> Path:
    return cache_dir() / "executions.sqlite"


def _dump(result: ExecResult) -> dict[str, object]:
    row = result.to_row()
    if any(t.value is not None for t in result.tests):  # a probe job's values
        row["values"] = [encode(t.value) for t in result.tests]
    return row


def _load(row: dict[str, Any], id: str) -> ExecResult:
    result = ExecResult.from_row(row, id=id)
    if "values" in row:
        tests = tuple(
            dataclasses.replace(t, value=decode(v)) for t, v in zip(result.tests, row["values"], strict=True)
        )
        result = dataclasses.replace(result, tests=tests)
    return result


def job_key(job: Job, salt: str = "") -> str:
    tests = [asdict(t) if isinstance(t, StdioTest) else t for t in job.tests]
    blob = json.dumps(
        {
            "engine": ENGINE_VERSION,
            "program": job.program,
            "tests": tests,
            "limits": asdict(job.limits),
            "fail_fast": job.fail_fast,
            "child_per_test": job.child_per_test,
            "compare_in_sandbox": job.compare_in_sandbox,
            "probe": job.probe,
            **({"random_seed": job.random_seed} if job.random_seed else {}),  # keys of seed-0 jobs unchanged
            "salt": salt,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


class CachedExecutor(BaseExecutor):
    """Wraps any Executor. Probe jobs are cached with their values (tagged JSON, as they came
    from the sandbox). A `crashed` result (which may be the host's fault) is never stored."""

    def __init__(self, inner: Executor, path: str | Path, salt: str = "") -> None:
        self.inner, self.salt = inner, salt
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # `runs` counts real executions of a key: above 1 means work was repeated.
        self.db.execute("CREATE TABLE IF NOT EXISTS jobs_v1 (key TEXT PRIMARY KEY, row TEXT, runs INTEGER)")
        self.hits = 0
        self.misses = 0

    def stats(self) -> dict[str, object]:
        """Cache hits, misses and the database path."""
        return {"hits": self.hits, "misses": self.misses, "path": str(self.path)}

    # The wrapped engine belongs to whoever made it: these pass through (so a `with` block starts
    # it, as its first run would); `close` closes the cache.
    def launch(self) -> None:
        """Launch the wrapped engine's workers (no wait)."""
        self.inner.launch()

    def start(self) -> None:
        """Start the wrapped engine and wait until it is ready."""
        self.inner.start()

    @property
    def isolation_report(self) -> dict[str, object]:
        return self.inner.isolation_report

    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        """Cached results first; each distinct uncached job runs once, even when a batch holds
        it several times (identical samples are common), and its result answers every copy."""
        todo: list[Job] = []
        first: dict[str, str] = {}  # key → id of the job that runs
        copies: dict[str, list[str]] = {}  # id of the job that runs → ids of identical jobs
        keys: dict[str, str] = {}
        for job in jobs:
            key = job_key(job, self.salt)
            row = self.db.execute("SELECT row FROM jobs_v1 WHERE key = ?", (key,)).fetchone()
            if row is not None:
                self.hits += 1
                yield _load(json.loads(row[0]), job.id)
            elif key in first:
                self.hits += 1
                copies[first[key]].append(job.id)
            else:
                self.misses += 1
                first[key], keys[job.id], copies[job.id] = job.id, key, []
                todo.append(job)
        for result in self.inner.run(todo):
            new_key = keys.get(result.id)
            if new_key is not None and result.status != "crashed":
                self.db.execute(
                    "INSERT INTO jobs_v1 VALUES (?, ?, 1) ON CONFLICT(key) DO UPDATE SET row = excluded.row,"
                    " runs = runs + 1",
                    (new_key, json.dumps(_dump(result))),
                )
            yield result
            for other in copies.get(result.id, ()):
                yield dataclasses.replace(result, id=other)

    def max_runs(self) -> int:
        """The most times any job was executed (1 when no work was ever repeated)."""
        return int(self.db.execute("SELECT COALESCE(MAX(runs), 0) FROM jobs_v1").fetchone()[0])

    def close(self) -> None:
        """Close the cache; the wrapped engine stays with whoever made it."""
        self.db.close()

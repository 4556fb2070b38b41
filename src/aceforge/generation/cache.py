"""A persistent response cache: a rerun or a resumed run never pays for the same call twice.

Keys hash the model, the prompt style, the generation parameters, the prompt and the sample
index. Each answer is committed as soon as it arrives (SQLite WAL), so a run killed with
SIGKILL keeps every answer it received.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from aceforge.generation.base import Completion, GenParams, Prompt
from aceforge.paths import cache_dir


def default_cache_path() -> Path:
    return cache_dir() / "llm-responses.sqlite"


def cache_key(model: str, chat: bool, params: GenParams, prompt: Prompt, sample: int) -> str:
    blob = json.dumps(
        {"model": model, "chat": chat, "params": asdict(params), "prompt": prompt, "sample": sample},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


class ResponseCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT, text TEXT,"
            " prompt_tokens INTEGER, completion_tokens INTEGER, finish_reason TEXT)"
        )
        self.stats = CacheStats()

    def get(self, key: str) -> Completion | None:
        row = self.db.execute(
            "SELECT text, prompt_tokens, completion_tokens, finish_reason FROM responses WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return Completion(row[0], row[1], row[2], row[3])

    def put(self, key: str, model: str, c: Completion) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
            (key, model, c.text, c.prompt_tokens, c.completion_tokens, c.finish_reason),
        )

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        self.db.close()

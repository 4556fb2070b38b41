"""The response cache on a real SQLite file: keys, hits and misses, persistence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aceforge.generation.base import Completion, GenParams
from aceforge.generation.cache import ResponseCache, cache_key, default_cache_path


def test_key_depends_on_every_input() -> None:
    base = cache_key("m", True, GenParams(), "hi", 0)
    assert base == cache_key("m", True, GenParams(), "hi", 0) and len(base) == 64
    others = {
        cache_key("n", True, GenParams(), "hi", 0),
        cache_key("m", False, GenParams(), "hi", 0),
        cache_key("m", True, GenParams(temperature=0.5), "hi", 0),
        cache_key("m", True, GenParams(), "ho", 0),
        cache_key("m", True, GenParams(), [{"role": "user", "content": "hi"}], 0),
        cache_key("m", True, GenParams(), "hi", 1),
    }
    assert base not in others and len(others) == 6


def test_hits_misses_and_replacement(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "sub" / "c.sqlite")
    assert cache.get("k") is None
    cache.put("k", "m", Completion("answer", 3, 1, "stop"))
    assert cache.get("k") == Completion("answer", 3, 1, "stop")
    cache.put("k", "m", Completion("newer"))
    assert cache.get("k") == Completion("newer", 0, 0, None) and len(cache) == 1
    assert cache.stats.to_dict() == {"hits": 2, "misses": 1}
    cache.close()


def test_answers_survive_a_killed_writer(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    code = (
        "import os, sys\nfrom aceforge.generation.cache import ResponseCache\n"
        "from aceforge.generation.base import Completion\n"
        "c = ResponseCache(sys.argv[1])\nc.put('k', 'm', Completion('kept'))\nos._exit(9)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], timeout=60, check=False)
    assert done.returncode == 9
    assert ResponseCache(path).get("k") == Completion("kept")


def test_default_path_follows_the_cache_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ACEFORGE_CACHE_DIR", str(tmp_path))
    assert default_cache_path() == tmp_path / "llm-responses.sqlite"

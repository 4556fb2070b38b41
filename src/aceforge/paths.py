"""Where aceforge keeps its caches by default (LLM answers, executions, converted models)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ACEFORGE_CACHE_DIR"


def cache_dir() -> Path:
    """Where caches live by default: $ACEFORGE_CACHE_DIR, else ~/.cache/aceforge."""
    return Path(os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "aceforge"))

"""The process-wide engine and reward cores the framework faces share.

A trainer process (TRL, a verl reward worker, an OpenRLHF ``.py`` reward) keeps one engine,
started on first use and closed at exit; every reward option set gets its own core over it.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Sequence

from aceforge.execution.base import Executor
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, RewardResult

_LOCK = threading.Lock()
_CORES: dict[RewardOptions, RewardCore] = {}
_ENGINE: Executor | None = None


def shared_core(options: RewardOptions | None = None, executor: Executor | None = None) -> RewardCore:
    """A process-wide reward core per options (the engine is shared by all of them)."""
    options = options or RewardOptions()
    with _LOCK:
        if options not in _CORES:
            _CORES[options] = RewardCore(executor or _engine(), options)
        return _CORES[options]


def score(core: RewardCore, items: Sequence[RewardItem]) -> list[RewardResult]:
    """Score on the shared engine, which serves one batch at a time."""
    with _LOCK:
        return core.score(items)


def _engine() -> Executor:
    global _ENGINE
    if _ENGINE is None:
        from aceforge.execution.factory import make_executor

        ex = make_executor()
        ex.start()
        atexit.register(ex.close)
        _ENGINE = ex
    return _ENGINE

"""The execution engine: run untrusted programs against tests, fast and hack-resistant.

Names are resolved lazily so the fork servers, which import ``harness`` and ``sandbox`` only,
do not load the parent-side machinery (every loaded page makes each fork slower).
"""

from __future__ import annotations

from aceforge._lazy import lazy_getattr

__all__ = [
    "BaseExecutor",
    "CachedExecutor",
    "Executor",
    "LocalExecutor",
    "RayExecutor",
    "make_executor",
    "normalize_output",
    "plan_assert",
    "run_jobs",
    "values_equal",
]

_HOMES = {
    "Executor": "aceforge.execution.base",
    "BaseExecutor": "aceforge.execution.base",
    "LocalExecutor": "aceforge.execution.executor",
    "make_executor": "aceforge.execution.factory",
    "RayExecutor": "aceforge.execution.ray_executor",
    "CachedExecutor": "aceforge.execution.cache",
    "run_jobs": "aceforge.execution.executor",
    "plan_assert": "aceforge.execution.plan",
    "normalize_output": "aceforge.execution.values",
    "values_equal": "aceforge.execution.values",
}


__getattr__ = lazy_getattr(__name__, _HOMES)

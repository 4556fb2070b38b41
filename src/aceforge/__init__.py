"""aceforge: turn ordinary code data into verifiable rewards for training coder LLMs.

Names resolve lazily: the engine's fork servers import this package, and every module they
load makes each fork slower.
"""

from __future__ import annotations

from aceforge._lazy import lazy_getattr

__all__ = [
    "AceforgeError",
    "DataFormatError",
    "ExecResult",
    "Executor",
    "IsolationUnavailableError",
    "Job",
    "Limits",
    "StdioTest",
    "TestOutcome",
]
__version__ = "0.1.0"

_HOMES = {
    "AceforgeError": "aceforge.errors",
    "DataFormatError": "aceforge.errors",
    "IsolationUnavailableError": "aceforge.errors",
    "ExecResult": "aceforge.types",
    "Executor": "aceforge.types",
    "Job": "aceforge.types",
    "Limits": "aceforge.types",
    "StdioTest": "aceforge.types",
    "TestOutcome": "aceforge.types",
}


__getattr__ = lazy_getattr(__name__, _HOMES)

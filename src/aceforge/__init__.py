"""aceforge: turn ordinary code data into verifiable rewards for training coder LLMs.

Names resolve lazily: the engine's fork servers import this package, and every module they
load makes each fork slower.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AceforgeError",
    "DataFormatError",
    "ExecResult",
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
    "Job": "aceforge.types",
    "Limits": "aceforge.types",
    "StdioTest": "aceforge.types",
    "TestOutcome": "aceforge.types",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(name)

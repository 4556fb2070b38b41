"""One exception tree for misuse and infrastructure problems.

A failing program is *data* (an outcome), never an exception. These are for callers::

    AceforgeError
    ├── ConfigError                  bad option values
    │   └── IsolationUnavailableError  `--isolation strict` on a host without namespaces/root
    ├── DataFormatError              a malformed input file (names file, line and field)
    └── WorkerError                  the execution engine itself failed (not the program under test)
"""

from __future__ import annotations


class AceforgeError(Exception):
    """Base of every error aceforge raises on purpose."""


class ConfigError(AceforgeError):
    """An option or configuration value is invalid."""


class IsolationUnavailableError(ConfigError):
    """Strict isolation was requested but this host cannot provide it."""


class WorkerError(AceforgeError):
    """The engine's own machinery failed (a fork server could not start, a protocol error)."""


class DataFormatError(AceforgeError):
    """An input file is malformed. The message names the file, the line and the field."""

    def __init__(self, path: str, line: int | None, field: str | None, problem: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, problem
        where = path if line is None else f"{path}:{line}"
        what = f"field {field!r}: " if field else ""
        super().__init__(f"{where}: {what}{problem}")

"""One exception tree for misuse and infrastructure problems.

A failing program is *data* (an outcome), never an exception. These are for callers::

    AceforgeError
    ├── ConfigError                  bad option values
    │   └── IsolationUnavailableError  `--isolation strict` on a host without namespaces/root
    │   └── MissingExtraError          a feature needs an optional dependency (says what to install)
    ├── DataFormatError              a malformed input file (names file, line and field)
    ├── GenerationError              an LLM endpoint failed in a way retrying cannot fix
    │   ├── BudgetExceededError        the token or cost cap is reached; the stage stops cleanly
    │   └── RequestRejectedError       the endpoint refused this one request (e.g. prompt too long)
    └── WorkerError                  the execution engine itself failed (not the program under test)
"""

from __future__ import annotations


class AceforgeError(Exception):
    """Base of every error aceforge raises on purpose."""


class ConfigError(AceforgeError):
    """An option or configuration value is invalid."""


class IsolationUnavailableError(ConfigError):
    """Strict isolation was requested but this host cannot provide it."""


class MissingExtraError(ConfigError):
    """A feature needs an optional dependency that is not installed."""

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs the {package!r} package: "
            f"pip install 'aceforge[{extra}]' (or pip install {package})"
        )


class GenerationError(AceforgeError):
    """An LLM call failed for good (bad credentials, unknown model, retries exhausted)."""


class BudgetExceededError(GenerationError):
    """The configured token or cost cap was reached."""


class RequestRejectedError(GenerationError):
    """The endpoint refused one request (HTTP 400/413/422): that item fails, the stage goes on."""


class WorkerError(AceforgeError):
    """The engine's own machinery failed (a fork server could not start, a protocol error)."""


class DataFormatError(AceforgeError):
    """An input file is malformed. The message names the file, the line and the field."""

    def __init__(self, path: str, line: int | None, field: str | None, problem: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, problem
        where = path if line is None else f"{path}:{line}"
        what = f"field {field!r}: " if field else ""
        super().__init__(f"{where}: {what}{problem}")

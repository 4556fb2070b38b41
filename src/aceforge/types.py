"""Plain, frozen data types shared by every stage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypedDict

Outcome = Literal["passed", "failed", "error", "timeout", "memory", "crashed", "not_run"]
JobStatus = Literal["ok", "syntax_error", "import_error", "import_timeout", "crashed"]
OUTCOMES: tuple[str, ...] = ("passed", "failed", "error", "timeout", "memory", "crashed", "not_run")
JOB_STATUSES: tuple[str, ...] = ("ok", "syntax_error", "import_error", "import_timeout", "crashed")


@dataclass(frozen=True)
class StdioTest:
    """A competitive-programming test: feed `input` on stdin, expect `output` on stdout,
    compared by `compare` (see ``aceforge.execution.outputs``: lines, exact, lenient, tokens[:TOL])."""

    input: str
    output: str
    compare: str = "lines"


Test = str | StdioTest


class Message(TypedDict):
    """One chat message."""

    role: str
    content: str


Prompt = str | list[Message]  # a completion prompt, or chat messages


# The one import-timeout rule: a program's import phase (its modules, its top-level code) gets
# the per-test timeout, never less than this. The stages' 2 s tests give 2 s imports.
IMPORT_FLOOR_S = 1.0


@dataclass(frozen=True)
class Limits:
    """Per-job resource limits. `timeout_s` is per test; the import phase gets `import_timeout_s`."""

    timeout_s: float = field(default=1.0, metadata={"help": "Per-test timeout in seconds."})
    import_timeout_s: float | None = field(  # None: the one rule, max(timeout_s, IMPORT_FLOOR_S)
        default=None, metadata={"help": "Program import timeout [default: max(1, timeout)]."}
    )
    memory_mb: int = field(default=2048, metadata={"help": "Address-space limit per program."})
    max_processes: int = 64
    max_open_files: int = 256
    max_file_mb: int = 16
    max_output_bytes: int = 2048  # stdout/stderr tail kept per job
    max_value_bytes: int = 4 << 20  # serialized return value cap per test

    @property
    def import_timeout(self) -> float:
        return (
            self.import_timeout_s
            if self.import_timeout_s is not None
            else max(self.timeout_s, IMPORT_FLOOR_S)
        )


@dataclass(frozen=True)
class Job:
    """A program and the tests to run against it.

    `fail_fast`: stop at the first test that does not pass (the rest are `not_run`), for
    all-or-nothing rewards. `child_per_test`: run every test in a fresh process.
    `compare_in_sandbox`: when a return value cannot be serialized, fall back to running the
    whole assert inside the sandbox (the expected value then enters the sandbox).
    `probe`: the tests are bare expressions (e.g. ``f(3, "a")``), not checks; each outcome is
    `passed` with the expression's value in `TestOutcome.value`, or says why there is none.
    `random_seed`: what ``random`` is seeded with in every child (runs are repeatable; a second
    run with another seed shows what depends on it).
    """

    id: str
    program: str
    tests: tuple[Test, ...]
    limits: Limits = field(default_factory=Limits)
    fail_fast: bool = field(
        default=False, metadata={"help": "Stop a program at its first failing test (all-or-nothing rewards)."}
    )
    child_per_test: bool = field(default=False, metadata={"help": "Run every test in a fresh process."})
    compare_in_sandbox: bool = field(
        default=False,
        metadata={
            "help": "Compare unserializable return values inside the sandbox (the expected value enters it)."
        },
    )
    probe: bool = False
    random_seed: int = 0


@dataclass(frozen=True)
class TestOutcome:
    """One test's outcome, how long it took, and details (the error, the value compared)."""

    outcome: Outcome
    duration_s: float = 0.0
    detail: str | None = None  # exception type, mismatch reason, ...
    value: object = None  # probe jobs only: the expression's value (plain decoded data)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


def pass_rate(outcomes: Sequence[str]) -> float:
    """The one pass-rate formula: tests passed over the tests the program was judged on."""
    return sum(o == "passed" for o in outcomes) / len(outcomes) if outcomes else 0.0


@dataclass(frozen=True)
class ExecResult:
    """One job's verdict: its status, one `TestOutcome` per test, and what the program printed."""

    id: str
    status: JobStatus
    tests: tuple[TestOutcome, ...]
    error: str | None = None  # the import-phase error when status != "ok"
    stdout_tail: str = ""
    stderr_tail: str = ""
    duration_s: float = 0.0
    isolation: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> list[bool]:
        return [t.passed for t in self.tests]

    @property
    def outcomes(self) -> list[str]:
        return [t.outcome for t in self.tests]

    @property
    def pass_rate(self) -> float:
        return pass_rate(self.outcomes)

    @property
    def all_passed(self) -> bool:
        return bool(self.tests) and all(self.passed)

    def to_row(self) -> dict[str, object]:
        """The result as one output row of `aceforge exec`."""
        return {
            "id": self.id,
            "status": self.status,
            "passed": self.passed,
            "pass_rate": self.pass_rate,
            "outcomes": self.outcomes,
            "details": [t.detail for t in self.tests],
            "durations_s": [round(t.duration_s, 6) for t in self.tests],
            "error": self.error,
            "stdout_tail": self.stdout_tail,
            "stderr_tail": self.stderr_tail,
            "duration_s": round(self.duration_s, 6),
            "isolation": self.isolation,
        }

    @classmethod
    def from_row(cls, row: dict[str, object], id: str | None = None) -> ExecResult:
        """Inverse of ``to_row`` (values of probe jobs are not part of rows)."""
        outcomes, details, durations = row["outcomes"], row["details"], row["durations_s"]
        assert isinstance(outcomes, list) and isinstance(details, list) and isinstance(durations, list)
        tests = tuple(
            TestOutcome(o, float(t), d) for o, d, t in zip(outcomes, details, durations, strict=True)
        )
        return cls(
            id=id if id is not None else str(row["id"]),
            status=row["status"],  # type: ignore[arg-type]
            tests=tests,
            error=row["error"],  # type: ignore[arg-type]
            stdout_tail=str(row["stdout_tail"]),
            stderr_tail=str(row["stderr_tail"]),
            duration_s=float(row["duration_s"]),  # type: ignore[arg-type]
            isolation=dict(row.get("isolation") or {}),  # type: ignore[call-overload]
        )

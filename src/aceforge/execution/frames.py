"""Every frame the engine's processes exchange: the codec (length-prefixed JSON) and the
schema (what each frame holds, one typed dict per message).

JSON only for everything a child sends: nothing from a child is ever unpickled or
unmarshalled, and its frames are size-capped and validated before use. (The one message in
the other, trusted direction, a fork server's job spec to a child, is marshalled.)

Who sends what (keys per message: the typed dicts below):

* parent -> fork server (stdin): ``RunFrame`` (``op`` "run": a job's program, its tests'
  sandbox parts ``TestSpec`` and ``WireLimits``), ``ControlFrame`` (``op`` "abort",
  "unqueue" or "exit").
* fork server -> child (fd 4, marshalled): ``ChildSpec`` (the run frame, which tests, the
  compiled ``Codes``).
* child -> fork server (fd 3): ``ImportReport``, then one ``TestReport`` per test (``k``
  "test": index ``i``, outcome ``o``, detail ``d``, values ``v``), then ``DoneReport``;
  each stamped with ``ts`` (when the phase ended, clamped by the server to what it saw).
* fork server -> parent (stdout): ``HelloEvent`` once, then per job ``StatusEvent`` and
  ``TestEvent`` (time ``t`` measured by the server), ``DoneEvent`` (which carries them
  batched unless the job fails fast) and ``UnqueuedEvent``.

Keys sent per test are one letter: every byte is encoded in a freshly forked child.
"""

from __future__ import annotations

import json
import json.scanner
import os
import struct
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypedDict

HEADER = struct.Struct(">I")
MAX_FRAME = 64 << 20


class FrameError(Exception):
    """A frame over the size cap, or bytes that are not one JSON value."""


def _unencodable(obj: object) -> Any:
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


# The C encoder, built once and called directly: json.dumps would build an encoder and run
# two Python layers per frame, and in a freshly forked child every page those touch is a
# page copy. Frames are trees (no cycle check needed).
def _frame_encoder() -> Callable[[Any], Iterable[str]]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator in this build
        return json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).iterencode
    encoder = make(None, _unencodable, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda obj: encoder(obj, 0)


_chunks = _frame_encoder()


def dumps(obj: Any) -> str:
    """Compact JSON text (not ASCII-escaped), by the encoder built once."""
    return "".join(_chunks(obj))


def pack(obj: Any) -> bytes:
    raw = dumps(obj).encode("utf-8", "surrogatepass")
    return HEADER.pack(len(raw)) + raw


def write_all(fd: int, data: bytes) -> None:
    n = os.write(fd, data)
    if n < len(data):  # a full pipe: rare, so the common case makes no memoryview
        view = memoryview(data)[n:]
        while view:
            view = view[os.write(fd, view) :]


# json's C scanner, called directly: json.loads adds three Python calls and two regex
# matches per frame. A frame must be exactly one JSON value (no surrounding whitespace).
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed: a context


def _decode(raw: bytes) -> Any:
    text = raw.decode("utf-8", "surrogatepass")
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise ValueError("no JSON value") from None
    if end != len(text):
        raise ValueError("extra data after the JSON value")
    return value


class FrameReader:
    """Accumulates bytes from a non-blocking pipe and yields complete frames."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self.buf = bytearray()
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[Any]:
        self.buf += data
        frames: list[Any] = []
        while len(self.buf) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buf)
            if size > self.max_frame:
                raise FrameError(f"frame of {size} bytes exceeds {self.max_frame}")
            if len(self.buf) < HEADER.size + size:
                break
            raw = bytes(self.buf[HEADER.size : HEADER.size + size])
            del self.buf[: HEADER.size + size]
            try:
                frames.append(_decode(raw))
            except (ValueError, RecursionError) as e:
                raise FrameError(f"undecodable frame: {type(e).__name__}") from None
        return frames


# ---- the schema -----------------------------------------------------------------------------
# Typed dicts, not classes: frames are built and read as plain dicts (a child builds them in a
# fresh fork, where every extra object touched costs a page copy), and mypy checks each literal.

# What a child may report for a test: a value list ("value"), its own verdict on an assert run
# whole inside ("passed", "failed"), how it ended ("error", "timeout", "memory"), or that a
# stdio program ran ("ran": the server then sends its output as "stdio").
CHILD_OUTCOMES = frozenset({"value", "passed", "failed", "error", "timeout", "memory", "ran"})
# Outcomes after which a fail-fast job stops (the others may still pass, in the parent).
_MAY_PASS = ("value", "passed", "stdio")


class EvalSpec(TypedDict, total=False):
    """An assert split by ``plan``: evaluate the expressions ``x``; ``fb``, the whole assert,
    runs instead when a value cannot cross (only with ``compare_in_sandbox``)."""

    k: Literal["eval"]
    x: list[str]
    fb: str


class ExecSpec(TypedDict):
    """A test that runs whole in the sandbox: ``src`` passes when it raises nothing."""

    k: Literal["exec"]
    src: str


# A stdio test: the program runs as ``__main__`` with ``in`` on stdin ("in" is a keyword,
# hence the call syntax).
StdioSpec = TypedDict("StdioSpec", {"k": Literal["stdio"], "in": str})


TestSpec = EvalSpec | ExecSpec | StdioSpec


class WireLimits(TypedDict):
    """``types.Limits`` as a worker reads it (``timeout_s``: one per test)."""

    timeout_s: list[float]
    import_timeout_s: float
    memory_mb: int
    max_processes: int
    max_open_files: int
    max_file_mb: int
    max_output_bytes: int
    max_value_bytes: int


class RunFrame(TypedDict):
    """Run a job (``job``: its number on this worker). Never holds an expected value."""

    op: Literal["run"]
    job: int
    program: str
    tests: list[TestSpec] | tuple[TestSpec, ...]
    limits: WireLimits
    fail_fast: bool
    child_per_test: bool
    fallback: bool  # compare_in_sandbox
    seed: int


class ControlFrame(TypedDict, total=False):
    """``abort`` a job (fail-fast), ``unqueue`` one still waiting, or ``exit``."""

    op: Literal["abort", "unqueue", "exit"]
    job: int


class Codes(TypedDict):
    """What the fork server compiled (see ``precompile``): the program ``p``, and per test its
    code (a list for an eval test's expressions); None where the child compiles."""

    p: Any
    t: list[Any]


class ChildSpec(TypedDict):
    """A child's whole job, marshalled on fd 4: the tests ``seg`` it runs, its CPU limit."""

    seg: list[int]
    cpu_s: int
    workdir: str
    set_home: bool
    job: RunFrame
    code: Codes | None


class ImportReport(TypedDict, total=False):
    """The program imported (``status`` "ok") or why not, with the ``error``."""

    k: Literal["import"]
    status: str
    error: str | None
    ts: float


class ValueReport(TypedDict, total=False):
    """One expression's result: the value ``v`` (see ``values.encode``), why it could not
    cross ``u``, or the type of the exception it raised ``e``. Exactly one key."""

    v: Any
    u: str
    e: str


class TestReport(TypedDict, total=False):
    """Test ``i``'s outcome ``o`` (one of CHILD_OUTCOMES), detail ``d``, values ``v``."""

    k: Literal["test"]
    i: int
    o: str
    d: str
    v: list[ValueReport]
    ts: float


class DoneReport(TypedDict, total=False):
    """Every test of the segment is reported."""

    k: Literal["done"]
    ts: float


ChildReport = ImportReport | TestReport | DoneReport


class HelloEvent(TypedDict, total=False):
    """A started fork server: which isolation layers hold (see ``sandbox.Isolation``), or the
    ``error`` that stopped it."""

    ev: Literal["hello"]
    isolation: dict[str, object]
    pid: int
    error: str


class UnqueuedEvent(TypedDict):
    """A job taken back from the queue at the parent's ``unqueue``."""

    ev: Literal["unqueued"]
    job: int


class StatusEvent(TypedDict):
    """The job's status (``types.JobStatus``) and its import-phase error."""

    ev: Literal["status"]
    job: int
    status: str
    error: str | None


class TestEvent(TypedDict, total=False):
    """Test ``i``: the child's report, with ``o`` "stdio" and the output ``out`` for a stdio
    test, "crashed" or "timeout" when the server ended the child; ``t`` is in seconds."""

    ev: Literal["test"]
    job: int
    i: int
    o: str
    t: float
    d: str
    v: list[ValueReport]
    out: str


class DoneEvent(TypedDict, total=False):
    """The job ended: its batched ``events``, output tails, time ``t``, and ``rest``, the
    first test left to the parent after a hang or crash (each then runs in a fresh child)."""

    ev: Literal["done"]
    job: int
    events: list[StatusEvent | TestEvent]
    stdout: str
    stderr: str
    t: float
    rest: int


ServerEvent = HelloEvent | UnqueuedEvent | StatusEvent | TestEvent | DoneEvent


def report_kind(frame: object) -> str | None:
    """The kind ``k`` of a child's report, or None when it is not a report at all (a child's
    frames are untrusted: the program can write to fd 3 itself)."""
    return frame.get("k") if isinstance(frame, dict) else None


def event_for_test(jid: int, i: int, report: TestReport | TestEvent, t: float) -> TestEvent:
    """The parent's event for test `i` of job `jid`: only the keys the parent reads pass."""
    event: TestEvent = {"ev": "test", "job": jid, "i": i, "o": report["o"], "t": t}
    for key in ("v", "d", "out"):
        if key in report:
            event[key] = report[key]  # type: ignore[typeddict-item]
    return event


def stops_fail_fast(event: TestEvent) -> bool:
    """Whether the outcome already fails the test (a value may still pass, in the parent)."""
    return event["o"] not in _MAY_PASS

"""The fork server's side of one job while its children run: ``JobReport`` (what the parent
has been told) and ``SegmentWatch`` (one child running a run of the job's tests, held to its
deadlines, its reports checked in order).

A child's reports are untrusted (the program can write to fd 3 itself): a report out of
order, for another test, or of an unknown kind ends the child as ``malformed result frame``.
Deadlines are the server's own clock; a child's timestamps are clamped to what it observed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from aceforge.execution.frames import (
    CHILD_OUTCOMES,
    DoneEvent,
    FrameError,
    RunFrame,
    ServerEvent,
    StatusEvent,
    TestEvent,
    TestReport,
    event_for_test,
    report_kind,
    stops_fail_fast,
)

if TYPE_CHECKING:
    from aceforge.execution.child import Child
    from aceforge.execution.sandbox import Isolation

# Children report every test on a pipe nobody sleeps on (no wake-up per test); the server wakes
# when the child signals the end, exits, or a deadline nears, and at least this often to drain.
DRAIN_INTERVAL_S = 0.02


def grace(timeout_s: float) -> float:
    """Time past a soft timeout the child gets to report it before it is killed."""
    return 0.05 + 0.1 * timeout_s


class JobReport:
    """What one job has told the parent: its status, its tests' events (batched into the done
    frame, one write per job since each write wakes the parent; streamed when it fails fast,
    so the parent can abort on a wrong value), its output tails and the tests it left."""

    def __init__(self, jid: int, job: RunFrame, emit: Callable[[ServerEvent], None]) -> None:
        self.jid, self.job, self.emit = jid, job, emit
        self.status_sent = False
        self.stopped = False
        self.events: list[StatusEvent | TestEvent] = []
        self.stdout = ""
        self.stderr = ""
        self.rest: int | None = None  # first of the tests left to the parent after a hang

    def leave_rest(self, pos: int) -> None:
        """After a hang or a crash the tests from `pos` on are the parent's to spread (each in
        a fresh child), unless the job already stopped or nothing is left."""
        if not self.stopped and pos < len(self.job["tests"]):
            self.rest = pos
            self.stopped = True

    def finish_import(self, status: str, error: str) -> None:
        if not self.status_sent:
            self.send_status(status, error)
        self.stopped = True  # a re-spawned child that cannot import leaves the rest not_run

    def send_status(self, status: str, error: str | None) -> None:
        self.status_sent = True
        event: StatusEvent = {"ev": "status", "job": self.jid, "status": status, "error": error}
        if self.job.get("fail_fast"):
            self.emit(event)
        else:
            self.events.append(event)

    def emit_test(self, i: int, report: TestReport | TestEvent, t: float) -> None:
        event = event_for_test(self.jid, i, report, t)
        if self.job.get("fail_fast"):
            self.emit(event)
            if stops_fail_fast(event):
                self.stopped = True
        else:
            self.events.append(event)

    def add_output(self, stdout: str, stderr: str) -> None:
        limit = self.job["limits"]["max_output_bytes"]
        self.stdout = (self.stdout + stdout)[-limit:]
        self.stderr = (self.stderr + stderr)[-limit:]

    def done_event(self, t: float) -> DoneEvent:
        limit = self.job["limits"]["max_output_bytes"]
        done: DoneEvent = {
            "ev": "done",
            "job": self.jid,
            "events": self.events,
            "stdout": self.stdout[-limit:],
            "stderr": self.stderr[-limit:],
            "t": t,
        }
        if self.rest is not None:  # only after a hang: not encoded into every job's frame
            done["rest"] = self.rest
        return done


class ParentChannel(Protocol):
    """What a watch needs of its fork server: its isolation, the jobs the parent aborted,
    and a read of the parent's pipe (False once the parent is gone)."""

    iso: Isolation
    aborted: set[int]

    def pump_parent(self) -> bool: ...


class SegmentWatch:
    """One child running tests `seg` of a job: which of them runs (`k`), since when
    (`phase_start`, the import phase first), until when (`deadline`), whether the child
    `exited`, and why it stopped early (`end`: "deadline", "exit" or "protocol")."""

    def __init__(
        self, server: ParentChannel, child: Child, report: JobReport, seg: list[int], started: float
    ) -> None:
        self.server, self.child, self.report, self.seg = server, child, report, seg
        self.limits = report.job["limits"]
        self.n_tests = len(report.job["tests"])
        self.k = 0
        self.imported = False
        self.phase_start = started
        import_s = self.limits["import_timeout_s"]
        self.deadline = started + import_s + grace(import_s)
        self.exited = False
        self.end: str | None = None
        self.stdio_ran: float | None = None  # a stdio program ran: its time (its output follows)

    def run(self) -> int:
        """Watch until the child is done; the index of the first test left to run."""
        while self.end is None:
            if self._job_aborted():
                self.report.stopped = True
                return self._stop()
            for frame in self._read():
                pos = self._on_frame(frame)
                if pos is not None:
                    return pos
                if self.end is not None:
                    break
            if self.end is None and self.exited:
                self.end = "exit"
            if self.end is None and time.monotonic() >= self.deadline:
                self.end = "deadline"
        return self._ended()

    def _job_aborted(self) -> bool:
        """Sleep until the child rings or the parent writes (at most until the deadline)."""
        wait_s = min(DRAIN_INTERVAL_S, max(0.0, self.deadline - time.monotonic()))
        if self.child.wait(wait_s) and not self.server.pump_parent():
            self.child.kill(self.server.iso)  # the parent is gone: nobody wants the result
            sys.exit(0)
        return self.report.jid in self.server.aborted

    def _read(self) -> list[Any]:
        try:
            frames = self.child.read_frames()
            if not frames and not self.exited:  # asked only when nothing came
                self.exited = self.child.exited()
                if self.exited:  # all it wrote before exiting is in the pipe now
                    frames = self.child.read_frames()
        except FrameError:
            self.end = "protocol"
            return []
        return frames

    def _stop(self) -> int:
        self.child.kill(self.server.iso)
        return self.n_tests

    def _on_frame(self, frame: Any) -> int | None:
        """Take one report: the next position when the segment is over, else None (`end` set
        when the report breaks the order)."""
        kind = report_kind(frame)
        now = _clamp(frame.get("ts") if kind else None, self.phase_start, time.monotonic())
        if kind == "import" and not self.imported:
            return self._on_import(frame, now)
        if kind == "test" and self._expected(frame):
            return self._on_test(frame, now)
        if kind == "done" and self.imported and self.k == len(self.seg):
            self.child.release(self.server.iso)
            return self.seg[-1] + 1 if self.seg else self.n_tests
        self.end = "protocol"
        return None

    def _expected(self, frame: dict[str, Any]) -> bool:
        """A report for the test now running, with an outcome a child may give."""
        k = self.k
        return (
            self.imported
            and k < len(self.seg)
            and frame.get("i") == self.seg[k]
            and frame.get("o") in CHILD_OUTCOMES
        )

    def _on_import(self, frame: dict[str, Any], now: float) -> int | None:
        self.imported = True
        if frame.get("status") != "ok":
            self.report.finish_import(str(frame.get("status")), str(frame.get("error", "")))
            return self._stop()
        if not self.report.status_sent:
            self.report.send_status("ok", None)
        self._next_phase(now)
        return None

    def _on_test(self, frame: TestReport, now: float) -> int | None:
        i, t = self.seg[self.k], now - self.phase_start
        if frame["o"] == "ran":
            if self.stdio_ran is None:
                self.stdio_ran = t
        else:
            self.report.emit_test(i, frame, t)
        if frame["o"] == "timeout":  # the child stops at a timeout: see harness
            self.report.leave_rest(i + 1)
        if self.report.stopped:
            return self._stop()
        self.k += 1
        self._next_phase(now)
        return None

    def _next_phase(self, now: float) -> None:
        """The next test starts now: its deadline is its timeout and grace from here."""
        self.phase_start = now
        if self.k < len(self.seg):
            timeout_s = self.limits["timeout_s"][self.seg[self.k]]
            self.deadline = now + timeout_s + grace(timeout_s)

    def _ended(self) -> int:
        """The child stopped early: blame the phase it was in."""
        iso = self.server.iso
        detail = self.child.reap(iso) if self.end == "exit" else self.child.kill(iso)
        if self.end == "protocol":
            detail = "malformed result frame"
        elif self.end == "deadline":
            detail = "hard deadline"
        if not self.imported:
            self.report.finish_import("import_timeout" if self.end == "deadline" else "crashed", detail)
            return self.n_tests
        if self.k >= len(self.seg):
            return self.seg[-1] + 1
        i = self.seg[self.k]
        outcome = "timeout" if self.end == "deadline" else "crashed"
        event: TestEvent = {"o": outcome, "d": detail}
        self.report.emit_test(i, event, time.monotonic() - self.phase_start)
        self.report.leave_rest(i + 1)
        return i + 1


def _clamp(ts: object, low: float, high: float) -> float:
    """A child's timestamp, trusted only within what the server itself has observed."""
    if type(ts) is not float:
        return high
    return min(max(ts, low), high)

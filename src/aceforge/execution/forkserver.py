"""A worker: one single-threaded fork server per core, started by ``LocalExecutor``.
Its parts: this server loop, ``precompile`` (code objects shipped to children), ``zygote``
(the process that forks children, and the pid watch) and ``child`` (one child's handle).

It imports the standard-library modules programs commonly use once, then forks one child per
program (or per test). The next child is forked ahead of time, while the current one runs, so
a program starts as soon as its job arrives. The fork server holds the deadlines: when a child
hangs past a test's timeout or dies, its process group and every process of the sandbox uid
are killed, so one bad test costs one outcome. The job then ends with the index of the tests
left (``rest``): the parent runs each in a fresh child of its own, on whichever worker is free,
so the rest of a hanging program's tests (often hanging too) run side by side.

It compiles each program and test itself and ships the code in the child's spec (see
``precompile``): a fresh fork that never starts the compiler saves most of what compiling
cost it. It never receives expected values (the parent keeps them), so a forked child cannot
find them in memory. Started by ``launcher``; it speaks frames (see ``protocol``) on stdin/stdout.
"""

from __future__ import annotations

import collections
import gc
import json
import marshal
import os
import select
import signal
import sys
import time
from typing import Any

from aceforge.execution import sandbox
from aceforge.execution.child import PIPE_READ, Child
from aceforge.execution.precompile import precompile
from aceforge.execution.protocol import FrameReader, ProtocolError, pack, write_all
from aceforge.execution.zygote import Zygote, ZygoteLost

# Imported once here so children start with them loaded (fork shares the pages). Every shared
# library mapped here is copied into each child's address space and torn down at its exit
# (five mappings per extension module), so C-backed modules that solutions rarely import stay
# out: hashlib (with OpenSSL), decimal, fractions, statistics, cmath and unicodedata. Leaving
# them out took the zygote from 149 to 110 mappings and cut the CPU per quick HumanEval program
# by ~5% (interleaved A/B, 2 workers); a program that imports one pays it once, in its child
# (measured here: hashlib 4.4 ms, statistics 3.9, fractions 3.0, decimal 2.5, unicodedata 1.1,
# cmath 0.8).
PREIMPORT = [
    "abc",
    "array",
    "bisect",
    "calendar",
    "collections",
    "collections.abc",
    "copy",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "heapq",
    "io",
    "itertools",
    "json",
    "math",
    "numbers",
    "operator",
    "random",
    "re",
    "string",
    "struct",
    "textwrap",
    "typing",
]
CHILD_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
TAIL_READ_MAX = 16 << 20
# Children report every test on a pipe nobody sleeps on (no wake-up per test); the server wakes
# when the child signals the end, exits, or a deadline nears, and at least this often to drain.
DRAIN_INTERVAL_S = 0.02
_CHILD_OUTCOMES = {"value", "passed", "failed", "error", "timeout", "memory", "ran"}


# Sources longer than this are compiled by the child, under its limits, not here.
def _grace(timeout_s: float) -> float:
    """Time past a soft timeout the child gets to report it before it is killed."""
    return 0.05 + 0.1 * timeout_s


class _JobState:
    def __init__(self, jid: int, job: dict[str, Any]) -> None:
        self.jid, self.job = jid, job
        self.status_sent = False
        self.stopped = False
        self.events: list[dict[str, Any]] = []
        self.stdout = ""
        self.stderr = ""
        self.rest: int | None = None  # first of the tests left to the parent after a hang


class ForkServer:
    def __init__(self, iso: sandbox.Isolation) -> None:
        self.iso = iso
        self.reader = FrameReader()
        self.queue: collections.deque[dict[str, Any]] = collections.deque()
        self.aborted: set[int] = set()
        self.current: int | None = None
        self.jobs_run = 0
        self.devnull = os.open(os.devnull, os.O_RDONLY)
        self.warm: Child | None = None
        self.zygote: Zygote  # started by serve()
        os.set_blocking(0, False)

    # ---- parent channel ----------------------------------------------------------------------
    def emit(self, obj: dict[str, Any]) -> None:
        write_all(1, pack(obj))

    def pump_parent(self) -> bool:
        """Read whatever the parent sent; False at EOF."""
        try:
            chunk = os.read(0, PIPE_READ)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        for frame in self.reader.feed(chunk):
            jid = frame.get("job")
            if frame.get("op") == "abort":
                if jid == self.current or any(q.get("job") == jid for q in self.queue):
                    self.aborted.add(jid)
            elif frame.get("op") == "unqueue":  # the parent moves a waiting job to an idle worker
                kept = [q for q in self.queue if q.get("job") != jid]
                if len(kept) < len(self.queue):
                    self.queue = collections.deque(kept)
                    self.emit({"ev": "unqueued", "job": jid})
            else:
                self.queue.append(frame)
        return True

    def serve(self) -> None:
        self.zygote = Zygote(self.iso)
        if self.iso.pid_namespace or self.iso.subreaper:  # orphans end here: the kernel reaps them
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        self.warm = Child.fork_warm(self)
        alive = True
        while alive or self.queue:
            while not self.queue and alive:
                select.select([0], [], [])
                alive = self.pump_parent()
            if not self.queue:
                break
            frame = self.queue.popleft()
            if frame.get("op") == "exit":
                break
            if frame.get("op") == "run":
                if frame["job"] in self.aborted:
                    self.aborted.discard(frame["job"])
                    self.emit({"ev": "done", "job": frame["job"], "events": []})
                    continue
                self.run_job(frame)

    # ---- one job -----------------------------------------------------------------------------
    def run_job(self, job: dict[str, Any]) -> None:
        jid, n = job["job"], len(job["tests"])
        self.current = jid
        self.jobs_run += 1
        workdir = sandbox.make_workdir(self.iso, self.jobs_run)
        state = _JobState(jid, job)
        started = time.monotonic()
        try:
            codes = precompile(job)
            if codes is not None and "error" in codes:
                self.finish_import(state, "syntax_error", codes["error"])
            pos = 0
            while pos < n and not state.stopped:
                pos = self.run_segment(job, codes, self.segment(job, pos), state, workdir)
            if n == 0 and not state.stopped:  # no tests: run the program once for its status
                self.run_segment(job, codes, [], state, workdir)
        finally:
            limit = job["limits"]["max_output_bytes"]
            done = {
                "ev": "done",
                "job": jid,
                "events": state.events,
                "stdout": state.stdout[-limit:],
                "stderr": state.stderr[-limit:],
                "t": time.monotonic() - started,
            }
            if state.rest is not None:  # only after a hang: not encoded into every job's frame
                done["rest"] = state.rest
            self.zygote.check()  # rootless, a program can kill it: then this job is to blame
            self.emit(done)
            sandbox.clean_after_job(self.iso, workdir)
            self.aborted.discard(jid)
            self.current = None

    @staticmethod
    def segment(job: dict[str, Any], pos: int) -> list[int]:
        """Tests that share one child: a run of assert tests; stdio tests get a child each."""
        tests = job["tests"]
        if tests[pos]["k"] == "stdio" or job.get("child_per_test"):
            return [pos]
        end = pos
        while end < len(tests) and tests[end]["k"] != "stdio":
            end += 1
        return list(range(pos, end))

    def take_child(self) -> Child:
        """The warm child (a dead one is caught by `start`: its spec pipe has no reader)."""
        child, self.warm = self.warm, None
        return child if child is not None else Child.fork_warm(self)

    def run_segment(
        self,
        job: dict[str, Any],
        codes: dict[str, Any] | None,
        seg: list[int],
        state: _JobState,
        workdir: str,
    ) -> int:
        """Run tests `seg` in one child; returns the index of the first test left to run."""
        limits = job["limits"]
        cpu_s = int(limits["import_timeout_s"] + sum(limits["timeout_s"][i] for i in seg)) + 2
        home = not self.iso.private_tmp
        spec = marshal.dumps(
            {"seg": seg, "cpu_s": cpu_s, "workdir": workdir, "set_home": home, "job": job, "code": codes}
        )
        child = self.take_child()
        if not child.start(spec):
            child.discard(self.iso)
            child = Child.fork_warm(self)
            child.start(spec)
        started = time.monotonic()
        self.warm = Child.fork_warm(self)  # forked while this one runs
        stdio_ran: list[float] = []
        next_pos = self.watch(child, job, seg, state, started, stdio_ran)
        limit = limits["max_output_bytes"]
        out = _read(child.out, TAIL_READ_MAX if stdio_ran else limit, tail=not stdio_ran)
        state.stdout = (state.stdout + out)[-limit:]
        state.stderr = (state.stderr + _read(child.err, limit, tail=True))[-limit:]
        child.close_files()
        if stdio_ran:
            self.emit_test(state, seg[0], {"o": "stdio", "out": out, "t": stdio_ran[0]})
        return next_pos

    def watch(
        self,
        child: Child,
        job: dict[str, Any],
        seg: list[int],
        state: _JobState,
        started: float,
        stdio_ran: list[float],
    ) -> int:
        limits = job["limits"]
        k = 0  # position in seg of the test now running
        imported = False
        phase_start = started
        deadline = started + limits["import_timeout_s"] + _grace(limits["import_timeout_s"])
        end: str | None = None  # why the child stopped early: "deadline" | "exit" | "protocol"
        exited = False
        while end is None:
            parent_wrote = child.wait(min(DRAIN_INTERVAL_S, max(0.0, deadline - time.monotonic())))
            if parent_wrote and not self.pump_parent():  # the parent is gone: nobody wants the result
                child.kill(self.iso)
                sys.exit(0)
            if state.jid in self.aborted:
                state.stopped = True
                child.kill(self.iso)
                return len(job["tests"])
            try:
                frames = child.read_frames()
                if not frames and not exited:  # asked only when nothing came
                    exited = child.exited()
                    if exited:  # all it wrote before exiting is in the pipe now
                        frames = child.read_frames()
            except ProtocolError:
                frames, end = [], "protocol"
            for frame in frames:
                kind = frame.get("k") if isinstance(frame, dict) else None
                now = _clamp(frame.get("ts") if kind else None, phase_start, time.monotonic())
                if kind == "import" and not imported:
                    imported = True
                    if frame.get("status") != "ok":
                        self.finish_import(state, str(frame.get("status")), str(frame.get("error", "")))
                        child.kill(self.iso)
                        return len(job["tests"])
                    if not state.status_sent:
                        self.send_status(state, "ok", None)
                    phase_start = now
                    if seg:
                        deadline = now + limits["timeout_s"][seg[0]] + _grace(limits["timeout_s"][seg[0]])
                elif (
                    kind == "test"
                    and imported
                    and k < len(seg)
                    and frame.get("i") == seg[k]
                    and frame.get("o") in _CHILD_OUTCOMES
                ):
                    frame["t"] = now - phase_start
                    if frame["o"] == "ran":
                        stdio_ran.append(frame["t"])
                    else:
                        self.emit_test(state, seg[k], frame)
                    if frame["o"] == "timeout":  # the child stops at a timeout: see harness
                        self.leave_rest(state, seg[k] + 1)
                    if state.stopped:
                        child.kill(self.iso)
                        return len(job["tests"])
                    k += 1
                    phase_start = now
                    if k < len(seg):
                        deadline = now + limits["timeout_s"][seg[k]] + _grace(limits["timeout_s"][seg[k]])
                elif kind == "done" and imported and k == len(seg):
                    child.release(self.iso)
                    return seg[-1] + 1 if seg else len(job["tests"])
                else:
                    end = "protocol"
                    break
            if end is None and exited:
                end = "exit"
            if end is None and time.monotonic() >= deadline:
                end = "deadline"
        detail = child.reap(self.iso) if end == "exit" else child.kill(self.iso)
        if end == "protocol":
            detail = "malformed result frame"
        elif end == "deadline":
            detail = "hard deadline"
        if not imported:
            self.finish_import(state, "import_timeout" if end == "deadline" else "crashed", detail)
            return len(job["tests"])
        if k >= len(seg):
            return seg[-1] + 1
        outcome = "timeout" if end == "deadline" else "crashed"
        self.emit_test(state, seg[k], {"o": outcome, "d": detail, "t": time.monotonic() - phase_start})
        self.leave_rest(state, seg[k] + 1)
        return seg[k] + 1

    @staticmethod
    def leave_rest(state: _JobState, pos: int) -> None:
        """After a hang or a crash the tests from `pos` on are the parent's to spread (each in
        a fresh child), unless the job already stopped or nothing is left."""
        if not state.stopped and pos < len(state.job["tests"]):
            state.rest = pos
            state.stopped = True

    def finish_import(self, state: _JobState, status: str, error: str) -> None:
        if not state.status_sent:
            self.send_status(state, status, error)
        state.stopped = True  # a re-spawned child that cannot import leaves the rest not_run

    def send_status(self, state: _JobState, status: str, error: str | None) -> None:
        state.status_sent = True
        event = {"ev": "status", "job": state.jid, "status": status, "error": error}
        if state.job.get("fail_fast"):
            self.emit(event)
        else:
            state.events.append(event)  # one write per job: each write wakes the parent

    def emit_test(self, state: _JobState, i: int, frame: dict[str, Any]) -> None:
        event = {"ev": "test", "job": state.jid, "i": i, "o": frame["o"], "t": frame.get("t", 0.0)}
        for key in ("v", "d", "out"):
            if key in frame:
                event[key] = frame[key]
        if state.job.get("fail_fast"):
            self.emit(event)  # streamed: the parent may abort on a wrong value
            if frame["o"] not in ("value", "passed", "stdio"):
                state.stopped = True
        else:
            state.events.append(event)  # batched into the job's final frame


def _clamp(ts: object, low: float, high: float) -> float:
    """A child's timestamp, trusted only within what the server itself has observed."""
    if type(ts) is not float:
        return high
    return min(max(ts, low), high)


def _read(fd: int, limit: int, tail: bool) -> str:
    size = os.fstat(fd).st_size
    if not size:
        return ""
    start = max(0, size - limit) if tail else 0
    return os.pread(fd, min(size - start, limit), start).decode("utf-8", "replace")


def _prewarm_typing() -> None:
    """Fill typing's alias cache with the annotations solutions use most (``List[int]``…):
    a child then finds them instead of building each alias in Python (~35 fewer page copies
    for a typical annotated function)."""
    import typing

    # typing's own objects, not the builtins: their caches are what children consult.
    try:
        t_list, t_tuple, t_dict = (getattr(typing, n) for n in ("List", "Tuple", "Dict"))
        singles = [getattr(typing, n) for n in ("List", "Optional", "Set", "Sequence", "Iterable")]
        for t in (int, float, str, bool, typing.Any):
            for alias in singles:
                alias[t]
            for made in (t_tuple[t, ...], t_tuple[t, t], t_dict[str, t], t_dict[int, t]):
                t_list[made]
            t_list[t_list[t]]
    except (AttributeError, TypeError):  # a Python whose typing lacks these: only slower
        pass


def main() -> None:
    level = sys.argv[1] if len(sys.argv) > 1 else "auto"
    namespaces = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        iso = sandbox.setup_worker(level, namespaces)
    except (PermissionError, OSError, RuntimeError, ValueError) as e:
        write_all(1, pack({"ev": "hello", "error": str(e)}))
        return
    for name in PREIMPORT:
        try:
            __import__(name)
        except ImportError:
            pass
    _prewarm_typing()
    os.environ.clear()
    os.environ.update(CHILD_ENV)
    if iso.private_tmp:
        os.environ.update(HOME=sandbox.PRIVATE_WORKDIR, TMPDIR=sandbox.PRIVATE_WORKDIR)
    os.chdir("/")
    # Move every object loaded so far out of the collector's reach: a collection in a child
    # would otherwise write to all of them and copy every shared page.
    gc.collect()
    gc.freeze()
    write_all(1, pack({"ev": "hello", "isolation": iso.as_dict(), "pid": os.getpid()}))
    try:
        ForkServer(iso).serve()
    except ZygoteLost:
        os._exit(3)


if __name__ == "__main__":
    main()

"""A worker: one single-threaded fork server per core, started by ``LocalExecutor``.

It imports the standard-library modules programs commonly use once, then forks one child per
program (or per test). The next child is forked ahead of time, while the current one runs, so
a program starts as soon as its job arrives. The fork server holds the deadlines: when a child
hangs past a test's timeout or dies, its process group and every process of the sandbox uid
are killed, so one bad test costs one outcome. The job then ends with the index of the tests
left (``rest``): the parent runs each in a fresh child of its own, on whichever worker is free,
so the rest of a hanging program's tests (often hanging too) run side by side.

It compiles each program and test itself and ships the code in the child's spec (see
``_precompile``): a fresh fork that never starts the compiler saves most of what compiling
cost it. It never receives expected values (the parent keeps them), so a forked child cannot
find them in memory. Started by ``launcher``; it speaks frames (see ``protocol``) on stdin/stdout.
"""

from __future__ import annotations

import _signal
import collections
import functools
import gc
import json
import marshal
import os
import select
import signal
import socket
import struct
import sys
import time
import types
import warnings
from collections.abc import Callable
from typing import Any

from aceforge.execution import harness, sandbox
from aceforge.execution.protocol import FrameReader, ProtocolError, pack, write_all

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
PIPE_READ = 1 << 16  # a pipe holds 64 KiB: asking for more only allocates a larger buffer
# Children report every test on a pipe nobody sleeps on (no wake-up per test); the server wakes
# when the child signals the end, exits, or a deadline nears, and at least this often to drain.
DRAIN_INTERVAL_S = 0.02
_CHILD_OUTCOMES = {"value", "passed", "failed", "error", "timeout", "memory", "ran"}


# Sources longer than this are compiled by the child, under its limits, not here.
PRECOMPILE_MAX_CHARS = 1 << 16
PRECOMPILED_TESTS_MAX = 8192
PRECOMPILED_PROGRAMS_MAX = 256  # samples of one question arrive together; duplicates are common


def _precompile(job: dict[str, Any]) -> dict[str, Any] | None:
    """Compiles the job's program and tests here, to ship them marshalled in the spec: a child
    that compiles nothing never wakes the parser and compiler, which in a fresh fork costs
    ~0.6 ms and ~70 page copies per program (measured here; compiling here costs ~40 us). A
    test shared by a question's samples compiles once, and so does a repeated program. A
    program that does not compile is reported from here, without a child.

    Anything the child might see differently is left for the child to compile, as before:
    sources that warn (the child would print the warning), are very long (the child compiles
    them under its limits) or hold a set constant (marshal rebuilds it in another insertion
    order, which can change its iteration order).

    Returns {"p": program, "t": per-test code}, {"error": syntax error}, or None (the child
    compiles everything)."""
    error, program = _program_for_child(job["program"])
    if error is not None:
        return {"error": error}
    if program is None:
        return None
    tests: list[Any] = []
    for test in job["tests"]:
        if test["k"] == "eval":
            tests.append([_test_for_child(x, "eval") for x in test["x"]])
        elif test["k"] == "exec":
            tests.append(_test_for_child(test["src"], "exec"))
        else:
            tests.append(None)
    return {"p": program, "t": tests}


@functools.lru_cache(maxsize=PRECOMPILED_PROGRAMS_MAX)
def _program_for_child(source: str) -> tuple[str | None, types.CodeType | None]:
    return _compile_for_child(source, harness.compile_program)


@functools.lru_cache(maxsize=PRECOMPILED_TESTS_MAX)
def _test_for_child(source: str, mode: str) -> types.CodeType | None:
    """The compiled test, or None: the child compiles it (and meets its errors) itself."""
    return _compile_for_child(source, lambda src: _compile_test(src, mode))[1]


def _compile_for_child(
    source: str, compile_source: Callable[[str], tuple[str | None, Any]]
) -> tuple[str | None, types.CodeType | None]:
    """(error, code) as `compile_source` gives them, except that code is None wherever the
    child must compile the source itself to see what plain Python would."""
    if len(source) > PRECOMPILE_MAX_CHARS:
        return None, None
    with warnings.catch_warnings(record=True) as caught:
        error, code = compile_source(source)
    if code is not None and (caught or _holds_set_constant(code.co_consts)):
        code = None
    return error, code


def _compile_test(source: str, mode: str) -> tuple[str | None, Any]:
    try:
        return None, compile(source, "<test>", mode, dont_inherit=True)
    except Exception as e:  # the child compiles it again, under the test's timer, and reports it
        return type(e).__name__, None


def _holds_set_constant(consts: tuple[Any, ...]) -> bool:
    for c in consts:
        if isinstance(c, frozenset) and len(c) > 1:
            return True
        if isinstance(c, tuple) and _holds_set_constant(c):
            return True
        if isinstance(c, types.CodeType) and _holds_set_constant(c.co_consts):
            return True
    return False


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
        self.warm: _Child | None = None
        self.zygote: _Zygote  # started by serve()
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
        self.zygote = _Zygote(self.iso)
        if self.iso.pid_namespace:  # pid 1: orphans of the sandbox end here, reaped by the kernel
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        self.warm = _Child.fork_warm(self)
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
            codes = _precompile(job)
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

    def take_child(self) -> _Child:
        """The warm child (a dead one is caught by `start`: its spec pipe has no reader)."""
        child, self.warm = self.warm, None
        return child if child is not None else _Child.fork_warm(self)

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
            child = _Child.fork_warm(self)
            child.start(spec)
        started = time.monotonic()
        self.warm = _Child.fork_warm(self)  # forked while this one runs
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
        child: _Child,
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


_SIGCHLD, _SIG_DFL = int(signal.SIGCHLD), int(signal.SIG_DFL)
_MSG = struct.Struct("<cii")  # kind (P: forked, X: exited), pid, wait status


class _Zygote:
    """A process that only forks children, so the fork server never shares memory with a
    live child: with CPython's reference counting, every page the server touched while a
    child shared it would be copied (about 0.4 ms of faults per program, measured here).

    It is forked once from the fully loaded server, reaps its children and reports their
    exit statuses. Children reach it as fds over a SEQPACKET socket (one message each)."""

    def __init__(self, iso: sandbox.Isolation) -> None:
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.exits: dict[int, int] = {}
        self.pending: collections.deque[_Child] = collections.deque()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                self.sock.close()
                _zygote_main(theirs, iso.uid, block_sockets=not iso.network_namespace)
            finally:
                os._exit(0)
        theirs.close()
        # Created after the fork: the zygote's own pid is the namespace's last one.
        self.pids: _PidWatch | None = None
        if iso.pid_namespace and iso.uid is not None:
            try:
                self.pids = _PidWatch()
            except (OSError, ValueError):  # no readable count: every program ends with a sweep
                pass

    def request(self, child: _Child, fds: list[int]) -> None:
        """Ask for a child without waiting: its pid is read when first needed, so the fork
        overlaps with the program that is running now."""
        socket.send_fds(self.sock, [b"f"], fds)
        self.pending.append(child)

    def resolve(self, child: _Child) -> None:
        while child._pid is None:
            self._handle(self.sock.recv(_MSG.size))

    def settle(self) -> None:
        """Wait for the pids of every child asked for (a fork is rarely still in flight)."""
        while self.pending:
            self._handle(self.sock.recv(_MSG.size))

    def _handle(self, data: bytes) -> None:
        kind, pid, status = _MSG.unpack(data)
        if kind == b"P":  # answers come in request order
            # A reused pid: the status of the process that had it before (reported after the
            # server forgot it) must not make the new child look dead.
            self.exits.pop(pid, None)
            self.pending.popleft()._pid = pid
            if self.pids is not None:
                self.pids.forked(pid)
        else:
            self.exits[pid] = status

    def _drain(self) -> None:
        while True:
            try:
                data = self.sock.recv(_MSG.size, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            self._handle(data)

    def exit_status(self, pid: int) -> int | None:
        if pid not in self.exits:
            self._drain()
        return self.exits.get(pid)

    def forget(self, pid: int) -> None:
        """The server no longer cares how `pid` ends. A status arriving later is read with the
        next answers (and dropped when the pid is reused, see `_handle`)."""
        self.exits.pop(pid, None)
        if len(self.exits) > 4096:  # statuses of children nobody asked about
            self.exits.clear()


class _PidWatch:
    """Whether any process besides the zygote's children was created in this worker's pid
    namespace (see ``launcher``), so the sandbox uid can hold only the child itself.

    The namespace hands out pids in increasing order and only the zygote and the programs
    create processes in it: nothing else was created while every child's pid is one more
    than the last and the namespace's last pid is the last child's. Threads take pids too,
    and a wrap-around breaks the sequence: both count as "something else", which only costs
    a sweep. One read of a kept descriptor, against a sweep that walks every process on the
    host (~0.25 us each: 0.5 ms per program on a host running 2,000 processes)."""

    def __init__(self) -> None:
        self.fd = os.open("/proc/sys/kernel/ns_last_pid", os.O_RDONLY | os.O_CLOEXEC)
        self.last = self._read()
        self.other = False

    def _read(self) -> int:
        return int(os.pread(self.fd, 32, 0))

    def forked(self, pid: int) -> None:
        """The zygote's next child (its pids arrive in the order it forked them)."""
        self.other = self.other or pid != self.last + 1
        self.last = pid

    def only_children(self) -> bool:
        return not self.other and self._read() == self.last

    def reset(self) -> None:
        """After a sweep of the uid: start counting again from here."""
        self.other = False
        self.last = self._read()


def _zygote_main(sock: socket.socket, uid: int | None, block_sockets: bool) -> None:
    def reap(signum: int, frame: object) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            try:
                sock.send(_MSG.pack(b"X", pid, status), socket.MSG_DONTWAIT)
            except OSError:
                pass  # the server reads these lazily; a lost status only loses a detail

    signal.signal(signal.SIGCHLD, reap)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 16, 8)
        except OSError:
            return
        if not msg:  # the server is gone
            return
        pid = os.fork()
        if pid == 0:
            try:
                _signal.signal(_SIGCHLD, _SIG_DFL)  # the C call: signal.signal's enums cost page copies
                os.setpgid(0, 0)
                for target, fd in enumerate(fds):
                    os.dup2(fd, target, inheritable=True)
                os.closerange(len(fds), 1 << 16)
                harness.warm_child(uid, block_sockets=block_sockets)
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        sock.send(_MSG.pack(b"P", pid, 0))


class _Child:
    """One forked child: it waits (still root) for its spec on fd 4, reports on fd 3."""

    def __init__(self, zygote: _Zygote, fd: int, ctrl: int, out: int, err: int, bell: int) -> None:
        self.zygote = zygote
        self._pid: int | None = None  # set by the zygote's answer
        self.fd, self.ctrl, self.out, self.err, self.bell = fd, ctrl, out, err, bell
        self.reader = FrameReader()
        self.eof = False
        self.status: int | None = None
        self.poller = select.poll()
        self.poller.register(bell, select.POLLIN)
        self.poller.register(0, select.POLLIN)
        # No POLLIN on results (no wake-up per test); hang-up still wakes us when the child dies.
        self.poller.register(fd, 0)

    @classmethod
    def fork_warm(cls, server: ForkServer) -> _Child:
        out = os.memfd_create("stdout", os.MFD_CLOEXEC)
        err = os.memfd_create("stderr", os.MFD_CLOEXEC)
        ctrl_r, ctrl_w = os.pipe()
        res_r, res_w = os.pipe()
        bell_r, bell_w = os.pipe()
        # The child gets these as fds 0..5: stdin, stdout, stderr, results, spec, bell.
        child = cls(server.zygote, res_r, ctrl_w, out, err, bell_r)
        server.zygote.request(child, [server.devnull, out, err, res_w, ctrl_r, bell_w])
        for fd in (ctrl_r, res_w, bell_w):  # in flight to the zygote: the kernel holds them
            os.close(fd)
        os.set_blocking(res_r, False)
        os.set_blocking(bell_r, False)
        return child

    @property
    def pid(self) -> int:
        if self._pid is None:
            self.zygote.resolve(self)
        assert self._pid is not None
        return self._pid

    def start(self, spec: bytes) -> bool:
        try:
            write_all(self.ctrl, spec)
        except BrokenPipeError:
            return False
        finally:
            self._close_ctrl()
        return True

    def _close_ctrl(self) -> None:
        if self.ctrl >= 0:
            os.close(self.ctrl)
            self.ctrl = -1

    def discard(self, iso: sandbox.Isolation) -> None:
        """A child that will run no job: end it and close every descriptor held for it (an
        unstarted child reads EOF and exits)."""
        self._close_ctrl()
        self.kill(iso)
        self.close_files()

    def wait(self, timeout_s: float) -> bool:
        """Block until the child rings, hangs up, the parent writes, or the timeout passes
        (callers cap it at DRAIN_INTERVAL_S, which also bounds noticing an exit we miss).
        True when the parent wrote (or hung up)."""
        return any(fd == 0 for fd, _ in self.poller.poll(timeout_s * 1000))

    def read_frames(self) -> list[Any]:
        frames: list[Any] = []
        while not self.eof:
            try:
                chunk = os.read(self.fd, PIPE_READ)
            except BlockingIOError:
                break
            if not chunk:
                self.eof = True
                self.poller.unregister(self.fd)  # a hang-up stays ready: stop polling it
                break
            frames.extend(self.reader.feed(chunk))
            if len(chunk) < PIPE_READ:  # a short read took all the pipe held
                break
        return frames

    def exited(self) -> bool:
        if self.status is None:
            self.status = self.zygote.exit_status(self.pid)
        return self.status is not None

    def release(self, iso: sandbox.Isolation) -> None:
        """The child reported everything: kill it and its leftovers without waiting for the
        exit to finish (the kernel tears it down in parallel; the zygote reaps it)."""
        self._kill_leftovers(iso)
        self._close_pipes()
        self.zygote.forget(self.pid)

    def kill(self, iso: sandbox.Isolation) -> str:
        if self.status is None:
            for target in (-self.pid, self.pid):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
        return self.reap(iso)

    def reap(self, iso: sandbox.Isolation) -> str:
        if self.status is None and not self._wait_exit(0.5):
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self._wait_exit(0.5)
        self._kill_leftovers(iso)
        self._close_pipes()
        if self.status is None:
            self.zygote.forget(self.pid)
            return "killed"
        if os.WIFSIGNALED(self.status):
            return f"killed by {signal.Signals(os.WTERMSIG(self.status)).name}"
        return f"exit code {os.WEXITSTATUS(self.status)}"

    def _wait_exit(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while not self.exited():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.0005)
        return True

    def _kill_leftovers(self, iso: sandbox.Isolation) -> None:
        if iso.uid is not None:
            pids = self.zygote.pids
            if pids is not None:
                if self.status is None and self.zygote.exit_status(self.pid) is None:
                    _kill(self.pid)
                self.zygote.settle()
                # Once the child's kill is pending it cannot fork: any process it made before
                # took a pid the count sees.
                if pids.only_children():
                    return
            # Every process of the uid: the child's group and any that left it.
            sandbox.sweep_uid(iso.uid)
            if pids is not None:
                pids.reset()
            return
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def _close_pipes(self) -> None:
        os.close(self.fd)
        os.close(self.bell)

    def close_files(self) -> None:
        os.close(self.out)
        os.close(self.err)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


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
    ForkServer(iso).serve()


if __name__ == "__main__":
    main()

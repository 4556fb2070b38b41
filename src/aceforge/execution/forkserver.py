"""A worker: one single-threaded fork server per core, started by ``LocalExecutor``.

It imports the standard-library modules programs commonly use once, then forks one child per
program (or per test). It holds the deadlines: when a child hangs past a test's timeout or
dies, its process group and every process of the sandbox uid are killed and the remaining
tests continue in a fresh child, so one bad test costs one outcome.

It never receives expected values (the parent keeps them), so a forked child cannot find
them in memory. Run as ``python -m aceforge.execution.forkserver ISOLATION``; it speaks
frames (see ``protocol``) on stdin/stdout.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import select
import signal
import sys
import time
from typing import Any

from aceforge.execution import harness, sandbox
from aceforge.execution.protocol import FrameReader, ProtocolError, pack, write_all

# Imported once here so children start with them loaded (fork shares the pages).
PREIMPORT = [
    "abc",
    "array",
    "bisect",
    "calendar",
    "cmath",
    "collections",
    "collections.abc",
    "copy",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "hashlib",
    "heapq",
    "io",
    "itertools",
    "json",
    "math",
    "numbers",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "struct",
    "textwrap",
    "typing",
    "unicodedata",
]
CHILD_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
TAIL_READ_MAX = 16 << 20
_VALID_CHILD_OUTCOMES = {"value", "passed", "failed", "error", "timeout", "memory", "ran"}


class ForkServer:
    def __init__(self, iso: sandbox.Isolation) -> None:
        self.iso = iso
        self.reader = FrameReader()
        self.queue: collections.deque[dict[str, Any]] = collections.deque()
        self.aborted: set[int] = set()
        self.jobs_run = 0
        self.current: int | None = None
        self.devnull = os.open(os.devnull, os.O_RDONLY)
        os.set_blocking(0, False)

    # ---- parent channel ------------------------------------------------------------------
    def emit(self, obj: dict[str, Any]) -> None:
        write_all(1, pack(obj))

    def pump_parent(self) -> bool:
        """Read whatever the parent sent; False at EOF."""
        try:
            chunk = os.read(0, 1 << 20)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        for frame in self.reader.feed(chunk):
            if frame.get("op") == "abort":
                jid = frame.get("job")
                if jid == self.current or any(q.get("job") == jid for q in self.queue):
                    self.aborted.add(jid)
            else:
                self.queue.append(frame)
        return True

    def serve(self) -> None:
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
                    self.emit({"ev": "done", "job": frame["job"], "stdout": "", "stderr": ""})
                    continue
                self.run_job(frame)

    # ---- one job --------------------------------------------------------------------------
    def run_job(self, job: dict[str, Any]) -> None:
        jid, tests = job["job"], job["tests"]
        self.current = jid
        n = len(tests)
        self.jobs_run += 1
        workdir = sandbox.make_workdir(self.iso, self.jobs_run)
        out_fd = os.memfd_create("stdout", os.MFD_CLOEXEC)
        err_fd = os.memfd_create("stderr", os.MFD_CLOEXEC)
        state = _JobState(jid, n, job)
        started = time.monotonic()
        try:
            pos = 0
            while pos < n and not state.stopped:
                seg = self.segment(job, pos)
                pos = self.run_segment(job, seg, state, workdir, out_fd, err_fd)
            if n == 0 and not state.status_sent:
                # No tests: still import the program once so its status is known.
                self.run_segment(job, [], state, workdir, out_fd, err_fd)
        finally:
            limit = job["limits"]["max_output_bytes"]
            stdout = state.last_stdout if state.last_stdout is not None else _tail(out_fd, limit)
            self.emit(
                {
                    "ev": "done",
                    "job": jid,
                    "tests": state.events,
                    "stdout": stdout[-limit:] if stdout else "",
                    "stderr": _tail(err_fd, limit),
                    "t": time.monotonic() - started,
                }
            )
            os.close(out_fd)
            os.close(err_fd)
            sandbox.clean_after_job(self.iso, workdir)
            self.aborted.discard(jid)

    def segment(self, job: dict[str, Any], pos: int) -> list[int]:
        tests = job["tests"]
        if tests[pos]["k"] == "stdio" or job.get("child_per_test"):
            return [pos]
        end = pos
        while end < len(tests) and tests[end]["k"] != "stdio":
            end += 1
        return list(range(pos, end))

    def run_segment(
        self, job: dict[str, Any], seg: list[int], state: _JobState, workdir: str, out_fd: int, err_fd: int
    ) -> int:
        """Run tests `seg` in one child; returns the index of the first test left to run."""
        stdio = bool(seg) and job["tests"][seg[0]]["k"] == "stdio"
        in_fd, seg_out = self.devnull, out_fd
        if stdio:
            in_fd = os.memfd_create("stdin", os.MFD_CLOEXEC)
            write_all(in_fd, job["tests"][seg[0]]["in"].encode("utf-8", "surrogatepass"))
            os.lseek(in_fd, 0, os.SEEK_SET)
            seg_out = os.memfd_create("stdout", os.MFD_CLOEXEC)
        try:
            child = _Child.spawn(self, job, seg, workdir, in_fd, seg_out, err_fd)
            next_pos = self.watch(child, job, seg, state)
            if stdio and state.stdio_ran is not None:
                i, duration = state.stdio_ran
                out = _read_all(seg_out, TAIL_READ_MAX)
                state.last_stdout = out
                self.emit_test(state, i, {"o": "stdio", "out": out, "t": duration})
                state.stdio_ran = None
            return next_pos
        finally:
            if stdio:
                os.close(in_fd)
                os.close(seg_out)

    def watch(self, child: _Child, job: dict[str, Any], seg: list[int], state: _JobState) -> int:
        limits = job["limits"]
        grace = lambda t: 0.05 + 0.1 * t  # noqa: E731 - time for the child to report a soft timeout
        k = 0  # position in seg of the test now running
        imported = False
        now = time.monotonic()
        phase_start = now
        deadline = now + limits["import_timeout_s"] + grace(limits["import_timeout_s"])
        end: str | None = None  # why the child stopped early: "deadline" | "exit" | "protocol"
        while True:
            timeout = max(0.0, deadline - time.monotonic())
            child.wait(timeout)
            if not self.pump_parent():  # the parent is gone: nobody wants the result
                child.kill(self.iso)
                sys.exit(0)
            if state.jid in self.aborted:
                state.stopped = True
                child.kill(self.iso)
                return len(job["tests"])
            exited = child.exited()  # checked before reading, so no frame written before exit is missed
            try:
                frames = child.read_frames()
            except ProtocolError:
                end = "protocol"
                frames = []
            for frame in frames:
                now = time.monotonic()
                kind = frame.get("k") if isinstance(frame, dict) else None
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
                        deadline = now + limits["timeout_s"][seg[0]] + grace(limits["timeout_s"][seg[0]])
                elif (
                    kind == "test"
                    and imported
                    and k < len(seg)
                    and frame.get("i") == seg[k]
                    and frame.get("o") in _VALID_CHILD_OUTCOMES
                ):
                    i = seg[k]
                    frame["t"] = now - phase_start
                    if frame["o"] == "ran":
                        state.stdio_ran = (i, frame["t"])
                    else:
                        self.emit_test(state, i, frame)
                    if state.stopped:
                        child.kill(self.iso)
                        return len(job["tests"])
                    k += 1
                    phase_start = now
                    if k < len(seg):
                        deadline = now + limits["timeout_s"][seg[k]] + grace(limits["timeout_s"][seg[k]])
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
            if end is not None:
                break
        detail = child.kill(self.iso) if end != "exit" else child.reap(self.iso)
        if end == "protocol":
            detail = "malformed result frame"
        if not imported:
            if end == "deadline":
                self.finish_import(state, "import_timeout", "hard deadline")
            else:
                self.finish_import(state, "crashed", detail)
            return len(job["tests"])
        if k >= len(seg):
            return seg[-1] + 1
        i = seg[k]
        outcome = "timeout" if end == "deadline" else "crashed"
        self.emit_test(state, i, {"o": outcome, "d": detail, "t": time.monotonic() - phase_start})
        return i + 1

    def finish_import(self, state: _JobState, status: str, error: str) -> None:
        if not state.status_sent:
            self.send_status(state, status, error)
        state.stopped = True  # a re-spawned child that cannot import leaves the rest not_run

    def send_status(self, state: _JobState, status: str, error: str | None) -> None:
        state.status_sent = True
        self.emit({"ev": "status", "job": state.jid, "status": status, "error": error})

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


class _JobState:
    def __init__(self, jid: int, n: int, job: dict[str, Any]) -> None:
        self.jid, self.n, self.job = jid, n, job
        self.status_sent = False
        self.stopped = False
        self.events: list[dict[str, Any]] = []
        self.stdio_ran: tuple[int, float] | None = None
        self.last_stdout: str | None = None


class _Child:
    """One forked child and the pipe it reports on."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self.reader = FrameReader(max_frame=64 << 20)
        self.eof = False
        self.status: int | None = None
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None
        self.poller = select.poll()
        self.poller.register(fd, select.POLLIN)
        self.poller.register(0, select.POLLIN)
        if self.pidfd is not None:
            self.poller.register(self.pidfd, select.POLLIN)

    @staticmethod
    def reap_zombies() -> None:
        """Collect children released earlier (they are dead or dying)."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return

    @classmethod
    def spawn(
        cls,
        server: ForkServer,
        job: dict[str, Any],
        seg: list[int],
        workdir: str,
        in_fd: int,
        out_fd: int,
        err_fd: int,
    ) -> _Child:
        cls.reap_zombies()
        r, w = os.pipe()
        limits = job["limits"]
        cpu_s = int(limits["import_timeout_s"] + sum(limits["timeout_s"][i] for i in seg)) + 2
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.setpgid(0, 0)
                for fd, target in ((in_fd, 0), (out_fd, 1), (err_fd, 2), (w, 3)):
                    os.dup2(fd, target, inheritable=True)
                os.closerange(4, 1 << 16)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                sandbox.apply_child_limits(
                    limits["memory_mb"],
                    cpu_s,
                    limits["max_processes"],
                    limits["max_open_files"],
                    limits["max_file_mb"],
                )
                sandbox.drop_privileges(server.iso.uid)
                os.chdir(workdir)
                if os.environ.get("HOME") != workdir:  # preset by main() in a private /tmp
                    os.environ.update(HOME=workdir, TMPDIR=workdir)
                if not server.iso.network_namespace:
                    sandbox.install_socket_block()
                harness.run_child(job, seg, workdir)
            finally:
                os._exit(70)
        os.close(w)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        os.set_blocking(r, False)
        return cls(pid, r)

    def wait(self, timeout_s: float) -> bool:
        """Block until the child reports, exits, the parent writes, or the timeout passes."""
        if self.pidfd is None:
            timeout_s = min(timeout_s, 0.05)
        return bool(self.poller.poll(timeout_s * 1000))

    def read_frames(self) -> list[Any]:
        frames: list[Any] = []
        while not self.eof:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                self.eof = True
                self.poller.unregister(self.fd)
                break
            frames.extend(self.reader.feed(chunk))
        return frames

    def exited(self) -> bool:
        if self.status is not None:
            return True
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.status = status
            return True
        return False

    def _wait_exit(self, timeout_s: float) -> bool:
        if self.pidfd is not None:
            select.select([self.pidfd], [], [], timeout_s)
            return self.exited()
        deadline = time.monotonic() + timeout_s
        while not self.exited():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.0005)
        return True

    def kill(self, iso: sandbox.Isolation) -> str:
        if self.status is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        return self.reap(iso)

    def release(self, iso: sandbox.Isolation) -> None:
        """The child reported everything: kill it and its leftovers without waiting for the
        exit to finish (the kernel tears it down in parallel; `reap_zombies` collects it)."""
        self._kill_leftovers(iso)
        self._close()

    def _kill_leftovers(self, iso: sandbox.Isolation) -> None:
        if iso.uid is not None:
            sandbox.sweep_uid(iso.uid)
        else:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def _close(self) -> None:
        os.close(self.fd)
        if self.pidfd is not None:
            os.close(self.pidfd)

    def reap(self, iso: sandbox.Isolation) -> str:
        if self.status is None and not self._wait_exit(0.5):
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            _, self.status = os.waitpid(self.pid, 0)
        self._kill_leftovers(iso)
        self._close()
        assert self.status is not None
        if os.WIFSIGNALED(self.status):
            return f"killed by {signal.Signals(os.WTERMSIG(self.status)).name}"
        return f"exit code {os.WEXITSTATUS(self.status)}"


def _read_all(fd: int, limit: int) -> str:
    size = os.fstat(fd).st_size
    data = os.pread(fd, min(size, limit), 0) if size else b""
    return data.decode("utf-8", "replace")


def _tail(fd: int, limit: int) -> str:
    size = os.fstat(fd).st_size
    if not size:
        return ""
    start = max(0, size - limit)
    return os.pread(fd, size - start, start).decode("utf-8", "replace")


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

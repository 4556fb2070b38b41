"""A worker: one single-threaded fork server per core, started by ``LocalExecutor``.
Its parts: this server loop, ``watch`` (one child's run, held to its deadlines),
``precompile`` (code objects shipped to children), ``zygote``
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
find them in memory. Started by ``launcher``; it speaks frames (see ``frames``) on stdin/stdout.
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

from aceforge.execution import sandbox
from aceforge.execution.child import PIPE_READ, Child
from aceforge.execution.frames import ChildSpec, Codes, FrameReader, RunFrame, ServerEvent, pack, write_all
from aceforge.execution.precompile import precompile
from aceforge.execution.warmsets import Zygotes, import_key
from aceforge.execution.watch import JobReport, SegmentWatch
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


class ForkServer:
    """The server loop: jobs from the parent's pipe, one at a time, each in warm children."""

    def __init__(self, iso: sandbox.Isolation) -> None:
        self.iso = iso
        self.reader = FrameReader()
        self.queue: collections.deque[RunFrame] = collections.deque()
        self.aborted: set[int] = set()
        self.current: int | None = None
        self.jobs_run = 0
        self.devnull = os.open(os.devnull, os.O_RDONLY)
        self.zygotes: Zygotes  # started by serve()
        os.set_blocking(0, False)

    # ---- parent channel ----------------------------------------------------------------------
    def emit(self, event: ServerEvent) -> None:
        write_all(1, pack(event))

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
        if self.iso.pid_namespace or self.iso.subreaper:  # orphans end here: the kernel reaps them
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        self.zygotes = Zygotes(self.iso, self.devnull)
        self.zygotes.prefork(self.zygotes.plain)
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
    def run_job(self, job: RunFrame) -> None:
        jid, n = job["job"], len(job["tests"])
        self.current = jid
        self.jobs_run += 1
        workdir = sandbox.make_workdir(self.iso, self.jobs_run)
        report = JobReport(jid, job, self.emit)
        started = time.monotonic()
        try:
            codes = precompile(job)
            if isinstance(codes, str):  # the program does not compile
                report.finish_import("syntax_error", codes)
            # Children of a zygote that imported what the program imports (see warmsets).
            zygote = self.zygotes.for_key(import_key(codes["p"]) if isinstance(codes, dict) else ())
            pos = 0
            while pos < n and not report.stopped:
                pos = self.run_segment(codes, self.segment(job, pos), report, workdir, zygote)
            if n == 0 and not report.stopped:  # no tests: run the program once for its status
                self.run_segment(codes, [], report, workdir, zygote)
        finally:
            done = report.done_event(time.monotonic() - started)
            self.zygotes.check()  # rootless, a program can kill one: then this job is to blame
            self.emit(done)
            sandbox.clean_after_job(self.iso, workdir)
            self.aborted.discard(jid)
            self.current = None

    @staticmethod
    def segment(job: RunFrame, pos: int) -> list[int]:
        """Tests that share one child: a run of assert tests; stdio tests get a child each."""
        tests = job["tests"]
        if tests[pos]["k"] == "stdio" or job.get("child_per_test"):
            return [pos]
        end = pos
        while end < len(tests) and tests[end]["k"] != "stdio":
            end += 1
        return list(range(pos, end))

    def run_segment(
        self, codes: Codes | str | None, seg: list[int], report: JobReport, workdir: str, zygote: Zygote
    ) -> int:
        """Run tests `seg` in one child; returns the index of the first test left to run."""
        job = report.job
        limits = job["limits"]
        cpu_s = int(limits["import_timeout_s"] + sum(limits["timeout_s"][i] for i in seg)) + 2
        home = not self.iso.private_tmp
        code = codes if not isinstance(codes, str) else None
        spec: ChildSpec = {
            "seg": seg,
            "cpu_s": cpu_s,
            "workdir": workdir,
            "set_home": home,
            "job": job,
            "code": code,
        }
        data = marshal.dumps(spec)  # type: ignore[arg-type]  # a TypedDict is a plain dict
        child = self.zygotes.take(zygote)  # a dead one is caught by `start`: no reader
        if not child.start(data):
            child.discard(self.iso)
            child = Child.fork_warm(zygote, self.devnull)
            child.start(data)
        started = time.monotonic()
        self.zygotes.prefork(zygote)  # forked while this one runs
        watch = SegmentWatch(self, child, report, seg, started)
        next_pos = watch.run()
        stdio = watch.stdio_ran is not None
        limit = limits["max_output_bytes"]
        out = _read(child.out, TAIL_READ_MAX if stdio else limit, tail=not stdio)
        report.add_output(out, _read(child.err, limit, tail=True))
        child.close_files()
        if watch.stdio_ran is not None:
            report.emit_test(seg[0], {"o": "stdio", "out": out}, watch.stdio_ran)
        return next_pos


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

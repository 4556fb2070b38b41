"""The fork-server processes behind ``LocalExecutor``: how one is launched (a scrubbed
environment, pinned when the workers fill the CPUs), its hello (which isolation held), and its
retirement (EOF on stdin; a sweep of its sandbox uid when it died abnormally)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import aceforge
from aceforge.errors import IsolationUnavailableError, WorkerError
from aceforge.execution.frames import FrameReader, HelloEvent
from aceforge.execution.sandbox import (
    NO_PID_NAMESPACE_ENV,
    NO_USER_NAMESPACE_ENV,
    PIN_WORKERS_ENV,
    UID_SLOTS_ENV,
)


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    isolation: dict[str, object]
    reader: FrameReader = field(default_factory=FrameReader)
    outbuf: bytearray = field(default_factory=bytearray)
    inflight: deque[int] = field(default_factory=deque)

    @property
    def rfd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()

    @property
    def wfd(self) -> int:
        assert self.proc.stdin is not None
        return self.proc.stdin.fileno()


def python_path(src_root: str) -> str:
    """aceforge's own root, then the caller's PYTHONPATH entries that are directories (packages
    installed there, as on clusters, must import in programs as they do here), absolute. The
    working directory is left out: in a rootless sandbox it is hidden (it may hold a .env)."""
    cwd = os.path.realpath(os.getcwd())
    entries = [src_root]
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        real = os.path.realpath(entry) if entry else ""
        if real and real != cwd and os.path.isdir(real) and real not in entries:
            entries.append(real)
    return os.pathsep.join(entries)


def worker_env() -> dict[str, str]:
    """Fork servers start from a scrubbed environment: nothing of the caller's leaks in."""
    src_root = str(Path(aceforge.__file__).resolve().parent.parent)
    path = os.environ.get("PATH", "/usr/bin:/bin")
    # LD_BIND_NOW: symbols resolved once at start-up, not by every child (each lazy binding
    # writes a page the child would have to copy).
    env = {"PYTHONHASHSEED": "0", "PATH": path, "PYTHONPATH": python_path(src_root), "LANG": "C.UTF-8"}
    # What the launcher reads: its switches (see sandbox), and where the user's home and runtime
    # dir are, to hide them (see hidden; the fork server clears its environment before any fork).
    for switch in (NO_PID_NAMESPACE_ENV, NO_USER_NAMESPACE_ENV, UID_SLOTS_ENV, "HOME", "XDG_RUNTIME_DIR"):
        if switch in os.environ:
            env[switch] = os.environ[switch]
    return env | {"LD_BIND_NOW": "1"}


def launch_worker(isolation: str, n_workers: int) -> subprocess.Popen[bytes]:
    """Start one fork server loading; `await_hello` waits for it."""
    # Pinned only when the workers fill every CPU this process may use: with CPUs to spare,
    # a worker's child, zygote and server run better side by side (see launcher.pin_to_cpu).
    fill = n_workers >= len(os.sched_getaffinity(0)) and os.environ.get(PIN_WORKERS_ENV) != "0"
    return subprocess.Popen(
        [sys.executable, "-m", "aceforge.execution.launcher", isolation] + ["--pin"] * fill,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=worker_env(),
        start_new_session=True,
    )


def await_hello(proc: subprocess.Popen[bytes], isolation: str) -> Worker:
    """The started worker, once its hello frame says which isolation layers held."""
    assert proc.stdout is not None
    reader = FrameReader()
    hello: HelloEvent | None = None
    while hello is None:
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        if not chunk:
            raise WorkerError(f"fork server exited during start-up (code {proc.wait()})")
        frames = reader.feed(chunk)
        hello = frames[0] if frames else None
    if "error" in hello:
        proc.wait()
        raise IsolationUnavailableError(f"isolation {isolation!r} unavailable: {hello['error']}")
    worker = Worker(proc, hello["isolation"], reader)
    os.set_blocking(worker.rfd, False)
    os.set_blocking(worker.wfd, False)
    return worker


def retire(w: Worker) -> None:
    """Stop a worker: EOF on its stdin (it kills its child and exits), then wait."""
    for f in (w.proc.stdin, w.proc.stdout):  # EOF on stdin: the worker kills its child and exits
        if f is not None:
            try:
                f.close()
            except OSError:
                pass
    try:
        w.proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        w.proc.kill()
        w.proc.wait()
    scratch = w.isolation.get("scratch")
    if isinstance(scratch, str) and os.path.basename(scratch).startswith("aceforge-scratch-"):
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    uid = w.isolation.get("uid")
    if isinstance(uid, int) and w.proc.returncode != 0:
        # It died abnormally: whatever its children left behind runs as its uid.
        subprocess.run(
            [sys.executable, "-m", "aceforge.execution.launcher", "--sweep", str(uid)],
            env=worker_env(),
            check=False,
            timeout=30,
        )

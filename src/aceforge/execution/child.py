"""One program child, seen from the fork server: its pipes, its spec, its deadline, and the
clean-up when it ends (the process group and every leftover process of the sandbox uid)."""

from __future__ import annotations

import os
import select
import signal
import time
from typing import TYPE_CHECKING, Any

from aceforge.execution import sandbox
from aceforge.execution.frames import FrameReader, write_all
from aceforge.execution.zygote import settle_all, zygote_pids

if TYPE_CHECKING:
    from aceforge.execution.zygote import Zygote

PIPE_READ = 1 << 16  # a pipe holds 64 KiB: asking for more only allocates a larger buffer


class Child:
    """One forked child: it waits (still root) for its spec on fd 4, reports on fd 3."""

    def __init__(self, zygote: Zygote, fd: int, ctrl: int, out: int, err: int, bell: int) -> None:
        self.zygote = zygote
        self.forked_pid: int | None = None  # set by the zygote's answer
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
    def fork_warm(cls, zygote: Zygote, devnull: int) -> Child:
        """A child asked of `zygote`, waiting for its spec (its pid comes when first needed)."""
        out = os.memfd_create("stdout", os.MFD_CLOEXEC)
        err = os.memfd_create("stderr", os.MFD_CLOEXEC)
        ctrl_r, ctrl_w = os.pipe()
        res_r, res_w = os.pipe()
        bell_r, bell_w = os.pipe()
        # The child gets these as fds 0..5: stdin, stdout, stderr, results, spec, bell.
        child = cls(zygote, res_r, ctrl_w, out, err, bell_r)
        zygote.request(child, [devnull, out, err, res_w, ctrl_r, bell_w])
        for fd in (ctrl_r, res_w, bell_w):  # in flight to the zygote: the kernel holds them
            os.close(fd)
        os.set_blocking(res_r, False)
        os.set_blocking(bell_r, False)
        return child

    @property
    def pid(self) -> int:
        if self.forked_pid is None:
            self.zygote.resolve(self)
        assert self.forked_pid is not None
        return self.forked_pid

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

    def abandon(self) -> None:
        """Close every descriptor held for a child its zygote never forked (it died, or is
        retired while still importing: killing it ends the fork in flight too)."""
        self._close_ctrl()
        self._close_pipes()
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
        if iso.uid is not None or (iso.user_namespace and iso.private_proc):
            pids = self.zygote.pids
            if pids is not None:
                if self.status is None and self.zygote.exit_status(self.pid) is None:
                    kill_pid(self.pid)
                settle_all()
                # Once the child's kill is pending it cannot fork: any process it made before
                # took a pid the count sees.
                if pids.only_children():
                    return
            # Every process of the uid (rootless: of the namespace but the worker's own): the
            # child's group and any that left it.
            if iso.uid is not None:
                sandbox.sweep_uid(iso.uid)
            else:
                sandbox.sweep_namespace(self.zygote.keep())
            if pids is not None:
                pids.reset()
            return
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass
        if iso.subreaper:  # what left the group (setsid daemons, double forks)
            pids = self.zygote.pids
            if pids is not None:
                settle_all()
                if pids.only_children():  # one read: nothing was created, nothing is left
                    return
            if sandbox.has_children(self.pid):  # they come back to the server once it is gone
                self._wait_exit(0.5)
            sandbox.sweep_children(zygote_pids())
            if pids is not None:
                pids.reset()

    def _close_pipes(self) -> None:
        os.close(self.fd)
        os.close(self.bell)

    def close_files(self) -> None:
        os.close(self.out)
        os.close(self.err)


def kill_pid(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass

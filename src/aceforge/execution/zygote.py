"""The zygote: a small process that forks the program children (so the fork server's own
address space is never copied per program), reports each fork and exit over a socket, and the
pid watch that tells when every process of the sandbox uid is gone."""

from __future__ import annotations

import _signal
import collections
import os
import signal
import socket
import struct
import sys
from typing import TYPE_CHECKING

from aceforge.execution import harness, sandbox

if TYPE_CHECKING:
    from typing import Protocol

    class AwaitsFork(Protocol):
        """What asked for a fork (a ``child.Child``): the answer fills in its pid."""

        forked_pid: int | None


_SIGCHLD, _SIG_DFL = int(signal.SIGCHLD), int(signal.SIG_DFL)

_MSG = struct.Struct("<cii")  # kind (P: forked, X: exited), pid, wait status


class ZygoteLost(Exception):
    """The zygote died. As root it runs as root and programs cannot signal it; rootless (one
    uid) a program's kill(-1) reaches it. The fork server then exits, which kills everything
    left in its pid namespace, and the executor starts a fresh worker and retries the jobs."""


class Zygote:
    """A process that only forks children, so the fork server never shares memory with a
    live child: with CPython's reference counting, every page the server touched while a
    child shared it would be copied (about 0.4 ms of faults per program, measured here).

    It is forked once from the fully loaded server, reaps its children and reports their
    exit statuses. Children reach it as fds over a SEQPACKET socket (one message each)."""

    def __init__(
        self, iso: sandbox.Isolation, preload: tuple[str, ...] = (), first: Zygote | None = None
    ) -> None:
        """`preload`: modules the zygote imports before its first fork (see ``warmsets``);
        `first`: the worker's first zygote, whose pid count every later one shares."""
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.exits: dict[int, int] = {}
        self.pending: collections.deque[AwaitsFork] = collections.deque()
        self.live: set[int] = set()  # children forked and not reported exited
        self.pid = os.fork()
        if self.pid == 0:
            try:
                self.sock.close()
                if preload:  # a later zygote: the server's pipes and children's fds are not its own
                    keep = theirs.fileno()
                    os.closerange(3, keep)
                    os.closerange(keep + 1, 1 << 16)
                zygote_main(theirs, iso.uid, block_sockets=not iso.network_namespace, preload=preload)
            finally:
                os._exit(0)
        theirs.close()
        _ALIVE[self.pid] = self
        self.importing = bool(preload)  # until its first fork is answered (after the imports)
        self.pids: PidWatch | None = None
        if first is not None:
            self.pids = first.pids
            if self.pids is not None:
                self.pids.other = True  # this zygote (and its imports' threads) took pids: sweep once
            return
        # Created after the fork: the zygote's own pid is the namespace's last one.
        # Landlock alone (a subreaper, the host's pid namespace): the same count, of the host's
        # pids; whatever else forks on the host meanwhile only costs the full check.
        if (iso.pid_namespace and (iso.uid is not None or iso.user_namespace)) or iso.subreaper:
            try:
                self.pids = PidWatch()
            except (OSError, ValueError):  # no readable count: every program ends with a sweep
                pass

    def request(self, child: AwaitsFork, fds: list[int]) -> None:
        """Ask for a child without waiting: its pid is read when first needed, so the fork
        overlaps with the program that is running now."""
        try:
            socket.send_fds(self.sock, [b"f"], fds)
        except OSError:
            raise ZygoteLost("the zygote died") from None
        self.pending.append(child)

    def resolve(self, child: AwaitsFork) -> None:
        while child.forked_pid is None:
            self._handle(self._recv())

    def settle(self) -> None:
        """Wait for the pids of every child asked for (a fork is rarely still in flight)."""
        while self.pending:
            self._handle(self._recv())

    def _recv(self, flags: int = 0) -> bytes:
        try:
            return self.sock.recv(_MSG.size, flags)
        except BlockingIOError:
            raise
        except OSError:  # reset: the zygote died with our requests unread
            raise ZygoteLost("the zygote died") from None

    def check(self) -> None:
        """Raise ZygoteLost now if the zygote died (read what it reported meanwhile): the job
        that killed it is then the one blamed, not the next one."""
        self._drain()

    def _handle(self, data: bytes) -> None:
        if len(data) != _MSG.size:  # the zygote is gone: rootless, a program may kill it
            raise ZygoteLost("the zygote died")
        kind, pid, status = _MSG.unpack(data)
        if kind == b"P":  # answers come in request order
            self.importing = False
            # A reused pid: the status of the process that had it before (reported after the
            # server forgot it) must not make the new child look dead.
            self.exits.pop(pid, None)
            self.pending.popleft().forked_pid = pid
            self.live.add(pid)
            if self.pids is not None:
                self.pids.forked(pid)
        else:
            self.exits[pid] = status
            self.live.discard(pid)

    def _drain(self) -> None:
        while True:
            try:
                data = self._recv(socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            self._handle(data)

    def keep(self) -> set[int]:
        """The worker's own processes: the server, every zygote, the children they forked."""
        keep = {os.getpid()}
        for z in list(_ALIVE.values()):
            z._drain()
            keep |= {z.pid, *z.live}
        return keep

    def close(self) -> None:
        """Retire this zygote (it exits at EOF; killed too, in case it is busy importing)."""
        _ALIVE.pop(self.pid, None)
        self.sock.close()
        try:
            os.kill(self.pid, signal.SIGKILL)
            if signal.getsignal(signal.SIGCHLD) != signal.SIG_IGN:  # else the kernel reaps it
                os.waitpid(self.pid, 0)
        except OSError:
            pass

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


_ALIVE: dict[int, Zygote] = {}  # this worker's zygotes, by pid


def zygote_pids() -> set[int]:
    return set(_ALIVE)


def settle_all() -> None:
    """Every zygote's pending forks answered: their pids are counted and kept. Not those of a
    zygote still importing (that could take seconds): its first fork, if it happens now,
    only costs a sweep."""
    for z in list(_ALIVE.values()):
        if not z.importing:
            z.settle()


class PidWatch:
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


def warm_imports(modules: tuple[str, ...]) -> None:
    """Import `modules` once, before any fork (see ``warmsets``): stdio on /dev/null (a module
    that prints must not write into the server's frames), one BLAS/OpenMP thread (the zygote
    stays single-threaded for fork), the environment as it was afterwards. Failures are left
    for the program to meet itself."""
    import gc

    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    saved = dict(os.environ)
    os.environ.update({k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    # Caches a package writes while importing (matplotlib's font list) go to a directory of
    # the zygote's own, removed afterwards: never into the programs' working directory.
    scratch = _private_dir()
    tempdir = getattr(sys.modules.get("tempfile"), "tempdir", None)
    os.environ.update(
        {k: scratch for k in ("HOME", "TMPDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    )
    for name in modules:
        try:
            __import__(name)
        except BaseException:  # ImportError, SystemExit, anything a package raises
            pass
    os.environ.clear()
    os.environ.update(saved)
    if "tempfile" in sys.modules:  # its cached directory as before: the program's TMPDIR decides
        setattr(sys.modules["tempfile"], "tempdir", tempdir)  # noqa: B010
    if scratch != "/nonexistent":
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    gc.collect()
    gc.freeze()


def _private_dir() -> str:
    for base in ("/tmp", "/dev/shm"):
        try:
            path = f"{base}/.aceforge-warm-{os.getpid()}"
            os.mkdir(path, 0o700)
            return path
        except OSError:
            continue
    return "/nonexistent"  # Landlock: nowhere to write; packages fall back on their own


def zygote_main(
    sock: socket.socket, uid: int | None, block_sockets: bool, preload: tuple[str, ...] = ()
) -> None:
    if preload:
        warm_imports(preload)

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

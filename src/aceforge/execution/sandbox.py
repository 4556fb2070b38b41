"""Isolation layers for untrusted programs, applied by the fork server and its children.

What is a boundary and what is not (read this before trusting the engine):

* Enforced by the kernel when aceforge runs as root on Linux (``isolation="auto"`` or
  ``"strict"``): each worker's children run as an unprivileged uid of their own (process and
  file permissions apply; every leftover process of that uid is killed after each program);
  a private network namespace with no interfaces up (no network at all); a private mount
  namespace whose ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are fresh size-capped tmpfs mounts
  wiped after each program; resource limits (address space, CPU time, file size, open files,
  processes, no core dumps); a hard wall-clock deadline that kills the child's process group;
  a pid namespace per worker with a /proc of its own (the program sees only its worker's
  processes; when the worker dies the kernel kills every process in it).
* Hygiene, not a boundary: a scrubbed environment, closed inherited file descriptors, capped
  output, a per-test soft timeout (the program can disable it; the hard deadline still holds).
  The program can still *read* world-readable files on the host.
* Without root, ``"auto"`` runs rootless (see ``launcher``): a user namespace with the host
  read-only, the user's home and secret locations hidden (``hidden``), no network and a pid
  namespace; or, where user namespaces are refused, Landlock (writes only to a scratch dir,
  reads only beneath an allow-list, no TCP). ``isolation="minimal"`` keeps only resource
  limits, the deadline and hygiene (sockets refused by an audit hook, which ctypes can
  bypass): that is NOT a security sandbox.

The verdict never depends on the child's exit code or output: see ``harness`` and ``plan``.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import time

UID_BASE = 1_910_000_000  # far from real accounts; one uid per live worker slot
SLOT_DIR = "/run/aceforge-sandbox"
PRIVATE_TMPS = ("/tmp", "/var/tmp", "/dev/shm")
ISOLATION_LEVELS = ("auto", "strict", "minimal")
# "1" in the caller's environment: workers stay in the host's pid namespace (programs then see
# host pids and processes, and every program ends with a sweep of the whole host's processes).
NO_PID_NAMESPACE_ENV = "ACEFORGE_NO_PID_NAMESPACE"  # passed on to the workers' environment
NO_USER_NAMESPACE_ENV = "ACEFORGE_NO_USER_NAMESPACE"  # rootless: skip user namespaces (Landlock only)
# "FIRST:COUNT": workers take sandbox uid slots only in that range (a test session holds a
# range of its own, so it can count its own leftover processes on a shared host).
UID_SLOTS_ENV = "ACEFORGE_UID_SLOTS"
# "0": the executor never pins a worker to a CPU (see launcher.pin_to_cpu).
PIN_WORKERS_ENV = "ACEFORGE_PIN_WORKERS"


class Isolation:
    """What this worker actually enforces; copied into every result's metadata.

    A plain class: ``dataclasses`` would pull ``inspect`` and friends into the fork server."""

    def __init__(self, level: str, reason: str = "") -> None:
        self.level = level
        self.uid: int | None = None
        self.network_namespace = False
        self.mount_namespace = False
        self.private_tmp = False
        self.pid_namespace = False
        self.private_proc = False
        self.user_namespace = False  # rootless: the namespaces above without root
        self.readonly_host = False  # rootless: every host mount read-only (locked)
        self.landlock = 0  # the kernel's Landlock ABI, when Landlock confines this worker
        self.landlock_fs = False  # writes only beneath the scratch directory
        self.landlock_net = False  # no TCP bind or connect
        self.landlock_signals = False  # no signal to a process outside the worker
        self.secrets_hidden = False  # rootless: the user's home and secret dirs unreadable
        self.hidden_dirs: list[str] = []  # user namespaces: covered by empty read-only mounts
        self.metadata_locked = False  # Landlock only: chmod, chown, utime refused (seccomp)
        self.subreaper = False  # Landlock only: orphans come back to the fork server
        self.scratch: str | None = None  # Landlock: the one writable directory (work dirs in it)
        self.cpu: int | None = None  # the CPU this worker's processes are pinned to
        self.sockets_blocked_by_audit_hook = False
        self.no_new_privs = False
        self.exposed_python_dirs: list[str] = []  # bind-mounted back for the sandbox uid
        self.kept_dirs: list[str] = []  # Python dirs under a private tmp, bound back read-only
        self.rlimits = True
        self.scrubbed_env = True
        self.closed_fds = True
        self.reason = reason

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))


_LAYERS = (
    "network_namespace", "mount_namespace", "private_tmp", "no_new_privs", "pid_namespace",
    "private_proc", "user_namespace", "readonly_host", "landlock_fs", "landlock_net",
    "landlock_signals", "subreaper", "metadata_locked", "secrets_hidden",
)  # fmt: skip


def setup_worker(level: str, namespaces: dict[str, object]) -> Isolation:
    """Called once in a fresh fork server. `namespaces` is what ``launcher`` managed to set
    up before it exec'd this process (ctypes never loads here: it makes every fork slower)."""
    if level not in ISOLATION_LEVELS:
        raise ValueError(f"isolation must be one of {ISOLATION_LEVELS}, not {level!r}")
    iso = Isolation(level=level, reason=str(namespaces.get("reason", "")))
    for layer in _LAYERS:  # what the launcher reports as held, by the same names
        setattr(iso, layer, bool(namespaces.get(layer)))
    landlock = namespaces.get("landlock")
    iso.landlock = landlock if isinstance(landlock, int) else 0
    scratch = namespaces.get("scratch")
    iso.scratch = scratch if isinstance(scratch, str) else None
    cpu = namespaces.get("cpu")
    iso.cpu = cpu if isinstance(cpu, int) else None
    iso.exposed_python_dirs = [str(p) for p in namespaces.get("exposed", []) or []]  # type: ignore[attr-defined]
    iso.kept_dirs = [str(p) for p in namespaces.get("kept", []) or []]  # type: ignore[attr-defined]
    iso.hidden_dirs = [str(p) for p in namespaces.get("hidden", []) or []]  # type: ignore[attr-defined]
    uid = namespaces.get("uid")  # the slot the launcher locked for this worker
    if level != "minimal" and os.geteuid() == 0 and isinstance(uid, int) and uid >= UID_BASE:
        iso.uid = uid  # the launcher swept what an earlier worker in this slot left behind
    if level == "strict" and not kernel_barriers(iso):
        raise PermissionError(f"strict isolation unavailable: {iso.reason or 'no kernel-enforced barrier'}")
    iso.sockets_blocked_by_audit_hook = not iso.network_namespace
    return iso


def kernel_barriers(iso: Isolation) -> bool:
    """Whether the kernel keeps programs off the host's files and the network: as root, a
    sandbox uid with network and mount namespaces; rootless, a user namespace with the host
    read-only and no network; or Landlock on both file-system writes and TCP."""
    root = iso.uid is not None and iso.network_namespace and iso.private_tmp
    rootless = iso.user_namespace and iso.network_namespace and iso.private_tmp and iso.readonly_host
    return bool(root or rootless or (iso.landlock_fs and iso.landlock_net))


def sweep_namespace(keep: set[int]) -> None:
    """Rootless (no sandbox uid to sweep): kill every process of this worker's pid namespace
    but `keep` (the fork server, its zygote, children waiting for a job). Its /proc is the
    namespace's own, so this walks only the worker's processes."""
    for _ in range(3):  # a process killed while forking: its child shows on the next pass
        found = False
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in keep:
                found = True
                try:
                    os.kill(int(name), signal.SIGKILL)
                except OSError:
                    pass
        if not found:
            return


def has_children(pid: int) -> bool:
    """Whether any thread of `pid` has a child (killed, it can fork no more: a process made
    before is seen here or, if its parent already exited, among the server's own children)."""
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                if f.read().strip():
                    return True
    except OSError:  # gone already: its children are ours now
        return False
    return False


def sweep_children(keep: set[int], passes: int = 50) -> None:
    """Landlock only (no pid namespace, no sandbox uid): the fork server is a subreaper, so
    every process a program left behind ends up as its child. Kill every child but `keep`
    (the zygote), pass after pass, as the killed ones' children come back to us."""
    me = os.getpid()
    for _ in range(passes):
        try:
            with open(f"/proc/{me}/task/{me}/children") as f:
                extra = [int(p) for p in f.read().split() if int(p) not in keep]
        except OSError:
            return
        if not extra:
            return
        for pid in extra:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.001)  # let them die and their children move to us


def install_socket_block() -> None:
    """Fallback when there is no network namespace: refuse socket creation in the child."""
    import sys

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event in ("socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo"):
            family = args[1] if event == "socket.__new__" and len(args) > 1 else None
            if family == getattr(__import__("socket"), "AF_UNIX", 1):
                return
            raise PermissionError(errno.EACCES, "network access is disabled in the aceforge sandbox")

    sys.addaudithook(hook)


PRIVATE_WORKDIR = "/tmp/work"

# What each private tmp root and the shared workdir looked like once clean: (inode, mode,
# owner, size, mtime, ctime). Any entry added, removed or renamed moves mtime, any chmod or
# chown moves ctime, so an unchanged stat means the program left nothing (saves listing the
# roots, and removing and re-making the workdir, after every job).
_clean: dict[str, tuple[int, ...]] = {}


def _fingerprint(path: str) -> tuple[int, ...]:
    st = os.lstat(path)
    return (st.st_ino, st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _unchanged(path: str) -> bool:
    try:
        return _fingerprint(path) == _clean.get(path)
    except OSError:
        return False


def make_workdir(iso: Isolation, index: int) -> str:
    """A private, empty working directory owned by the sandbox uid.

    In a private /tmp the path is the same for every job and worker (results cannot depend
    on which worker ran a program); it is kept between jobs while nothing changed it.
    Otherwise it is unique per job."""
    if iso.private_tmp:
        path = PRIVATE_WORKDIR
        if path in _clean:  # clean_after_job found it untouched
            return path
    else:
        base = iso.scratch or os.environ.get("ACEFORGE_WORK_ROOT", "/tmp")
        path = os.path.join(base, f"aceforge-job-{os.getpid()}-{index}")
    os.mkdir(path, 0o700)
    if iso.uid is not None:
        os.chown(path, iso.uid, iso.uid)
    if iso.private_tmp:
        _clean[path] = _fingerprint(path)
    return path


def clean_after_job(iso: Isolation, workdir: str) -> None:
    """Remove the workdir (in a private /tmp: unless untouched) and, in a private /tmp,
    everything else the program left behind."""
    if not iso.private_tmp:
        try:
            os.rmdir(workdir)  # the common case: the program wrote nothing
        except OSError:
            _rmtree(workdir)
        return
    kept = _unchanged(workdir)
    if not kept:
        _clean.pop(workdir, None)
        _rmtree(workdir)
    for root in PRIVATE_TMPS:
        if _unchanged(root):
            continue
        try:
            entries = os.listdir(root)
        except OSError:
            continue
        for name in entries:
            p = os.path.join(root, name)
            if kept and p == workdir:
                continue
            if any(k == p or k.startswith(p + "/") for k in iso.kept_dirs):
                continue  # the host's own files (e.g. a venv under /tmp), bound back read-only
            if os.path.isdir(p) and not os.path.islink(p):
                _rmtree(p)
            else:
                try:
                    os.unlink(p)
                except OSError:
                    pass
        try:
            _clean[root] = _fingerprint(root)
        except OSError:
            pass


def _rmtree(path: str) -> None:
    import shutil  # rarely needed: imported here to keep the fork server small

    shutil.rmtree(path, ignore_errors=True)


def sweep_uid(uid: int) -> None:
    """Kill every process of the sandbox uid, including daemons that left the process group.

    Runs in the (root) fork server: it takes the sandbox uid as real and effective uid, keeps
    root as the saved uid to come back, and signals -1 — which reaches exactly the processes
    that uid may signal, i.e. its own.
    """
    if uid is None or uid == 0 or os.getuid() != 0:
        return
    os.setresuid(uid, uid, 0)
    try:
        if os.getresuid() != (uid, uid, 0):  # never signal -1 with root's rights
            raise RuntimeError("failed to drop to the sandbox uid before sweeping")
        # kill(-1) walks the task list holding the lock fork needs to publish a child, and a
        # fork that finds a fatal signal pending fails: one pass reaches every process.
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    finally:
        os.setresuid(0, 0, 0)


def apply_child_limits(
    memory_mb: int, cpu_s: int, max_processes: int, max_open_files: int, max_file_mb: int
) -> None:
    limits = (
        (resource.RLIMIT_AS, memory_mb << 20),
        (resource.RLIMIT_CPU, max(1, cpu_s)),
        (resource.RLIMIT_FSIZE, max_file_mb << 20),
        (resource.RLIMIT_NOFILE, max_open_files),
        (resource.RLIMIT_NPROC, max_processes),
        (resource.RLIMIT_CORE, 0),
    )
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def drop_privileges(uid: int | None) -> None:
    """Become the sandbox uid for good: real, effective and saved uid and gid, no groups."""
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)

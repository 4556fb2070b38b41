"""Starts a fork server inside fresh namespaces, then gets out of the way.

Run as ``python -m aceforge.execution.launcher LEVEL``: as root it unshares a network, a
mount and a pid namespace, mounts private size-capped tmpfs over /tmp, /var/tmp and /dev/shm
and sets no_new_privs (inherited by every child: setuid binaries cannot raise privileges),
then starts the fork server with a report of what worked. Doing this in a separate image keeps
ctypes out of the fork server, whose every loaded page makes each fork slower.

With a pid namespace the fork server is forked as its first process (pid 1, with a /proc of
its own) and this process stays behind only to wait for it and pass on its exit code. The
namespace is what lets the server tell, with one read, whether a program created any process
(see ``zygote.PidWatch``), and when the server dies the kernel kills everything in it.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import stat
import sys

from aceforge.execution import hidden, landlock
from aceforge.execution.sandbox import (
    NO_PID_NAMESPACE_ENV,
    NO_USER_NAMESPACE_ENV,
    PRIVATE_TMPS,
    SLOT_DIR,
    UID_BASE,
    UID_SLOTS_ENV,
    sweep_uid,
)

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
MS_REC, MS_PRIVATE, MS_NOSUID, MS_NODEV, MS_BIND = 0x4000, 1 << 18, 0x2, 0x4, 0x1000
MS_RDONLY, MS_REMOUNT, MS_NOEXEC = 0x1, 0x20, 0x8
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6", use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def enter_namespaces(level: str, tmpfs_mb: int = 512) -> dict[str, object]:
    report: dict[str, object] = {}
    try:
        libc = _libc()
    except OSError as e:
        return {"reason": f"libc unavailable: {e}"}
    report["no_new_privs"] = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    if level == "minimal":
        report["reason"] = "minimal isolation requested"
        return report
    if os.geteuid() != 0:
        return enter_rootless(libc, report, tmpfs_mb)
    try:
        _check(libc.unshare(CLONE_NEWNET | CLONE_NEWNS), "unshare")
        report["network_namespace"] = report["mount_namespace"] = True
        _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
        report["kept"] = mount_private_tmps(libc, tmpfs_mb)  # the clean-up must never touch these
        report["private_tmp"] = True
        report["exposed"] = expose_python(libc)
    except OSError as e:
        report["reason"] = f"namespaces unavailable: {e}"
        return report
    if os.environ.get(NO_PID_NAMESPACE_ENV) != "1":
        # Only children enter it: the fork server is forked into it by `start_server`.
        report["pid_namespace"] = libc.unshare(CLONE_NEWPID) == 0
    return report


def enter_rootless(libc: ctypes.CDLL, report: dict[str, object], tmpfs_mb: int) -> dict[str, object]:
    """Not root: a user namespace of our own (the host's file system read-only, private
    size-capped tmps, no network, a pid namespace), as bubblewrap does. The uid is mapped to
    itself, so exec'ing the fork server drops every capability the namespace gave: nothing
    after it can unmount or remount (mounts inherited into a namespace are locked as well).
    Where user namespaces are refused, Landlock confines writes to a scratch directory and,
    on kernels that have it, TCP."""
    uid, gid = os.getuid(), os.getgid()
    try:
        if os.environ.get(NO_USER_NAMESPACE_ENV) == "1":  # as a distribution that refuses them
            raise OSError(1, "disabled by " + NO_USER_NAMESPACE_ENV)
        _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET), "unshare")
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    except OSError as e:
        report["reason"] = f"user namespaces unavailable ({e}): Landlock only"
        # Reads only beneath the system's and Python's directories: not the user's home.
        report.update(landlock.confine(scratch_root(), readable=hidden.readable_roots()))
        report["metadata_locked"] = landlock.deny_metadata_changes()  # chmod/chown/utime: EPERM
        # Orphans of programs (daemons, double forks) become the fork server's children
        # (kept across its exec), so it can find and kill them after each job.
        report["subreaper"] = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
        return report
    report["user_namespace"] = report["network_namespace"] = report["mount_namespace"] = True
    try:
        _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
        report.update(hide_secrets(libc))  # before the host turns read-only: these go with it
        report["readonly_host"] = read_only_tree(libc, "/")
        report["kept"] = mount_private_tmps(libc, tmpfs_mb)
        report["private_tmp"] = True
    except OSError as e:
        report["reason"] = f"rootless mounts failed: {e}"
        return report
    if os.environ.get(NO_PID_NAMESPACE_ENV) != "1":
        report["pid_namespace"] = libc.unshare(CLONE_NEWPID) == 0
    if not report.get("pid_namespace"):  # no namespace to sweep: orphans come back to the server
        report["subreaper"] = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    return report


def hide_secrets(libc: ctypes.CDLL) -> dict[str, object]:
    """Cover the user's home and the other secret locations (``hidden.secret_dirs``) with an
    empty tmpfs each, binding the Python directories beneath them back (read-only once
    ``read_only_tree`` runs, like everything else). A directory that cannot be covered is
    reported, and ``secrets_hidden`` is then False."""
    dirs = hidden.secret_dirs(PRIVATE_TMPS)
    keep = {d: _open_topmost(hidden.kept_beneath(d)) for d in dirs}  # before a mount hides them
    done, failed = [], []
    for d in dirs:
        try:
            _check(
                libc.mount(b"tmpfs", d.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=0755"),
                f"hide {d}",
            )
            _bind_back(libc, keep[d])
            done.append(d)
        except OSError as e:  # (descriptors left open are close-on-exec)
            failed.append(f"{d}: {e.strerror}")
    report: dict[str, object] = {"hidden": done, "secrets_hidden": not failed}
    if failed:
        report["hide_failed"] = failed
    return report


def mount_private_tmps(libc: ctypes.CDLL, tmpfs_mb: int) -> list[str]:
    """A private size-capped tmpfs over /tmp, /var/tmp and /dev/shm; Python's own directories
    under one of them (a venv in /tmp) are bound back read-only. Returns those."""
    kept: list[str] = []
    for path in PRIVATE_TMPS:
        if os.path.isdir(path):
            keep = _open_topmost([d for d in hidden.python_dirs() if d.startswith(path.rstrip("/") + "/")])
            opts = f"size={tmpfs_mb}m,mode=1777".encode()
            _check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, opts), f"mount {path}")
            kept += _bind_back(libc, keep, read_only=True)
    return kept


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]  # fmt: skip


SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and arm64
MOUNT_ATTR_RDONLY, AT_RECURSIVE, AT_FDCWD = 0x1, 0x8000, -100


def read_only_tree(libc: ctypes.CDLL, path: str) -> bool:
    """Every mount under `path` read-only (mount_setattr, Linux 5.12+). In a user namespace
    these inherited mounts are locked: nothing inside can make them writable again."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    size = ctypes.sizeof(attr)
    return (
        libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), AT_RECURSIVE, ctypes.byref(attr), size) == 0
    )


def scratch_root() -> str:
    """A private directory for work dirs when only Landlock holds (the fork server makes
    each job's work dir inside it and points programs' HOME and TMPDIR there; the executor
    removes it when the worker retires)."""
    import tempfile

    return tempfile.mkdtemp(prefix="aceforge-scratch-")


def claim_uid_slot() -> tuple[int, int]:
    """Lock a uid no other live worker on this host uses; returns (uid, lock fd).

    The descriptor is inherited by the fork server, so the lock lives as long as it does (the
    kernel drops it when the process dies); taking it here keeps fcntl out of the server."""
    os.makedirs(SLOT_DIR, mode=0o700, exist_ok=True)
    held = lock_free_slot(SLOT_DIR)
    if held is None:
        raise RuntimeError("no free sandbox uid slot")
    return UID_BASE + held[0], held[1]


def lock_free_slot(directory: str) -> tuple[int, int] | None:
    """The lowest slot in `slot_range` whose file in `directory` no live process has locked:
    (slot, inheritable lock fd), or None when every one is taken."""
    for slot in slot_range():
        fd = os.open(f"{directory}/slot-{slot}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        os.set_inheritable(fd, True)
        return slot, fd
    return None


def slot_range() -> range:
    """The uid slots this worker may take: all 4,096, or the range `UID_SLOTS_ENV` names."""
    first, _, count = os.environ.get(UID_SLOTS_ENV, "").partition(":")
    try:
        return range(int(first), min(int(first) + int(count), 4096))
    except ValueError:
        return range(4096)


def claim_cpu_slot() -> tuple[int, int] | None:
    """Rootless (no uid slots, no /run): lock the lowest free slot in a directory of this
    user's own, so the workers of every executor this user runs spread over the CPUs as the
    root ones do by uid slot; returns (slot, lock fd), or None where no private directory
    can be had (the worker then runs unpinned). Taken before the namespaces hide /tmp: the
    lock is on the host's file and lives as long as the fork server, which inherits it."""
    uid = os.getuid()
    for base in (os.environ.get("XDG_RUNTIME_DIR", ""), "/dev/shm", "/tmp"):
        if not base or not os.path.isdir(base):
            continue
        path = f"{base}/aceforge-cpu-slots-{uid}"
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError:
            continue
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_mode & 0o077:
            continue  # not ours alone (another user made it first): pinning is only a speed-up
        held = lock_free_slot(path)
        if held is not None:
            return held
    return None


def pin_to_cpu(slot: int) -> int | None:
    """Keep this worker (the fork server, its zygote and every child: affinity is inherited)
    on one CPU of those this process may use, chosen by its uid slot (rootless: its CPU slot,
    see ``claim_cpu_slot``), which no other live worker on the host holds (workers holding
    consecutive slots get different CPUs). Rootless workers unpinned ran ~15% below pinned
    ones on the same interpreter (quick HumanEval programs, 2 workers, interleaved). A
    program's child, its zygote and its server then wake one another on the same CPU instead
    of interrupting another: at 2 workers on 2 CPUs ~6% less CPU per program and 5-15% more
    programs/s, measured here (a bare fork-per-program loop gains nothing from it). The
    executor asks for it only when its workers fill the CPUs: at 1 worker on 2 CPUs it cost a
    quarter of the throughput."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    cpu = cpus[slot % len(cpus)]
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:  # a container that forbids it: the scheduler places the worker
        return None
    return cpu


def _open_topmost(paths: list[str]) -> dict[str, int]:
    """O_PATH descriptors of the paths not inside another one of them (taken before a mount
    hides them, so they can be bind-mounted back)."""
    return {
        p: os.open(p, os.O_PATH | os.O_DIRECTORY)
        for p in paths
        if not any(p != q and p.startswith(q + "/") for q in paths)
    }


def _bind_back(libc: ctypes.CDLL, keep: dict[str, int], read_only: bool = False) -> list[str]:
    for p, fd in keep.items():
        os.makedirs(p, exist_ok=True)
        _check(
            libc.mount(f"/proc/self/fd/{fd}".encode(), p.encode(), None, MS_BIND | MS_REC, None),
            f"bind {p}",
        )
        if read_only:
            flags = MS_BIND | MS_REMOUNT | MS_RDONLY
            _check(libc.mount(None, p.encode(), None, flags, None), f"remount {p} read-only")
        os.close(fd)
    return list(keep)


def expose_python(libc: ctypes.CDLL) -> list[str]:
    """Let the sandbox uid import the standard library when Python lives under a directory
    it cannot traverse (e.g. pyenv in /root, mode 700).

    Inside this mount namespace only: the blocking directory is covered by an empty tmpfs and
    just the Python directories are bind-mounted back into it, so nothing else there shows."""
    blocked: dict[str, set[str]] = {}
    for path in sorted(hidden.python_dirs()):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            ancestor = "/" + "/".join(parts[:depth])
            if not os.stat(ancestor).st_mode & 0o001:  # others may not traverse it
                if ancestor != path:
                    blocked.setdefault(ancestor, set()).add(path)
                break
    exposed = []
    for ancestor, paths in blocked.items():
        keep = _open_topmost(sorted(paths))
        _check(
            libc.mount(b"tmpfs", ancestor.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=0755"),
            f"mount {ancestor}",
        )
        exposed += _bind_back(libc, keep)
    return exposed


def main() -> None:
    if sys.argv[1:2] == ["--sweep"]:  # clean up after a worker that died
        uid = int(sys.argv[2])
        if uid >= UID_BASE:
            sweep_uid(uid)
        return
    level = sys.argv[1] if len(sys.argv) > 1 else "auto"
    rootless_slot = claim_cpu_slot() if os.geteuid() != 0 and "--pin" in sys.argv[2:] else None
    report = enter_namespaces(level)
    if rootless_slot is not None:  # as root, the uid slot below picks the CPU
        report["cpu"] = pin_to_cpu(rootless_slot[0])
    os.chdir("/")  # the caller's directory may be hidden now: nothing after may hold it
    if level != "minimal" and os.geteuid() == 0:
        try:
            uid, _ = claim_uid_slot()
            # Whatever an earlier worker in this slot left running (from here, in the host's
            # pid namespace: without a namespace of its own, that is where it would be).
            sweep_uid(uid)
            report["uid"] = uid
            if "--pin" in sys.argv[2:]:
                report["cpu"] = pin_to_cpu(uid - UID_BASE)
        except (OSError, RuntimeError) as e:  # no uid separation: "auto" says so, "strict" refuses
            report["reason"] = f"{report.get('reason') or ''} no sandbox uid: {e}".strip()
    start_server(level, report)


def start_server(level: str, report: dict[str, object]) -> None:
    args = [sys.executable, "-m", "aceforge.execution.forkserver", level, json.dumps(report)]
    if not report.get("pid_namespace"):
        os.execv(sys.executable, args)
    pid = os.fork()  # pid 1 of the new namespace
    if pid == 0:
        try:
            libc = _libc()
            libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)  # SIGKILL when the executor kills this waiter
            # A /proc of the namespace: programs see only its processes, and their own pid.
            flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
            report["private_proc"] = libc.mount(b"proc", b"/proc", b"proc", flags, None) == 0
            args[-1] = json.dumps(report)
            os.execv(sys.executable, args)
        finally:
            os._exit(127)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):  # the server alone holds the executor's pipes: its exit is their EOF
        os.dup2(devnull, fd)
    os.closerange(3, 1 << 16)  # the uid slot's lock belongs to the server
    # Wait in a bare interpreter (2.7 MiB private memory here, not this one's 5.1): a process
    # keeps its children across exec, so it reaps the server and exits with its code.
    os.execv(sys.executable, [sys.executable, "-S", "-I", "-c", _WAIT])


_WAIT = "import os\n_, status = os.wait()\nos._exit(os.waitstatus_to_exitcode(status) & 255)\n"


if __name__ == "__main__":
    main()

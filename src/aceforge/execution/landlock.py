"""Landlock (Linux 5.13+, no privileges needed): the barrier left when user namespaces are
refused (e.g. Ubuntu 24.04's AppArmor policy). Applied once in the launcher, before the fork
server starts, so the server, its zygote and every program inherit it: writes only beneath the
scratch directory (and to /dev/null); no TCP bind or connect where the kernel handles network
rules (ABI 4+, Linux 6.7); no signal to any process outside the worker (ABI 6+, Linux 6.12:
the user's shell and the engine itself are out of reach); reads and execution only beneath an
allow-list (``hidden.readable_roots``: the system's directories and Python's), so the user's
home, ``~/.ssh`` or a token under ``~/.cache`` cannot be opened. Landlock's ptrace rule keeps
``/proc/PID/environ`` (and the rest of /proc that needs ptrace access) of every process
outside the worker closed too."""

from __future__ import annotations

import ctypes
import os

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # x86_64 and arm64 alike
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
# Every right that changes the file system, by the ABI that introduced it.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
READ_RIGHTS = EXECUTE | READ_FILE | READ_DIR
REMOVE_DIR, REMOVE_FILE = 1 << 4, 1 << 5
MAKE_RIGHTS = sum(1 << b for b in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
REFER, TRUNCATE = 1 << 13, 1 << 14
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6 (Linux 6.12)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi(libc: ctypes.CDLL | None = None) -> int:
    """The kernel's Landlock ABI version (0: unavailable)."""
    libc = libc or ctypes.CDLL(None, use_errno=True)
    version = libc.syscall(SYS_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    return max(int(version), 0)


def write_rights(version: int) -> int:
    rights = WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_RIGHTS
    if version >= 2:
        rights |= REFER
    if version >= 3:
        rights |= TRUNCATE
    return rights


def confine(
    scratch: str, readable: list[str] | None = None, writable_files: tuple[str, ...] = ("/dev/null",)
) -> dict[str, object]:
    """Restrict this process (and all it will start) to writing beneath `scratch` and, given
    `readable`, to reading and executing beneath those directories (and `scratch`). Needs
    no_new_privs (set by the launcher). Returns what held, for the isolation report."""
    libc = ctypes.CDLL(None, use_errno=True)
    version = abi(libc)
    if version < 1:
        return {"landlock": 0}
    rights = write_rights(version) | (READ_RIGHTS if readable is not None else 0)
    net = NET_BIND_TCP | NET_CONNECT_TCP if version >= 4 else 0
    # ABI 6: no signal to a process outside this worker (the user's shell, the engine) and no
    # abstract unix socket outside it.
    scoped = SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET if version >= 6 else 0
    attr = _RulesetAttr(rights, net, scoped)
    size = ctypes.sizeof(ctypes.c_uint64) * (3 if scoped else 2 if net else 1)
    ruleset = libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return {"landlock": version, "landlock_error": os.strerror(ctypes.get_errno())}
    try:
        _allow(libc, ruleset, scratch, rights)
        for path in readable or ():
            try:
                _allow(libc, ruleset, path, READ_RIGHTS)
            except OSError:  # gone since it was listed: nothing there to read
                pass
        for path in writable_files:
            if os.path.exists(path):
                _allow(
                    libc,
                    ruleset,
                    path,
                    (rights & (READ_FILE | WRITE_FILE)) | (TRUNCATE if version >= 3 else 0),
                )
        if libc.syscall(SYS_RESTRICT_SELF, ruleset, 0) != 0:
            return {"landlock": version, "landlock_error": os.strerror(ctypes.get_errno())}
    finally:
        os.close(ruleset)
    return {
        "landlock": version,
        "landlock_fs": True,
        "landlock_net": bool(net),
        "landlock_signals": bool(scoped),
        "secrets_hidden": readable is not None,
        "scratch": scratch,
    }


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, rights: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        rule = _PathBeneath(rights, fd)
        if libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock rule for {path}")
    finally:
        os.close(fd)


# Landlock does not cover metadata: no ABI (up to 7, Linux 6.18) has a right for chmod, chown or
# utime, so the user's files stay open to them. A seccomp filter answers EPERM to those calls
# instead, everywhere: it sees registers, not the path behind a pointer, so it cannot single
# out scratch files (see docs/security.md for what could: a user-notification supervisor).
_METADATA_SYSCALLS = {
    0xC000003E: (90, 91, 92, 93, 94, 132, 235, 260, 261, 268, 280, 452),  # x86_64
    0xC00000B7: (52, 53, 54, 55, 88, 452),  # arm64
}
_BPF_LD_ABS_W, _BPF_JEQ_K, _BPF_RET_K = 0x20, 0x15, 0x06
_SECCOMP_RET_ALLOW, _SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def deny_metadata_changes() -> bool:
    """Install the filter (inherited by every process started after); False on an unknown
    architecture or when the kernel refuses it."""
    import platform

    arch = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}.get(platform.machine())
    if arch is None:
        return False
    nrs = _METADATA_SYSCALLS[arch]
    n = len(nrs)
    code = [(_BPF_LD_ABS_W, 0, 0, 4), (_BPF_JEQ_K, 0, n + 1, arch), (_BPF_LD_ABS_W, 0, 0, 0)]
    code += [(_BPF_JEQ_K, n - i, 0, nr) for i, nr in enumerate(nrs)]
    code += [(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW), (_BPF_RET_K, 0, 0, _SECCOMP_RET_ERRNO | 1)]
    filters = (_SockFilter * len(code))(*[_SockFilter(*c) for c in code])
    prog = _SockFprog(len(code), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0

"""What a rootless sandbox must not read, and what it must: the user's secrets live in their
home and a few well-known places (``~/.ssh``, ``~/.aws``, ``~/.cache/huggingface/token``,
``~/.netrc``, agent and keyring sockets under ``/run/user``, the project's own ``.env`` in the
directory aceforge was started from), while Python needs its interpreter prefix, its
site-packages and the project's venv, any of which may live under that same home.

Rootless with user namespaces, ``launcher`` covers each hidden directory with an empty
read-only tmpfs and binds the Python directories beneath it back read-only; with Landlock
alone, reads are allowed only beneath ``readable_roots`` (the same Python directories plus the
system's libraries and configuration), so the rest of the disk cannot be read at all. Plain
path lists here: the launcher does the mounting and ``landlock`` the rules."""

from __future__ import annotations

import os
import pwd
import sys

# Homes, per-user runtime dirs (ssh-agent, gpg-agent, keyring and D-Bus sockets), mail.
SECRET_DIRS = ("/home", "/root", "/run/user", "/var/mail", "/var/spool/mail")
# Never hidden (the sandbox cannot run without them): the caller's working directory is only
# hidden when it lies outside all of these.
SYSTEM_DIRS = (
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/bin",
    "/sbin",
    "/etc",
    "/dev",
    "/proc",
    "/sys",
)
# Landlock: read (and execute) beneath these and the Python directories, nowhere else.
# /proc is needed by the leftover checks and the C runtime; Landlock's ptrace rule keeps a
# program out of /proc/PID/environ and friends of every process outside its worker.
SYSTEM_READ = (*SYSTEM_DIRS, "/nix", "/gnu")


def python_dirs() -> set[str]:
    """The interpreter prefixes and every sys.path entry (site-packages, the venv, an editable
    checkout's src), resolved. The launcher runs as ``python -m``, whose first path entry is
    the caller's working directory: that one is not Python's and is left out."""
    entries = sys.path[1:] if sys.path and sys.path[0] in ("", os.getcwd()) else sys.path
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable), *entries}
    return {os.path.realpath(d) for d in dirs if d and os.path.isdir(d)}


def _home() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:  # a uid without a passwd entry (containers): $HOME is all there is
        return ""


def _inside(path: str, roots: tuple[str, ...] | list[str] | set[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def topmost(paths: set[str] | list[str]) -> list[str]:
    """The paths not beneath another one of them, sorted."""
    return sorted(p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in paths))


def secret_dirs(private_tmps: tuple[str, ...] = ()) -> list[str]:
    """Existing directories to hide (topmost only): the fixed list, the user's home by passwd
    and by $HOME, $XDG_RUNTIME_DIR, and the working directory unless it is a system directory
    or "/". Directories under a private tmp are replaced anyway; a Python directory itself (or
    one above it) is never hidden whole."""
    found = {*SECRET_DIRS, _home(), os.environ.get("HOME", ""), os.environ.get("XDG_RUNTIME_DIR", "")}
    cwd = os.getcwd()
    if cwd != "/" and not _inside(cwd, SYSTEM_DIRS):
        found.add(cwd)
    pydirs = python_dirs()
    hidden = set()
    for d in found:
        if not d or not os.path.isdir(d):
            continue
        real = os.path.realpath(d)
        if real == "/" or _inside(real, private_tmps) or _inside(real, SYSTEM_DIRS):
            continue
        if any(p == real or real.startswith(p.rstrip("/") + "/") for p in pydirs):
            continue  # the directory is Python's own (or inside it)
        hidden.add(real)
    return topmost(hidden)


def kept_beneath(hidden: str) -> list[str]:
    """The Python directories beneath `hidden` to bind back (topmost only)."""
    return topmost({p for p in python_dirs() if p.startswith(hidden.rstrip("/") + "/")})


def readable_roots() -> list[str]:
    """Landlock's read allow-list: system directories and Python's, those that exist."""
    return topmost({os.path.realpath(p) for p in SYSTEM_READ if os.path.exists(p)} | python_dirs())

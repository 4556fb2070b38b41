from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator

import pytest

from aceforge.execution.executor import LocalExecutor
from aceforge.execution.sandbox import SLOT_DIR, UID_BASE, UID_SLOTS_ENV
from aceforge.types import ExecResult, Job, Limits

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="uid separation and namespaces need root")


def _user_namespaces() -> bool:
    import subprocess

    done = subprocess.run(["unshare", "-U", "-r", "-n", "-m", "true"], capture_output=True, check=False)
    return done.returncode == 0


# Namespaces as root (with a sandbox uid) or rootless (a user namespace of the worker's own).
HAS_NAMESPACES = IS_ROOT or _user_namespaces()
needs_namespaces = pytest.mark.skipif(not HAS_NAMESPACES, reason="needs root or unprivileged user namespaces")


SLOTS_PER_SESSION = 64


def session_uids() -> range:
    """The sandbox uids this session's workers may take (all of them, unless `_own_uid_slots`
    holds a range; read from the environment, which every copy of this module shares)."""
    first, _, count = os.environ.get(UID_SLOTS_ENV, "0:4096").partition(":")
    return range(UID_BASE + int(first), UID_BASE + int(first) + int(count))


@pytest.fixture(scope="session", autouse=True)
def _own_uid_slots() -> Iterator[None]:
    """This session's workers take sandbox uids from a range no other live test session holds
    (a lock file per range), so `sandbox_processes` counts this session's leftovers only, not
    those of engines other people run on the same host."""
    if not IS_ROOT:
        yield
        return
    os.makedirs(SLOT_DIR, mode=0o700, exist_ok=True)
    for k in range(1, 4096 // SLOTS_PER_SESSION):  # range 0 stays for engines outside tests
        fd = os.open(f"{SLOT_DIR}/test-session-{k}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        first = k * SLOTS_PER_SESSION
        os.environ[UID_SLOTS_ENV] = f"{first}:{SLOTS_PER_SESSION}"
        try:
            yield
        finally:
            os.environ.pop(UID_SLOTS_ENV, None)
            os.close(fd)
        return
    yield  # every range taken: count every sandbox uid, as before


@pytest.fixture(scope="session", autouse=True)
def _private_llm_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's response cache."""
    os.environ["ACEFORGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("llm-cache"))


@pytest.fixture(scope="session")
def executor() -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=2) as ex:
        yield ex


@pytest.fixture()
def run(executor: LocalExecutor):
    """run(program, tests, **job options) -> ExecResult, on the shared executor."""

    def _run(program: str, tests: list, timeout_s: float = 1.0, **kw) -> ExecResult:
        limit_keys = {"import_timeout_s", "memory_mb", "max_processes", "max_file_mb", "max_output_bytes"}
        limits = Limits(timeout_s=timeout_s, **{k: kw.pop(k) for k in list(kw) if k in limit_keys})
        return executor.run_all([Job("t", program, tuple(tests), limits, **kw)])[0]

    return _run


def sandbox_processes() -> list[int]:
    """Pids of live processes owned by a sandbox uid of this test session (should be none
    between jobs)."""
    pids, ours = [], session_uids()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) in ours:
                            with open(f"/proc/{entry}/stat") as stat:
                                state = stat.read().split(")")[-1].split()[0]
                            if state != "Z":
                                pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def wait_for_no_sandbox_processes(timeout_s: float = 3.0) -> bool:
    """Killed processes take a moment to exit; True once none is left."""
    deadline = time.monotonic() + timeout_s
    while sandbox_processes():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True

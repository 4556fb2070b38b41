from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from aceforge.execution.executor import LocalExecutor
from aceforge.execution.sandbox import UID_BASE
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
    """Pids of live processes owned by any sandbox uid (should be none between jobs)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) >= UID_BASE:
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

"""Launcher helpers that need no privileges: uid slot ranges, CPU pinning (in a child
process), the scratch root and topmost-path descriptors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aceforge.execution.launcher import _open_topmost, scratch_root, slot_range
from aceforge.execution.sandbox import UID_SLOTS_ENV


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10:5", range(10, 15)), ("4090:100", range(4090, 4096)), ("", range(4096)), ("x:y", range(4096))],
)
def test_slot_range_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: range
) -> None:
    monkeypatch.setenv(UID_SLOTS_ENV, value)
    assert slot_range() == expected


def test_pin_to_cpu_picks_by_slot_in_a_child_process() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    code = (
        "import os\nfrom aceforge.execution.launcher import pin_to_cpu\n"
        "print(pin_to_cpu(3), sorted(os.sched_getaffinity(0)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    if len(cpus) < 2:
        assert done.stdout.split()[0] == "None"
    else:
        cpu = cpus[3 % len(cpus)]
        assert done.stdout.strip() == f"{cpu} [{cpu}]"
    assert sorted(os.sched_getaffinity(0)) == cpus  # this process untouched


def test_scratch_root_is_a_fresh_private_dir() -> None:
    a, b = scratch_root(), scratch_root()
    try:
        assert a != b and os.path.basename(a).startswith("aceforge-scratch-")
        assert os.stat(a).st_mode & 0o777 == 0o700 and not os.listdir(a)
    finally:
        os.rmdir(a)
        os.rmdir(b)


def test_open_topmost_skips_nested_paths(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "ab").mkdir()
    paths = [str(tmp_path / "a"), str(tmp_path / "a" / "b"), str(tmp_path / "ab")]
    fds = _open_topmost(paths)
    try:
        assert sorted(fds) == [str(tmp_path / "a"), str(tmp_path / "ab")]  # "ab" is not inside "a"
        assert os.path.samefile(f"/proc/self/fd/{fds[str(tmp_path / 'a')]}", tmp_path / "a")
    finally:
        for fd in fds.values():
            os.close(fd)


_CLAIM = (
    "import os\nfrom aceforge.execution.launcher import claim_cpu_slot\n"
    "a, b = claim_cpu_slot(), claim_cpu_slot()\n"
    "print(a and a[0], b and b[0], a and os.get_inheritable(a[1]))\n"
)


def _claim(env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _CLAIM], capture_output=True, text=True, check=True, timeout=60,
        env={**os.environ, **env},
    )  # fmt: skip
    return done.stdout.split()


def test_claim_cpu_slot_locks_distinct_slots_in_a_private_dir(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path), UID_SLOTS_ENV: "7:3"}
    assert _claim(env) == ["7", "8", "True"]  # two live claims: two slots, kept for the server
    lock_dir = tmp_path / f"aceforge-cpu-slots-{os.getuid()}"
    assert lock_dir.stat().st_mode & 0o777 == 0o700
    assert _claim(env) == ["7", "8", "True"]  # the first process exited: its locks are free again


def test_claim_cpu_slot_skips_a_dir_others_can_write(tmp_path: Path) -> None:
    lock_dir = tmp_path / f"aceforge-cpu-slots-{os.getuid()}"
    lock_dir.mkdir()
    lock_dir.chmod(0o777)  # planted by someone else, or left open: never trusted
    out = _claim({"XDG_RUNTIME_DIR": str(tmp_path), UID_SLOTS_ENV: "0:2"})
    assert not list(lock_dir.iterdir())  # nothing created or locked there
    assert out[0] in ("0", "1", "None")  # a fallback dir of our own (/dev/shm, /tmp), or none

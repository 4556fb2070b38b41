"""Sandbox pure helpers: the isolation record, kernel barriers, work dirs, child checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aceforge.execution.sandbox import (
    Isolation,
    clean_after_job,
    has_children,
    kernel_barriers,
    make_workdir,
    setup_worker,
)


def test_setup_worker_copies_what_the_launcher_held() -> None:
    ns = {"landlock_fs": 1, "landlock": 4, "scratch": "/s", "cpu": 3, "hidden": [Path("/h")], "reason": "r"}
    iso = setup_worker("auto", ns)
    assert iso.landlock_fs is True and iso.landlock == 4 and iso.scratch == "/s" and iso.cpu == 3
    assert iso.hidden_dirs == ["/h"] and iso.reason == "r"
    assert iso.sockets_blocked_by_audit_hook  # no network namespace
    assert iso.as_dict()["level"] == "auto"
    bad = setup_worker("minimal", {"landlock": "x", "cpu": "2"})
    assert bad.landlock == 0 and bad.cpu is None and bad.uid is None


def test_setup_worker_rejects_levels_and_strict_without_barriers() -> None:
    with pytest.raises(ValueError, match="isolation must be one of"):
        setup_worker("loose", {})
    with pytest.raises(PermissionError, match="no kernel-enforced barrier"):
        setup_worker("strict", {})
    assert setup_worker("strict", {"landlock_fs": True, "landlock_net": True}).landlock_fs


def test_kernel_barriers() -> None:
    iso = Isolation("auto")
    assert not kernel_barriers(iso)
    iso.landlock_fs = True
    assert not kernel_barriers(iso)
    iso.landlock_net = True
    assert kernel_barriers(iso)
    rl = Isolation("auto")
    rl.user_namespace = rl.network_namespace = rl.private_tmp = True
    assert not kernel_barriers(rl)
    rl.readonly_host = True
    assert kernel_barriers(rl)


def test_workdir_in_scratch_is_made_and_removed(tmp_path: Path) -> None:
    iso = Isolation("minimal")
    iso.scratch = str(tmp_path)
    path = make_workdir(iso, 7)
    assert path == str(tmp_path / f"aceforge-job-{os.getpid()}-7") and os.path.isdir(path)
    assert oct(os.stat(path).st_mode & 0o777) == "0o700"
    clean_after_job(iso, path)
    assert not os.path.exists(path)
    path = make_workdir(iso, 8)
    (Path(path) / "sub").mkdir()
    (Path(path) / "sub" / "f.txt").write_text("x")
    clean_after_job(iso, path)  # a program's leftovers go too
    assert not os.path.exists(path)


def test_has_children_sees_a_real_child() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert has_children(os.getpid())
    finally:
        proc.kill()
        proc.wait()
    assert not has_children(proc.pid)  # gone

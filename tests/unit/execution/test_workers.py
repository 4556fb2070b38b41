"""Fork servers start from a scrubbed environment that still imports this very aceforge (the
caller's, not an installed copy), say hello with their isolation, and retire on EOF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import aceforge
from aceforge.execution.sandbox import NO_PID_NAMESPACE_ENV
from aceforge.execution.workers import await_hello, launch_worker, retire, worker_env


def test_the_worker_environment_is_scrubbed_but_imports_the_callers_aceforge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "x")
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    monkeypatch.setenv(NO_PID_NAMESPACE_ENV, "1")
    env = worker_env()
    assert "SECRET_TOKEN" not in env
    assert env["PYTHONPATH"] == str(Path(aceforge.__file__).resolve().parent.parent)
    assert env[NO_PID_NAMESPACE_ENV] == "1"  # a switch the launcher reads passes through


def test_a_worker_says_hello_runs_this_code_and_retires_on_eof() -> None:
    worker = await_hello(launch_worker("minimal", 1), "minimal")
    try:
        assert worker.isolation["level"] == "minimal"
        environ = Path(f"/proc/{worker.proc.pid}/environ").read_bytes().split(b"\0")
        src = str(Path(aceforge.__file__).resolve().parent.parent).encode()
        assert b"PYTHONPATH=" + src in environ
    finally:
        retire(worker)
    assert worker.proc.returncode == 0


def test_a_uid_slot_range_confines_the_slots_a_worker_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    from aceforge.execution.launcher import slot_range
    from aceforge.execution.sandbox import UID_SLOTS_ENV

    monkeypatch.setenv(UID_SLOTS_ENV, "70:3")
    assert slot_range() == range(70, 73)
    assert worker_env()[UID_SLOTS_ENV] == "70:3"  # passed on to the launcher
    monkeypatch.setenv(UID_SLOTS_ENV, "junk")
    assert slot_range() == range(4096)


def test_this_test_sessions_workers_use_its_own_uid_range(executor) -> None:
    from tests.conftest import IS_ROOT, session_uids

    if not IS_ROOT:
        pytest.skip("sandbox uids need root")
    assert executor.isolation_report["uid"] in session_uids()
    assert len(session_uids()) < 4096  # this session holds a range of its own


def test_the_callers_pythonpath_directories_pass_on_but_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(pkgs), "/somewhere/else", ".", str(tmp_path), ""]))
    src = str(Path(aceforge.__file__).resolve().parent.parent)
    assert worker_env()["PYTHONPATH"].split(os.pathsep) == [src, str(pkgs.resolve())]


def test_programs_import_packages_found_through_the_callers_pythonpath(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packages installed beside the interpreter's own (PYTHONPATH, as cluster modules do)
    import in programs as they do in the caller."""
    from aceforge.execution.executor import LocalExecutor
    from aceforge.types import Job, Limits

    pkgs = tmp_path / "pkgs"
    (pkgs / "sitepkg_probe").mkdir(parents=True)
    (pkgs / "sitepkg_probe" / "__init__.py").write_text("ANSWER = 42\n")
    for p in (tmp_path, pkgs, pkgs / "sitepkg_probe"):
        p.chmod(0o755)
    monkeypatch.setenv("PYTHONPATH", str(pkgs))
    program = "from sitepkg_probe import ANSWER\ndef f():\n    return ANSWER\n"
    with LocalExecutor(workers=1) as ex:
        [result] = ex.run_all([Job("p", program, ("assert f() == 42",), Limits(timeout_s=2.0))])
    assert result.status == "ok", result.error
    assert result.outcomes == ["passed"]

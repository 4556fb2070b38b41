"""What the rootless sandbox hides and what it keeps readable (see ``hidden``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from aceforge.execution import hidden


def test_the_home_and_working_directory_are_hidden_but_python_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    dirs = hidden.secret_dirs()
    assert str(home.resolve()) in dirs and str(project.resolve()) in dirs
    assert "/home" in dirs or not os.path.isdir("/home")
    for py in hidden.python_dirs():  # never hidden whole: a hidden dir is never inside one
        assert not any(d == py or d.startswith(py + "/") for d in dirs)
    assert str(project.resolve()) not in hidden.python_dirs()  # `-m`'s first path entry is not Python's


def test_python_dirs_beneath_a_hidden_home_are_bound_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv_site = tmp_path / "home" / "venv" / "lib" / "site-packages"
    venv_site.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(venv_site), str(venv_site / "pkg")])
    (venv_site / "pkg").mkdir()
    assert hidden.kept_beneath(str(tmp_path / "home")) == [str(venv_site.resolve())]


def test_a_private_tmp_or_system_dir_is_never_in_the_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", "/usr")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    dirs = hidden.secret_dirs(private_tmps=(str(tmp_path.parent),))
    assert "/usr" not in dirs and str(tmp_path) not in dirs


def test_landlock_reads_the_system_and_python_only() -> None:
    roots = hidden.readable_roots()
    assert "/usr" in roots and "/proc" in roots
    assert all(not r.startswith("/home") or any(r.startswith(p) for p in hidden.python_dirs()) for r in roots)
    assert hidden.topmost(["/a", "/a/b", "/ab"]) == ["/a", "/ab"]

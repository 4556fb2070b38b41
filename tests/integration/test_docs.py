"""The docs cannot rot: every Python example runs, every `aceforge` command names a real
subcommand and real options, every `make` target exists, and the site builds with no warning."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from aceforge.cli import app

ROOT = Path(__file__).parents[2]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)

pytestmark = pytest.mark.integration


def blocks(kind: str) -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        for n, (lang, body) in enumerate(FENCE.findall(page.read_text(encoding="utf-8"))):
            if lang == kind:
                out.append((f"{page.relative_to(ROOT)}#{n}", body))
    return out


def shell_lines(body: str) -> list[str]:
    """Commands of a bash block: continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", body)
    lines = []
    for line in joined.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


PYTHON = blocks("python")
COMMANDS = [(where, line) for where, body in blocks("bash") for line in shell_lines(body)]


@pytest.mark.parametrize(("where", "code"), PYTHON, ids=[w for w, _ in PYTHON])
def test_python_example_runs(where: str, code: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=240, env=env
    )
    assert done.returncode == 0, f"{where} failed:\n{done.stderr[-3000:]}"


def _root() -> click.Group:
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    return group


def _options(command: click.Command) -> set[str]:
    return {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}


def test_every_documented_command_and_option_exists() -> None:
    root = _root()
    targets = set(re.findall(r"(?m)^([a-z][\w-]*):", (ROOT / "Makefile").read_text()))
    problems, checked = [], 0
    for where, line in COMMANDS:
        words = shlex.split(line)
        if words[0] == "make":
            problems += [f"{where}: no make target {t!r}" for t in words[1:] if t not in targets]
            checked += 1
            continue
        if words[0] != "aceforge":
            continue
        checked += 1
        command = root.get_command(click.Context(root), words[1]) if len(words) > 1 else None
        if command is None:
            problems.append(f"{where}: no subcommand in {line!r}")
            continue
        known = _options(command)
        for word in words[2:]:
            name = word.split("=", 1)[0]
            if name.startswith("-") and name not in known:
                problems.append(f"{where}: `aceforge {words[1]}` has no option {name}")
    assert checked > 30
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(
    shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None, reason="needs mkdocs"
)
def test_the_site_builds_with_no_warning(tmp_path: Path) -> None:
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    assert (tmp_path / "site" / "stages" / "train-rl" / "index.html").exists()
    assert "aceforge train-rl" in (tmp_path / "site" / "reference" / "cli" / "index.html").read_text()

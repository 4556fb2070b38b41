"""Running the `aceforge` command the way a user does: `--help` through typer's runner, and
errors through the real entry point in a subprocess (what a user sees: message, exit code)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from aceforge.cli import app

SRC = str(Path(__file__).resolve().parents[3] / "src")


def help_of(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "250", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def run_cli(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m aceforge.cli ARGS` with this checkout's sources first on the path."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "aceforge.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def assert_clean_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    """A non-zero exit with every needle in the message, and no traceback."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr

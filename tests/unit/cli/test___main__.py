"""`python -m aceforge.cli` is the real entry point: it lists the commands and exits cleanly."""

from __future__ import annotations

from pathlib import Path

from tests.unit.cli.shell import run_cli


def test_module_entry_point_lists_commands(tmp_path: Path) -> None:
    done = run_cli(["--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    for command in ("synth", "filter", "import", "audit", "run"):
        assert command in done.stdout, command


def test_unknown_command_fails_without_a_traceback(tmp_path: Path) -> None:
    done = run_cli(["no-such-command"], tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "no-such-command" in done.stderr

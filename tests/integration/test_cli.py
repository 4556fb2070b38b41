"""`aceforge exec` as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ACEFORGE = [sys.executable, "-m", "aceforge.cli"]
REPO = Path(__file__).resolve().parents[2]


def aceforge(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ACEFORGE, *args], capture_output=True, text=True, timeout=120, **kw)


def write_jobs(path: Path, n: int, program: str = "def add(a, b):\n    return a + b\n") -> Path:
    with path.open("w") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "id": f"j{i}",
                        "program": program,
                        "tests": ["assert add(1, 2) == 3", "assert add(1, 1) == 3"],
                    }
                )
                + "\n"
            )
    return path


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_help_lists_the_options():
    out = aceforge("exec", "--help")
    assert out.returncode == 0
    for option in ("--output", "--workers", "--timeout-s", "--memory-mb", "--isolation", "--fail-fast"):
        assert option in out.stdout


def test_exec_writes_rows_config_and_summary(tmp_path):
    jobs = write_jobs(tmp_path / "jobs.jsonl", 6)
    out = tmp_path / "results.jsonl"
    run = aceforge("exec", str(jobs), "-o", str(out), "--workers", "2", "--timeout-s", "0.5")
    assert run.returncode == 0, run.stderr
    rows = read_rows(out)
    assert sorted(r["id"] for r in rows) == [f"j{i}" for i in range(6)]
    assert all(r["passed"] == [True, False] and r["pass_rate"] == 0.5 and r["status"] == "ok" for r in rows)
    assert all(r["outcomes"] == ["passed", "failed"] for r in rows)
    config = json.loads(Path(str(out) + ".config.json").read_text())
    assert config["timeout_s"] == 0.5 and config["workers"] == 2 and "isolation_report" in config
    assert "mean pass rate" in run.stdout


def test_results_load_with_datasets_json_reader(tmp_path):
    datasets = pytest.importorskip("datasets")
    jobs = write_jobs(tmp_path / "jobs.jsonl", 3)
    out = tmp_path / "results.jsonl"
    assert aceforge("exec", str(jobs), "-o", str(out)).returncode == 0
    ds = datasets.load_dataset("json", data_files=str(out), split="train")
    assert len(ds) == 3 and ds[0]["passed"] == [True, False]


def test_bad_input_stops_before_any_work_naming_line_and_field(tmp_path):
    jobs = write_jobs(tmp_path / "jobs.jsonl", 2)
    with jobs.open("a") as f:
        f.write(json.dumps({"id": "bad", "program": "x", "tests": [{"input": "1"}]}) + "\n")
    out = tmp_path / "results.jsonl"
    run = aceforge("exec", str(jobs), "-o", str(out))
    assert run.returncode == 2
    assert f"{jobs}:3: field 'tests[0]'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_killed_run_resumes_without_repeating_or_losing_rows(tmp_path):
    program = "import time\ntime.sleep(0.2)\ndef add(a, b):\n    return a + b\n"
    jobs = write_jobs(tmp_path / "jobs.jsonl", 20, program)
    out = tmp_path / "results.jsonl"
    proc = subprocess.Popen(
        [*ACEFORGE, "exec", str(jobs), "-o", str(out), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while (not out.exists() or len(out.read_text().splitlines()) < 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    text = out.read_text()
    assert text.endswith("\n")
    first = {r["id"] for r in read_rows(out)}
    assert 4 <= len(first) < 20
    run = aceforge("exec", str(jobs), "-o", str(out), "--workers", "2")
    assert run.returncode == 0, run.stderr
    assert f"{len(first)} of 20 rows already" in run.stderr
    ids = [r["id"] for r in read_rows(out)]
    assert sorted(ids) == sorted(f"j{i}" for i in range(20))  # each exactly once


def test_demo_example_file_runs(tmp_path):
    out = tmp_path / "results.jsonl"
    run = aceforge("exec", str(REPO / "examples" / "exec_demo.jsonl"), "-o", str(out), "--timeout-s", "0.5")
    assert run.returncode == 0, run.stderr
    by_id = {r["id"]: r for r in read_rows(out)}
    assert by_id["add-correct"]["pass_rate"] == 1.0
    assert by_id["always-equal-hack"]["pass_rate"] == 0.0
    assert by_id["exit-hack"]["pass_rate"] == 0.0
    assert by_id["hangs-on-one-test"]["outcomes"] == ["passed", "passed", "timeout", "passed"]
    assert by_id["stdin-stdout"]["pass_rate"] == 1.0


def test_import_converts_a_dataset_and_writes_nothing_when_a_row_is_bad(tmp_path: Path) -> None:
    data = REPO / "tests" / "data" / "formats"
    out = tmp_path / "rows.jsonl"
    done = aceforge("import", str(data / "verl_prime_code.jsonl"), "--output", str(out))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 2 and {r["format"] for r in rows} == {"apps"} and all(r["prelude"] for r in rows)
    assert "2 rows" in done.stdout
    # a bad row anywhere: every bad row named, the earlier output left as it was
    before = out.read_text()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        (data / "mbpp.jsonl").read_text() + '{"id": "x", "test_list": 3}\n{"task_id": 9, "inputs": ["1"]}\n'
    )
    failed = aceforge("import", str(bad), "--format", "auto", "-o", str(out))
    assert failed.returncode == 2 and "2 bad rows" in failed.stderr
    assert "bad.jsonl:5: field 'test_list'" in failed.stderr and "bad.jsonl:6:" in failed.stderr
    assert out.read_text() == before and not list(tmp_path.glob("*.tmp"))
    named = aceforge(
        "import", str(data / "mbpp.jsonl"), "--format", "humaneval", "-o", str(tmp_path / "x.jsonl")
    )
    assert named.returncode == 2 and "mbpp.jsonl:1:" in named.stderr and not (tmp_path / "x.jsonl").exists()

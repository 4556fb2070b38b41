"""SandboxFusion's /run_code: request checks, result mapping, and one real request."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aceforge.sandbox_api import MAX_RUN_TIMEOUT_S, add_sandbox_routes, request_job, response, run_result
from aceforge.server import ServeSettings
from aceforge.types import ExecResult, Limits
from aceforge.types import TestOutcome as TOutcome


def _body(**kw: Any) -> dict[str, Any]:
    body = {"code": "print(1)", "language": "python", "stdin": None, "run_timeout": 10,
            "memory_limit_MB": -1, "files": {}, "fetch_files": []}  # fmt: skip
    return {**body, **kw}


def test_a_python_request_becomes_one_stdin_job_with_clamped_limits() -> None:
    job, why = request_job(_body(stdin="x\n", run_timeout=10_000, memory_limit_MB=512), "j")
    assert job is not None and why == ""
    assert job.tests[0].input == "x\n"  # type: ignore[union-attr]
    assert job.limits.timeout_s == MAX_RUN_TIMEOUT_S and job.limits.memory_mb == 512
    small, _ = request_job(_body(run_timeout=0), "j")
    assert small is not None and small.limits.timeout_s == 0.05
    assert small.limits.memory_mb == Limits().memory_mb


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"language": "cpp"}, "python only"),
        ({"fetch_files": ["a"]}, "fetch_files is not supported"),
        ({"files": {"../x": "YQ=="}}, "inside the working directory"),
        ({"files": {"/etc/x": "YQ=="}}, "inside the working directory"),
        ({"files": {"a.txt": "not base64!"}}, "not base64"),
    ],
)
def test_requests_aceforge_cannot_run_are_refused_with_a_reason(kw: dict, why: str) -> None:
    job, message = request_job(_body(**kw), "j")
    assert job is None and why in message


def _result(outcome: str, detail: str | None = None, status: str = "ok") -> ExecResult:
    tests = (TOutcome(outcome, 0.25, detail),) if status == "ok" else ()  # type: ignore[arg-type]
    return ExecResult("j", status, tests, "bad" if status != "ok" else None, "out", "err", 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("result", "status", "run_status", "code"),
    [
        (_result("passed"), "Success", "Finished", 0),
        (_result("error", "exit code 3"), "Failed", "Finished", 3),
        (_result("crashed", "killed by SIGSEGV"), "Failed", "Finished", -11),
        (_result("error", "ZeroDivisionError"), "Failed", "Finished", 1),
        (_result("timeout"), "Failed", "TimeLimitExceeded", None),
        (_result("", status="crashed"), "SandboxError", "Error", None),
    ],
)
def test_engine_results_map_to_sandboxfusions_statuses(
    result: ExecResult, status: str, run_status: str, code: int | None
) -> None:
    r = response(result)
    assert (r["status"], r["run_result"]["status"], r["run_result"]["return_code"]) == (
        status,
        run_status,
        code,
    )
    assert set(r) == {"status", "message", "compile_result", "run_result", "executor_pod_name", "files"}


def test_an_uncaught_exception_keeps_its_detail_in_stderr() -> None:
    assert run_result(_result("error", "ValueError: no"))["stderr"] == "err\nValueError: no"


def test_run_code_runs_python_as_main_with_files_on_the_real_engine() -> None:
    app = FastAPI()
    add_sandbox_routes(app, ServeSettings(workers=1))
    code = "import sys\nprint(open('d/in.txt').read() + input(), __name__)\nsys.exit(4)\n"
    files = {"d/in.txt": base64.b64encode(b"file+").decode()}
    with TestClient(app) as client:
        ok = client.post(
            "/run_code", json={"code": code, "language": "python", "stdin": "stdin\n", "files": files}
        )
        unknown = client.post("/run_code", json={"code": "", "language": "cobol"})
    body = ok.json()
    assert body["status"] == "Failed" and body["run_result"]["return_code"] == 4
    assert body["run_result"]["stdout"] == "file+stdin __main__\n"
    assert unknown.status_code == 422

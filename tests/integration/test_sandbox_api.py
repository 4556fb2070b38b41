"""``aceforge serve``'s SandboxFusion-compatible ``/run_code``, on a real uvicorn server, driven
by verl's own SandboxFusion client.

verl 0.7.0 (PyPI; the same file as tag v0.7.0 of volcengine/verl),
``verl/utils/reward_score/sandbox_fusion/utils.py``: ``call_sandbox_api`` (lines 67-171)
posts ``{compile_timeout, run_timeout, code, stdin, memory_limit_MB, language, files: {},
fetch_files: []}`` and retries on 504; ``_process_single_case`` (174-446) wraps call-based code
(``fn_name``) in its own harness and maps the answer: SandboxError → -1, Failed with a compile
error → -4, Failed with run TimeLimitExceeded → -3, run Error or a non-zero return code → -2,
Success with ``stdout.rstrip("\\n") == expected.rstrip("\\n")`` → True, else False;
``check_correctness`` (449-578) sends one request per test, concurrently. That module is loaded
by file from verl's distribution (see ``verl_file``; verl's package ``__init__`` needs torch and
tensordict, which this client does not use); without verl those tests skip, and the direct HTTP
tests below still pin the contract.
"""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from llm_servers import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "aceforge.cli", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/health", timeout=1).json()["status"] == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "no start") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def verl_file(relative: str) -> Path | None:
    """A file of verl's distribution: installed (``pip install --no-deps verl==0.7.0``) or
    unpacked where ACEFORGE_VERL_DIR says, by default the venv's ``verl-0.7.0`` folder that
    ``make test`` fills (``pip install --no-deps --target DIR verl==0.7.0``: verl's wheel ships a
    top-level ``tests`` package, which on sys.path would shadow ours)."""
    try:
        return Path(str(importlib.metadata.distribution("verl").locate_file(relative)))
    except importlib.metadata.PackageNotFoundError:
        root = Path(os.environ.get("ACEFORGE_VERL_DIR") or Path(sys.prefix) / "verl-0.7.0")
        return root / relative if (root / relative).is_file() else None


@pytest.fixture(scope="module")
def verl_client() -> ModuleType:
    path = verl_file("verl/utils/reward_score/sandbox_fusion/utils.py")
    if path is None:
        pytest.skip(
            "verl is not unpacked: make test does it (pip install --no-deps --target .venv/verl-0.7.0 verl==0.7.0)"
        )
    spec = importlib.util.spec_from_file_location("verl_sandbox_fusion_utils", str(path))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ADD = "a, b = map(int, input().split())\nprint(a + b)\n"
STDIO = {"inputs": ["1 2\n", "3 4\n", "-5 5\n"], "outputs": ["3\n", "7\n", "0\n"]}


@pytest.mark.parametrize(
    ("program", "in_outs", "want"),
    [
        (ADD, STDIO, [True, True, True]),
        ("a, b = map(int, input().split())\nprint(a * b)\n", STDIO, [False, False, False]),
        ("while True:\n    pass\n", {"inputs": ["1 2\n"], "outputs": ["3\n"]}, [-3]),
        ("raise ValueError('no')\n", {"inputs": ["1 2\n"], "outputs": ["3\n"]}, [-2]),
        ("import sys\nprint(3)\nsys.exit(4)\n", {"inputs": ["1 2\n"], "outputs": ["3\n"]}, [-2]),
        ("def add(a, b):\n    return a + b\n", {"fn_name": "add", "inputs": ["1\n2", "[1]\n[2]"], "outputs": ["3", "[1, 2]"]},
         [True, True]),
        # (not named `add`: verl's wrapper star-imports operator, whose add it would call first)
        ("class Solution:\n    def plus(self, a, b):\n        return a - b\n", {"fn_name": "plus", "inputs": ["1\n2"], "outputs": ["3"]},
         [False]),
    ],
)  # fmt: skip
def test_verl_client_gets_correct_verdicts(
    server: str, verl_client: ModuleType, program, in_outs, want
) -> None:
    results, meta = verl_client.check_correctness(server + "/run_code", in_outs, program, timeout=1)
    assert results == want, meta


def test_hacking_programs_get_no_pass_and_harm_nothing(server: str, verl_client: ModuleType) -> None:
    shadow = "print(open('/etc/shadow').read())\n"
    results, meta = verl_client.check_correctness(
        server + "/run_code", {"inputs": [""], "outputs": ["root"]}, shadow
    )
    assert results == [-2] and ("PermissionError" in meta[0]["stderr"] or "FileNotFound" in meta[0]["stderr"])
    killer = (
        "import os, signal\nfor pid in (os.getppid(), 1, -1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
        "    except OSError as e:\n        print(type(e).__name__)\nprint('3')\n"
    )
    results, meta = verl_client.check_correctness(
        server + "/run_code", {"inputs": [""], "outputs": ["3"]}, killer
    )
    assert results == [False], meta  # it printed its errors before the 3
    results, _ = verl_client.check_correctness(server + "/run_code", STDIO, ADD)
    assert results == [True, True, True]  # the server and its engine are still there
    assert httpx.get(server + "/health", timeout=5).json()["status"] == "ok"


def test_unsupported_languages_get_sandboxfusions_error_form(server: str, verl_client: ModuleType) -> None:
    results, meta = verl_client.check_correctness(
        server + "/run_code", {"inputs": [""], "outputs": ["1"]}, "int main(){}", language="cpp"
    )
    assert results == [-1] and meta[0]["status"] == "sandbox_error"
    assert "not supported" in meta[0]["api_response"]["message"]
    unknown = httpx.post(server + "/run_code", json={"code": "x", "language": "cobol"}, timeout=10)
    assert unknown.status_code == 422  # as SandboxFusion's pydantic model answers


def run_code(server: str, **body) -> dict:
    r = httpx.post(server + "/run_code", json={"language": "python", **body}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_answers_follow_sandboxfusions_contract(server: str) -> None:
    ok = run_code(server, code="import sys\nprint(sys.stdin.read().upper(), end='')", stdin="hi\n")
    assert ok["status"] == "Success" and ok["message"] == "" and ok["compile_result"] is None
    run = ok["run_result"]
    assert set(run) == {"status", "execution_time", "return_code", "stdout", "stderr"}
    assert (run["status"], run["return_code"], run["stdout"]) == ("Finished", 0, "HI\n")
    assert isinstance(run["execution_time"], float)

    crash = run_code(server, code="x = 1\ny = x / 0\n")
    assert crash["status"] == "Failed" and crash["run_result"]["return_code"] == 1
    assert (
        "ZeroDivisionError" in crash["run_result"]["stderr"] and "y = x / 0" in crash["run_result"]["stderr"]
    )
    assert "_aceforge_main" not in crash["run_result"]["stderr"]  # the wrapper stays out of the traceback

    assert run_code(server, code="import sys\nsys.exit(3)")["run_result"]["return_code"] == 3
    assert run_code(server, code="import sys\nsys.exit('bye')")["run_result"]["stderr"].strip() == "bye"
    main = run_code(server, code="if __name__ == '__main__':\n    print('main')")
    assert main["run_result"]["stdout"] == "main\n"
    syntax = run_code(server, code="def f(:\n")
    assert syntax["status"] == "Failed" and "SyntaxError" in syntax["run_result"]["stderr"]

    slow = run_code(server, code="import time\nprint('started', flush=True)\ntime.sleep(30)", run_timeout=0.5)
    assert slow["status"] == "Failed" and slow["run_result"]["status"] == "TimeLimitExceeded"
    assert slow["run_result"]["return_code"] is None


def test_files_are_written_before_the_run_and_fetching_is_refused(server: str) -> None:
    data = base64.b64encode(b"5 6\n").decode()
    out = run_code(
        server, code="print(sum(map(int, open('in/data.txt').read().split())))", files={"in/data.txt": data}
    )
    assert out["run_result"]["stdout"] == "11\n"
    escape = run_code(server, code="print(1)", files={"../x": data})
    assert escape["status"] == "SandboxError" and "inside the working directory" in escape["message"]
    fetch = run_code(server, code="print(1)", fetch_files=["out.txt"])
    assert fetch["status"] == "SandboxError" and fetch["run_result"] is None

"""`aceforge serve` as users run it: a real uvicorn process on loopback, real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from aceforge.rewards.core import label_of
from llm_servers import free_port

pytestmark = pytest.mark.integration
TESTS = ["assert add(1, 2) == 3", "assert add(-1, 1) == 0", "assert add(2, 2) == 4"]
RIGHT = "```python\ndef add(a, b):\n    return a + b\n```"
HACK = "```python\nclass E:\n    def __eq__(self, o):\n        return True\n\ndef add(a, b):\n    return E()\n```"
EXIT = "```python\nimport sys\n\ndef add(a, b):\n    sys.exit(0)\n```"


class Server:
    def __init__(self, *args: str, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable,
            "-m",
            "aceforge.cli",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            "2",
            *args,
        ]
        self.proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).json()["status"] == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                time.sleep(0.1)
        raise RuntimeError(self.proc.stderr.read().decode() if self.proc.poll() is not None else "no start")

    def stop(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=60)


def served_rewards(answers: list[str], labels: list[str], timeout: float = 120) -> list[dict]:
    """What a fresh `aceforge serve` answers on `/reward` for these completions and labels."""
    server = Server()
    try:
        items = [{"completion": a, "label": lab} for a, lab in zip(answers, labels, strict=True)]
        return httpx.post(server.url + "/reward", json={"items": items}, timeout=timeout).json()["results"]
    finally:
        server.stop()


def body(*responses: str, prompt: str = "<user>Add.</user>") -> dict:
    return {"query": [prompt + r for r in responses], "prompts": [prompt] * len(responses),
            "labels": [label_of(TESTS)] * len(responses)}  # fmt: skip


def test_openrlhf_protocol_over_http() -> None:
    server = Server()
    try:
        r = httpx.post(server.url + "/get_reward", json=body(RIGHT, HACK, EXIT, "no code"), timeout=30)
        assert r.status_code == 200
        out = r.json()
        assert out["rewards"] == [1.0, 0.0, 0.0, 0.0]
        assert out["scores"][0] == 1.0 and "pass_rate" in out["extra_logs"]
        plain = httpx.post(
            server.url + "/reward", json={"items": [{"completion": RIGHT, "tests": TESTS}]}, timeout=30
        )
        assert plain.json()["results"][0]["outcomes"] == ["passed"] * 3
        # a bad label among good ones: that item's reward is the floor, flagged; the batch stands
        two = body(RIGHT, RIGHT)
        bad = httpx.post(
            server.url + "/get_reward", json={**two, "labels": ["nope", two["labels"][1]]}, timeout=30
        )
        assert bad.status_code == 200 and bad.json()["rewards"] == [0.0, 1.0]
        assert bad.json()["extra_logs"]["bad_label"] == [1.0, 0.0]
        items = [{"completion": RIGHT, "tests": "nope"}, {"completion": RIGHT, "tests": TESTS}]
        mixed = httpx.post(server.url + "/reward", json={"items": items}, timeout=30).json()["results"]
        assert [r["reward"] for r in mixed] == [0.0, 1.0] and mixed[0]["flags"] == ["bad_label"]
        assert "not JSON" in mixed[0]["error"] and "error" not in mixed[1]
        # bad input: a clear 4xx naming the field, never a 500
        assert httpx.post(server.url + "/get_reward", json={"query": ["x"]}, timeout=10).status_code == 422
        assert httpx.post(server.url + "/get_reward", content=b"{oops", timeout=10).status_code == 400
        # concurrent requests are batched
        with ThreadPoolExecutor(16) as pool:
            got = list(
                pool.map(
                    lambda _: httpx.post(server.url + "/get_reward", json=body(RIGHT), timeout=60).json(),
                    range(64),
                )
            )
        assert all(g["rewards"] == [1.0] for g in got)
        health = httpx.get(server.url + "/health", timeout=5).json()
        assert health["items"] >= 64 + 5 and health["batches"] < health["items"]
        # SIGTERM while a slow request is in flight: it still gets its (right) answer
        slow = "```python\nimport time\n\ndef add(a, b):\n    time.sleep(0.4)\n    return a + b\n```"
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(lambda: httpx.post(server.url + "/get_reward", json=body(slow), timeout=30))
            time.sleep(0.3)
            server.proc.send_signal(signal.SIGTERM)
            assert pending.result().json()["rewards"] == [1.0]
        server.proc.wait(timeout=30)
    finally:
        server.stop()
    assert server.proc.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    logs = [
        json.loads(line) for line in server.proc.stderr.read().decode().splitlines() if line.startswith("{")
    ]
    assert any(entry.get("path") == "/get_reward" and "ms" in entry for entry in logs)
    assert any(entry.get("located") == {"exact": 1} for entry in logs)  # how each response was found


def test_token_and_size_limits() -> None:
    server = Server("--token-env", "RM_TOKEN", "--max-body-mb", "0.01", env={"RM_TOKEN": "s3cret"})
    try:
        assert httpx.post(server.url + "/get_reward", json=body(RIGHT), timeout=10).status_code == 401
        ok = httpx.post(
            server.url + "/get_reward",
            json=body(RIGHT),
            headers={"Authorization": "Bearer s3cret"},
            timeout=30,
        )
        assert ok.json()["rewards"] == [1.0]
        big = body(RIGHT + "#" * 20000)
        assert (
            httpx.post(
                server.url + "/get_reward", json=big, headers={"Authorization": "Bearer s3cret"}, timeout=10
            ).status_code
            == 413
        )
        assert httpx.get(server.url + "/health", timeout=5).status_code == 200  # health needs no token

        # a chunked body (no Content-Length) is counted as it arrives: 413 long before 50 MB
        sent = 0

        def chunks():
            nonlocal sent
            yield b'{"query": ["'
            for _ in range(50 * 16):
                sent += 65536
                yield b"#" * 65536

        auth = {"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
        try:
            chunked = httpx.post(server.url + "/get_reward", content=chunks(), headers=auth, timeout=30)
            assert chunked.status_code == 413, chunked.text
        except httpx.HTTPError:  # the server may close the connection while the client still sends
            pass
        assert sent < 50 * (1 << 20)  # the rest of the 50 MB was never sent
        again = httpx.post(server.url + "/get_reward", json=body(RIGHT), headers=auth, timeout=30)
        assert again.json()["rewards"] == [1.0]  # the server is up and scores the next request
    finally:
        server.stop()


def test_killed_server_comes_back_and_never_returned_a_wrong_reward() -> None:
    port_server = Server()
    url = port_server.url
    seen: list[tuple[str, float]] = []
    errors = 0

    def one(i: int) -> None:
        nonlocal errors
        completion = RIGHT if i % 2 else HACK
        try:
            r = httpx.post(url + "/get_reward", json=body(completion), timeout=10)
            if r.status_code == 200:
                seen.append((completion, r.json()["rewards"][0]))
        except httpx.HTTPError:
            errors += 1

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(one, i) for i in range(400)]
        time.sleep(0.5)
        port_server.stop()  # SIGKILL mid-load
        for f in futures:
            f.result()
    assert seen and errors > 0
    assert all(reward == (1.0 if c == RIGHT else 0.0) for c, reward in seen)
    # restart on the same port: no manual steps
    again = subprocess.Popen([sys.executable, "-m", "aceforge.cli", "serve", "--port", str(port_server.port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                r = httpx.post(url + "/get_reward", json=body(RIGHT), timeout=10)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert r.json()["rewards"] == [1.0]
    finally:
        os.killpg(again.pid, signal.SIGKILL)
        again.wait()

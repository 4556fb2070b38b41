"""The OpenAI-compatible client against real HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.llm_servers import FaultServer

from aceforge.errors import BudgetExceededError, GenerationError, RequestRejectedError
from aceforge.generation.base import GenParams
from aceforge.generation.openai_compatible import Budget, OpenAICompatibleClient


@pytest.fixture()
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer(lambda prompt, seed: f"{prompt[::-1]}|{seed}", slow_s=1.0)
    yield server
    server.close()


def _ask(client: OpenAICompatibleClient, prompts: list, params: GenParams | None = None) -> list:
    async def go() -> list:
        try:
            return list(
                await asyncio.gather(
                    *(client.generate(p, params or GenParams(), k) for k, p in enumerate(prompts))
                )
            )
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_chat_and_completion_requests_survive_every_fault(fault_server: FaultServer) -> None:
    chat = OpenAICompatibleClient("m", fault_server.url, api_key="k", request_timeout_s=0.5, backoff_s=0.01)
    prompts = [f"prompt {k}" for k in range(12)]
    out = _ask(chat, prompts)
    assert [c.text for c in out] == [f"{p[::-1]}|{k}" for k, p in enumerate(prompts)]
    # every injected fault costs a retry (a loaded machine may add timeouts of its own)
    assert chat.stats.retries >= sum(fault_server.faults.values()) > 0
    assert chat.stats.prompt_tokens == 24
    plain = OpenAICompatibleClient("m", fault_server.url, chat=False, backoff_s=0.01, request_timeout_s=0.5)
    assert _ask(plain, ["abc"], GenParams(seed=7))[0].text == "cba|7"


class _Status(BaseHTTPRequestHandler):
    status = 200

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append(self.headers.get("Authorization"))  # type: ignore[attr-defined]
        code = self.server.code  # type: ignore[attr-defined]
        data = json.dumps(
            {
                "choices": [{"message": {"content": "x y"}}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2},
            }
        ).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def status_server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    httpd.seen, httpd.code = [], 200  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(httpd: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}/v1/"


@pytest.mark.parametrize(
    ("code", "error"), [(401, GenerationError), (404, GenerationError), (400, RequestRejectedError)]
)
def test_fatal_and_rejected_statuses_are_not_retried(
    status_server: ThreadingHTTPServer, code: int, error: type
) -> None:
    status_server.code = code  # type: ignore[attr-defined]
    client = OpenAICompatibleClient("m", _url(status_server), api_key="sekret", backoff_s=0.01)
    with pytest.raises(error, match=f"HTTP {code}"):
        _ask(client, ["p"])
    assert client.stats.requests == 1 and client.stats.retries == 0
    assert status_server.seen == ["Bearer sekret"]  # type: ignore[attr-defined]


def test_retries_give_up_with_the_reason(status_server: ThreadingHTTPServer) -> None:
    status_server.code = 503  # type: ignore[attr-defined]
    client = OpenAICompatibleClient("m", _url(status_server), max_retries=2, backoff_s=0.001)
    with pytest.raises(GenerationError, match=r"gave up after 3 attempts \(http 503\)"):
        _ask(client, ["p"])
    assert client.stats.retry_reasons["http 503"] == 2


def test_a_token_budget_stops_before_the_next_request(status_server: ThreadingHTTPServer) -> None:
    budget = Budget(max_total_tokens=5, usd_per_mtok_in=1e6, usd_per_mtok_out=0)
    client = OpenAICompatibleClient("m", _url(status_server), budget=budget, max_in_flight=1)

    async def go() -> None:
        try:
            assert (await client.generate("p", GenParams())).text == "x y"
            await client.generate("q", GenParams())
        finally:
            await client.aclose()

    with pytest.raises(BudgetExceededError, match="token budget reached"):
        asyncio.run(go())
    assert client.stats.cost_usd == 3.0 and len(status_server.seen) == 1  # type: ignore[attr-defined]

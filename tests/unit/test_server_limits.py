"""The reward server's body limit, as ASGI middleware driven message by message."""

from __future__ import annotations

import asyncio

from aceforge.server import BodyLimit


def run(middleware_limit: int, messages: list[dict], headers: list | None = None) -> tuple[list, int, bool]:
    """Send `messages` through BodyLimit; return what was sent back, how many receive() calls
    were made, and whether the app behind it ran."""
    sent: list[dict] = []
    calls = 0
    ran = False

    async def app(scope, receive, send):
        nonlocal ran
        ran = True
        body = await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body["body"][:10]})

    async def receive():
        nonlocal calls
        calls += 1
        return messages[calls - 1]

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "headers": headers or []}
    asyncio.run(BodyLimit(app, middleware_limit)(scope, receive, send))
    return sent, calls, ran


def test_chunked_body_is_cut_off_as_it_arrives() -> None:
    chunks = [{"type": "http.request", "body": b"x" * 400, "more_body": True} for _ in range(100)]
    sent, calls, ran = run(1000, chunks)
    assert sent[0]["status"] == 413 and not ran and calls == 3  # stopped at the first chunk past 1000


def test_declared_length_is_refused_before_reading_and_small_bodies_pass() -> None:
    sent, calls, ran = run(1000, [], headers=[(b"content-length", b"5000")])
    assert sent[0]["status"] == 413 and calls == 0 and not ran
    parts = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd"},
    ]
    sent, _, ran = run(1000, parts)
    assert ran and sent[0]["status"] == 200 and sent[1]["body"] == b"abcd"  # replayed whole

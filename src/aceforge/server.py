"""``aceforge serve``: the reward core over HTTP (FastAPI + uvicorn).

    POST /get_reward   OpenRLHF's body {"query", "prompts", "labels"} → {"rewards", "scores", "extra_logs"}
                       (the wire format of rewards.openrlhf: responses cut out of their queries)
    POST /reward       {"items": [{"completion", "tests" | "label", "entry_point"?, "question"?, "group"?}]}
                       → {"results": [{"reward", "pass_rate", "outcomes", "flags", ...}]}
    GET  /health       {"status": "ok", ...}

Concurrent requests are micro-batched: the batcher takes whatever has queued (up to
`max_batch` items, waiting at most `batch_wait_ms` for more) and sends it to the engine in one
call while the next batch queues. Requests beyond `max_pending` waiting get 503 with
Retry-After; bodies over `max_body_mb` get 413; with a token set, requests without
``Authorization: Bearer TOKEN`` get 401. SIGTERM stops accepting, finishes the requests in
flight, then closes the engine. One JSON log line per request, with its timing.
"""

# No `from __future__ import annotations`: FastAPI reads the handlers' annotations at runtime.
import asyncio
import collections
import contextlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aceforge.execution.base import Executor
from aceforge.rewards import openrlhf
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, RewardResult, labelled_item
from aceforge.sandbox_api import add_sandbox_routes

log = logging.getLogger("aceforge.serve")


@dataclass(frozen=True)
class ServeSettings:
    reward: RewardOptions = field(default_factory=RewardOptions)
    workers: int | None = None
    executor: str = "local"  # or "ray"
    ray_address: str | None = None
    token: str | None = None
    max_batch: int = field(default=512, metadata={"help": "Items per engine batch."})
    batch_wait_ms: float = field(default=5.0, metadata={"help": "How long a batch waits for more requests."})
    max_pending: int = field(default=4096, metadata={"help": "Requests waiting before 503."})
    max_body_mb: float = field(default=32.0, metadata={"help": "Largest request body."})
    max_items: int = 4096  # items per request


class Batcher:
    """Collects items from concurrent requests into engine batches, one batch at a time."""

    def __init__(self, core: RewardCore, max_batch: int, wait_s: float) -> None:
        self.core, self.max_batch, self.wait_s = core, max_batch, wait_s
        self.queue: asyncio.Queue[tuple[list[RewardItem], asyncio.Future[list[RewardResult]]]] = (
            asyncio.Queue()
        )
        self.batches = 0
        self.items = 0

    async def submit(self, items: list[RewardItem]) -> list[RewardResult]:
        fut: asyncio.Future[list[RewardResult]] = asyncio.get_running_loop().create_future()
        await self.queue.put((items, fut))
        return await fut

    async def run(self) -> None:
        while True:
            first = await self.queue.get()
            waiting = [first]
            size = len(first[0])
            deadline = time.monotonic() + self.wait_s
            while size < self.max_batch:
                timeout = deadline - time.monotonic()
                try:
                    nxt = (
                        self.queue.get_nowait()
                        if timeout <= 0
                        else await asyncio.wait_for(self.queue.get(), timeout)
                    )
                except (asyncio.QueueEmpty, TimeoutError):
                    break
                waiting.append(nxt)
                size += len(nxt[0])
            await self._score(waiting)

    async def _score(
        self, waiting: list[tuple[list[RewardItem], asyncio.Future[list[RewardResult]]]]
    ) -> None:
        items = [i for batch, _ in waiting for i in batch]
        try:
            results = await asyncio.to_thread(self.core.score, items)
        except Exception as e:  # the engine itself failed: every waiting request learns it
            for _, fut in waiting:
                if not fut.done():
                    fut.set_exception(e)
            return
        self.batches += 1
        self.items += len(items)
        start = 0
        for batch, fut in waiting:
            if not fut.done():
                fut.set_result(results[start : start + len(batch)])
            start += len(batch)


@dataclass
class ServerState:
    """What the routes share: the settings, the requests in flight, the batcher once started."""

    settings: ServeSettings
    pending: int = 0
    batcher: Batcher | None = None


def create_app(settings: ServeSettings, executor: Executor | None = None) -> Any:
    """The FastAPI app: the engine (`executor`, or one started from the settings) lives as long
    as the app; the routes are in the module docstring."""
    try:
        from fastapi import FastAPI
    except ImportError:
        from aceforge.errors import MissingExtraError

        raise MissingExtraError("aceforge serve", "serve", "fastapi") from None
    state = ServerState(settings)
    app = FastAPI(title="aceforge reward server", lifespan=_lifespan(state, executor))
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_body_mb * (1 << 20)))
    app.middleware("http")(_guard(state))
    _add_reward_routes(app, state)
    _add_health_route(app, state)
    add_sandbox_routes(app, settings)  # SandboxFusion's /run_code, on an engine of its own
    return app


def _lifespan(state: ServerState, executor: Executor | None) -> Any:
    """Start the engine (unless given) and the batcher with the app; stop both with it."""
    settings = state.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        with contextlib.ExitStack() as stack:
            ex = executor
            if ex is None:
                from aceforge.execution.factory import make_executor

                engine = make_executor(settings.executor, settings.workers, ray_address=settings.ray_address)
                ex = stack.enter_context(engine)
                engine.start()
            batcher = Batcher(
                RewardCore(ex, settings.reward), settings.max_batch, settings.batch_wait_ms / 1000
            )
            task = asyncio.create_task(batcher.run())
            state.batcher = batcher
            log.info(json.dumps({"event": "ready", "reward": settings.reward.kind}))
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return lifespan


def _guard(state: ServerState) -> Any:
    """HTTP middleware: bearer token (401), back-pressure (503), one log line per request."""
    from fastapi import Request
    from fastapi.responses import JSONResponse

    settings = state.settings

    async def guard(request: Request, call_next: Any) -> Any:
        started = time.perf_counter()
        if settings.token is not None and request.url.path != "/health":
            given = request.headers.get("authorization", "")
            if not secrets.compare_digest(given, f"Bearer {settings.token}"):
                return JSONResponse({"detail": "missing or wrong bearer token"}, status_code=401)
        if state.pending >= settings.max_pending:
            return JSONResponse({"detail": "server busy"}, status_code=503, headers={"Retry-After": "1"})
        state.pending += 1
        try:
            response = await call_next(request)
        finally:
            state.pending -= 1
        log.info(json.dumps(_log_line(request, response.status_code, started)))
        return response

    return guard


def _log_line(request: Any, status: int, started: float) -> dict[str, Any]:
    return {
        "path": request.url.path,
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 2),
        "items": getattr(request.state, "items", 0),
        "located": getattr(request.state, "located", None),
    }


def _add_reward_routes(app: Any, state: ServerState) -> None:
    """POST /get_reward (OpenRLHF's wire format) and POST /reward (our items)."""
    from fastapi import HTTPException, Request

    @app.post("/get_reward")
    async def get_reward(request: Request) -> dict[str, Any]:
        body = await _json(request)
        try:
            items = openrlhf.request_items(body.get("query"), body.get("prompts"), body.get("labels"))
        except openrlhf.WireError as e:
            raise HTTPException(e.status, str(e)) from None
        return openrlhf.response_body(await _score(state, request, items))

    @app.post("/reward")
    async def reward(request: Request) -> dict[str, Any]:
        body = await _json(request)
        raw = body.get("items")
        if not isinstance(raw, list):
            raise HTTPException(422, "body needs a list 'items'")
        items = [_reward_item(k, it) for k, it in enumerate(raw)]
        results = await _score(state, request, items)
        return {"results": [r.to_dict() for r in results]}


def _add_health_route(app: Any, state: ServerState) -> None:
    @app.get("/health")
    async def health() -> dict[str, Any]:
        batcher = state.batcher
        return {
            "status": "ok" if batcher is not None else "starting",
            "reward": state.settings.reward.kind,
            "pending": state.pending,
            "batches": batcher.batches if batcher else 0,
            "items": batcher.items if batcher else 0,
        }


async def _score(state: ServerState, request: Any, items: list[RewardItem]) -> list[RewardResult]:
    """Queue one request's items for the next engine batch; note its size and how each response
    was found for the log line."""
    from fastapi import HTTPException

    limit = state.settings.max_items
    if len(items) > limit:
        raise HTTPException(413, f"{len(items)} items; at most {limit} per request")
    if state.batcher is None:
        raise HTTPException(503, "server starting")
    request.state.items = len(items)
    results = await state.batcher.submit(items)
    request.state.located = dict(collections.Counter(r.located for r in results))
    return results


def _reward_item(k: int, it: Any) -> RewardItem:
    """Item `k` of a /reward body; a malformed one is a 422 naming it, one whose label no format
    reads is rewarded `floor` with flag "bad_label" (and its `error`)."""
    from fastapi import HTTPException

    if not isinstance(it, dict) or not isinstance(it.get("completion"), str):
        raise HTTPException(422, f"items[{k}] needs a string 'completion'")
    label = it.get("tests", it.get("label"))
    return labelled_item(
        it["completion"], label, it.get("entry_point"), question=it.get("question"), group=it.get("group")
    )


class BodyLimit:
    """ASGI middleware: a body over `max_bytes` gets 413, counted as its bytes arrive (declared
    Content-Length or chunked), so nothing past the limit is read or kept. The body is held
    (at most the limit) and replayed to the app only once it is known to fit."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], then=receive), send)

    async def _too_large(self, send: Any) -> None:
        detail = json.dumps({"detail": f"body over {self.max_bytes / (1 << 20):.3g} MB"}).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": detail})


def _replay(messages: list[dict[str, Any]], then: Any = None) -> Any:
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()  # after the body: a disconnect, when it comes
        return {"type": "http.disconnect"}

    return receive


async def _json(request: Any) -> dict[str, Any]:
    from fastapi import HTTPException

    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HTTPException(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(422, "body must be a JSON object")
    return body


def serve(settings: ServeSettings, host: str = "127.0.0.1", port: int = 8000, graceful_s: int = 60) -> None:
    try:
        import uvicorn
    except ImportError:
        from aceforge.errors import MissingExtraError

        raise MissingExtraError("aceforge serve", "serve", "uvicorn") from None
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=graceful_s,
    )

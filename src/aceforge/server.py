"""``aceforge serve``: the reward core over HTTP (FastAPI + uvicorn).

    POST /get_reward   OpenRLHF's body {"query", "prompts", "labels"} → {"rewards", "scores", "extra_logs"}
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
import contextlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aceforge.errors import ConfigError
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, RewardResult, parse_tests
from aceforge.types import Executor

log = logging.getLogger("aceforge.serve")


@dataclass(frozen=True)
class ServeSettings:
    reward: RewardOptions = field(default_factory=RewardOptions)
    workers: int | None = None
    executor: str = "local"  # or "ray"
    ray_address: str | None = None
    token: str | None = None
    max_batch: int = 512  # items per engine call
    batch_wait_ms: float = 5.0  # how long a batch waits for company
    max_pending: int = 4096  # requests waiting before 503
    max_body_mb: float = 32.0
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


def create_app(settings: ServeSettings, executor: Executor | None = None) -> Any:
    try:
        from fastapi import FastAPI, HTTPException, Request
        from fastapi.responses import JSONResponse
    except ImportError:
        from aceforge.errors import MissingExtraError

        raise MissingExtraError("aceforge serve", "serve", "fastapi") from None
    state: dict[str, Any] = {"pending": 0}

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        with contextlib.ExitStack() as stack:
            ex = executor
            if ex is None:
                from aceforge.execution.executor import make_executor

                engine = make_executor(settings.executor, settings.workers, ray_address=settings.ray_address)
                ex = stack.enter_context(engine)
                engine.start()
            batcher = Batcher(
                RewardCore(ex, settings.reward), settings.max_batch, settings.batch_wait_ms / 1000
            )
            task = asyncio.create_task(batcher.run())
            state["batcher"], state["executor"] = batcher, ex
            log.info(json.dumps({"event": "ready", "reward": settings.reward.kind}))
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(title="aceforge reward server", lifespan=lifespan)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Any:
        started = time.perf_counter()
        if settings.token is not None and request.url.path != "/health":
            given = request.headers.get("authorization", "")
            if not secrets.compare_digest(given, f"Bearer {settings.token}"):
                return JSONResponse({"detail": "missing or wrong bearer token"}, status_code=401)
        length = int(request.headers.get("content-length") or 0)
        if length > settings.max_body_mb * (1 << 20):
            return JSONResponse({"detail": f"body over {settings.max_body_mb} MB"}, status_code=413)
        if state["pending"] >= settings.max_pending:
            return JSONResponse({"detail": "server busy"}, status_code=503, headers={"Retry-After": "1"})
        state["pending"] += 1
        try:
            response = await call_next(request)
        finally:
            state["pending"] -= 1
        log.info(
            json.dumps(
                {
                    "path": request.url.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "items": getattr(request.state, "items", 0),
                }
            )
        )
        return response

    async def score(request: Request, items: list[RewardItem]) -> list[RewardResult]:
        if len(items) > settings.max_items:
            raise HTTPException(413, f"{len(items)} items; at most {settings.max_items} per request")
        request.state.items = len(items)
        return await state["batcher"].submit(items)

    def parse_label(label: Any, where: str) -> Any:
        try:
            return parse_tests(label)
        except ConfigError as e:
            raise HTTPException(400, f"{where}: {e}") from None

    @app.post("/get_reward")
    async def get_reward(request: Request) -> dict[str, Any]:
        body = await _json(request)
        queries, prompts, labels = body.get("query"), body.get("prompts"), body.get("labels")
        if not isinstance(queries, list) or not isinstance(prompts, list) or not isinstance(labels, list):
            raise HTTPException(422, "body needs lists 'query', 'prompts' and 'labels'")
        if not len(queries) == len(prompts) == len(labels):
            raise HTTPException(422, "'query', 'prompts' and 'labels' must have the same length")
        items = []
        for k, (q, p, label) in enumerate(zip(queries, prompts, labels, strict=True)):
            if not isinstance(q, str) or not isinstance(p, str):
                raise HTTPException(422, f"query[{k}] and prompts[{k}] must be strings")
            response = q[len(p) :] if q.startswith(p) else q
            items.append(RewardItem(response, parse_label(label, f"labels[{k}]"), group=p))
        results = await score(request, items)
        return {
            "rewards": [r.reward for r in results],
            "scores": [r.pass_rate for r in results],
            "extra_logs": {"pass_rate": [r.pass_rate for r in results]},
        }

    @app.post("/reward")
    async def reward(request: Request) -> dict[str, Any]:
        body = await _json(request)
        raw = body.get("items")
        if not isinstance(raw, list):
            raise HTTPException(422, "body needs a list 'items'")
        items = []
        for k, it in enumerate(raw):
            if not isinstance(it, dict) or not isinstance(it.get("completion"), str):
                raise HTTPException(422, f"items[{k}] needs a string 'completion'")
            tests = parse_label(it.get("tests", it.get("label")), f"items[{k}].tests")
            items.append(
                RewardItem(
                    it["completion"], tests, it.get("entry_point"), it.get("question"), it.get("group")
                )
            )
        results = await score(request, items)
        return {"results": [r.to_dict() for r in results]}

    @app.get("/health")
    async def health() -> dict[str, Any]:
        batcher = state.get("batcher")
        return {
            "status": "ok" if batcher is not None else "starting",
            "reward": settings.reward.kind,
            "pending": state["pending"],
            "batches": batcher.batches if batcher else 0,
            "items": batcher.items if batcher else 0,
        }

    return app


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

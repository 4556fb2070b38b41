"""SandboxFusion's ``POST /run_code`` on aceforge's engine, for clients written against it
(verl's ``reward_score/sandbox_fusion`` and its sandbox tool).

The contract, read from bytedance/SandboxFusion (``sandbox/server/sandbox_api.py`` and
``sandbox/runners/types.py`` at 469de08):

    request   {code, language, stdin?, compile_timeout=10, run_timeout=10,
               memory_limit_MB=-1, files={path: base64}, fetch_files=[]}
    response  {status: Success | Failed | SandboxError, message, compile_result, run_result,
               executor_pod_name, files}
    result    {status: Finished | TimeLimitExceeded | Error, execution_time, return_code,
               stdout, stderr}

``status`` is Success when the run finished with return code 0, Failed on a time limit or a
non-zero return code, SandboxError when the sandbox itself failed. Python runs as ``python
main.py`` would: ``__name__ == "__main__"``, an uncaught exception prints its traceback and
returns 1, ``sys.exit(n)`` returns n. A language name SandboxFusion knows but aceforge does not
run gets SandboxFusion's error form (SandboxError, no results); an unknown name gets its 422.
``fetch_files`` is not supported (SandboxError); ``files`` are written before the run.

The endpoint has an engine of its own, started on the first request: aceforge's engine is fed
from one thread, and the reward batcher owns the other one. Concurrent requests are batched.
"""

# No `from __future__ import annotations`: FastAPI and pydantic read the annotations at runtime.
import asyncio
import base64
import binascii
import contextlib
import posixpath
import re
from collections.abc import AsyncIterator
from typing import Any, Literal, Optional

from aceforge.execution.base import Executor
from aceforge.types import ExecResult, Job, Limits, StdioTest

LANGUAGES = ('python', 'cpp', 'nodejs', 'go', 'go_test', 'java', 'php', 'csharp', 'bash', 'typescript', 'sql',
             'rust', 'cuda', 'lua', 'R', 'perl', 'D_ut', 'ruby', 'scala', 'julia', 'pytest', 'junit',
             'kotlin_script', 'jest', 'verilog', 'python_gpu', 'lean', 'swift', 'racket')  # fmt: skip
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
MAX_RUN_TIMEOUT_S = 600.0
OUTPUT_BYTES = 8 << 20

# Runs in the sandbox around the user's code (which it compiles there, so a syntax error is
# the program's, reported as Python reports it). The engine's own timeout passes through.
_WRAPPER = """\
def _aceforge_main(source, files):
    import base64, linecache, os, sys, traceback
    linecache.cache["main.py"] = (len(source), None, source.splitlines(True), "main.py")
    g = globals()
    del g["_aceforge_main"]
    for path, data in files.items():
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
    code = 0
    try:
        exec(compile(source, "main.py", "exec"), g)
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            code = (e.code or 0) & 0xFF
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException as e:
        if type(e).__name__ == "SoftTimeout":
            raise
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    if code:
        os._exit(code)


_aceforge_main({source!r}, {files!r})
"""


def wrap_python(code: str, files: dict[str, str]) -> str:
    return _WRAPPER.format(source=code, files=files)


def _bad_path(path: str) -> bool:
    norm = posixpath.normpath(path)
    return not path or posixpath.isabs(path) or norm == ".." or norm.startswith("../")


def request_job(body: dict[str, Any], job_id: str) -> tuple[Job | None, str]:
    """The engine job for a validated request, or (None, why SandboxFusion's form refuses it)."""
    if body["language"] != "python":
        return None, f"aceforge runs python only; language {body['language']!r} is not supported"
    if body["fetch_files"]:
        return None, "fetch_files is not supported by aceforge's /run_code"
    files: dict[str, str] = {}
    for path, data in body["files"].items():
        if data is None:
            continue
        if _bad_path(path):
            return None, f"file path {path!r} must stay inside the working directory"
        try:
            base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            return None, f"file {path!r}: content is not base64"
        files[path] = data
    timeout = min(max(float(body["run_timeout"]), 0.05), MAX_RUN_TIMEOUT_S)
    memory = int(body["memory_limit_MB"])
    limits = Limits(
        timeout_s=timeout,
        memory_mb=memory if memory > 0 else Limits().memory_mb,
        max_output_bytes=OUTPUT_BYTES,
    )
    program = wrap_python(body["code"], files)
    return Job(job_id, program, (StdioTest(body["stdin"] or "", "", "exact"),), limits), ""


_EXIT = re.compile(r"exit code (\d+)")
_SIGNAL = re.compile(r"killed by (SIG\w+)")


def run_result(r: ExecResult) -> dict[str, Any]:
    """SandboxFusion's CommandRunResult for one engine result."""
    out: dict[str, Any] = {"status": "Finished", "execution_time": round(r.duration_s, 6), "return_code": 0,
                           "stdout": r.stdout_tail, "stderr": r.stderr_tail}  # fmt: skip
    test = r.tests[0] if r.tests else None
    if r.status != "ok" or test is None:
        return {**out, "status": "Error", "return_code": None, "stderr": f"{r.status}: {r.error}"}
    out["execution_time"] = round(test.duration_s, 6)
    if test.outcome == "timeout":
        return {**out, "status": "TimeLimitExceeded", "return_code": None}
    if test.outcome in ("passed", "failed"):
        return out
    detail = test.detail or ""
    if m := _EXIT.search(detail):
        out["return_code"] = int(m.group(1))
    elif m := _SIGNAL.search(detail):
        import signal

        out["return_code"] = -int(getattr(signal, m.group(1), signal.SIGKILL))
    else:  # error / memory: what an uncaught exception returns
        out["return_code"] = 1
        out["stderr"] = (out["stderr"] + f"\n{detail}").lstrip("\n")
    return out


def response(r: ExecResult) -> dict[str, Any]:
    result = run_result(r)
    if result["status"] == "Error":
        status, message = "SandboxError", result["stderr"]
    elif result["status"] == "TimeLimitExceeded" or result["return_code"] != 0:
        status, message = "Failed", ""
    else:
        status, message = "Success", ""
    return {"status": status, "message": message, "compile_result": None, "run_result": result,
            "executor_pod_name": None, "files": {}}  # fmt: skip


def sandbox_error(message: str) -> dict[str, Any]:
    return {"status": "SandboxError", "message": message, "compile_result": None, "run_result": None,
            "executor_pod_name": None, "files": {}}  # fmt: skip


class JobBatcher:
    """Runs jobs from concurrent requests together, one engine call at a time."""

    def __init__(self, make: Any) -> None:
        self.make = make
        self.executor: Executor | None = None
        self.queue: asyncio.Queue[tuple[Job, asyncio.Future[ExecResult]]] | None = None
        self.task: asyncio.Task[None] | None = None

    async def submit(self, job: Job) -> ExecResult:
        if self.task is None:
            self.queue = asyncio.Queue()
            self.task = asyncio.create_task(self.run())
        assert self.queue is not None
        fut: asyncio.Future[ExecResult] = asyncio.get_running_loop().create_future()
        await self.queue.put((job, fut))
        return await fut

    async def run(self) -> None:
        assert self.queue is not None
        while True:
            waiting = [await self.queue.get()]
            while not self.queue.empty():
                waiting.append(self.queue.get_nowait())
            try:
                results = await asyncio.to_thread(self._run, [j for j, _ in waiting])
            except Exception as e:  # the engine failed: every waiting request learns it
                for _, fut in waiting:
                    if not fut.done():
                        fut.set_exception(e)
                continue
            for (_, fut), r in zip(waiting, results, strict=True):
                if not fut.done():
                    fut.set_result(r)

    def _run(self, jobs: list[Job]) -> list[ExecResult]:
        if self.executor is None:
            self.executor = self.make()
            self.executor.start()
        return self.executor.run_all(jobs)

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self.executor is not None:
            await asyncio.to_thread(self.executor.close)


def add_sandbox_routes(app: Any, settings: Any) -> None:
    """Register ``POST /run_code`` on a FastAPI app (`settings`: the server's ServeSettings)."""
    from pydantic import BaseModel, Field

    from aceforge.execution.factory import make_executor

    class RunCodeRequest(BaseModel):  # field for field SandboxFusion's
        compile_timeout: float = 10
        run_timeout: float = 10
        memory_limit_MB: int = -1
        code: str
        stdin: Optional[str] = None  # noqa: UP045 - pydantic reads it at runtime
        language: Language
        files: dict[str, Optional[str]] = Field(default_factory=dict)  # noqa: UP045
        fetch_files: list[str] = Field(default_factory=list)

    batcher = JobBatcher(
        lambda: make_executor(settings.executor, settings.workers, ray_address=settings.ray_address)
    )
    counter = iter(range(1 << 62))

    async def run_code(request: RunCodeRequest) -> dict[str, Any]:
        job, why = request_job(request.model_dump(), f"run_code/{next(counter)}")
        if job is None:
            return sandbox_error(why)
        try:
            return response(await batcher.submit(job))
        except Exception as e:  # the engine failed, not the program
            return sandbox_error(f"aceforge engine error: {type(e).__name__}: {e}")

    app.post("/run_code", tags=["sandbox"])(run_code)
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with inner(a) as state:
            try:
                yield state
            finally:
                await batcher.close()

    app.router.lifespan_context = lifespan


__all__ = ["LANGUAGES", "add_sandbox_routes", "request_job", "response", "run_result"]

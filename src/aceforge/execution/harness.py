"""The child side: runs inside the sandbox, right after the fork server forks.

It compiles and runs the program, evaluates each test's sandbox part and reports per-test
frames on fd 3. It never sees expected values (see ``plan``); everything it reports is data
the parent checks. Nothing here is trusted by the parent: the program can replace any of it.
"""

from __future__ import annotations

import _signal
import builtins
import marshal
import os
import random
import signal
import sys
import time
from typing import Any

from aceforge.execution import sandbox
from aceforge.execution.frames import (
    ChildReport,
    ChildSpec,
    Codes,
    EvalSpec,
    ExecSpec,
    RunFrame,
    TestReport,
    ValueReport,
    dumps,
    pack,
    write_all,
)
from aceforge.execution.values import Unserializable, encode

RESULT_FD = 3
BELL_FD = 5
_PRISTINE_BUILTINS = dict(builtins.__dict__)  # captured before any program can patch builtins
_perf = time.perf_counter
_mono = time.monotonic
_setitimer = signal.setitimer
# The C functions with plain ints: signal.signal's enum conversions cost more than the call
# (and raise internally whenever the old handler is a Python function).
_set_handler = _signal.signal
_get_handler = _signal.getsignal  # Python's own table: no system call
_SIGALRM, _ITIMER_REAL = int(signal.SIGALRM), int(signal.ITIMER_REAL)
_SIGINT, _SIGXFSZ, _SIGTERM = int(signal.SIGINT), int(signal.SIGXFSZ), int(signal.SIGTERM)
_SIG_IGN, _SIG_DFL = int(signal.SIG_IGN), int(signal.SIG_DFL)


class SoftTimeout(BaseException):
    """Raised by SIGALRM in the child when a test exceeds its soft timeout."""


def _on_alarm(signum: int, frame: object) -> None:
    raise SoftTimeout()


def _send(obj: ChildReport) -> None:
    obj["ts"] = _mono()  # when this phase ended; the fork server clamps it to what it saw
    write_all(RESULT_FD, pack(obj))


def _ring() -> None:
    """Wake the fork server: everything is reported."""
    try:
        os.write(BELL_FD, b"!")
    except OSError:
        pass


def _etype(e: BaseException) -> str:
    name = getattr(type(e), "__name__", "Exception")
    return name[:100] if type(name) is str else "Exception"


def _describe(e: BaseException) -> str:
    try:
        return f"{_etype(e)}: {str(e)[:200]}"
    except BaseException:  # a program-defined __str__ that raises
        return _etype(e)


def _run_timed(fn: Any, timeout_s: float) -> tuple[str, Any, float]:
    """Run fn() under the soft timeout: ("ok", value) or (outcome, exception type)."""
    if _get_handler(_SIGALRM) is not _on_alarm:  # set once per child unless the program changed it
        _set_handler(_SIGALRM, _on_alarm)
    start = _perf()
    try:
        _setitimer(_ITIMER_REAL, timeout_s)
        try:
            value = fn()
        finally:
            _setitimer(_ITIMER_REAL, 0)
    except SoftTimeout:
        return "timeout", "SoftTimeout", _perf() - start
    except MemoryError:
        return "memory", "MemoryError", _perf() - start
    except BaseException as e:  # SystemExit and KeyboardInterrupt are just errors here
        return "raised", e, _perf() - start
    elapsed = _perf() - start
    if elapsed > timeout_s:
        return "timeout", "SoftTimeout", elapsed
    return "ok", value, elapsed


def _encode_value(value: Any, max_bytes: int | None) -> ValueReport:
    """{"v": encoded} or {"u": why not}. Sized here only when `max_bytes` is given (the caller
    must know now); otherwise `_send_test` sizes the whole frame at once."""
    try:
        enc = encode(value)
    except Unserializable as e:
        return {"u": str(e)}
    except (RecursionError, MemoryError, ValueError) as e:
        return {"u": f"return value could not be serialized ({type(e).__name__})"}
    return _sized(enc, max_bytes) if max_bytes is not None else {"v": enc}


def _sized(enc: Any, max_bytes: int) -> ValueReport:
    # In characters of the frame's own JSON (json.dumps would cost a fresh child ~30 page
    # copies more, every program).
    try:
        if len(dumps(enc)) > max_bytes:
            return {"u": f"return value larger than {max_bytes} bytes"}
    except (RecursionError, MemoryError, ValueError) as e:
        return {"u": f"return value could not be serialized ({type(e).__name__})"}
    return {"v": enc}


def _send_test(result: TestReport, max_bytes: int) -> None:
    """A test's frame. A frame within the cap holds no value over it, so values are sized one
    by one only when the frame is larger (encoding every value twice cost every test)."""
    result["ts"] = _mono()
    try:
        data: bytes | None = pack(result)
    except (RecursionError, MemoryError, ValueError):
        data = None
    if data is None or len(data) > max_bytes:
        values = result.get("v", [])
        for k, v in enumerate(values):
            if "v" in v:
                values[k] = _sized(v["v"], max_bytes)
        data = pack(result)
    write_all(RESULT_FD, data)


def _compiled(source: str, mode: str, code: Any) -> Any:
    """`code` shipped by the fork server, else compiled here (under the caller's timer)."""
    return code if code is not None else compile(source, "<test>", mode, dont_inherit=True)


def _eval_test(
    spec: EvalSpec | ExecSpec,
    codes: Any,
    ns: dict[str, Any],
    timeout_s: float,
    max_bytes: int,
    allow_fallback: bool,
) -> TestReport:
    """Run one test; `codes` holds what the fork server compiled for it (None: compile here)."""
    if spec["k"] == "exec":

        def run_exec() -> None:
            exec(_compiled(spec["src"], "exec", codes), ns)

        status, payload, _ = _run_timed(run_exec, timeout_s)
        if status == "ok":
            return {"o": "passed"}
        if status == "raised":
            outcome = "failed" if isinstance(payload, AssertionError) else "error"
            return {"o": outcome, "d": _etype(payload)}
        return {"o": status, "d": payload}

    values: list[ValueReport] = []
    deadline_left = timeout_s
    for j, src in enumerate(spec["x"]):
        if deadline_left <= 0:  # setitimer(0) would disarm the alarm, not fire it
            return {"o": "timeout", "d": "SoftTimeout"}
        code = codes[j] if codes else None
        status, payload, elapsed = _run_timed(
            lambda s=src, c=code: eval(_compiled(s, "eval", c), ns), deadline_left
        )
        deadline_left -= elapsed
        if status in ("timeout", "memory"):
            return {"o": status, "d": payload}
        if status == "raised":
            values.append({"e": _etype(payload)})
        else:
            values.append(_encode_value(payload, max_bytes if allow_fallback else None))
    if allow_fallback and spec.get("fb") and any("u" in v for v in values):
        return _eval_test({"k": "exec", "src": spec["fb"]}, None, ns, timeout_s, max_bytes, False)
    return {"o": "value", "v": values}


CTRL_FD = 4


def warm_child(uid: int | None, block_sockets: bool) -> None:
    """Entry point of a pre-forked child. Still root, it waits for its spec on fd 4, then
    applies the job's limits, becomes the sandbox uid and runs. Never returns."""
    _set_handler(_SIGINT, signal.default_int_handler)
    _set_handler(_SIGXFSZ, _SIG_IGN)  # oversized writes fail with EFBIG instead
    _set_handler(_SIGTERM, _SIG_DFL)
    spec = _read_spec()
    if spec is None:  # the fork server went away
        os._exit(0)
    job, seg = spec["job"], spec["seg"]
    limits = job["limits"]
    first = job["tests"][seg[0]] if seg else None
    if first is not None and first["k"] == "stdio":
        _set_stdin(first["in"])
    sandbox.apply_child_limits(
        limits["memory_mb"],
        spec["cpu_s"],
        limits["max_processes"],
        limits["max_open_files"],
        limits["max_file_mb"],
    )
    sandbox.drop_privileges(uid)
    os.chdir(spec["workdir"])
    if spec["set_home"]:  # else preset by the fork server (a private /tmp: same path every job)
        os.environ.update(HOME=spec["workdir"], TMPDIR=spec["workdir"])
    if block_sockets:
        sandbox.install_socket_block()
    try:
        _child_main(job, seg, spec["code"])
    finally:
        _ring()
        os._exit(0)


def _read_spec() -> ChildSpec | None:
    """The spec, marshalled by the fork server (trusted, so marshal is fine in this direction;
    it decodes in C, touching far fewer pages of a fresh fork than json), up to EOF."""
    chunks = []
    while True:
        chunk = os.read(CTRL_FD, 1 << 16)  # what a pipe holds; larger asks cost an mmap
        if not chunk:
            break
        chunks.append(chunk)
    os.close(CTRL_FD)
    if not chunks:  # the fork server went away
        return None
    spec: ChildSpec = marshal.loads(b"".join(chunks))
    return spec


def _set_stdin(text: str) -> None:
    fd = os.memfd_create("stdin")
    write_all(fd, text.encode("utf-8", "surrogatepass"))
    os.lseek(fd, 0, os.SEEK_SET)
    os.dup2(fd, 0)
    os.close(fd)


def _child_main(job: RunFrame, indices: list[int], codes: Codes | None) -> None:
    """`codes`: the program and tests as the fork server compiled them (None: compile here)."""
    random.seed(job.get("seed", 0))
    limits = job["limits"]
    tests = job["tests"]
    stdio = bool(indices) and tests[indices[0]]["k"] == "stdio"
    name = "__main__" if stdio else "solution"
    code = codes["p"] if codes else None
    if code is None:
        error, code = compile_program(job["program"])
        if code is None:
            _send({"k": "import", "status": "syntax_error", "error": error})
            return
    # A real module in sys.modules, as when Python runs or imports a file: pickle (and so
    # multiprocessing) finds the program's functions and classes by their module's name.
    module = type(sys)(name)
    program_ns: dict[str, Any] = module.__dict__
    program_ns["__builtins__"] = builtins
    sys.modules[name] = module
    if stdio:
        _send({"k": "import", "status": "ok"})
        _run_stdio(code, program_ns, indices[0], limits["timeout_s"][indices[0]])
        return
    outcome, payload, _ = _run_timed(lambda: exec(code, program_ns), limits["import_timeout_s"])
    if outcome != "ok":
        st = {"timeout": "import_timeout", "memory": "import_error"}.get(outcome, "import_error")
        err = payload if isinstance(payload, str) else _describe(payload)
        _send({"k": "import", "status": st, "error": err})
        return
    _flush()
    _send({"k": "import", "status": "ok"})
    for i in indices:
        ns = dict(program_ns)  # tests see the program's names but cannot leak their own
        ns["__builtins__"] = _PRISTINE_BUILTINS
        result = _eval_test(
            tests[i],  # type: ignore[arg-type]  # never a stdio test: see above
            codes["t"][i] if codes else None,
            ns,
            limits["timeout_s"][i],
            limits["max_value_bytes"],
            job.get("fallback", False),
        )
        result["k"], result["i"] = "test", i
        _flush()
        _send_test(result, limits["max_value_bytes"])
        if result["o"] == "timeout":  # the tests after a timeout each get a fresh child
            return
    _send({"k": "done"})


def compile_program(source: str) -> tuple[str | None, Any]:
    """(None, code), or (the syntax error to report, None). Also run by the fork server."""
    try:
        return None, compile(source, "solution.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:  # ValueError: null bytes in the source
        return f"{_etype(e)}: {getattr(e, 'msg', e)} (line {getattr(e, 'lineno', '?')})", None
    except (MemoryError, RecursionError) as e:
        return _etype(e), None


def _run_stdio(code: Any, ns: dict[str, Any], index: int, timeout_s: float) -> None:
    outcome, payload, _ = _run_timed(lambda: exec(code, ns), timeout_s)
    if outcome == "raised" and isinstance(payload, SystemExit) and payload.code in (None, 0):
        outcome = "ok"
    _flush()
    if outcome == "ok":
        _send({"k": "test", "i": index, "o": "ran"})
    elif outcome == "raised":
        _send({"k": "test", "i": index, "o": "error", "d": _etype(payload)})
    else:
        _send({"k": "test", "i": index, "o": outcome, "d": payload})
    _send({"k": "done"})


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass

"""The fork server compiles programs and tests once and ships the code; whatever a child might
see differently (warnings, set constants, very long sources) is left for the child to compile."""

from __future__ import annotations

import types

from aceforge.execution import frames
from aceforge.execution.precompile import PRECOMPILE_MAX_CHARS, precompile


def _job(program: str, *tests: frames.TestSpec) -> frames.RunFrame:
    limits: frames.WireLimits = {
        "timeout_s": [1.0] * len(tests),
        "import_timeout_s": 1.0,
        "memory_mb": 512,
        "max_processes": 8,
        "max_open_files": 64,
        "max_file_mb": 1,
        "max_output_bytes": 2048,
        "max_value_bytes": 1 << 20,
    }
    return {
        "op": "run",
        "job": 0,
        "program": program,
        "tests": list(tests),
        "limits": limits,
        "fail_fast": False,
        "child_per_test": False,
        "fallback": False,
        "seed": 0,
    }


def test_program_and_tests_arrive_compiled() -> None:
    job = _job(
        "def f(x):\n    return x + 1\n",
        {"k": "eval", "x": ["f(1)", "f(2)"]},
        {"k": "exec", "src": "assert f(0) == 1"},
        {"k": "stdio", "in": ""},
    )
    codes = precompile(job)
    assert isinstance(codes, dict)
    assert isinstance(codes["p"], types.CodeType)
    ns: dict[str, object] = {}
    exec(codes["p"], ns)
    evals, exec_code, stdio = codes["t"]
    assert [eval(c, ns) for c in evals] == [2, 3]
    exec(exec_code, ns)  # passes: raises nothing
    assert stdio is None  # a stdio test is the program itself


def test_a_program_that_does_not_compile_is_reported_without_a_child() -> None:
    error = precompile(_job("def f(:\n    pass\n"))
    assert isinstance(error, str) and error.startswith("SyntaxError") and "line 1" in error


def test_what_a_child_would_see_differently_is_left_to_the_child() -> None:
    long_program = "x = 1\n" * (PRECOMPILE_MAX_CHARS // 6 + 1)
    assert precompile(_job(long_program)) is None  # compiled under the child's own limits
    assert precompile(_job("x = 'a' is 'a'\n")) is None  # a SyntaxWarning the child must print
    assert precompile(_job("def f(x):\n    return x in {1, 2, 3}\n")) is None  # a set constant
    codes = precompile(_job("y = 1\n", {"k": "eval", "x": ["f(", "y"]}))
    assert isinstance(codes, dict)
    bad, good = codes["t"][0]
    assert bad is None and eval(good, {"y": 5}) == 5  # the child meets the test's error itself


def test_shared_programs_and_tests_compile_once() -> None:
    first = precompile(_job("z = 2\n", {"k": "eval", "x": ["z"]}))
    second = precompile(_job("z = 2\n", {"k": "eval", "x": ["z"]}))
    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["p"] is second["p"] and first["t"][0][0] is second["t"][0][0]

"""The fork server compiles each program and test itself and ships the code objects in the
child's spec: a fresh fork that never starts the compiler saves most of what compiling cost it.
Compiled programs and tests are memoized (the samples of one question share tests, and
identical samples are common)."""

from __future__ import annotations

import functools
import types
import warnings
from collections.abc import Callable
from typing import Any

from aceforge.execution import harness
from aceforge.execution.frames import Codes, RunFrame

PRECOMPILE_MAX_CHARS = 1 << 16
PRECOMPILED_TESTS_MAX = 8192
PRECOMPILED_PROGRAMS_MAX = 256  # samples of one question arrive together; duplicates are common


def precompile(job: RunFrame) -> Codes | str | None:
    """Compiles the job's program and tests here, to ship them marshalled in the spec: a child
    that compiles nothing never wakes the parser and compiler, which in a fresh fork costs
    ~0.6 ms and ~70 page copies per program (measured here; compiling here costs ~40 us). A
    test shared by a question's samples compiles once, and so does a repeated program. A
    program that does not compile is reported from here, without a child.

    Anything the child might see differently is left for the child to compile, as before:
    sources that warn (the child would print the warning), are very long (the child compiles
    them under its limits) or hold a set constant (marshal rebuilds it in another insertion
    order, which can change its iteration order).

    Returns the codes, the program's syntax error, or None (the child compiles everything)."""
    error, program = _program_for_child(job["program"])
    if error is not None:
        return error
    if program is None:
        return None
    tests: list[Any] = []
    for test in job["tests"]:
        if test["k"] == "eval":
            tests.append([_test_for_child(x, "eval") for x in test["x"]])
        elif test["k"] == "exec":
            tests.append(_test_for_child(test["src"], "exec"))
        else:
            tests.append(None)
    return {"p": program, "t": tests}


@functools.lru_cache(maxsize=PRECOMPILED_PROGRAMS_MAX)
def _program_for_child(source: str) -> tuple[str | None, types.CodeType | None]:
    return _compile_for_child(source, harness.compile_program)


@functools.lru_cache(maxsize=PRECOMPILED_TESTS_MAX)
def _test_for_child(source: str, mode: str) -> types.CodeType | None:
    """The compiled test, or None: the child compiles it (and meets its errors) itself."""
    return _compile_for_child(source, lambda src: _compile_test(src, mode))[1]


def _compile_for_child(
    source: str, compile_source: Callable[[str], tuple[str | None, Any]]
) -> tuple[str | None, types.CodeType | None]:
    """(error, code) as `compile_source` gives them, except that code is None wherever the
    child must compile the source itself to see what plain Python would."""
    if len(source) > PRECOMPILE_MAX_CHARS:
        return None, None
    with warnings.catch_warnings(record=True) as caught:
        error, code = compile_source(source)
    if code is not None and (caught or _holds_set_constant(code.co_consts)):
        code = None
    return error, code


def _compile_test(source: str, mode: str) -> tuple[str | None, Any]:
    try:
        return None, compile(source, "<test>", mode, dont_inherit=True)
    except Exception as e:  # the child compiles it again, under the test's timer, and reports it
        return type(e).__name__, None


def _holds_set_constant(consts: tuple[Any, ...]) -> bool:
    for c in consts:
        if isinstance(c, frozenset) and len(c) > 1:
            return True
        if isinstance(c, tuple) and _holds_set_constant(c):
            return True
        if isinstance(c, types.CodeType) and _holds_set_constant(c.co_consts):
            return True
    return False

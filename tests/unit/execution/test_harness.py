"""The child side, run in this process: each test kind's report, values encoded (never
compared here), the soft timeout, and the opt-in fallback to the whole assert."""

from __future__ import annotations

from typing import Any

import pytest

from aceforge.execution.harness import _eval_test, compile_program


def _run(spec: Any, ns: dict[str, Any] | None = None, timeout_s: float = 1.0, fallback: bool = False) -> Any:
    return _eval_test(spec, None, ns if ns is not None else {}, timeout_s, 1 << 20, fallback)


def test_a_whole_statement_test_reports_its_own_verdict() -> None:
    assert _run({"k": "exec", "src": "assert 1 + 1 == 2"}) == {"o": "passed"}
    assert _run({"k": "exec", "src": "assert 1 == 2"}) == {"o": "failed", "d": "AssertionError"}
    assert _run({"k": "exec", "src": "int('x')"}) == {"o": "error", "d": "ValueError"}


def test_expressions_report_values_and_exceptions_not_verdicts() -> None:
    ns = {"f": lambda x: (x, {x})}
    report = _run({"k": "eval", "x": ["f(2)", "1 // 0", "object()"]}, ns)
    assert report["o"] == "value"
    value, raised, unserializable = report["v"]
    assert value == {"v": {"T": [2, {"S": [2]}]}}
    assert raised == {"e": "ZeroDivisionError"}
    assert set(unserializable) == {"u"}


def test_a_test_past_its_soft_timeout_stops_with_timeout() -> None:
    report = _run({"k": "eval", "x": ["spin()"]}, {"spin": _spin}, timeout_s=0.05)
    assert report == {"o": "timeout", "d": "SoftTimeout"}
    assert _run({"k": "exec", "src": "spin()"}, {"spin": _spin}, timeout_s=0.05)["o"] == "timeout"


def _spin() -> None:
    while True:
        pass


def test_the_fallback_runs_the_whole_assert_only_when_a_value_cannot_cross() -> None:
    class Point:
        def __eq__(self, other: object) -> bool:
            return True

    spec = {"k": "eval", "x": ["P()"], "fb": "assert P() == 3"}
    assert _run(spec, {"P": Point}, fallback=True) == {"o": "passed"}
    assert set(_run(spec, {"P": Point}, fallback=False)["v"][0]) == {"u"}  # not opted in


@pytest.mark.parametrize(
    ("source", "error"),
    [("def f(:\n", "SyntaxError: invalid syntax (line 1)"), ("x = 1\0", "SyntaxError: source code")],
)
def test_a_program_that_does_not_compile_says_why_and_where(source: str, error: str) -> None:
    message, code = compile_program(source)
    assert code is None and message is not None and message.startswith(error)


def test_a_program_that_compiles_returns_its_code() -> None:
    message, code = compile_program("y = 2\n")
    ns: dict[str, Any] = {}
    exec(code, ns)
    assert message is None and ns["y"] == 2

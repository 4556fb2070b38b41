"""The parent-side verdict, on plan nodes built by hand: short-circuit and/or, exception
checks by name with builtin subclassing, isclose and abs-diff tolerances, Python's errors."""

from __future__ import annotations

import pytest

from aceforge.execution.decide import EvalError, ExprResult, decide
from aceforge.execution.plan import AbsDiff, BoolOp, Close, Compare, Expr, Lit, Not, Probe, Raises, Truth

BOOM = ExprResult(error="ZeroDivisionError")


def _eq(i: int, v: object) -> Compare:
    return Compare(Expr(i), "==", Lit(v))


def _run(node, *results: ExprResult, rel_tol: float = 1e-9, abs_tol: float = 0.0) -> bool:
    return decide(node, list(results), rel_tol, abs_tol)


def test_and_stops_at_first_false_or_at_first_true() -> None:
    assert _run(BoolOp("and", (_eq(0, 2), _eq(1, 3))), ExprResult(1), BOOM) is False
    assert _run(BoolOp("or", (_eq(0, 1), _eq(1, 3))), ExprResult(1), BOOM) is True
    assert _run(BoolOp("and", (_eq(0, 1), _eq(1, 3))), ExprResult(1), ExprResult(3)) is True
    assert _run(BoolOp("or", (_eq(0, 2), _eq(1, 4))), ExprResult(1), ExprResult(3)) is False
    with pytest.raises(EvalError) as e:  # reached: the error propagates
        _run(BoolOp("or", (_eq(0, 2), _eq(1, 3))), ExprResult(1), BOOM)
    assert (e.value.outcome, e.value.detail) == ("error", "ZeroDivisionError")


def test_raises_by_name_with_builtin_subclasses() -> None:
    node = Raises("LookupError")
    assert _run(node, ExprResult(error="LookupError")) is True
    assert _run(node, ExprResult(error="IndexError")) is True
    assert _run(node, ExprResult(value=0)) is False
    for other in ("ValueError", "MyIndexError"):
        with pytest.raises(EvalError) as e:
            _run(node, ExprResult(error=other))
        assert e.value.detail == other
    with pytest.raises(EvalError) as e:
        _run(Raises("ValueError"), ExprResult(error="MemoryError"))
    assert e.value.outcome == "memory"
    assert _run(Raises("Exception"), ExprResult(error="KeyError")) is True


def test_close_uses_the_node_tolerances_not_the_global_ones() -> None:
    node = Close(Expr(0), Lit(1.0), rel_tol=1e-2, abs_tol=0.0)
    assert _run(node, ExprResult(1.005), rel_tol=0.0) is True
    assert _run(node, ExprResult(1.05)) is False
    assert _run(Close(Expr(0), Lit(0.0), 0.0, 0.1), ExprResult(-0.05)) is True
    assert _run(Close(Expr(0), Lit(1.0), -1.0, 0.0), ExprResult(1.0)) is False  # isclose ValueError
    with pytest.raises(EvalError):
        _run(node, ExprResult("1.0"))


def test_abs_diff_compared_to_a_bound() -> None:
    node = Compare(AbsDiff(Expr(0), Lit(0.5)), "<", Lit(1e-3))
    assert _run(node, ExprResult(0.5004)) is True
    assert _run(node, ExprResult(0.502)) is False
    with pytest.raises(EvalError):
        _run(node, ExprResult([0.5]))


def test_equality_uses_the_global_tolerance() -> None:
    assert _run(_eq(0, 1.0), ExprResult(1.0 + 1e-12)) is True
    assert _run(_eq(0, 1.0), ExprResult(1.001), rel_tol=1e-2) is True
    assert _run(_eq(0, 1.0), ExprResult(1.001)) is False


def test_truth_not_probe_and_ordering_errors() -> None:
    assert _run(Not(Truth(Expr(0))), ExprResult([])) is True
    assert _run(Truth(Expr(0)), ExprResult("x")) is True
    assert _run(Probe(), ExprResult(None)) is True
    with pytest.raises(EvalError):
        _run(Probe(), BOOM)
    with pytest.raises(EvalError) as e:
        _run(Compare(Expr(0), "<", Lit(3)), ExprResult("a"))
    assert e.value.detail == "TypeError"
    with pytest.raises(EvalError):
        _run(Compare(Expr(0), "<", Lit(3)), ExprResult(True))  # bool vs int is refused
    with pytest.raises(EvalError):
        _run(Compare(Lit(1), "in", Expr(0)), ExprResult("abc"))
    with pytest.raises(EvalError) as e:
        _run(_eq(0, 1), ExprResult(unserializable="no repr"))
    assert e.value.outcome == "failed"

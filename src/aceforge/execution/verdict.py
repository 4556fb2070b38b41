"""From what a sandboxed child reported to a test's outcome, in the parent: the child sends
values (or its own pass/fail when the whole assert ran inside), and the comparison with the
expected values, which never enter the sandbox, happens here."""

from __future__ import annotations

from typing import Any

from aceforge.execution.decide import EvalError, ExprResult, decide
from aceforge.execution.frames import TestEvent
from aceforge.execution.outputs import outputs_match
from aceforge.execution.plan import Plan, Probe
from aceforge.execution.values import Malformed, decode
from aceforge.types import TestOutcome


def verdict(
    plan: Plan, ev: TestEvent, compare_in_sandbox: bool, rel_tol: float, abs_tol: float
) -> TestOutcome:
    """The outcome of one test from the child's event `ev` for it."""
    o, t = ev["o"], float(ev.get("t", 0.0))
    detail = ev.get("d")
    if o in ("error", "timeout", "memory", "crashed"):
        return TestOutcome(o, t, str(detail) if detail is not None else None)  # type: ignore[arg-type]
    if o == "value" and plan.kind == "oracle":
        return decide_values(plan, ev.get("v"), t, rel_tol, abs_tol)
    if o in ("passed", "failed") and (plan.kind == "exec" or compare_in_sandbox):
        return TestOutcome(o, t, None if o == "passed" else str(detail or "AssertionError"))  # type: ignore[arg-type]
    if o == "stdio" and plan.kind == "stdio":
        same = outputs_match(plan.compare, str(ev.get("out", "")), plan.stdout)
        return TestOutcome("passed" if same else "failed", t, None if same else "output differs")
    return TestOutcome("failed", t, "malformed result from the sandbox")


def decide_values(plan: Plan, values: Any, t: float, rel_tol: float, abs_tol: float) -> TestOutcome:
    """Compare the values a child computed for the plan's expressions with the expected ones."""
    if not isinstance(values, list) or len(values) != len(plan.exprs):
        return TestOutcome("failed", t, "malformed result from the sandbox")
    results = []
    try:
        for v in values:
            if "e" in v:
                results.append(ExprResult(error=str(v["e"])))
            elif "u" in v:
                results.append(ExprResult(unserializable=str(v["u"])))
            else:
                results.append(ExprResult(value=decode(v["v"])))
        assert plan.node is not None
        ok = decide(plan.node, results, rel_tol, abs_tol)
    except EvalError as e:
        return TestOutcome(e.outcome, t, e.detail)  # type: ignore[arg-type]
    except (Malformed, KeyError, TypeError, AttributeError):
        return TestOutcome("failed", t, "malformed result from the sandbox")
    except RecursionError:
        return TestOutcome("failed", t, "value too deeply nested to compare")
    if isinstance(plan.node, Probe):
        return TestOutcome("passed", t, value=results[0].value)
    if ok:
        return TestOutcome("passed", t)
    got = [r.value for r in results if r.error is None and r.unserializable is None]
    return TestOutcome(
        "failed", t, f"assertion false (got {_short_repr(got[0])})" if got else "assertion false"
    )


def _short_repr(value: Any, limit: int = 200) -> str:
    text = repr(value)  # plain decoded data: repr cannot run program code
    return text if len(text) <= limit else text[: limit - 3] + "..."

"""What a worker receives for a job: the sandbox part of each test, never its expected value,
and the limits, each made once for every job that shares them."""

from __future__ import annotations

from aceforge.execution.jobspec import plan_test, planned, sandbox_spec, wire_limits
from aceforge.types import Limits, StdioTest


def test_an_asserts_expected_value_stays_in_the_parent() -> None:
    plan = plan_test("assert solve([3, 1]) == [1, 3] and len(solve([])) == 0")
    spec = sandbox_spec(plan, fallback=False)
    assert spec == {"k": "eval", "x": ["solve([3, 1])", "len(solve([]))"]}
    assert "[1, 3]" not in str(spec)


def test_the_fallback_ships_the_whole_assert_only_when_asked() -> None:
    plan = plan_test("assert f() == 1")
    assert sandbox_spec(plan, fallback=True) == {"k": "eval", "x": ["f()"], "fb": "assert f() == 1"}


def test_stdio_probe_and_whole_statement_tests() -> None:
    stdio = sandbox_spec(plan_test(StdioTest("1 2\n", "3\n")), fallback=False)
    assert stdio == {"k": "stdio", "in": "1 2\n"}  # the expected output stays here
    assert sandbox_spec(plan_test("f(3)", probe=True), fallback=False) == {"k": "eval", "x": ["f(3)"]}
    loop = "for x in range(3):\n    assert f(x)"
    assert sandbox_spec(plan_test(loop), fallback=False) == {"k": "exec", "src": loop}


def test_jobs_sharing_tests_share_one_plan() -> None:
    tests = ("assert f(1) == 2", StdioTest("x", "y"))
    first, second = planned(tests, False, False), planned(tests, False, False)
    assert first is second
    plans, specs = first
    assert [p.kind for p in plans] == ["oracle", "stdio"]
    assert [s["k"] for s in specs] == ["eval", "stdio"]


def test_wire_limits_give_each_test_its_timeout_and_the_import_rule() -> None:
    wire = wire_limits(Limits(timeout_s=0.5, memory_mb=512), 3)
    assert wire["timeout_s"] == [0.5, 0.5, 0.5]
    assert wire["import_timeout_s"] == 1.0  # max(timeout, IMPORT_FLOOR_S)
    assert wire["memory_mb"] == 512
    assert wire_limits(Limits(timeout_s=0.5, import_timeout_s=0.2), 1)["import_timeout_s"] == 0.2

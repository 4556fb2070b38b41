"""A job as its worker reads it: each test's plan (what runs in the sandbox, what the parent
keeps to compare) and the limits, made once and shared by every job with the same tests (the
samples of one question) or limits."""

from __future__ import annotations

from functools import lru_cache

from aceforge.errors import ConfigError
from aceforge.execution.frames import EvalSpec, TestSpec, WireLimits
from aceforge.execution.outputs import CompareModeError, parse_mode
from aceforge.execution.plan import Plan, plan_assert, plan_probe, plan_stdio
from aceforge.types import Limits, StdioTest


def plan_test(test: str | StdioTest, probe: bool = False) -> Plan:
    if isinstance(test, StdioTest):
        try:
            parse_mode(test.compare)
        except CompareModeError as e:
            raise ConfigError(str(e)) from None
        return plan_stdio(test.input, test.output, test.compare)
    return plan_probe(test) if probe else plan_assert(test)


def sandbox_spec(plan: Plan, fallback: bool) -> TestSpec:
    """The part of a test that enters the sandbox — never an expected value (unless opted in)."""
    if plan.kind == "oracle":
        spec: EvalSpec = {"k": "eval", "x": list(plan.exprs)}
        if fallback:
            spec["fb"] = plan.source
        return spec
    if plan.kind == "stdio":
        return {"k": "stdio", "in": plan.stdin}
    return {"k": "exec", "src": plan.source}


@lru_cache(maxsize=4096)
def planned(
    tests: tuple[str | StdioTest, ...], probe: bool, in_sandbox: bool
) -> tuple[tuple[Plan, ...], tuple[TestSpec, ...]]:
    """The tests' plans and sandbox parts, made once for every job that shares the tests (the
    samples of one question do). Shared, so never modified: they are only encoded."""
    plans = tuple(plan_test(t, probe) for t in tests)
    return plans, tuple(sandbox_spec(p, in_sandbox) for p in plans)


@lru_cache(maxsize=64)
def wire_limits(lim: Limits, n_tests: int) -> WireLimits:
    """A job's limits as its worker reads them (shared by every job with the same limits)."""
    return {
        "timeout_s": [lim.timeout_s] * n_tests,
        "import_timeout_s": lim.import_timeout,
        "memory_mb": lim.memory_mb,
        "max_processes": lim.max_processes,
        "max_open_files": lim.max_open_files,
        "max_file_mb": lim.max_file_mb,
        "max_output_bytes": lim.max_output_bytes,
        "max_value_bytes": lim.max_value_bytes,
    }

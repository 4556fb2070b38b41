"""Assert-style benchmarks: HumanEval (``test`` with ``check(candidate)``, ``entry_point``) and
MBPP (``test_list``, ``test_setup_code``, ``test_imports``)."""

from __future__ import annotations

import ast
from typing import Any

from aceforge.evaluation.humaneval import split_check
from aceforge.formats.where import Where
from aceforge.types import Test


def read_humaneval(label: dict[str, Any], where: Where) -> tuple[list[Test], str | None]:
    """The check body split into asserts (``candidate`` renamed to the entry point) when it is
    nothing but asserts, else the whole check function and a call as one test."""
    test, entry = label.get("test"), label.get("entry_point")
    if not isinstance(test, str):
        raise where.error("test", "must be a string holding def check(candidate)")
    if not isinstance(entry, str) or not entry.isidentifier():
        raise where.error("entry_point", f"must be a function name, got {entry!r:.80}")
    try:
        ast.parse(test)
    except SyntaxError as e:
        raise where.error("test", f"does not parse: {e.msg} (line {e.lineno})") from None
    return list(split_check(test, entry)), entry


def read_mbpp(label: dict[str, Any], where: Where) -> tuple[list[Test], str | None]:
    """Each of ``test_list`` is a test; with setup code or imports, each runs after them (in
    the sandbox, as MBPP's own harness runs them)."""
    asserts = label.get("test_list")
    if not isinstance(asserts, list) or not all(isinstance(t, str) for t in asserts):
        raise where.error("test_list", "must be a list of assert strings")
    imports = label.get("test_imports") or []
    if not isinstance(imports, list) or not all(isinstance(t, str) for t in imports):
        raise where.error("test_imports", "must be a list of import statements")
    setup = label.get("test_setup_code") or ""
    if not isinstance(setup, str):
        raise where.error("test_setup_code", f"must be a string, got {type(setup).__name__}")
    head = "\n".join([*imports, setup]).strip()
    for k, t in enumerate(asserts):
        try:
            ast.parse(t)
        except SyntaxError as e:
            raise where.error(f"test_list[{k}]", f"does not parse: {e.msg}") from None
    tests: list[Test] = [f"{head}\n{t}" if head else t for t in asserts]
    return tests, _called(asserts)


def _called(asserts: list[str]) -> str | None:
    """The function the asserts call first (MBPP rows name none)."""
    for t in asserts:
        for node in ast.walk(ast.parse(t)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                return node.func.id
    return None

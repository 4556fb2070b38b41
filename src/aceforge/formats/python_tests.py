"""Assert-style benchmarks: HumanEval (``test`` with ``check(candidate)``, ``entry_point``) and
MBPP (``test_list``, ``test_setup_code``, ``test_imports``)."""

from __future__ import annotations

import ast
from typing import Any

from aceforge.formats.where import Where
from aceforge.types import Test


class _Rename(ast.NodeTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(self.new, node.ctx) if node.id == self.old else node


def split_check(test: str, entry_point: str) -> list[str]:
    """Single asserts when the check body allows it, else ``[test + check(entry_point)]``."""
    whole = [f"{test}\ncheck({entry_point})\n"]
    module = ast.parse(test)
    checks = [s for s in module.body if isinstance(s, ast.FunctionDef) and s.name == "check"]
    others = [s for s in module.body if not isinstance(s, ast.FunctionDef | ast.Assign | ast.Expr)]
    if len(checks) != 1 or others:
        return whole
    body = [s for s in checks[0].body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if not body or not all(isinstance(s, ast.Assert) for s in body):
        return whole
    arg = checks[0].args.args[0].arg if checks[0].args.args else "candidate"
    rename = _Rename(arg, entry_point)
    return [ast.unparse(rename.visit(ast.Assert(s.test, None))) for s in body]  # type: ignore[attr-defined]


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

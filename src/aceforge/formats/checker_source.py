"""A checker program's source, as a label carries it: Python defining ``check(input, output,
expected) -> bool`` at top level. Read (parsed), never run, here; ``aceforge.checkers`` runs it."""

from __future__ import annotations

import ast

CHECK_FUNCTION = "check"


def checker_problem(source: str) -> str | None:
    """What is wrong with `source` as a checker, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        return f"the checker does not parse: {e.msg} (line {e.lineno})"
    if not any(isinstance(s, ast.FunctionDef) and s.name == CHECK_FUNCTION for s in tree.body):
        return f"the checker must define {CHECK_FUNCTION}(input, output, expected) at top level"
    return None

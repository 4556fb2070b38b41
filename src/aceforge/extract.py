"""Code extraction from model answers (chat/markdown or raw completions), by syntax tree.

Takes the fenced block that defines the entry function (else the longest that parses, else the
raw text), drops ``<think>`` sections and prose before or after the code, and keeps only what a
program needs at top level: imports, function and class definitions, and assignments. Top-level
calls, prints and ``if __name__ == "__main__":`` demos are dropped, so they never run as tests.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_THINK = re.compile(r"<think>.*?(</think>|$)", re.S)
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|$)", re.S)
_CODE_START = re.compile(r"^(?:from |import |def |class |@|async def )", re.M)
_KEEP = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.AnnAssign,
)


def strip_think(text: str) -> str:
    """Drop R1-style reasoning sections (also one left open by a truncated answer)."""
    return _THINK.sub("", text)


@dataclass(frozen=True)
class Extracted:
    code: str
    ok: bool  # parsed, and defines the entry function when one was named
    reason: str | None = None  # why not ok: no_code, syntax_error, no_entry_function


def extract_code(answer: str, entry_point: str | None = None, script: bool = False) -> Extracted:
    """`script`: the program is a whole stdin/stdout script, so top-level statements stay."""
    text = strip_think(answer)
    blocks = [b for lang, b in _FENCE.findall(text) if lang.lower() in ("", "python", "py", "python3")]
    candidates = [*blocks, text]
    best: Extracted | None = None
    for k, cand in enumerate(candidates):
        tree = _parse_prefix(cand, fenced=k < len(blocks))
        if tree is None:
            continue
        code = ast.unparse(tree) + "\n" if script else _top_level(tree)
        if not code.strip():
            continue
        defines = entry_point is None or _defines(tree, entry_point)
        got = Extracted(code, defines, None if defines else "no_entry_function")
        if defines:
            return got
        best = best or got
    if best is not None:
        return best
    looks_like_code = any(_CODE_START.search(c) for c in candidates)
    return Extracted("", False, "syntax_error" if looks_like_code else "no_code")


def _parse_prefix(text: str, fenced: bool) -> ast.Module | None:
    """Parse a fenced block whole, or raw text from the first line that looks like code; drop
    trailing lines (prose, a cut-off answer) until what is left parses."""
    start = 0
    if not fenced:
        m = _CODE_START.search(text)
        if m is None:
            return None
        start = m.start()
    lines = text[start:].splitlines()
    for end in range(len(lines), 0, -1):
        try:
            return ast.parse("\n".join(lines[:end]))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
    return None


def _top_level(tree: ast.Module) -> str:
    kept = [n for n in tree.body if isinstance(n, _KEEP)]
    return "\n\n".join(ast.unparse(n) for n in kept) + "\n" if kept else ""


def _defines(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and n.name == name
        for n in tree.body
    )

"""Calls guessed from a signature without annotations (the last resort when neither the seed's
examples nor the model give a working input), and parsing of all-literal calls. In-domain
mutation of known inputs lives in ``domain``."""

from __future__ import annotations

import ast
from typing import Any

from aceforge.synthesis.signature import format_call


def parse_call(call: str) -> tuple[str, list[Any], dict[str, Any]]:
    """``f(1, x=[2])`` → ("f", [1], {"x": [2]}). The call was validated as all-literal."""
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    args = [ast.literal_eval(a) for a in node.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    return node.func.id, args, kwargs


# ---- inputs guessed from a signature (when a model proposes none that fit) ----------------------

POOL: dict[str, list[Any]] = {
    "str": ["hello world", "", "a,b;c", "  two  spaces ", "Hello", "x=1&y=2"],
    "int": [0, 1, 5, -3, 42, 1999],
    "float": [0.5, 2.0, -1.25],
    "list": [[1, 2, 3], [], ["a", "b", "a"], [3, 1, 2, 2]],
    "bytes": [b"abc\x00def", b"", b"hello"],
    "bool": [True, False],
    "dict": [{"a": 1, "b": 2}, {}],
}
_HINTS = {
    "str": ("s", "str", "text", "line", "name", "string", "prefix", "suffix", "url", "word", "path",
            "sep", "chars", "pattern", "header", "key", "encoding", "errors", "value", "fmt", "mode"),
    "int": ("n", "i", "j", "k", "x", "y", "num", "count", "size", "max", "min", "start", "end", "width",
            "level", "pos", "index", "base", "c", "year", "month", "day", "digits", "length", "t",
            "y1", "y2"),
    "list": ("items", "seq", "list", "lst", "values", "data", "arr", "nums", "a", "l", "iterable", "pairs"),
    "bytes": ("b", "buf", "bytes", "raw", "payload"),
    "dict": ("d", "mapping", "dict", "table", "counts", "callers", "kwargs", "params", "env"),
}  # fmt: skip


def _types_for(param: str) -> list[str]:
    """Types the parameter's name suggests first, then every other type (names mislead)."""
    name = param.lower().strip("_")
    hits = [t for t, names in _HINTS.items() if name in names or any(name.endswith("_" + h) for h in names)]
    return hits + [t for t in ("str", "int", "list", "bytes", "dict", "float", "bool") if t not in hits]


def guess_calls(program: str, entry: str, limit: int = 40) -> list[str]:
    """Calls of `entry` built from its signature: literal defaults, and values of the types its
    parameter names suggest. The reference program decides which of them are valid inputs."""
    fn = next(
        (n for n in ast.walk(ast.parse(program)) if isinstance(n, ast.FunctionDef) and n.name == entry), None
    )
    if fn is None:
        return []
    params = fn.args.args
    defaults: list[Any] = [None] * (len(params) - len(fn.args.defaults)) + list(fn.args.defaults)
    choices: list[list[Any]] = []
    for p, d in zip(params, defaults, strict=True):
        values: list[Any] = []
        if d is not None:
            try:
                values.append(ast.literal_eval(d))
            except ValueError:
                pass
        for t in _types_for(p.arg):
            values.extend(POOL[t])
        choices.append(values)
    out: list[str] = []
    for i in range(limit * 4):
        args = [vals[(i * (j + 1)) % len(vals)] for j, vals in enumerate(choices)]
        call = format_call(entry, args, {})
        if call not in out:
            out.append(call)
        if len(out) >= limit:
            break
    return out

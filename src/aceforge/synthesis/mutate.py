"""Type-aware mutation of test inputs (in the spirit of EvalPlus): nudge ints and floats, edit
strings and lists, so a few proposed calls grow into a test set. Deterministic per seed."""

from __future__ import annotations

import ast
import random
import string
from typing import Any

MAX_STR = 200
MAX_LEN = 50
MAX_INT = 10**9


def parse_call(call: str) -> tuple[str, list[Any], dict[str, Any]]:
    """``f(1, x=[2])`` → ("f", [1], {"x": [2]}). The call was validated as all-literal."""
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    args = [ast.literal_eval(a) for a in node.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    return node.func.id, args, kwargs


def format_call(name: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def mutate_value(v: Any, rng: random.Random, depth: int = 0) -> Any:
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return max(
            -MAX_INT, min(MAX_INT, rng.choice([v + 1, v - 1, v * 2, v // 2, -v, 0, v + rng.randint(2, 9)]))
        )
    if isinstance(v, float):
        return rng.choice([v + 0.5, v - 1.0, v * 1.5, -v, 0.0, round(v, 1)])
    if isinstance(v, str):
        return _mutate_str(v, rng)
    if isinstance(v, bytes):
        return _mutate_str(v.decode("latin-1"), rng).encode("latin-1")
    if isinstance(v, list | tuple):
        out = _mutate_seq(list(v), rng, depth)
        return out if isinstance(v, list) else tuple(out)
    if isinstance(v, dict) and v:
        d = dict(v)
        k = rng.choice(list(d))
        if rng.random() < 0.3 and len(d) > 1:
            del d[k]
        elif depth < 3:
            d[k] = mutate_value(d[k], rng, depth + 1)
        return d
    return v


def _mutate_str(s: str, rng: random.Random) -> str:
    letters = string.ascii_letters + string.digits + " "
    ops = ["insert", "upper", "repeat"] + (["delete", "swap", "replace", "reverse", "empty"] if s else [])
    op = rng.choice(ops)
    i = rng.randrange(len(s) + 1)
    if op == "insert":
        out = s[:i] + rng.choice(letters) + s[i:]
    elif op == "delete":
        i = min(i, len(s) - 1)
        out = s[:i] + s[i + 1 :]
    elif op == "swap" and len(s) > 1:
        j = rng.randrange(len(s))
        chars = list(s)
        chars[min(i, len(s) - 1)], chars[j] = chars[j], chars[min(i, len(s) - 1)]
        out = "".join(chars)
    elif op == "replace":
        i = min(i, len(s) - 1)
        out = s[:i] + rng.choice(letters) + s[i + 1 :]
    elif op == "reverse":
        out = s[::-1]
    elif op == "empty":
        out = ""
    elif op == "upper":
        out = s.swapcase()
    else:
        out = s + s
    return out[:MAX_STR]


def _mutate_seq(xs: list[Any], rng: random.Random, depth: int) -> list[Any]:
    ops = ["append"] + (["drop", "dup", "reverse", "swap", "element", "empty"] if xs else [])
    op = rng.choice(ops)
    if op == "append":
        xs.append(mutate_value(rng.choice(xs), rng, depth + 1) if xs else 0)
    elif op == "drop":
        xs.pop(rng.randrange(len(xs)))
    elif op == "dup":
        xs.insert(rng.randrange(len(xs)), rng.choice(xs))
    elif op == "reverse":
        xs.reverse()
    elif op == "swap":
        i, j = rng.randrange(len(xs)), rng.randrange(len(xs))
        xs[i], xs[j] = xs[j], xs[i]
    elif op == "element" and depth < 3:
        i = rng.randrange(len(xs))
        xs[i] = mutate_value(xs[i], rng, depth + 1)
    else:
        xs = []
    return xs[:MAX_LEN]


def grow_calls(calls: list[str], target: int, seed: str) -> list[str]:
    """`calls` plus mutants (one argument changed each) until there are `target` distinct calls."""
    parsed = [parse_call(c) for c in calls]
    out = list(dict.fromkeys(format_call(*p) for p in parsed))
    if not out:
        return out
    rng = random.Random(seed)
    seen = set(out)
    for _ in range(target * 30):
        if len(out) >= target:
            break
        name, args, kwargs = rng.choice(parsed)
        args, kwargs = list(args), dict(kwargs)
        slots = [("a", i) for i in range(len(args))] + [("k", k) for k in kwargs]
        if not slots:
            break
        kind, where = rng.choice(slots)
        if kind == "a":
            args[where] = mutate_value(args[where], rng)  # type: ignore[index]
        else:
            kwargs[where] = mutate_value(kwargs[where], rng)  # type: ignore[index]
        call = format_call(name, args, kwargs)
        if call not in seen:
            seen.add(call)
            out.append(call)
            parsed.append((name, args, kwargs))
    return out


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

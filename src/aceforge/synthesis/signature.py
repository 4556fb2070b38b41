"""What a seed function accepts, from its signature: annotations parsed to type specs
(``List[int]``, ``Optional``, ``Tuple[int, ...]``, ``Dict``, unions, string annotations), the
check that a value conforms, the parameters, and the typed guesses used as the last resort when
no example and no model proposal gives an input."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# ---- annotations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A parsed annotation: ``kind`` is a builtin type name, "any", "none" or "union"."""

    kind: str
    args: tuple[Spec, ...] = ()


ANY = Spec("any")
_ALIASES = {
    "List": "list", "Sequence": "list", "Iterable": "list", "MutableSequence": "list",
    "Tuple": "tuple", "Dict": "dict", "Mapping": "dict", "MutableMapping": "dict",
    "Set": "set", "FrozenSet": "frozenset", "AbstractSet": "set", "Text": "str",
}  # fmt: skip
_BUILTIN_KINDS = {
    "int",
    "float",
    "str",
    "bool",
    "bytes",
    "list",
    "tuple",
    "dict",
    "set",
    "frozenset",
    "complex",
}


def spec_of(node: ast.expr | None) -> Spec:
    """``List[Optional[int]]`` → Spec("list", (Spec("union", (int, none)),)); unknown → ANY."""
    if node is None:
        return ANY
    if isinstance(node, ast.Constant):
        if node.value is None:
            return Spec("none")
        return spec_of(_parse_expr(node.value)) if isinstance(node.value, str) else ANY
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([spec_of(node.left), spec_of(node.right)])
    name, params = _name(node), []
    if isinstance(node, ast.Subscript):
        name = _name(node.value)
        inner = node.slice
        params = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
    kind = _ALIASES.get(name, name)
    if kind == "Optional" and params:
        return _union([spec_of(params[0]), Spec("none")])
    if kind == "Union":
        return _union([spec_of(p) for p in params])
    if kind == "None":
        return Spec("none")
    if kind not in _BUILTIN_KINDS:
        return ANY
    if (
        kind == "tuple"
        and len(params) == 2
        and isinstance(params[1], ast.Constant)
        and params[1].value is ...
    ):
        return Spec("tuple", (spec_of(params[0]), Spec("...")))
    return Spec(kind, tuple(spec_of(p) for p in params))


def _parse_expr(text: str) -> ast.expr | None:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.List
        return node.attr
    return ""


def _union(parts: list[Spec]) -> Spec:
    if any(p.kind == "any" for p in parts):
        return ANY
    flat: list[Spec] = []
    for p in parts:
        flat.extend(p.args if p.kind == "union" else (p,))
    return Spec("union", tuple(dict.fromkeys(flat)))


def conforms(value: Any, spec: Spec) -> bool:
    """Whether `value` is allowed by `spec` (an int passes for float, a bool never for int)."""
    k = spec.kind
    if k == "any":
        return True
    if k == "none":
        return value is None
    if k == "union":
        return any(conforms(value, s) for s in spec.args)
    t = type(value)
    if k == "float":
        return t in (float, int)
    if k == "complex":
        return t in (complex, float, int)
    if t.__name__ != k:
        return False
    if not spec.args:
        return True
    if k in ("list", "set", "frozenset"):
        return all(conforms(v, spec.args[0]) for v in value)
    if k == "tuple":
        if len(spec.args) == 2 and spec.args[1].kind == "...":
            return all(conforms(v, spec.args[0]) for v in value)
        return len(value) == len(spec.args) and all(
            conforms(v, s) for v, s in zip(value, spec.args, strict=True)
        )
    if k == "dict" and len(spec.args) == 2:
        return all(conforms(a, spec.args[0]) and conforms(b, spec.args[1]) for a, b in value.items())
    return True


@dataclass(frozen=True)
class Param:
    name: str
    spec: Spec
    default: Any = None
    has_default: bool = False


def entry_function(program: str, entry: str) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == entry), None)


def params_of(program: str, entry: str) -> list[Param]:
    """The entry function's positional parameters with their parsed annotations."""
    fn = entry_function(program, entry)
    if fn is None:
        return []
    args = fn.args.posonlyargs + fn.args.args
    defaults: list[ast.expr | None] = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
    out = []
    for a, d in zip(args, defaults, strict=True):
        value, has = None, d is not None
        if d is not None:
            try:
                value = ast.literal_eval(d)
            except ValueError:
                has = False
        out.append(Param(a.arg, spec_of(a.annotation), value, has))
    return out


# ---- inputs guessed from annotations (the last resort) -----------------------------------------

TYPED_POOL: dict[str, list[Any]] = {
    "int": [0, 1, 2, 5, 10, 3, 7, 12, -1, -4],
    "float": [0.5, 1.0, 2.5, 3.0, -1.5, 0.0],
    "str": ["abc", "hello", "a", "Hello World", "", "racecar", "ab cd"],
    "bool": [True, False],
    "bytes": [b"abc", b"", b"hello"],
    "none": [None],
}


def typed_values(spec: Spec, depth: int = 0) -> list[Any]:
    """A few values of an annotated type, small and ordinary ones first."""
    k = spec.kind
    if k in TYPED_POOL:
        return list(TYPED_POOL[k])
    if k == "union":
        return [v for s in spec.args for v in typed_values(s, depth)][:12]
    if depth > 2:
        return []
    if k in ("list", "set", "frozenset", "tuple") and (
        not spec.args or spec.args[-1].kind == "..." or k != "tuple"
    ):
        inner = typed_values(spec.args[0], depth + 1) if spec.args else TYPED_POOL["int"]
        if not inner:
            return []
        n = len(inner)
        seqs = [inner[:3], inner[1:5], [], [inner[0]], [inner[2 % n], inner[0], inner[1 % n], inner[2 % n]]]
        cast = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[k]
        return [cast(s) for s in seqs]
    if k == "tuple":
        cols = [typed_values(s, depth + 1) or [None] for s in spec.args]
        return [tuple(c[i % len(c)] for c in cols) for i in range(4)]
    if k == "dict":
        keys = typed_values(spec.args[0], depth + 1) if spec.args else TYPED_POOL["str"]
        vals = typed_values(spec.args[1], depth + 1) if len(spec.args) > 1 else TYPED_POOL["int"]
        keys = [k_ for k_ in keys if isinstance(k_, int | str | float | bool | tuple)] or ["a"]
        vals = vals or [1]
        return [{}, {keys[0]: vals[0]}, {keys[i % len(keys)]: vals[i % len(vals)] for i in range(3)}]
    return []


def typed_calls(params: list[Param], entry: str, limit: int = 20) -> list[str]:
    """Calls built only from annotated types (empty when any parameter is unannotated)."""
    if not params or any(p.spec.kind == "any" for p in params):
        return []
    choices = [([p.default] if p.has_default else []) + typed_values(p.spec) for p in params]
    if any(not c for c in choices):
        return []
    out: list[str] = []
    for i in range(limit * 4):
        args = [vals[(i * (j + 1) + i // len(vals)) % len(vals)] for j, vals in enumerate(choices)]
        call = format_call(entry, args)
        if call not in out:
            out.append(call)
        if len(out) >= limit:
            break
    return out


def parse_args(call: str) -> tuple[list[Any], dict[str, Any]]:
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call)
    return [ast.literal_eval(a) for a in node.args], {
        k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg
    }


def positional_args(calls: Iterable[str]) -> Iterator[list[Any]]:
    """The literal arguments of each call written with positional literals only (the form the
    input generators re-shape); other calls are skipped."""
    for call in calls:
        try:
            args, kwargs = parse_args(call)
        except (SyntaxError, ValueError, AssertionError):
            continue
        if not kwargs:
            yield args


def format_call(name: str, args: Iterable[Any], kwargs: dict[str, Any] | None = None) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


# ---- one signature per suite ------------------------------------------------------------------


def call_types(call: str) -> tuple[str, ...]:
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call)
    return tuple(_arg_type(a) for a in node.args) + tuple(
        f"{k.arg}={_arg_type(k.value)}" for k in node.keywords
    )


def _arg_type(node: ast.expr) -> str:
    """A literal's type name; for an argument built by a call (``iter([1, 2])``), its callee."""
    try:
        return type(ast.literal_eval(node)).__name__
    except ValueError:
        return ast.unparse(node.func) if isinstance(node, ast.Call) else "expression"


def one_signature(calls: list[str], origin: dict[str, str]) -> list[str]:
    """Only the calls whose argument types match a trusted signature: every signature the
    seed's examples use, else the model's dominant one, else the first signature guess. A seed
    that also accepts a list where the question says string keeps its tests about strings,
    so a natural solution to the question can pass them all."""
    if not calls:
        return calls
    examples = {call_types(c) for c in calls if origin.get(c) == "example"}
    mine = [c for c in calls if origin.get(c) == "model"]
    if examples:
        allowed = examples
    elif mine:
        counts = Counter(call_types(c) for c in mine)
        allowed = {
            max(dict.fromkeys(call_types(c) for c in mine), key=lambda t: counts[t])
        }  # ties: first seen
    else:  # our own guesses, typed by the docstring: "a number" takes ints and floats alike
        first = _numbers_alike(call_types(calls[0]))
        return [c for c in calls if _numbers_alike(call_types(c)) == first]
    return [c for c in calls if call_types(c) in allowed]


def _numbers_alike(types: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("number" if t in ("int", "float") else t for t in types)

"""Seeds: (instruction, program) items that synthesis rewrites into questions with tests.

Sources: ``stdlib`` (offline default: documented, self-contained functions harvested with
``ast`` from the installed Python standard library), a hub dataset (``hf:OWNER/NAME``, the
paper's three have built-in field mappings), or a local JSONL/Parquet file with a field mapping.
Only items that parse as Python and define a function or class are kept; the rest are counted
with the reason they were dropped.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import sysconfig
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError, DataFormatError
from aceforge.extract import fenced_blocks
from aceforge.io import iter_records

# The paper's seed datasets: hub id → (instruction field, program field). Programs inside
# markdown answers are taken from their fenced code block.
HUB_FIELDS = {
    "ise-uiuc/Magicoder-Evol-Instruct-110K": ("instruction", "response"),
    "ise-uiuc/Magicoder-OSS-Instruct-75K": ("problem", "solution"),
    "bigcode/stack-dedup-python-fns": ("", "content"),
}
SKIP_STDLIB_DIRS = {
    "test", "tests", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip", "site-packages",
    "distutils", "curses", "multiprocessing", "unittest", "importlib", "asyncio", "concurrent", "xml",
}  # fmt: skip
# Parameters that take objects no literal can stand for: such functions cannot get literal tests.
OBJECT_PARAMS = {
    "obj", "object", "module", "cls", "klass", "func", "function", "callback", "fp", "file", "stream",
    "f", "fd", "match", "m", "mo", "frame", "code", "co", "node", "tree", "msg", "message", "request",
    "req", "loader", "spec", "sock", "tb", "exc", "self", "cookie", "mod", "fileobj", "parser", "dist",
}  # fmt: skip
SIDE_EFFECT_NAMES = {"open", "print", "input", "exec", "eval", "compile", "exit", "quit", "breakpoint"}
SIDE_EFFECT_MODULES = {"os", "sys", "subprocess", "socket", "shutil", "tempfile", "threading", "io"}
MAX_SEED_LINES = 40
MIN_BODY_STATEMENTS = 3
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Seed:
    id: str
    source: str
    instruction: str
    program: str
    entry_point: str | None = None  # the seed's main function, when it has one


@dataclass
class SeedReport:
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {"kept": self.kept, "dropped": dict(self.dropped)}


def load_seeds(
    spec: str, limit: int | None = None, fields: dict[str, str] | None = None
) -> tuple[list[Seed], SeedReport]:
    """Seeds from `spec`: "stdlib", "hf:OWNER/NAME[:split]", or a .jsonl/.parquet path."""
    report = SeedReport()
    if spec == "stdlib":
        items: Iterator[Seed | str] = harvest_stdlib()
    elif spec.startswith("hf:"):
        items = _hub_items(spec[3:], fields)
    elif Path(spec).suffix in (".jsonl", ".json", ".parquet"):
        items = _file_items(Path(spec), fields)
    else:
        raise ConfigError(
            f"unknown seed source {spec!r}: use 'stdlib', 'hf:OWNER/NAME' or a .jsonl/.parquet path"
        )
    seeds: list[Seed] = []
    for item in items:
        if isinstance(item, str):
            report.dropped[item] += 1
            continue
        seeds.append(item)
        report.kept += 1
        if limit is not None and len(seeds) >= limit:
            break
    return seeds, report


def make_seed(id: str, source: str, instruction: str, program: str) -> Seed | str:
    """A Seed, or the reason the item is dropped."""
    program = _code_of(program)
    if not program.strip():
        return "empty_program"
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return "not_python"
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    if not defs:
        return "no_function_or_class"
    funcs = [n.name for n in defs if isinstance(n, ast.FunctionDef)]
    return Seed(id, source, instruction.strip(), program, funcs[-1] if funcs else None)


def _code_of(text: str) -> str:
    """A program, or the fenced code inside a markdown answer."""
    blocks = fenced_blocks(text, python_only=True)
    return max(blocks, key=len) if blocks else text


def _hub_items(name: str, fields: dict[str, str] | None) -> Iterator[Seed | str]:
    try:
        import datasets
    except ImportError:
        from aceforge.errors import MissingExtraError

        raise MissingExtraError("hub seed datasets", "data", "datasets") from None
    repo, _, split = name.partition(":")
    instr_f, prog_f = _fields(fields, HUB_FIELDS.get(repo))
    ds = datasets.load_dataset(repo, split=split or "train", streaming=True)
    for i, row in enumerate(ds):
        yield _row_seed(f"{repo}/{i}", repo, row, instr_f, prog_f)


def _file_items(path: Path, fields: dict[str, str] | None) -> Iterator[Seed | str]:
    instr_f, prog_f = _fields(fields, ("instruction", "program"))
    for line, row in iter_records(path):
        if not isinstance(row, dict):
            raise DataFormatError(
                str(path), line, None, f"each row must be an object, got {type(row).__name__}"
            )
        if prog_f not in row or not isinstance(row[prog_f], str):
            raise DataFormatError(
                str(path), line, prog_f, "missing or not a string (map it with --field program=NAME)"
            )
        if instr_f and not isinstance(row.get(instr_f, ""), str):
            raise DataFormatError(str(path), line, instr_f, "must be a string")
        yield _row_seed(str(row.get("id", f"{path.stem}/{line}")), str(path), row, instr_f, prog_f)


def _fields(fields: dict[str, str] | None, default: tuple[str, str] | None) -> tuple[str, str]:
    instr, prog = default or ("instruction", "program")
    fields = fields or {}
    unknown = set(fields) - {"instruction", "program"}
    if unknown:
        raise ConfigError(f"--field takes instruction=NAME or program=NAME, got {sorted(unknown)}")
    return fields.get("instruction", instr), fields.get("program", prog)


def _row_seed(id: str, source: str, row: dict[str, Any], instr_f: str, prog_f: str) -> Seed | str:
    return make_seed(id, source, str(row.get(instr_f) or "") if instr_f else "", str(row.get(prog_f) or ""))


# ---- the offline default: the standard library -------------------------------------------------


def harvest_stdlib(root: str | None = None) -> Iterator[Seed | str]:
    """Documented module-level functions that run on their own (imports they need are added).

    Shortest programs first, so a small `--limit` gets the functions a small model handles best.
    """
    base = Path(root or sysconfig.get_paths()["stdlib"])
    found: list[Seed] = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if any(part in SKIP_STDLIB_DIRS or part.startswith("_") for part in rel.parts):
            continue
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            yield "stdlib_unparseable_module"
            continue
        module = ".".join(rel.with_suffix("").parts)
        imports = _module_imports(tree)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                item = _stdlib_seed(module, node, source, imports)
                if isinstance(item, str):
                    yield item
                else:
                    found.append(item)
    # Short programs first, one per module first (then a second round...), so a small
    # `--limit` spreads over many modules and stays within what a small model handles.
    found.sort(key=lambda s: (len(s.program), hashlib.sha1(s.id.encode()).hexdigest()))
    rank: Counter[str] = Counter()
    order = []
    for s in found:
        module = s.id.rsplit(".", 1)[0]
        order.append((rank[module], s))
        rank[module] += 1
    yield from (s for _, s in sorted(order, key=lambda p: p[0]))


def _module_imports(tree: ast.Module) -> dict[str, str]:
    """Top-level name → the statement that binds it: absolute imports, and constants whose
    value is a literal (``_hexdig = '0123456789abcdef'``)."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                if "." not in a.name:
                    out[a.asname or a.name] = f"import {a.name}" + (f" as {a.asname}" if a.asname else "")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                if a.name != "*":
                    out[a.asname or a.name] = f"from {node.module} import {a.name}" + (
                        f" as {a.asname}" if a.asname else ""
                    )
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and _literal_ok(node.value)
        ):
            out[node.targets[0].id] = ast.unparse(node)
    return out


def _literal_ok(node: ast.expr) -> bool:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return len(repr(value)) <= 400


def _stdlib_seed(module: str, fn: ast.FunctionDef, source: str, imports: dict[str, str]) -> Seed | str:
    if fn.name.startswith("_"):
        return "stdlib_private"
    doc = ast.get_docstring(fn)
    if not doc:
        return "stdlib_undocumented"
    if fn.decorator_list or fn.args.vararg or fn.args.kwarg or not fn.args.args:
        return "stdlib_signature"
    if any(a.arg in OBJECT_PARAMS for a in fn.args.args):
        return "stdlib_object_params"
    text = ast.get_source_segment(source, fn) or ""
    if text.count("\n") + 1 > MAX_SEED_LINES:
        return "stdlib_too_long"
    if len(fn.body) < MIN_BODY_STATEMENTS:  # docstring + one statement: a one-liner wrapper, not a problem
        return "stdlib_trivial"
    free = _free_names(fn)
    if free & SIDE_EFFECT_NAMES or free & SIDE_EFFECT_MODULES:
        return "stdlib_side_effects"
    if fn.name in free:
        free.discard(fn.name)  # recursion is fine: the function is in the program
    missing = free - _BUILTINS - set(imports)
    if missing:
        return "stdlib_uses_module_globals"
    needed = sorted(free & set(imports), key=lambda n: (not imports[n].startswith(("import", "from")), n))
    header = [imports[n] for n in needed]
    program = "\n".join([*header, "", "", text] if header else [text]) + "\n"
    return Seed(f"stdlib/{module}.{fn.name}", "stdlib", doc.strip(), program, fn.name)


def _free_names(fn: ast.FunctionDef) -> set[str]:
    """Names a function reads that it does not bind itself (roughly: no scope analysis of
    nested functions, which only makes the check stricter)."""
    bound = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    loaded: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node is not fn:
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            loaded.update(node.names)
    return loaded - bound

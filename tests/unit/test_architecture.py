"""The layer rules of docs/architecture.md, checked on the package's import graph (every import
statement, typing-only ones included)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "aceforge"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["aceforge", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    """The aceforge modules `module` imports (a `from pkg import name` counts as pkg.name when
    that is a module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found |= {r for n in names if n.startswith("aceforge") and (r := _resolve(n)) and r != module}
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _layers() -> dict[str, int]:
    """Top-level name → layer number, from the table under the marker comment."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("<!-- layers:", 1)[1].split("\n\n", 1)[0]
    layers: dict[str, int] = {}
    for row in re.findall(r"^\| (\d+) [^|]*\| ([^|]*) \|", table, re.M):
        for name in re.findall(r"`([\w.]+)`", row[1]):
            layers[name] = int(row[0])
    return layers


LAYERS = _layers()


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "aceforge"


def test_every_top_level_module_is_placed_in_a_layer() -> None:
    missing = sorted({_top(m) for m in MODULES} - set(LAYERS))
    assert not missing, f"add these to the layer table in docs/architecture.md: {missing}"


def test_no_module_imports_a_layer_above_its_own() -> None:
    bad = [
        f"{m} (layer {LAYERS[_top(m)]}) imports {d} (layer {LAYERS[_top(d)]})"
        for m, deps in GRAPH.items()
        for d in deps
        if LAYERS[_top(d)] > LAYERS[_top(m)]
    ]
    assert not bad, "\n".join(sorted(bad))


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path, or None (iterative DFS with colours)."""
    colour: dict[str, int] = {}
    for start in sorted(graph):
        if colour.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        colour[start], path = 1, [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif not colour.get(child):
                colour[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def test_no_import_cycle_between_modules() -> None:
    assert _cycle(GRAPH) is None, " -> ".join(_cycle(GRAPH) or [])


def test_no_import_cycle_between_packages() -> None:
    packages: dict[str, set[str]] = {}
    for m, deps in GRAPH.items():
        packages.setdefault(_top(m), set()).update(_top(d) for d in deps if _top(d) != _top(m))
    assert _cycle(packages) is None, " -> ".join(_cycle(packages) or [])


@pytest.mark.parametrize(
    ("graph", "has_cycle"),
    [({"a": {"b"}, "b": {"c"}, "c": set()}, False), ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True)],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], has_cycle: bool) -> None:
    assert (_cycle(graph) is not None) is has_cycle

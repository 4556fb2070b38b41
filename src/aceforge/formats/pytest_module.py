"""KodCode's tests: a pytest module (``from solution import f``, ``def test_…():``), run in
aceforge's sandbox without pytest's runner.

In the sandbox the program is the module ``solution`` (see ``execution.harness``), so the
module's own imports work unchanged. Each test function becomes tests:

- a function of nothing but asserts, in a module whose other statements only import names
  from ``solution`` (or pytest), becomes one assert test per assert: the values are compared
  in the parent, so an always-equal object cannot pass;
- any other function becomes one test: the module's other statements (imports, helpers,
  fixtures), the function, and a call to it, all run in the sandbox (``@pytest.mark.
  parametrize`` as a loop over its values, module fixtures called for their value).

Test classes (``class TestX:``) run each ``test_`` method on a fresh instance. Built-in
fixtures (``tmp_path``, ``capsys``, ...) have no stand-in: such a test is a format error.
"""

from __future__ import annotations

import ast

from aceforge.formats.where import Where
from aceforge.types import Test


def _is_pytest_attr(node: ast.expr, *path: str) -> bool:
    """Whether `node` is ``pytest.<path>`` (or ``pytest.<path>(...)``)."""
    if isinstance(node, ast.Call):
        node = node.func
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.insert(0, node.attr)
        node = node.value
    return isinstance(node, ast.Name) and node.id == "pytest" and tuple(names) == path


def _is_fixture(fn: ast.FunctionDef) -> bool:
    return any(_is_pytest_attr(d, "fixture") for d in fn.decorator_list)


def _is_main_guard(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test)


def _solution_import(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module == "solution" and all(a.asname is None and a.name != "*" for a in stmt.names)
    return isinstance(stmt, ast.Import) and all(a.name == "pytest" and a.asname is None for a in stmt.names)


def read_pytest_module(source: str, where: Where, field: str = "test") -> tuple[list[Test], str | None]:
    try:
        module = ast.parse(source)
    except SyntaxError as e:
        raise where.error(field, f"the test module does not parse: {e.msg} (line {e.lineno})") from None
    body = [s for s in module.body if not _is_main_guard(s)]
    tests_fns = [s for s in body if isinstance(s, ast.FunctionDef) and s.name.startswith("test")]
    classes = [s for s in body if isinstance(s, ast.ClassDef) and s.name.startswith("Test")]
    if not tests_fns and not classes:
        raise where.error(field, "the test module defines no test_ function or Test class")
    fixtures = {
        s.name: any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(s))
        for s in body
        if isinstance(s, ast.FunctionDef) and _is_fixture(s)
    }
    others = [s for s in body if s not in tests_fns and s not in classes]
    simple = all(_solution_import(s) for s in others)
    calls = {fn.name: _call_lines(fn, fixtures, where, field) for fn in tests_fns if not _skipped(fn)}
    for s in body:  # the module as pytest imports it, without pytest's decorators
        if isinstance(s, ast.FunctionDef):
            s.decorator_list = [d for d in s.decorator_list if not _is_pytest_attr_any(d)]
    head = ast.unparse(ast.Module(body=body, type_ignores=[])) + "\n"
    tests: list[Test] = []
    for fn in tests_fns:
        if fn.name not in calls:
            continue
        if simple and _only_asserts(fn):
            tests.extend(ast.unparse(s) for s in fn.body if isinstance(s, ast.Assert))
        else:
            tests.append(head + calls[fn.name])
    for cls in classes:
        tests.extend(head + t for t in _class_calls(cls, where, field))
    return tests, _entry_point(others)


def _is_pytest_attr_any(node: ast.expr) -> bool:
    """Whether `node` is a pytest decorator (``pytest.fixture``, ``pytest.mark.…``)."""
    if isinstance(node, ast.Call):
        node = node.func
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "pytest"


def _skipped(fn: ast.FunctionDef) -> bool:
    return any(_is_pytest_attr(d, "mark", "skip") for d in fn.decorator_list)


def _only_asserts(fn: ast.FunctionDef) -> bool:
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return (
        bool(body)
        and not fn.decorator_list
        and not fn.args.args
        and all(isinstance(s, ast.Assert) for s in body)
    )


def _call_lines(fn: ast.FunctionDef, fixtures: dict[str, bool], where: Where, field: str) -> str:
    """The call of a test function: in loops over its parametrize values, fixtures as calls."""
    params = [
        p
        for d in fn.decorator_list
        if _is_pytest_attr(d, "mark", "parametrize")
        for p in _param_names(d, where, field)
    ]
    call_args = []
    for a in fn.args.args:
        if a.arg in params:
            call_args.append(f"{a.arg}={a.arg}")
        elif a.arg in fixtures:
            value = f"next({a.arg}())" if fixtures[a.arg] else f"{a.arg}()"
            call_args.append(f"{a.arg}={value}")
        else:
            raise where.error(field, f"{fn.name} uses the fixture {a.arg!r}, which aceforge cannot provide")
    loops = [d for d in fn.decorator_list if _is_pytest_attr(d, "mark", "parametrize")]
    lines = []
    indent = ""
    for d in loops:
        assert isinstance(d, ast.Call)
        names = _param_names(d, where, field)
        target = names[0] if len(names) == 1 else "(" + ", ".join(names) + ",)"
        lines.append(f"{indent}for {target} in {ast.unparse(d.args[1])}:")
        indent += "    "
    lines.append(f"{indent}{fn.name}({', '.join(call_args)})")
    return "\n".join(lines) + "\n"


def _param_names(d: ast.expr, where: Where, field: str) -> list[str]:
    if not isinstance(d, ast.Call) or len(d.args) < 2:
        raise where.error(field, f"unsupported parametrize: {ast.unparse(d):.80}")
    names = d.args[0]
    if isinstance(names, ast.Constant) and isinstance(names.value, str):
        return [n.strip() for n in names.value.split(",") if n.strip()]
    if isinstance(names, ast.List | ast.Tuple) and all(isinstance(e, ast.Constant) for e in names.elts):
        return [str(e.value) for e in names.elts]  # type: ignore[attr-defined]
    raise where.error(field, f"unsupported parametrize names: {ast.unparse(names):.80}")


def _class_calls(cls: ast.ClassDef, where: Where, field: str) -> list[str]:
    methods = [s for s in cls.body if isinstance(s, ast.FunctionDef)]
    setup = next((m for m in methods if m.name == "setup_method"), None)
    out = []
    for m in methods:
        if not m.name.startswith("test") or _skipped(m):
            continue
        if len(m.args.args) > 1 or m.decorator_list:
            raise where.error(field, f"{cls.name}.{m.name}: fixtures and marks on methods are not supported")
        call = f"_t = {cls.name}()\n"
        if setup is not None:  # pytest passes the test method when setup_method takes it
            call += f"_t.setup_method({'_t.' + m.name if len(setup.args.args) > 1 else ''})\n"
        out.append(f"{call}_t.{m.name}()\n")
    return out


def _entry_point(prelude: list[ast.stmt]) -> str | None:
    for stmt in prelude:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "solution" and stmt.names:
            return stmt.names[0].name
    return None

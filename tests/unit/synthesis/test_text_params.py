"""Parameters only formatted into text or tested are typed str (``text_params``)."""

from __future__ import annotations

import ast

from aceforge.synthesis.seed_space import seed_space
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.signature import ANY, Spec, entry_function, params_of
from aceforge.synthesis.text_params import STR_OR_NONE, text_only, text_params

CLI = '''def cli(path=None, action=None, key=None, value=None, quote=None, count=0):
    """Returns a command line."""
    command = ["tool"]
    if quote:
        command.append(f"-q {quote}")
    if path is not None:
        command.append(f"-f {path}")
    if action:
        command.append(action)
        if key and value:
            command.append(f'"{value}"' if " " in value else value)
    return " ".join(command) + "!" * count
'''


def _fn(src: str) -> ast.FunctionDef:
    fn = entry_function(src, src.split("(")[0].removeprefix("def "))
    assert fn is not None
    return fn


def test_formatted_joined_or_searched_for_a_space_is_text() -> None:
    # key is only tested: no use as text, so nothing says what it is; count is multiplied.
    assert text_only(_fn(CLI)) == {"path", "action", "value", "quote"}


def test_any_other_use_keeps_the_parameter_untyped() -> None:
    src = 'def f(x, y=None, z=None):\n    """Doc."""\n    if y:\n        return f"{x}" + str(y + 1)\n    return f"{z:>3}"\n'
    assert text_only(_fn(src)) == {"x"}  # y is added to; z has a format spec (numbers too)
    src = 'def g(x):\n    """Doc."""\n    x = x or "a"\n    return f"{x}"\n'
    assert text_only(_fn(src)) == set()  # rebound: the later uses are not the argument's


def test_text_params_type_only_unannotated_ones_and_keep_none_defaults() -> None:
    params = text_params(_fn(CLI), params_of(CLI, "cli"))
    specs = {p.name: p.spec for p in params}
    assert specs["path"] == STR_OR_NONE and specs["quote"] == STR_OR_NONE
    assert specs["key"] == ANY and specs["count"] == ANY
    src = 'def h(name: int, greeting):\n    """Doc."""\n    return f"{greeting} {name}"\n'
    specs = {p.name: p.spec for p in text_params(_fn(src), params_of(src, "h"))}
    assert specs == {"name": Spec("int"), "greeting": Spec("str")}  # the annotation wins


def test_the_seed_space_rejects_numbers_for_text_parameters() -> None:
    seed = Seed("q", "x", "Returns a command line.", CLI, "cli")
    fn = _fn(CLI)
    space = seed_space(seed, "cli", params_of(CLI, "cli"), [], fn, ast.get_docstring(fn) or "")
    assert space.fits("cli('.env', 'set', 'K', 'a b', 'always', 0)")
    assert not space.fits("cli(-2, None, None, None, None, 0)")  # a number formatted as text
    assert not space.fits("cli(None, None, None, None, 1, 0)")

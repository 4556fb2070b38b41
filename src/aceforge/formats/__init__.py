"""Test formats people train on, read into aceforge tests.

    ``read_label(label, format=None)`` → ``ReadLabel(tests, entry_point, format)``

Formats (``format`` names one; ``None`` detects it from the label's keys):

=============  =====================================================================
aceforge       ``{"tests": [assert | {"input", "output", "compare"?}], "entry_point"?,
               "prelude"?, "checker"?}`` or a bare list of them
apps           APPS / TACO / PRIME (verl ``prime_code``): ``{"inputs", "outputs",
               "fn_name"?}``, or a row whose ``input_output`` holds it
lcb            LiveCodeBench: a row with ``public_test_cases`` / ``private_test_cases``
               (compressed ones decoded without running pickled code) / ``metadata``,
               or DeepCoder's list of ``{"input", "output", "testtype"}``
codecontests   ``public_tests`` / ``private_tests`` / ``generated_tests``
kodcode        ``{"test": <pytest module importing from solution>}``
humaneval      ``{"test": <def check(candidate)>, "entry_point"}``
mbpp           ``{"test_list", "test_setup_code"?, "test_imports"?}``
=============  =====================================================================

A label may be given as JSON text. Bad labels raise ``DataFormatError`` naming the source,
row and field (``where``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aceforge.formats.checker_source import checker_problem
from aceforge.formats.competitive import (
    JUDGE_IMPORTS,
    judge_program,
    read_apps,
    read_codecontests,
    read_lcb,
)
from aceforge.formats.label_tests import BadTest, read_test
from aceforge.formats.lcb_private import decode_private_tests, load_data_pickle
from aceforge.formats.pytest_module import read_pytest_module
from aceforge.formats.python_tests import read_humaneval, read_mbpp
from aceforge.formats.where import Where
from aceforge.types import StdioTest, Test

__all__ = [
    "FORMATS",
    "ReadLabel",
    "Where",
    "decode_private_tests",
    "detect_format",
    "load_data_pickle",
    "read_label",
    "with_prelude",
]

FORMATS = ("aceforge", "apps", "lcb", "codecontests", "kodcode", "humaneval", "mbpp")


@dataclass(frozen=True)
class ReadLabel:
    """A label's tests and entry point; `prelude`: what the format's own judge puts before every
    program (APPS/PRIME and LiveCodeBench star-import the standard library and ``typing``, so
    ``List[int]`` in a LeetCode answer resolves); prepend it to judge as they do."""

    tests: tuple[Test, ...]
    entry_point: str | None
    format: str
    prelude: str = ""
    checker: str = ""  # a checker program judging the (stdin/stdout) tests; "" for the tests' own compare

    def program(self, code: str) -> str:
        """`code` as the format's judge runs it: after the prelude (see ``judge_program``)."""
        return with_prelude(self.prelude, code)


def with_prelude(prelude: str, code: str) -> str:
    """`code` after `prelude`; the judges' own imports (JUDGE_IMPORTS) as ``judge_program`` puts them."""
    if not prelude:
        return code
    return judge_program(code) if prelude == JUDGE_IMPORTS else prelude + code


def detect_format(label: Any) -> str | None:
    """The format a (decoded) label is in, from its keys; None when nothing fits."""
    if isinstance(label, list):
        if label and all(isinstance(t, dict) and "testtype" in t for t in label):
            return "lcb"
        return "aceforge"
    if not isinstance(label, dict):
        return None
    keys = set(label)
    if "tests" in keys:
        return "aceforge"
    if {"inputs", "outputs"} <= keys or "input_output" in keys:
        return "apps"
    if "public_test_cases" in keys:
        return "lcb"
    if keys & {"public_tests", "private_tests", "generated_tests"}:
        return "codecontests"
    if "test_list" in keys:
        return "mbpp"
    test = label.get("test")
    if isinstance(test, str):
        if "entry_point" in keys and "def check(" in test:
            return "humaneval"
        if "def test" in test or "class Test" in test:
            return "kodcode"
    return None


def read_label(label: Any, format: str | None = None, where: Where | None = None) -> ReadLabel:
    """The tests (and entry point) of one label, in the named or detected format."""
    where = where or Where()
    if isinstance(label, str | bytes):
        try:
            label = json.loads(label)
        except json.JSONDecodeError as e:
            text = label.decode("utf-8", "replace") if isinstance(label, bytes) else label
            if format not in (None, "kodcode") or not ("def test" in text or "class Test" in text):
                raise where.error(None, f"is not JSON ({e.msg}); expected an object or a list") from None
            label = {"test": text}  # a bare pytest module (rllm's KodCode ground truth)
    if format is not None and format not in FORMATS:
        raise where.error(None, f"unknown test format {format!r}; known: {', '.join(FORMATS)}")
    name = format or detect_format(label)
    if name is None:
        keys = sorted(label)[:8] if isinstance(label, dict) else type(label).__name__
        raise where.error(
            None, f"cannot tell the test format (keys {keys}); name one of {', '.join(FORMATS)}"
        )
    if name not in ("aceforge", "lcb") and not isinstance(label, dict):
        raise where.error(None, f"a {name} label must be an object, got {type(label).__name__}")
    tests, entry = _READERS[name](label, where)
    if not tests and name != "aceforge":  # aceforge's own labels may be empty, as before
        raise where.error(None, f"the {name} label has no tests")
    checker = _checker(label, tests, where) if name == "aceforge" and isinstance(label, dict) else ""
    return ReadLabel(tuple(tests), entry, name, _prelude(name, label, where), checker)


def _prelude(name: str, label: Any, where: Where) -> str:
    """The judge's imports for APPS/PRIME and LiveCodeBench; an aceforge label's own ``prelude``
    (an imported row's, carried on by ``label_of``)."""
    if name in ("apps", "lcb"):
        return JUDGE_IMPORTS
    prelude = label.get("prelude", "") if name == "aceforge" and isinstance(label, dict) else ""
    if not isinstance(prelude, str):
        raise where.error("prelude", f"must be a string, got {type(prelude).__name__}")
    return prelude


def _checker(label: dict[str, Any], tests: list[Test], where: Where) -> str:
    """An aceforge label's ``checker``: the source of ``check(input, output, expected)``, run in
    the sandbox on each stdin/stdout test's output (``aceforge.checkers``)."""
    checker = label.get("checker") or ""
    if not isinstance(checker, str):
        raise where.error(
            "checker", f"must be a string holding a checker program, got {type(checker).__name__}"
        )
    problem = checker_problem(checker) if checker else None
    if problem is not None:
        raise where.error("checker", problem)
    if checker and not all(isinstance(t, StdioTest) for t in tests):
        raise where.error("checker", "judges stdin/stdout tests only; this label has asserts")
    return checker


def _read_aceforge(label: Any, where: Where) -> tuple[list[Test], str | None]:
    entry = None
    if isinstance(label, dict):
        entry = label.get("entry_point") or None
        if entry is not None and not isinstance(entry, str):
            raise where.error("entry_point", f"must be a string, got {entry!r:.80}")
        label = label.get("tests")
    if not isinstance(label, list):
        raise where.error("tests", "must be a list of tests")
    return [_aceforge_test(t, where, f"tests[{k}]") for k, t in enumerate(label)], entry


def _aceforge_test(t: Any, where: Where, field: str) -> Test:
    try:
        return read_test(t)
    except BadTest as e:
        raise where.error(field + e.field, e.problem) from None


_READERS: dict[str, Callable[[Any, Where], tuple[list[Test], str | None]]] = {
    "aceforge": _read_aceforge,
    "apps": read_apps,
    "lcb": read_lcb,
    "codecontests": read_codecontests,
    "kodcode": lambda label, where: read_pytest_module(_kodcode_test(label, where), where),
    "humaneval": read_humaneval,
    "mbpp": read_mbpp,
}


def _kodcode_test(label: dict[str, Any], where: Where) -> str:
    test = label.get("test")
    if not isinstance(test, str):
        raise where.error("test", "must be a string holding a pytest module")
    return test

"""Competitive-programming formats: APPS/TACO/PRIME, LiveCodeBench, CodeContests.

Standard-input tests are compared ``lenient``ly, as these datasets' own judges do (see
``aceforge.execution.outputs``). Call-based tests become asserts (see ``calls``):

- APPS/TACO/PRIME (``fn_name``): a returned value passes when it equals the expected one or,
  the expected one being a non-empty list, its first element (APPS stores ``[value]``); a tuple
  passes where the list would (APPS's ``testing_util``, verl's ``prime_code``).
- LiveCodeBench (``testtype: functional``): equal to the expected value, a tuple for a list
  (``lcb_runner/evaluation/testing_util.grade_call_based``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from aceforge.formats.calls import call_test, check_name, json_lines, json_value, with_tuple
from aceforge.formats.lcb_private import decode_private_tests
from aceforge.formats.where import Where
from aceforge.types import StdioTest, Test

JUDGE_COMPARE = "lenient"
# What LiveCodeBench's runner puts before every program (``lcb_runner/evaluation/testing_util.py``,
# ``import_string``); verl's ``prime_code`` puts the same imports (and a recursion limit of 6e5).
JUDGE_IMPORTS = "".join(
    f"from {m} import *\n"
    for m in ("string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math", "random",
              "statistics", "itertools", "functools", "operator", "io", "sys", "json", "builtins", "typing")
) + "".join(
    f"import {m}\n"
    for m in ("string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math", "random",
              "statistics", "itertools", "functools", "operator", "io", "sys", "json")
) + "sys.setrecursionlimit(50000)\n"  # fmt: skip
_STATISTICS = ("from statistics import *\n", "import statistics\n")


@lru_cache(maxsize=1)
def _statistics_names() -> frozenset[str]:
    import statistics

    return frozenset([*statistics.__all__, "statistics"])


def judge_program(code: str) -> str:
    """`code` after JUDGE_IMPORTS. ``statistics`` (the one module there that aceforge's workers do
    not load ahead: it pulls in fractions and decimal, ~8 ms a child) is imported only when the
    code names one of its names, so it binds exactly what the full prelude would."""
    prelude = JUDGE_IMPORTS
    if _statistics_names().isdisjoint(re.findall(r"[A-Za-z_]\w*", code)):
        for line in _STATISTICS:
            prelude = prelude.replace(line, "")
    return prelude + code


CODECONTESTS_SPLITS = ("public_tests", "private_tests", "generated_tests")


def _text(value: Any, where: Where, field: str) -> str:
    """A stdin or stdout: a string, or a list of lines (APPS stores some that way)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    raise where.error(field, f"must be a string (or a list of lines), got {type(value).__name__}")


def _maybe_json(value: Any, where: Where, field: str) -> Any:
    if isinstance(value, str):
        return json_value(value, where, field)
    return value


# ---- APPS / TACO / PRIME ------------------------------------------------------------------


def read_apps(label: dict[str, Any], where: Where) -> tuple[list[Test], str | None]:
    """``{"inputs", "outputs", "fn_name"?}``, or a row whose ``input_output`` holds it."""
    if "input_output" in label and "inputs" not in label:
        where = Where(where.source, where.row, ".".join(p for p in (where.prefix, "input_output") if p))
        label = _maybe_json(label["input_output"], where, "")
        if not isinstance(label, dict):
            raise where.error(None, "must be an object with 'inputs' and 'outputs'")
    inputs, outputs = label.get("inputs"), label.get("outputs")
    for name, value in (("inputs", inputs), ("outputs", outputs)):
        if not isinstance(value, list):
            raise where.error(name, f"must be a list, got {type(value).__name__}")
    assert isinstance(inputs, list) and isinstance(outputs, list)
    if len(inputs) != len(outputs):
        raise where.error("outputs", f"{len(outputs)} outputs for {len(inputs)} inputs")
    fn = label.get("fn_name")
    if fn is None or fn == "":
        tests: list[Test] = [
            StdioTest(_text(i, where, f"inputs[{k}]"), _text(o, where, f"outputs[{k}]"), JUDGE_COMPARE)
            for k, (i, o) in enumerate(zip(inputs, outputs, strict=True))
        ]
        return tests, None
    fn = check_name(fn, where, "fn_name")
    return [_apps_call(fn, i, o, k, where) for k, (i, o) in enumerate(zip(inputs, outputs, strict=True))], fn


def _apps_call(fn: str, inp: Any, out: Any, k: int, where: Where) -> str:
    if isinstance(inp, str):  # PRIME / LiveCodeBench layout: JSON lines in, a JSON string out
        args, expected = json_lines(inp, where, f"inputs[{k}]"), json_value(out, where, f"outputs[{k}]")
    elif isinstance(inp, list):  # APPS / TACO: the argument list, the value (often wrapped in a list)
        args, expected = inp, out
    else:
        raise where.error(
            f"inputs[{k}]", f"must be a list of arguments or JSON lines, got {type(inp).__name__}"
        )
    accepted = with_tuple(expected)
    if isinstance(expected, list) and expected:
        accepted += with_tuple(expected[0])
    return call_test(fn, args, accepted, where, f"inputs[{k}]")


# ---- LiveCodeBench --------------------------------------------------------------------------


def read_lcb(label: Any, where: Where) -> tuple[list[Test], str | None]:
    """A row (``public_test_cases``, ``private_test_cases``, ``metadata``) or a bare list of
    ``{"input", "output", "testtype", "metadata"?}`` (DeepCoder's layout)."""
    if isinstance(label, list):
        return _lcb_cases(label, None, where, "")
    metadata = _maybe_json(label.get("metadata") or {}, where, "metadata")
    if not isinstance(metadata, dict):
        raise where.error("metadata", f"must be an object, got {type(metadata).__name__}")
    cases = _lcb_list(label.get("public_test_cases"), where, "public_test_cases")
    private = label.get("private_test_cases")
    if private not in (None, "", []):
        cases += _lcb_list(private, where, "private_test_cases", compressed=True)
    tests, fn = _lcb_cases(cases, metadata.get("func_name"), where, "test_cases")
    return tests, fn


def _lcb_list(value: Any, where: Where, field: str, compressed: bool = False) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            if not compressed:
                raise where.error(field, "not JSON") from None
            try:
                value = decode_private_tests(value)
            except ValueError as e:
                raise where.error(field, f"compressed tests: {e}") from None
    if not isinstance(value, list):
        raise where.error(field, f"must be a list of tests, got {type(value).__name__}")
    return value


def _lcb_cases(cases: list[Any], fn: Any, where: Where, field: str) -> tuple[list[Test], str | None]:
    tests: list[Test] = []
    for k, case in enumerate(cases):
        f = f"{field}[{k}]" if field else f"[{k}]"
        if not isinstance(case, dict) or not all(isinstance(case.get(x), str) for x in ("input", "output")):
            raise where.error(f, "must be {'input': str, 'output': str, 'testtype': ...}")
        kind = case.get("testtype", "stdin")
        if kind == "stdin":
            tests.append(StdioTest(case["input"], case["output"], JUDGE_COMPARE))
        elif kind == "functional":
            meta = case.get("metadata")
            name = fn if fn is not None else (meta or {}).get("func_name") if isinstance(meta, dict) else None
            if name is None:
                raise where.error(f, "a functional test needs metadata.func_name")
            fn = check_name(name, where, "metadata.func_name")
            args = json_lines(case["input"], where, f"{f}.input")
            expected = json_value(case["output"], where, f"{f}.output")
            tests.append(call_test(fn, args, with_tuple(expected), where, f"{f}.input"))
        else:
            raise where.error(f"{f}.testtype", f"must be 'stdin' or 'functional', got {kind!r:.40}")
    return tests, fn if isinstance(fn, str) else None


# ---- CodeContests ---------------------------------------------------------------------------


def read_codecontests(
    label: dict[str, Any], where: Where, splits: tuple[str, ...] = CODECONTESTS_SPLITS
) -> tuple[list[Test], str | None]:
    """``public_tests`` / ``private_tests`` / ``generated_tests``, each ``{"input": [...],
    "output": [...]}`` (the splits named in `splits`, those present)."""
    tests: list[Test] = []
    for split in splits:
        block = label.get(split)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise where.error(
                split, f"must be {{'input': [...], 'output': [...]}}, got {type(block).__name__}"
            )
        ins, outs = block.get("input"), block.get("output")
        if not isinstance(ins, list) or not isinstance(outs, list):
            raise where.error(split, "needs lists 'input' and 'output'")
        if len(ins) != len(outs):
            raise where.error(f"{split}.output", f"{len(outs)} outputs for {len(ins)} inputs")
        for k, (i, o) in enumerate(zip(ins, outs, strict=True)):
            if not isinstance(i, str) or not isinstance(o, str):
                raise where.error(f"{split}[{k}]", "input and output must be strings")
            tests.append(StdioTest(i, o, JUDGE_COMPARE))
    return tests, None

"""Reading messy LLM answers: JSON that is fenced, wrapped in prose, truncated or slightly
invalid, and assert tests that must be checked before anything trusts them.

Every rejection has a reason code, so a dropped test or question never silently vanishes.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aceforge.extract import fenced_blocks, strip_think

MAX_TEST_CHARS = 4000
# Names a test may use besides the entry function: comparison helpers, never IO or imports.
HELPER_NAMES = frozenset(
    {"abs", "round", "sorted", "set", "frozenset", "len", "list", "tuple", "dict", "float", "int", "str"}
    | {"math", "isclose", "True", "False", "None", "any", "all", "min", "max", "sum"}
)
MATH_ATTRS = frozenset({"isclose", "inf", "nan", "pi", "e", "tau", "isnan", "isinf"})


# ---- JSON -------------------------------------------------------------------------------------


def parse_answer(
    text: str, list_keys: tuple[str, ...] = ("tests", "inputs")
) -> tuple[dict[str, Any] | None, str | None]:
    """A synthesis answer as {"question", "tests" | "inputs"}: strict JSON first, then repaired
    JSON, then a lenient field scan for JSON-like text small models write (missing commas,
    unterminated strings). (object, None) or (None, reason)."""
    obj, reason = parse_json_object(text)
    if obj is not None:
        return obj, None
    loose = _scan_fields(strip_think(text), list_keys)
    return (loose, None) if loose else (None, reason)


_QUESTION = re.compile(r'"question"\s*:\s*"')
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def _scan_fields(text: str, list_keys: tuple[str, ...]) -> dict[str, Any] | None:
    m = _QUESTION.search(text)
    if not m:
        return None
    rest = text[m.end() :]
    ends = [i for i in (rest.find('",\n'), rest.find('"\n'), rest.find("\n")) if i >= 0]
    question = rest[: min(ends)] if ends else rest
    out: dict[str, Any] = {"question": _unescape(question.rstrip('"').strip())}
    for key in list_keys:
        k = re.search(r'"' + key + r'"\s*:\s*\[', text)
        if k:
            body = text[k.end() :]
            close = body.find("]\n")
            items = _STRING.findall(body if close < 0 else body[:close])
            out[key] = [_unescape(i) for i in items]
    return out if out["question"] else None


def _unescape(s: str) -> str:
    try:
        return json.loads(f'"{s}"')
    except json.JSONDecodeError:
        return s


def parse_json_object(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The first JSON object in an answer, repaired if needed: (object, None) or (None, reason)."""
    text = strip_think(text)
    candidates = [*fenced_blocks(text), text]
    truncated = False
    for cand in candidates:
        start = cand.find("{")
        while start >= 0:
            obj, was_truncated = _decode_from(cand, start)
            if isinstance(obj, dict):
                return obj, None
            truncated = truncated or was_truncated
            start = cand.find("{", start + 1)
    return None, "truncated_json" if truncated else "no_json"


def _decode_from(text: str, start: int) -> tuple[Any, bool]:
    try:
        return json.JSONDecoder().raw_decode(text, start)[0], False
    except json.JSONDecodeError:
        pass
    chunk = _balanced(text, start)
    if chunk is not None:
        fixed = _loosen(chunk)
        return (fixed if fixed is not None else _python_literal(chunk)), False
    return _close_truncated(text[start:]), True


def _balanced(text: str, start: int) -> str | None:
    """The text of the bracketed value starting at `start`, or None when it never closes."""
    depth, in_str, esc, quote = 0, False, False, ""
    for i in range(start, len(text)):
        c = text[i]
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == quote:
                in_str = False
        elif c in "\"'":
            in_str, quote = True, c
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def _loosen(chunk: str) -> Any:
    """Common near-misses: trailing commas, Python literals (True/None, single quotes)."""
    no_trailing = re.sub(r",\s*([}\]])", r"\1", chunk)
    try:
        return json.loads(no_trailing)
    except json.JSONDecodeError:
        return None


def _python_literal(chunk: str) -> Any:
    try:
        return ast.literal_eval(chunk)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _close_truncated(text: str) -> Any:
    """Cut a truncated JSON value after its last complete element and close the brackets."""
    stack: list[str] = []
    cuts: list[tuple[int, str]] = []  # (end index, closers) after each complete value
    in_str, esc = False, False
    for i, c in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
                cuts.append((i + 1, "".join(reversed(stack))))
            continue
        if c == '"':
            in_str = True
        elif c in "{[":
            stack.append("}" if c == "{" else "]")
        elif c in "}]" and stack:
            stack.pop()
            cuts.append((i + 1, "".join(reversed(stack))))
    for end, closers in reversed(cuts[-64:]):
        try:
            obj = json.loads(re.sub(r",\s*$", "", text[:end]) + closers)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


# ---- tests ------------------------------------------------------------------------------------


@dataclass
class TestCheck:
    kept: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)  # {"test", "reason"}

    def reasons(self) -> Counter[str]:
        return Counter(r["reason"] for r in self.rejected)


def entry_calls(tree: ast.AST, entry: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == entry
    ]


def is_literal(node: ast.AST | str) -> bool:
    """Whether `node` (a syntax tree or source text) is a Python literal."""
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def check_test(test: Any, entry: str) -> str | None:
    """None when `test` is a usable assert for `entry`, else the reason it is not."""
    if not isinstance(test, str):
        return "not_a_string"
    if len(test) > MAX_TEST_CHARS:
        return "too_long"
    try:
        tree = ast.parse(test.strip())
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return "not_python"
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assert):
        return "not_single_assert"
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            return "dunder_access"
        if isinstance(node, ast.Attribute) and (node.attr.startswith("_")):
            return "dunder_access"
        if isinstance(node, ast.Attribute) and not (
            isinstance(node.value, ast.Name) and node.value.id == "math" and node.attr in MATH_ATTRS
        ):
            return "attribute_access"
        if isinstance(node, ast.Name) and node.id != entry and node.id not in HELPER_NAMES:
            return "unknown_name"
        if isinstance(node, ast.Lambda | ast.NamedExpr | ast.Await | ast.Yield | ast.Starred):
            return "unsupported_syntax"
    calls = entry_calls(tree, entry)
    if not calls:
        return "no_entry_call"
    for call in calls:
        if not all(is_literal(a) for a in call.args) or not all(is_literal(k.value) for k in call.keywords):
            return "non_literal_args"
    return None


def check_tests(tests: Any, entry: str) -> TestCheck:
    """Validate and dedupe (by syntax tree, so spacing differences count as duplicates)."""
    out = TestCheck()
    seen: set[str] = set()
    for t in tests if isinstance(tests, list) else []:
        reason = check_test(t, entry)
        if reason is None:
            key = ast.dump(ast.parse(t.strip()))
            if key in seen:
                reason = "duplicate"
            else:
                seen.add(key)
                out.kept.append(ast.unparse(ast.parse(t.strip())))
                continue
        out.rejected.append({"test": str(t)[:500], "reason": reason})
    return out


def detect_entry_point(tests: Any, hint: str | None = None) -> str | None:
    """The function the tests call most (the hint wins ties and is used when it is called)."""
    counts: Counter[str] = Counter()
    for t in tests if isinstance(tests, list) else []:
        if not isinstance(t, str):
            continue
        try:
            tree = ast.parse(t.strip())
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id not in HELPER_NAMES:
                counts[n.func.id] += 1
    if hint and counts.get(hint):
        return hint
    return counts.most_common(1)[0][0] if counts else hint


# ---- test inputs (reference-output mode) -------------------------------------------------------


def check_call(text: Any, entry: str) -> tuple[str | None, str | None]:
    """An input proposal → (canonical call source, None) or (None, reason).

    Accepts a bare call ``f(1, "a")`` or an assert containing one (weak models write asserts
    even when asked for inputs); the expected value they guessed is ignored.
    """
    if not isinstance(text, str):
        return None, "not_a_string"
    if len(text) > MAX_TEST_CHARS:
        return None, "too_long"
    try:
        tree = ast.parse(text.strip())
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None, "not_python"
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr | ast.Assert):
        return None, "not_a_call"
    calls = entry_calls(tree, entry)
    if not calls:
        return None, "no_entry_call"
    call = calls[0]
    if not all(is_literal(a) for a in call.args) or not all(is_literal(k.value) for k in call.keywords):
        return None, "non_literal_args"
    if any(k.arg is None for k in call.keywords):
        return None, "non_literal_args"
    return ast.unparse(call), None


def test_calls(tests: list[str], entry: str | None) -> list[str]:
    """The all-literal calls of `entry` that assert tests make (the inputs a suite already has)."""
    out = []
    for t in tests:
        try:
            calls = entry_calls(ast.parse(t), entry) if entry else []
        except SyntaxError:
            continue
        for c in calls:
            call, _ = check_call(ast.unparse(c), entry or "")
            if call is not None:
                out.append(call)
    return list(dict.fromkeys(out))

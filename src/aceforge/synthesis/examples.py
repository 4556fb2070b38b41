"""Calls found in a seed's own text: ``>>> f(...)`` lines, ``f(x) == y`` or ``f(x) ➞ y`` in
prose, and ``lst = [...]`` / ``Input: ...`` assignments that name the parameters."""

from __future__ import annotations

import re

from aceforge.synthesis.parse import check_call, is_literal

# ---- examples in the seed's text --------------------------------------------------------------


def example_calls(text: str, entry: str) -> list[str]:
    """Every all-literal call of `entry` written in `text` (docstring ``>>>`` lines, "For
    example" sections, ``f(x) == y`` or ``f(x) ➞ y`` in prose), canonical and deduplicated."""
    out: list[str] = []
    for m in re.finditer(rf"(?<![\w.]){re.escape(entry)}\s*\(", text):
        if text[max(0, m.start() - 4) : m.start()].endswith("def "):
            continue
        end = _closing_paren(text, m.end() - 1)
        if end is None:
            continue
        call, _ = check_call(re.sub(r"\s*\n\s*", " ", text[m.start() : end + 1]), entry)
        if call is not None and call not in out:
            out.append(call)
    return out


def assigned_calls(text: str, entry: str, params: list[str]) -> list[str]:
    """Calls read from examples written as assignments to the parameters, one example per
    line (``For lst = [1,2,3] the output should be 6``, ``Input: arr = [1, 2], k = 3``), and
    for one-parameter functions ``Input: [4,2,3]``."""
    if not params:
        return []
    out: list[str] = []
    for line in text.splitlines():
        values: dict[str, str] = {}
        for p in params:
            m = re.search(rf"(?<![\w.]){re.escape(p)}\s*=\s*", line)
            lit = _literal_at(line, m.end()) if m else None
            if lit is not None:
                values[p] = lit
        if len(params) == 1 and not values:
            m = re.search(r"\b[Ii]nput\s*:\s*", line)
            lit = _literal_at(line, m.end()) if m else None
            if lit is not None:
                values[params[0]] = lit
        if len(values) == len(params):
            call, _ = check_call(f"{entry}({', '.join(values[p] for p in params)})", entry)
            if call is not None and call not in out:
                out.append(call)
    return out


def _literal_at(text: str, i: int) -> str | None:
    """The source of the Python literal that starts at `text[i]`, if one does."""
    if i >= len(text):
        return None
    c = text[i]
    if c in "[({":
        end = _closing_paren(text, i)
        src = text[i : end + 1] if end is not None else None
    elif c in "'\"":
        end = text.find(c, i + 1)
        src = text[i : end + 1] if end > i else None
    else:
        m = re.match(r"-?\d+(?:\.\d+)?(?![\w.])|True\b|False\b|None\b", text[i:])
        src = m.group(0) if m else None
    return src if src is not None and is_literal(src) else None


def _closing_paren(text: str, start: int) -> int | None:
    depth, quote, i = 0, "", start
    while i < len(text) and i - start < 4000:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None

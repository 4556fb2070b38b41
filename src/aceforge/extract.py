"""Code extraction from model answers (chat/markdown or raw completions), by syntax tree: the
one home of markdown fences and of the control tokens a decode leaves around an answer.

Takes the fenced block that defines the entry function (else the first that parses, else the
raw text), drops ``<think>`` sections and prose before or after the code, and keeps only what a
program needs at top level: imports, function and class definitions, and assignments. Top-level
calls, prints and ``if __name__ == "__main__":`` demos are dropped, so they never run as tests.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_THINK = re.compile(r"<think>.*?(</think>|$)", re.S)
# Control tokens a decode with skip_special_tokens=False leaves in the text. "Hard" ones never
# occur in an answer: the first one ends it (end of turn, end of text, the start of another
# turn). "Soft" ones (`</s>`, `<eos>` ...) can be ordinary strings in code (HTML, NLP), so only
# a trailing run of them is dropped.
HARD_TOKEN = re.compile(
    r"<\|[A-Za-z0-9_.:\- ]{1,40}\|>"  # ChatML, Llama 3, Phi, GPT-style: <|im_end|>, <|eot_id|>
    r"|<｜[^｜<>\n]{1,40}｜>"  # DeepSeek: <｜end▁of▁sentence｜>
    r"|<(?:start|end)_of_turn>"  # Gemma
)
SOFT_TOKEN = re.compile(r"</?s>|<(?:eos|bos|pad|unk|mask|EOS|BOS|PAD|UNK)>|\[(?:PAD|/INST|INST|EOS)\]")
_TOKEN_RUN = re.compile(rf"(?:\s|{HARD_TOKEN.pattern}|{SOFT_TOKEN.pattern})+")
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|$)", re.S)
_CODE_START = re.compile(r"^(?:from |import |def |class |@|async def )", re.M)
_KEEP = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.AnnAssign,
)


def strip_think(text: str) -> str:
    """Drop R1-style reasoning sections (also one left open by a truncated answer)."""
    return _THINK.sub("", text)


def strip_special_tokens(text: str) -> str:
    """The answer without the control tokens around it: leading ones dropped, cut at the first
    hard token after that (the turn ended there), trailing soft ones dropped."""
    lead = _TOKEN_RUN.match(text)
    if lead and (HARD_TOKEN.search(lead.group()) or SOFT_TOKEN.search(lead.group())):
        text = text[lead.end() :]
    end = HARD_TOKEN.search(text)
    if end is not None:
        text = text[: end.start()]
    for m in _TOKEN_RUN.finditer(text):
        if m.end() == len(text) and SOFT_TOKEN.search(m.group()):
            return text[: m.start()]
    return text


@dataclass(frozen=True)
class Extracted:
    code: str
    ok: bool  # parsed, and defines the entry function when one was named
    reason: str | None = None  # why not ok: no_code, syntax_error, no_entry_function


PYTHON_LANGS = ("", "python", "py", "python3")


def fenced_blocks(text: str, python_only: bool = False) -> list[str]:
    """The bodies of the markdown code fences in `text` (an unclosed last fence runs to the
    end); `python_only` keeps untagged and Python-tagged ones."""
    return [body for lang, body in _FENCE.findall(text) if not python_only or lang.lower() in PYTHON_LANGS]


def extract_code(answer: str, entry_point: str | None = None, script: bool = False) -> Extracted:
    """`script`: the program is a whole stdin/stdout script, so top-level statements stay.
    The code keeps the answer's own text (comments, formatting) for every statement kept."""
    text = strip_think(strip_special_tokens(answer))
    blocks = fenced_blocks(text, python_only=True)
    candidates = [*blocks, text]
    best: Extracted | None = None
    for k, cand in enumerate(candidates):
        parsed = _parse_prefix(cand, fenced=k < len(blocks))
        if parsed is None:
            continue
        tree, source = parsed
        code = source.strip("\n") + "\n" if script else _top_level(tree, source)
        if not code.strip():
            continue
        defines = entry_point is None or _defines(tree, entry_point)
        got = Extracted(code, defines, None if defines else "no_entry_function")
        if defines:
            return got
        best = best or got
    if best is not None:
        return best
    looks_like_code = any(_CODE_START.search(c) for c in candidates)
    return Extracted("", False, "syntax_error" if looks_like_code else "no_code")


def _parse_prefix(text: str, fenced: bool) -> tuple[ast.Module, str] | None:
    """Parse a fenced block whole, or raw text from the first line that looks like code; drop
    trailing lines (prose, a cut-off answer) until what is left parses."""
    start = 0
    if not fenced:
        m = _CODE_START.search(text)
        if m is None:
            return None
        start = m.start()
    lines = text[start:].splitlines()
    for end in range(len(lines), 0, -1):
        source = "\n".join(lines[:end])
        try:
            return ast.parse(source), source
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
    return None


def _top_level(tree: ast.Module, source: str) -> str:
    """The kept top-level statements, each as its own lines of `source` (decorators included)."""
    lines = source.splitlines()
    kept = []
    for node in tree.body:
        if isinstance(node, _KEEP):
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            kept.append("\n".join(lines[first - 1 : node.end_lineno]))
    return "\n\n".join(kept) + "\n" if kept else ""


def _defines(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and n.name == name
        for n in tree.body
    )

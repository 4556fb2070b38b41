"""Find the response inside a framework's "query" (prompt + response as one decoded string).

OpenRLHF sends ``decode(prompt_ids + response_ids, skip_special_tokens=False)`` beside the
prompt string. That query need not start with the prompt: tokenizers normalise (NFC, collapsed
spaces), a decode can differ from the text encoded, and a long prompt is cut from the left to
fit ``max_len``. Scoring the whole query would score the prompt's code, so the response is
located, in this order:

  exact             the query starts with the prompt;
  aligned           it does once both are normalised (NFKD without combining marks, no
                    whitespace, no control tokens, no U+FFFD left by a cut multi-byte char);
  truncated_prompt  it starts with a tail of the normalised prompt (a cut from the left);
  chat_marker       the text after the last assistant-turn marker of a common chat template;
  unlocated         none of these: every stretch of the query that also occurs in the prompt
                    is blanked, so nothing the prompt showed can earn a reward.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from aceforge.extract import HARD_TOKEN, SOFT_TOKEN

HOWS = ("given", "exact", "aligned", "truncated_prompt", "chat_marker", "unlocated")
MIN_TAIL = 24  # normalised characters a cut prompt's tail must share with the query
MIN_BLANK = 24  # shortest prompt stretch blanked in an unlocated query

_CONTROL = re.compile(f"{HARD_TOKEN.pattern}|{SOFT_TOKEN.pattern}")
# Where the assistant's turn starts, per chat template family. The last match wins.
ASSISTANT_MARKERS = re.compile(
    r"<\|im_start\|>assistant[^\n]*\n?"  # ChatML (Qwen, Yi, SmolLM)
    r"|<\|start_header_id\|>assistant<\|end_header_id\|>\s*"  # Llama 3
    r"|<start_of_turn>model\s*"  # Gemma
    r"|\[/INST\]\s*"  # Mistral, Llama 2
    r"|<\|assistant\|>\s*"  # Phi-3, Zephyr
    r"|<｜Assistant｜>\s*"  # DeepSeek V3 / R1
    r"|^### Response:\s*"  # DeepSeek-Coder instruct
    r"|^Assistant:\s*",  # DeepSeek LLM, plain transcripts
    re.M,
)


@dataclass(frozen=True)
class Located:
    """The response cut from a framework's query, and how it was found (one of `HOWS`)."""

    response: str
    how: str  # one of HOWS


def isolate_response(query: str, prompt: str) -> Located:
    """The response part of `query`, and how it was found (see the module doc)."""
    if prompt and query.startswith(prompt):
        return Located(query[len(prompt) :], "exact")
    norm_prompt, _, _ = _normalize(prompt)
    norm_query, starts, ends = _normalize(query)
    if norm_prompt:
        if norm_query.startswith(norm_prompt):
            return Located(query[ends[len(norm_prompt) - 1] :], "aligned")
        tail = _shared_tail(norm_prompt, norm_query)
        if tail:
            return Located(query[ends[tail - 1] :], "truncated_prompt")
    markers = list(ASSISTANT_MARKERS.finditer(query))
    if markers:
        return Located(query[markers[-1].end() :], "chat_marker")
    return Located(_blank_prompt(query, norm_prompt, norm_query, starts, ends), "unlocated")


def _normalize(text: str) -> tuple[str, list[int], list[int]]:
    """The comparable form of `text`, and for each of its characters the [start, end) of the
    source character it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in [*_CONTROL.finditer(text), None]:
        stop = m.start() if m else len(text)
        for k in range(pos, stop):
            for ch in unicodedata.normalize("NFKD", text[k]):
                if ch.isspace() or ch == "\ufffd" or unicodedata.combining(ch):
                    continue
                out.append(ch)
                starts.append(k)
                ends.append(k + 1)
        pos = m.end() if m else stop
    return "".join(out), starts, ends


def _shared_tail(norm_prompt: str, norm_query: str) -> int:
    """Length of the longest tail of the prompt the query starts with (0 if under MIN_TAIL)."""
    probe = norm_query[:MIN_TAIL]
    if len(probe) < MIN_TAIL:
        return 0
    at = norm_prompt.find(probe)
    while at != -1:
        size = len(norm_prompt) - at
        if norm_query.startswith(norm_prompt[at:]):
            return size
        at = norm_prompt.find(probe, at + 1)
    return 0


def _blank_prompt(query: str, norm_prompt: str, norm_query: str, starts: list[int], ends: list[int]) -> str:
    """The query with each stretch that also occurs in the prompt (and every control token)
    replaced by a line break."""
    text = list(query)
    if norm_prompt and norm_query:
        matcher = difflib.SequenceMatcher(None, norm_prompt, norm_query, autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size >= MIN_BLANK:
                lo, hi = starts[block.b], ends[block.b + block.size - 1]
                text[lo:hi] = ["\n" if k == lo else "" for k in range(lo, hi)]
    blanked = "".join(text)
    return _CONTROL.sub("\n", blanked)

"""Response isolation: the response is found inside whatever query a framework sends."""

from __future__ import annotations

import unicodedata

import pytest

from aceforge.extract import extract_code
from aceforge.rewards.response import isolate_response

PROMPT = (
    "<|im_start|>user\nFix  the bug in this code (café):\n```python\ndef add(a, b):\n    return a - b\n```"
    "<|im_end|>\n<|im_start|>assistant\n"
)
ANSWER = "```python\ndef add(a, b):\n    return a + b\n```<|im_end|>"


def test_exact_prefix() -> None:
    got = isolate_response(PROMPT + ANSWER, PROMPT)
    assert got.how == "exact" and got.response == ANSWER


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: unicodedata.normalize("NFC", t.replace("é", "e\u0301")),  # decomposed vs composed
        lambda t: t.replace("  ", " "),  # collapsed spaces
        lambda t: t.replace("<|im_start|>assistant\n", "<|im_start|>assistant \n"),  # decode spacing
    ],
)
def test_prompt_normalised_by_the_tokenizer(mangle) -> None:
    prompt = PROMPT.replace("é", "e\u0301")
    got = isolate_response(mangle(prompt) + ANSWER, prompt)
    assert got.how == "aligned"
    assert extract_code(got.response).code.strip() == "def add(a, b):\n    return a + b"


def test_prompt_cut_from_the_left() -> None:
    query = PROMPT[40:] + ANSWER
    got = isolate_response(query, PROMPT)
    assert got.how == "truncated_prompt" and extract_code(got.response).code.strip().endswith("a + b")
    # a cut through a multi-byte character leaves U+FFFD at the start
    got = isolate_response("\ufffd" + PROMPT[PROMPT.index("é") + 1 :] + ANSWER, PROMPT)
    assert got.how == "truncated_prompt"


@pytest.mark.parametrize(
    "template",
    [
        "<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n{a}",
        "<|start_header_id|>user<|end_header_id|>\n\n{q}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n{a}",
        "<start_of_turn>user\n{q}<end_of_turn>\n<start_of_turn>model\n{a}",
        "[INST] {q} [/INST]{a}",
        "<|user|>\n{q}<|end|>\n<|assistant|>\n{a}",
        "<｜User｜>{q}<｜Assistant｜>{a}",
    ],
)
def test_chat_markers_when_the_prompt_is_not_found(template: str) -> None:
    question = "Write add. Example:\n```python\ndef add(a, b):\n    return a + b\n```"
    query = template.format(q=question, a="```python\ndef add(a, b):\n    return a * b\n```")
    got = isolate_response(query, "a prompt the query does not contain at all, said differently")
    assert got.how == "chat_marker"
    assert "a * b" in extract_code(got.response).code and "a + b" not in got.response


def test_unlocated_query_never_scores_the_prompts_code() -> None:
    shown = "def add(a, b):\n    total = a + b\n    return total\n"
    prompt = f"Here is a reference solution you must not copy verbatim:\n{shown}\nNow write yours."
    query = f"Intro text.\n{shown}\nmine:\ndef add(a, b):\n    return a * b\n"
    got = isolate_response(query, prompt)
    assert got.how == "unlocated" and "total = a + b" not in got.response
    assert "a * b" in extract_code(got.response, "add").code

"""Code extraction from model answers: fences, prose, control tokens, the answer's own text."""

from __future__ import annotations

from aceforge.extract import extract_code, fenced_blocks, strip_special_tokens


def test_extracted_code_keeps_the_answers_own_text() -> None:
    answer = (
        "Sure:\n```python\nimport math  # for sqrt\n\n\n@staticmethod_like\ndef f(x):\n"
        "    # the root, rounded\n    return round(math.sqrt(x),  2)\n\nprint(f(4))\n```\nDone."
    )
    code = extract_code(answer, "f").code
    assert "# for sqrt" in code and "# the root, rounded" in code and "math.sqrt(x),  2" in code
    assert "@staticmethod_like\ndef f(x):" in code and "print(" not in code  # demo calls dropped


def test_fences_are_read_in_one_place() -> None:
    text = "```json\n{}\n```\n```python\nx = 1\n```\n```\ny = 2"
    assert fenced_blocks(text) == ["{}\n", "x = 1\n", "y = 2"]
    assert fenced_blocks(text, python_only=True) == ["x = 1\n", "y = 2"]


def test_special_tokens_around_the_answer() -> None:
    raw = "def add(a, b):\n    return a + b"
    for end in (
        "<|im_end|>",
        "<|endoftext|>",
        "<|eot_id|>",
        "<end_of_turn>",
        "</s>",
        "<eos>",
        "<｜end▁of▁sentence｜>",
    ):
        assert extract_code(raw + end + "<pad><pad>" * (end == "<eos>"), "add").ok, end
    assert strip_special_tokens("x = 1<|im_end|>\n<|im_start|>user\nmore") == "x = 1"
    # a soft token inside code stays: HTML-handling code is ordinary code
    html = 'def strip(s):\n    return s.replace("<s>", "").replace("</s>", "")'
    assert strip_special_tokens(html + "</s>") == html

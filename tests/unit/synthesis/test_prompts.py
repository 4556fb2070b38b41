"""Synthesis prompts: chat instructions, few-shot completions with a pinned signature, leaks."""

from __future__ import annotations

import pytest

from aceforge.synthesis.prompts import (
    SYSTEM,
    few_shot_prefix,
    leaked_ngrams,
    signature,
    strip_leaks,
    synth_prompt,
)
from aceforge.synthesis.seeds import Seed

SEED = Seed("s/1", "test", "Add numbers.", "def add(a, b=1):\n    return a + b\n", "add")


def test_signature_of_the_entry_function() -> None:
    assert signature(SEED) == "add(a, b=1)"
    assert signature(Seed("x", "t", "", "class K:\n    pass\n")) is None
    assert signature(Seed("x", "t", "", "def g():\n    pass\n", "missing")) is None


def test_chat_prompt_names_the_function_and_the_mode() -> None:
    msgs = synth_prompt(SEED, "tests", chat=True, n_tests=7)
    assert isinstance(msgs, list) and msgs[0] == {"role": "system", "content": SYSTEM}
    body = msgs[1]["content"]
    assert "`add(a, b=1)`" in body and "about 7 independent tests" in body
    assert '"tests": ["assert ...", ...]' in body and body.endswith("return a + b\n```")
    inputs = synth_prompt(SEED, "inputs", chat=True, keep_name=False)[1]["content"]  # type: ignore[index]
    assert "distinct test inputs" in inputs and "`add(a, b=1)`" not in inputs


def test_few_shot_prompt_ends_with_the_pinned_prefix() -> None:
    text = synth_prompt(SEED, "inputs", chat=False)
    assert isinstance(text, str)
    assert text.endswith(
        "### Program\ndef add(a, b=1):\n    return a + b\n### Answer\n" + few_shot_prefix(SEED)
    )
    assert '"inputs"' in text and "count_vowels('hello')" in text and "assert count_vowels" not in text
    tests = synth_prompt(SEED, "tests", chat=False)
    assert "assert count_vowels('hello') == 2" in tests  # type: ignore[operator]
    assert few_shot_prefix(SEED) == '{\n "question": "Write a function `add(a, b=1)` that'
    assert few_shot_prefix(SEED, keep_name=False) == '{\n "question": "'


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        synth_prompt(SEED, "essay", chat=True)


def test_leaked_example_sentences_are_stripped() -> None:
    leak = "Add a and b. It returns how many characters of the string are vowels. Done!"
    assert leaked_ngrams(leak, SEED)
    assert strip_leaks(leak, SEED) == "Add a and b. Done!"
    clean = "Return the sum of a and b."
    assert strip_leaks(clean, SEED) == clean
    seed_says = Seed("v", "t", "returns how many characters of the string are vowels", "def v(s): pass", "v")
    assert not leaked_ngrams(leak, seed_says)  # the seed's own words are no leak

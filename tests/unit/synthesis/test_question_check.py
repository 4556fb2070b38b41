"""The question check: loops, cuts and contradictions with the tests, each with a known
verdict (texts modelled on what the embedded 270M teacher wrote for stdlib seeds)."""

from __future__ import annotations

from aceforge.synthesis.question_check import (
    check_question,
    ends_mid_sentence,
    loop_start,
    name_contradictions,
    said_types,
    type_contradictions,
    whole_sentences,
)
from aceforge.synthesis.signature import ANY, Param

FALLBACK = "Write a function `f(x)` for the following task.\n\nThe seed's docstring."
LOOP = (
    "Write a function `decode_rfc2231(s)` that decodes the string `s` according to RFC 2231. "
    "It splits the string at single quotes. If it is a number, if it is a letter, if it is a number, "
    "if it is a letter, if it is a number, if it is a letter, if it is a number, if it is"
)


def _p(*names: str) -> list[Param]:
    return [Param(n, ANY) for n in names]


def test_a_repetition_loop_is_trimmed_to_the_sentences_before_it() -> None:
    start = loop_start(LOOP)
    assert start == LOOP.index("if it is a letter")  # the first phrase said a second time
    v = check_question(LOOP, "decode_rfc2231", _p("s"), {"s": ["a'b'c"]}, FALLBACK, hit_limit=True)
    assert v.source == "repaired" and v.reasons == ("repetition_loop",)
    assert v.text == (
        "Write a function `decode_rfc2231(s)` that decodes the string `s` according to RFC 2231. "
        "It splits the string at single quotes."
    )


def test_a_repeated_sentence_is_a_loop_too() -> None:
    said = "The indent size is the number of spaces at the start of the line."
    text = f"Write a function `indentsize(line)` that returns the indent size. {said} {said} {said}"
    v = check_question(text, "indentsize", _p("line"), {"line": ["  x"]}, FALLBACK)
    assert v.source == "repaired" and v.text.count(said) == 1 and v.text.endswith(said)


def test_ordinary_prose_is_no_loop() -> None:
    text = (
        "Write a function `cram(text, maxlen)` that shortens `text` to at most `maxlen` characters. "
        "If the text is longer than maxlen, the middle of the text is replaced by '...'."
    )
    assert loop_start(text) is None
    v = check_question(text, "cram", _p("text", "maxlen"), {"text": ["abc"], "maxlen": [2]}, FALLBACK)
    assert v.source == "model" and v.text == text and v.reasons == ()


def test_text_cut_mid_sentence_is_trimmed_or_falls_back() -> None:
    cut = (
        "Write a function `leapdays(y1, y2)` that counts leap years in the range [y1, y2). The count includes"
    )
    assert ends_mid_sentence(cut) and not ends_mid_sentence("It returns `x`.")
    v = check_question(cut, "leapdays", _p("y1", "y2"), {"y1": [2000], "y2": [2010]}, FALLBACK, True)
    assert v.source == "repaired" and v.reasons == ("truncated_at_limit",)
    assert v.text == "Write a function `leapdays(y1, y2)` that counts leap years in the range [y1, y2)."
    too_little = "Write a function `f(x)` that returns the"
    v = check_question(too_little, "f", _p("x"), {"x": [1]}, FALLBACK, True)
    assert v.source == "fallback" and v.text == FALLBACK
    assert v.reasons == ("truncated_at_limit", "too_short_after_repair")
    assert whole_sentences("No end here") == ""


def test_a_type_the_tests_contradict_falls_back_to_the_seed() -> None:
    text = (
        "Write a function `count_calls(callers)` that returns the total number of calls. "
        "`callers` is a list of strings naming the functions that called it."
    )
    tests_args = {"callers": [{("a.py", 1, "f"): 2}, {}]}
    assert said_types(text, _p("callers")) == {"callers": ("list", "str")}
    assert type_contradictions(text, _p("callers"), tests_args) == ["callers: said list, tests pass dict"]
    v = check_question(text, "count_calls", _p("callers"), tests_args, FALLBACK)
    assert v.source == "fallback" and v.text == FALLBACK
    assert v.reasons == ("contradicts_tests: callers: said list, tests pass dict",)


def test_element_types_and_agreeing_types() -> None:
    text = "Write a function `join(words)` that joins them. `words` is a list of strings."
    assert type_contradictions(text, _p("words"), {"words": [["a", "b"]]}) == []
    assert type_contradictions(text, _p("words"), {"words": [[1, 2]]}) == [
        "words: said list of str, tests pass list of int"
    ]
    one = "Write a function `total(xs)` that takes a list of integers and returns their sum."
    assert said_types(one, _p("xs")) == {"xs": ("list", "int")}
    assert type_contradictions(one, _p("xs"), {"xs": [[1.5]]}) == [
        "xs: said list of int, tests pass list of float"
    ]
    assert type_contradictions("`n` is a number.", _p("n"), {"n": [True]}) == [
        "n: said number, tests pass bool"
    ]
    assert type_contradictions("`n` is a float.", _p("n"), {"n": [3]}) == []  # an int is a fine float


def test_parameter_names_the_signature_lacks() -> None:
    assert name_contradictions("Write `f(x, y)` that adds.", "f", _p("a", "b")) == [
        "f(x, y) names ['x', 'y']"
    ]
    assert name_contradictions("Write `f(a, b=2)`; f(1, 2) is 3.", "f", _p("a", "b")) == []
    v = check_question(
        "Write a function `f(x, y)` that adds the two numbers together.", "f", _p("a", "b"), {}, FALLBACK
    )
    assert v.source == "fallback" and v.reasons == ("contradicts_tests: f(x, y) names ['x', 'y']",)


def test_a_question_too_short_to_solve_falls_back() -> None:
    v = check_question("Decode it.", "f", _p("x"), {}, FALLBACK)
    assert v.source == "fallback" and v.reasons == ("too_short",)

"""Texts shaped like what the code parses (``structured``)."""

from __future__ import annotations

import ast

from aceforge.synthesis.signature import entry_function
from aceforge.synthesis.structured import build, parse_tokens, parsed_calls

PARAMS = '''def parse(header):
    """Returns the content type and the parameters of a header."""
    tokens = header.split(";")
    kind, params = tokens[0].strip(), tokens[1:]
    out = {}
    strip_chars = "\\"' "
    for param in params:
        param = param.strip()
        if param and (idx := param.find("=")) != -1:
            out[param[:idx].strip(strip_chars).lower()] = param[idx + 1 :].strip(strip_chars)
    return kind, out
'''
HOST = '''def host(authority):
    """The host of a URL's authority."""
    after = authority.rpartition("@")[-1]
    if after and after[0] == "[":
        v6 = after.partition("]")
        if v6[1] == "]":
            return v6[0] + "]"
    return after.partition(":")[0].strip()
'''


def _fn(src: str, entry: str) -> ast.FunctionDef:
    fn = entry_function(src, entry)
    assert fn is not None
    return fn


def test_separators_of_derived_values_in_source_order_with_prefixes_and_stripped_chars() -> None:
    assert parse_tokens(_fn(PARAMS, "parse")) == {"header": ([("sep", ";"), ("sep", "=")], "\"' ")}
    assert parse_tokens(_fn(HOST, "host")) == {
        "authority": ([("sep", "@"), ("prefix", "["), ("sep", "]"), ("sep", ":")], "")
    }
    plain = 'def f(s):\n    """Doc."""\n    return s.upper()\n'
    assert parse_tokens(_fn(plain, "f")) == {}  # searches nothing: no structure


def test_texts_repeat_respace_quote_and_cut_short() -> None:
    texts = build([("sep", ";"), ("sep", "=")], "\"' ")
    assert texts[:2] == ["ab;cd=ef", "ab;cd=ef;gh=ij"]
    assert "ab;cd=ef;cd=gh" in texts  # the same key twice: first or last wins
    assert " Ab ; Cd = Ef " in texts  # spaces to strip, capitals to fold
    assert 'ab;cd="ef"' in texts and "ab;cd='ef'" in texts  # a quoted value
    assert "ab;cd" in texts  # a part without its "="
    assert build([("sep", "@"), ("prefix", "["), ("sep", "]")], "")[0] == "ab@[cd]ef"


def test_structured_suite_rejects_bugs_in_the_parsing_loop(run) -> None:
    calls = parsed_calls(PARAMS, "parse", ["parse('text')"], limit=40)
    ref = run(PARAMS, calls, probe=True)
    tests = [
        f"assert {c} == {t.value!r}" for c, t in zip(calls, ref.tests, strict=True) if t.outcome == "passed"
    ]
    assert len(tests) == len(calls) and run(PARAMS, tests).all_passed
    bugs = [
        PARAMS.replace(".strip(strip_chars).lower()", ".strip()"),  # names not lower-cased
        PARAMS.replace("param[idx + 1 :].strip(strip_chars)", "param[idx + 1 :].strip()"),  # quotes kept
        PARAMS.replace("out[param[:idx]", "out.setdefault(param[:idx]").replace(
            "] = param[idx + 1 :].strip(strip_chars)", ", param[idx + 1 :].strip(strip_chars))"
        ),  # the first of a repeated key wins
    ]
    for bug in bugs:
        assert bug != PARAMS and not run(bug, tests).all_passed
    host_calls = parsed_calls(HOST, "host", ["host('example.com')"])
    no_v6 = HOST.replace('after and after[0] == "["', "False")
    ref = run(HOST, host_calls, probe=True)
    tests = [
        f"assert {c} == {t.value!r}"
        for c, t in zip(host_calls, ref.tests, strict=True)
        if t.outcome == "passed"
    ]
    assert not run(no_v6, tests).all_passed  # a bracketed IPv6 literal split at its first ':'

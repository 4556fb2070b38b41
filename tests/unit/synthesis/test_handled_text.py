"""handled_text (through compared.harvest): text placed where the code tests it, method
chains, escapes already applied, the other quote characters, whitespace beyond " \\t\\n"."""

from __future__ import annotations

import ast

from aceforge.synthesis.compared import harvest
from aceforge.synthesis.handled_text import compared_pairs, end_of, placed, siblings

UNQUOTE = r"""def unquote(value, is_filename=False):
    if value and value[0] == value[-1] == '"':
        value = value[1:-1]
        if not is_filename or value[:2] != "\\\\":
            return value.replace("\\\\", "\\").replace('\\"', '"')
    return value
"""
BS = "\\"  # one backslash


def test_a_value_tested_at_both_ends_is_wrapped_around_the_other_texts_the_code_handles() -> None:
    got = harvest(UNQUOTE, "unquote")["value"]
    # the chained replace is read (both texts), the quote is a prefix, a suffix and a wrapping
    assert got[:2] == [BS + '"', BS + BS]
    assert {'"', '"ab"', '""ab""', '"ab', 'ab"'} <= set(got)
    # each handled text inside the quotes: at the start and at the end
    assert {f'"{BS}{BS}ab"', f'"ab{BS}{BS}"', f'"ab{BS}""', f'"{BS}"ab"'} <= set(got)
    # two backslashes are tested only at the start (value[:2]): never a wrapping of their own
    assert f"{BS}{BS}ab{BS}{BS}" not in got


def test_a_seed_on_which_every_wrapped_input_is_a_quoted_value() -> None:
    ns: dict = {}
    exec(UNQUOTE, ns)  # the seed answers each input (none raises); quoted ones change
    got = harvest(UNQUOTE, "unquote")["value"]
    assert all(isinstance(ns["unquote"](v), str) for v in got)
    assert ns["unquote"](f'"ab{BS}""') == 'ab"'  # an escaped quote at the end: strip('"') differs
    assert ns["unquote"](f'"{BS}{BS}ab"', True) == f"{BS}{BS}ab"  # a UNC filename kept


def test_ends_compared_with_each_other_make_each_start_character_a_wrapping() -> None:
    src = (
        "def rq(val):\n    if val[0] in ('\"', \"'\") and val[0] == val[-1]:\n"
        "        val = val[1:-1]\n    return val\n"
    )
    got = harvest(src, "rq")["val"]
    assert {'"', '"ab"', "'ab'", "''ab''", "\"ab'"} <= set(got)  # lone, wrapped, twice, mismatched
    assert "`" not in got  # no quote is escaped: no other quote characters
    assert 'ab"' not in got  # no end is tested against a constant


def test_membership_of_one_character_names_each_character() -> None:
    src = "def f(s):\n    if s[-1] in '.!':\n        return s[:-1]\n    return s\n"
    assert harvest(src, "f") == {"s": [".", "!", "ab.", "ab!"]}


def test_a_method_chain_compared_with_constants_reads_them_in_every_case() -> None:
    src = (
        "def parse(value):\n    if value.lower() == 'none':\n        return None\n"
        "    if value.strip().lower() in ('yes', 'on'):\n        return True\n    return False\n"
    )
    assert harvest(src, "parse") == {"value": ["none", "NONE", "None", "yes", "YES", "Yes", "on", "ON", "On"]}
    # a chain that is no text of the parameter's (len()) or compares numbers gives nothing
    assert harvest("def g(s):\n    return len(s.strip()) > 3\n", "g") == {}


def test_whitespace_the_code_escapes_is_an_input_and_whitespace_it_tidies_is_not() -> None:
    src = "def s(v):\n    return v.replace('\\n', '\\\\a ').replace('\\r', '\\\\d ').replace('\\t', ' ')\n"
    # the tab becomes a space: tidied; the backslash starts the escapes: an input too
    assert harvest(src, "s") == {"v": ["\r", "\n", "\\"]}


def test_isspace_brings_the_whitespace_hand_written_lists_forget() -> None:
    src = "def strip_end(src):\n    end = len(src)\n    while end and src[end - 1].isspace():\n        end -= 1\n    return src[:end]\n"
    got = harvest(src, "strip_end")["src"]
    assert got == [" \r\n\x0c\x0b\t"]
    assert not got[0].strip()  # whitespace only: a realistic input around text (``edges._near``)


def test_building_blocks_with_known_answers() -> None:
    node = ast.parse("a[0] == a[-1] == 'q'", mode="eval").body
    assert isinstance(node, ast.Compare)
    assert len(compared_pairs(node)) == 3  # an equality chain: every two sides
    assert len(compared_pairs(ast.parse("0 < n <= 9", mode="eval").body)) == 2  # type: ignore[arg-type]
    ends = [
        end_of(ast.parse(t, mode="eval").body) for t in ("a[0]", "a[:2]", "a[-1]", "a[-3:]", "a[1]", "a[1:]")
    ]
    assert ends == ["start", "start", "end", "end", None, None]
    assert placed({"start": ["<"], "end": [">"], "same": []}, ["&"]) == ["<ab", "ab>"]
    assert siblings(["a", "b"]) == [] and siblings(["'x'"]) == ['"', "`"]


def test_a_translate_table_names_each_character_and_the_escape_it_starts_with() -> None:
    src = "def fmt(name, value):\n    value = value.translate({10: '%0A', 34: '%22'})\n    return name + value\n"
    assert harvest(src, "fmt") == {"value": ["\n", '"', "%", "'", "`"]}


def test_an_escape_first_character_is_an_input_unless_it_is_what_is_replaced() -> None:
    from aceforge.synthesis.handled_text import introducers

    assert introducers(["%0A", "&lt;", "_", "\\a "], "<") == ["%", "&", "\\"]  # '_' is no escape
    assert introducers(["&amp;"], "&") == []


def test_pieces_of_a_separated_text_hold_the_text_the_code_finds_in_them() -> None:
    src = (
        "def parse(header):\n    tokens = header.split(';')\n    kind, params = tokens[0].strip(), tokens[1:]\n"
        "    strip_chars = '\"\\' '\n    out = {}\n    for param in params:\n        idx = param.find('=')\n"
        "        if idx != -1:\n            out[param[:idx].strip(strip_chars).lower()] = param[idx + 1:].strip(strip_chars)\n"
        "    return kind, out\n"
    )
    got = harvest(src, "parse")["header"]
    assert got[:3] == [";", "=", "\"' "]  # the separator, the text found in each piece, the stripped
    pieces = ["ab;cd=ef", "ab; cd=ef;cd=gh", "AB;CD=EF", 'ab;cd="ef"', "ab;cd='ef'"]
    assert [v for v in got if v in pieces] == pieces  # each piece kind once, in this order
    ns: dict = {}
    exec(src, ns)
    assert ns["parse"]('ab;cd="ef"') == ("ab", {"cd": "ef"}) and ns["parse"]("AB;CD=EF") == (
        "AB",
        {"cd": "EF"},
    )


def test_text_whose_case_the_code_changes_meets_non_ascii_letters() -> None:
    src = "def norm(name):\n    return ' '.join(name.lower().split())\n"
    assert harvest(src, "norm") == {"name": ["AZ ÄÖü éñ"]}
    folds = ["AZ ÄÖü éñ".lower(), "AZ ÄÖü éñ".upper().lower(), "AZ ÄÖü éñ".casefold()]
    assert len(set(folds)) == 1  # the case functions agree on it: no guess between them
    table = "def yes(v):\n    return v.lower() in ('yes', 'on')\n"
    assert "AZ ÄÖü éñ" not in harvest(table, "yes")["v"]  # compared with a table: the table's forms

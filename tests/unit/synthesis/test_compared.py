"""compared.harvest: constants the seed compares a parameter (or a value computed from it) with,
in the forms the code reads them."""

from __future__ import annotations

from aceforge.synthesis.compared import harvest

MATH = """def validate(value):
    formats = ('html', 'latex')
    values = value.split(maxsplit=1)
    fmt = values[0].lower()
    if fmt not in formats:
        raise LookupError(value)
    return fmt
"""


def test_direct_comparisons_as_before() -> None:
    src = "def f(align, n):\n    if align == 'center' and n > 100:\n        return 1\n    return 0\n"
    assert harvest(src, "f") == {"align": ["center"], "n": [100]}


def test_a_value_computed_from_a_parameter_counts_for_it_in_the_forms_the_code_reads() -> None:
    got = harvest(MATH, "validate")["value"]
    assert got[:4] == ["html", "HTML", "Html", "html Ab Cd"]  # case-folded, and split into words
    assert "latex" in got and "LATEX" in got


def test_membership_in_a_derived_value_is_no_value_of_it() -> None:
    src = "def norm(options):\n    out = options.copy()\n    if 'class' in out:\n        return 1\n    return 0\n"
    assert harvest(src, "norm") == {}  # 'class' is a key of `options`, not a value for it
    nums = "def f(n):\n    m = n * 2\n    if m > 10:\n        return 1\n    return 0\n"
    assert harvest(nums, "f") == {}  # numbers compared with a computed value say little about n


def test_prefixes_and_suffixes_the_code_tests_for() -> None:
    src = (
        "def unq(etag):\n    weak = etag.startswith(('W/', 'w/'))\n    if etag.endswith('\"'):\n"
        "        return etag[:-1], weak\n    return etag, weak\n"
    )
    # doubled first: 'W/W/' and 'w/w/' answer differently, so each keeps a test of its own
    assert harvest(src, "unq") == {"etag": ["W/W/", "w/w/", "W/", "w/", '""', '"']}


def test_keys_of_a_local_table_the_parameter_is_looked_up_in() -> None:
    src = (
        "def norm(letter):\n    aliases = {'alpha': 'a', 'c': 'rc'}\n    letter = letter.lower()\n"
        "    return aliases.get(letter, letter)\n"
    )
    # re-bound to its lower-case form: each key also in the forms that read as it
    # (its case changed before the lookup: the text handled_text adds for that comes last)
    assert harvest(src, "norm") == {"letter": ["alpha", "ALPHA", "Alpha", "c", "C", "AZ ÄÖü éñ"]}
    raw = "def f(k):\n    units = {'kb': 1000, 'mb': 10**6}\n    return units[k] if k in units else 0\n"
    assert harvest(raw, "f") == {"k": ["kb", "mb"]}  # looked up and tested for membership: once
    assert harvest("def g(k):\n    d = {'a': 1}\n    return d.get('a')\n", "g") == {}  # not looked up with k


def test_text_the_code_replaces_splits_on_or_strips_is_an_input_of_its_own() -> None:
    src = (
        "def escape(s, quote=True):\n    s = s.replace('&', '&amp;')\n    s = s.replace('<', '&lt;')\n"
        "    if quote:\n        s = s.replace('\"', '&quot;')\n    return s\n"
    )
    # '&amp;' holds what it replaces: text already escaped is an input; '"' handled: so are
    # the other quote characters
    assert harvest(src, "escape") == {"s": ["&", "<", '"', "&amp;", "'", "`"]}
    parts = "def f(v):\n    rest = v.partition('=')[2]\n    return rest.strip(' \"'), v.split(' ')\n"
    # whitespace alone is left out (correct code may treat it otherwise where the docstring is
    # silent); the characters stripped from a local computed from v count for v
    assert harvest(parts, "f") == {"v": ["=", ' "']}


def test_code_chars_are_the_characters_of_the_texts_not_the_numeric_notations() -> None:
    from aceforge.synthesis.compared import NUMERIC_TEXT, code_chars

    assert code_chars(["&", '""', 3, "ab"]) == '"&ab'
    assert code_chars(list(NUMERIC_TEXT)) == ""

"""The edge catalogue: known edges per type, each kept only inside the stated domain."""

from __future__ import annotations

from aceforge.synthesis.compared import RADIX_VALUES, format_values, harvest
from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.edges import doc_texts, edge_calls, guesses, read_as
from aceforge.synthesis.prose import doc_types, read_prose
from aceforge.synthesis.signature import params_of


def space(src: str, entry: str, calls: list[str], doc: str = "") -> InputSpace:
    params = params_of(src, entry)
    return InputSpace.build(entry, params, calls, read_prose(doc, params))


def test_list_edges_empty_single_duplicate_unsorted() -> None:
    sp = space("def f(xs: list) -> int:\n    pass\n", "f", ["f([3, 1, 2])", "f([])"])
    calls = edge_calls(sp, ["f([3, 1, 2])"])
    for want in ("f([3])", "f([3, 1, 2, 3])", "f([3, 3, 3])", "f([2, 1, 3])", "f([0, 1, 2])"):
        assert want in calls, want
    assert "f([])" in calls  # the examples show an empty list is valid


def test_edges_stay_in_the_domain() -> None:
    nonempty = space("def f(xs: list) -> int:\n    pass\n", "f", ["f([3, 1, 2])"], "xs is a non-empty list.")
    assert "f([])" not in edge_calls(nonempty, ["f([3, 1, 2])"])
    sorted_ = space("def f(xs: list) -> int:\n    pass\n", "f", ["f([1, 2, 3])"], "Given a sorted list xs.")
    assert "f([3, 2, 1])" not in edge_calls(sorted_, ["f([1, 2, 3])"])
    binary = space(
        "def x(a: str, b: str) -> str:\n    pass\n", "x", [], "two strings consisting only of 1s and 0s"
    )
    assert all(set(c[2:-1]) <= set("01', ") for c in edge_calls(binary, ["x('01', '10')"]))
    positive = space("def g(n: int) -> int:\n    pass\n", "g", [], "Given a positive integer n.")
    ints = edge_calls(positive, ["g(5)"])
    assert "g(1)" in ints and "g(100)" in ints and "g(0)" not in ints and "g(-1)" not in ints
    assert "g(1000000)" not in ints  # no stated bound: a correct recursive program must not time out


def test_text_edges_whitespace_punctuation_non_ascii_when_allowed() -> None:
    sp = space("def f(s: str) -> str:\n    pass\n", "f", [])
    calls = edge_calls(sp, ["f('ab')"], limit=100)
    for want in ("f('')", "f(' ab ')", "f('Hello, World!')", "f('AB')"):
        assert want in calls, want
    assert "f('ÄÖü éñ')" not in calls  # the docstring never spoke of non-ASCII text
    sp.unicode = True
    assert "f('ÄÖü éñ')" in edge_calls(sp, ["f('ab')"], limit=100)
    lower = space("def f(s: str) -> str:\n    pass\n", "f", [], "s consists of lowercase letters.")
    assert all(c == c.lower() for c in edge_calls(lower, ["f('ab')"], limit=100))


def test_none_for_optional_and_guesses_from_the_alphabet() -> None:
    sp = space("from typing import Optional\ndef f(x: Optional[int]) -> int:\n    pass\n", "f", [])
    assert "f(None)" in edge_calls(sp, ["f(3)"])
    binary = space(
        "def x(a: str, b: str) -> str:\n    pass\n", "x", [], "two strings consisting only of 1s and 0s"
    )
    got = guesses(binary)
    assert got and all(binary.fits(c) for c in got)
    assert any("1" in c and "0" in c for c in got)


def test_exception_names_caps_and_iterators() -> None:
    import ast

    from aceforge.synthesis.raises import cap_exceptions, intended_exceptions, returns_iterator

    fn = ast.parse("def f(x):\n    '''Raises KeyError when x is missing.'''\n    if x < 0:\n"
                   "        raise ValueError('neg')\n    raise MyError\n").body[0]  # fmt: skip
    assert isinstance(fn, ast.FunctionDef)
    assert intended_exceptions(fn, "Raises KeyError when x is missing.") == {"ValueError", "KeyError"}
    raised = {"f(-1)": "ValueError", "f(-2)": "ValueError", "f(-3)": "ValueError"}
    assert cap_exceptions(["f(1)", "f(-1)", "f(-2)", "f(2)"], raised, 4) == ["f(1)", "f(-1)", "f(2)"]
    assert cap_exceptions(["f(-1)", "f(-2)"], raised, 8) == []  # never a suite of exceptions only
    gen = ast.parse("def g(xs):\n    yield from xs\n").body[0]
    inner = ast.parse("def h(xs):\n    def k():\n        yield 1\n    return list(k())\n").body[0]
    assert isinstance(gen, ast.FunctionDef) and isinstance(inner, ast.FunctionDef)
    assert returns_iterator(gen) and not returns_iterator(inner)


def test_text_catalogue_comes_first_whatever_the_number_of_calls() -> None:
    sp = space("def f(s: str) -> str:\n    pass\n", "f", [])
    calls = [f"f({w!r})" for w in ("abc", "hello", "a", "xy", "ab cd", "racecar", "q", "zz")]
    got = edge_calls(sp, calls, limit=20)
    assert "f('  lead and trail  ')" in got and "f('a\\tb\\nc')" in got


def test_docstring_escapes_become_string_edges() -> None:
    doc = r"Convert CRLF (\\r\\n), CR (\\r), LINE SEPARATOR (\\u2028) and NEXT LINE (\\x85) into \\n."
    assert doc_texts(doc) == ["\r\n", "\r", "\u2028", "\x85", "\n"]
    assert doc_texts("Split on commas.") == []
    sp = space("def f(text: str) -> str:\n    pass\n", "f", [])  # no examples: any text
    sp.texts = doc_texts(doc)
    calls = edge_calls(sp, ["f('ab')"], limit=100)
    assert calls[:2] == ["f('\\r\\n')", "f('\\r')"] and "f('a\\r\\nb')" in calls


def test_numeric_text_where_the_seed_parses_numbers() -> None:
    src = "def to_int(value, default: int = 0):\n    try:\n        return int(value)\n    except ValueError:\n        return default\n"
    assert harvest(src, "to_int")["value"][:2] == ["42.23", "42.73"]
    assert "value" not in harvest("def g(value):\n    return value.strip()\n", "g")


def test_a_given_separator_also_splits_the_text() -> None:
    src = "def split_tag(s: str, sep: str = '/') -> tuple:\n    pass\n"
    calls = edge_calls(space(src, "split_tag", ["split_tag('fly/NN')"]), ["split_tag('fly/NN')"], limit=100)
    assert "split_tag('fly//NN', '//')" in calls and "split_tag('fly/NN', '//')" in calls


def test_large_values_only_up_to_a_stated_bound() -> None:
    small = space("def g(n: int) -> int:\n    pass\n", "g", [])
    assert "g(100)" in edge_calls(small, ["g(5)"]) and "g(1000000)" not in edge_calls(small, ["g(5)"])
    bounded = space("def g(n: int) -> int:\n    pass\n", "g", [], "1 <= n <= 10^5")
    assert "g(100000)" in edge_calls(bounded, ["g(5)"], limit=100)


def test_graph_shaped_guesses_for_a_mapping_to_its_own_keys() -> None:
    src = "def invert(graph):\n    pass\n"
    params = doc_types(":type graph: dict(set)", params_of(src, "invert"))
    sp = InputSpace.build("invert", params, [], read_prose("", params))
    calls = guesses(sp)
    assert "invert({1: {2}, 2: {1}})" in calls and "invert({1: {1, 2}, 2: {2}})" in calls
    typed = params_of("def f(d: dict[str, list[str]]):\n    pass\n", "f")
    assert not any("{1:" in c for c in guesses(InputSpace.build("f", typed, [], read_prose("", typed))))


def test_a_string_the_seed_looks_for_is_tried_inside_text() -> None:
    src = "def quote(etag: str) -> str:\n    if '\"' in etag:\n        raise ValueError\n    return etag\n"
    sp = space(src, "quote", [])
    sp.constants = harvest(src, "quote")
    calls = edge_calls(sp, ["quote('abc')"], limit=100)
    assert "quote('a\"b')" in calls and "quote('ab\"')" in calls


def test_an_argument_emptied_where_no_example_was_empty_but_the_docstring_allows_it() -> None:
    src = "def f(s: str, n: int) -> int:\n    pass\n"
    sp = space(src, "f", ["f('ab', 3)"], "Count s.")
    assert edge_calls(sp, ["f('ab', 3)"])[:1] == ["f('', 3)"]  # first: tried before the limit
    assert not sp.fits("f('', 3)")  # the observed domain alone still rules it out
    stated = space(src, "f", ["f('ab', 3)"], "s is a non-empty string.")
    assert "f('', 3)" not in edge_calls(stated, ["f('ab', 3)"])
    assert "f('', 3)" not in edge_calls(sp, ["f('ab', 3)"], stated=False)
    two = space("def g(a: str, b: str) -> str:\n    pass\n", "g", ["g('01', '10')"], "Xor a and b.")
    assert not any("''" in c for c in edge_calls(two, ["g('01', '10')"]))  # two sized: no pairing guessed


def test_the_words_the_code_compares_with_upper_cased_and_padded() -> None:
    src = (
        "def seg(align, w):\n    if align in ['right', 'decimal']:\n        return '-' * (w - 1) + ':'\n"
        "    if align == 'center':\n        return ':' + '-' * (w - 2) + ':'\n    return '-' * w\n"
    )
    sp = space(src, "seg", [])
    sp.constants = harvest(src, "seg")
    assert read_as(sp.constants["align"])[:4] == ["RIGHT", " right ", "DECIMAL", " decimal "]
    calls = edge_calls(sp, ["seg('Hello', 5)", "seg('x', 0)"])  # the default limit
    assert "seg('RIGHT', 5)" in calls and "seg(' right ', 5)" in calls
    assert read_as(["W/", '"', "", " a "]) == [" W/ ", ' " ']  # no case to change, no blank words


def test_a_container_default_is_given_items_of_the_call_itself() -> None:
    src = "def dedup(it, already_seen=()):\n    pass\n"
    calls = edge_calls(space(src, "dedup", ["dedup('hello')"]), ["dedup('hello')"], limit=100)
    assert "dedup('hello', ('h',))" in calls and "dedup('hello', ('h', 'e'))" in calls
    listed = "def drop(xs, skip=[]):\n    pass\n"
    calls = edge_calls(space(listed, "drop", ["drop([4, 5])"]), ["drop([4, 5])"], limit=100)
    assert "drop([4, 5], [4])" in calls and "drop([4, 5], [4, 5])" in calls


def test_lists_of_texts_get_one_item_a_prefix_of_others() -> None:
    sp = space("def f(words: list) -> str:\n    pass\n", "f", ["f(['abc', 'hello', 'a'])"])
    calls = edge_calls(sp, ["f(['abc', 'hello', 'a'])"], limit=100)
    assert "f(['abc', 'abca', 'hello', 'a'])" in calls and "f(['abcb', 'abca', 'abc'])" in calls


def test_hex_formatted_numbers_cross_into_letters() -> None:
    src = 'def color(rgb):\n    r, g, b = rgb\n    return f"#{r:02x}{g:02x}{b:02x}"\n'
    assert format_values(src) == format_values("def f(n):\n    return '%X' % n\n") == RADIX_VALUES
    assert format_values("def f(n):\n    return hex(n)\n") == RADIX_VALUES
    assert format_values("def f(n):\n    return f'{n:02d} x'\n") == ()
    assert -123456 in format_values("def f(n):\n    return f'{n:,}'\n")
    assert 1234567 in format_values('def f(n):\n    """Format n with thousands separators."""\n')
    sp = space(src, "color", ["color([1, 2, 30])"])
    sp.crossings = RADIX_VALUES
    calls = edge_calls(sp, ["color([1, 2, 30])"], limit=100)
    assert "color([10, 2, 30])" in calls and "color([15, 2, 30])" in calls
    assert "color([255, 2, 30])" not in calls  # still inside the observed domain (up to 60)
    plain = edge_calls(space(src, "color", ["color([1, 2, 30])"]), ["color([1, 2, 30])"], limit=100)
    assert "color([15, 2, 30])" not in plain  # decimal code: no reason for these


def test_a_whole_number_written_as_a_float_is_numeric_text() -> None:
    src = "def pct(value):\n    v = float(value) if '.' in value else int(value)\n    return f'{v}%'\n"
    assert "2.0" in harvest(src, "pct")["value"]  # where ``:g`` or ``int()`` drops the ".0"


def test_optional_parameters_given_together_and_each_left_out() -> None:
    from aceforge.synthesis.optional_args import together

    src = "def cli(path=None, action=None, key=None, value=None):\n    pass\n"
    known = ["cli(None, None, None, None)", "cli('.env', None, None, None)", "cli(None, 'set', None, None)",
             "cli(None, None, 'K', None)", "cli(None, None, None, 'a b')", "cli(None, 'get', '', None)"]  # fmt: skip
    calls = together(space(src, "cli", known), known)
    assert calls[0] == "cli('.env', 'set', 'K', 'a b')"  # every branch nested under the others runs
    assert "cli('.env', None, 'K', 'a b')" in calls  # the key without an action
    assert "cli('.env', 'get', 'K', 'a b')" in calls  # the next value each takes
    assert together(space(src, "cli", known[:2]), known[:2]) == []  # one option only: nothing joint
    valued = "def f(a, b=0, c=1):\n    pass\n"  # defaults that are values, not absent options
    assert together(space(valued, "f", ["f('x', 2, 3)"]), ["f('x', 2, 3)"]) == []
    # In the edge calls, beside the limit (displacing none of the single-argument edges).
    assert "cli('.env', 'set', 'K', 'a b')" in edge_calls(space(src, "cli", known), known, 10)

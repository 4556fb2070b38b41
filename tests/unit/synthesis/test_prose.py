"""The docstring's prose as a domain: known phrasings → known rules, and the rules in use."""

from __future__ import annotations

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.prose import Constraint, Prose, doc_types, read_prose
from aceforge.synthesis.signature import Spec, params_of
from aceforge.synthesis.silence import silent_rules


def rules(signature: str, doc: str, silent: bool = False) -> Prose:
    entry = signature.split("(")[0]
    params = params_of(f"def {signature}:\n    pass\n", entry)
    prose = read_prose(doc, params)
    return silent_rules(doc, params, prose, None) if silent else prose


def test_character_sets_from_common_phrasings() -> None:
    xor = rules("string_xor(a: str, b: str)", "Input are two strings a and b consisting only of 1s and 0s.")
    assert xor.params["a"].chars == "01" and xor.params["b"].chars == "01"
    brackets = rules("correct_bracketing(brackets: str)", 'brackets is a string of "<" and ">".')
    assert brackets.params["brackets"].chars == "<>"
    parens = rules("f(s)", "s is a string consisting of '(' and ')' only.")
    assert parens.params["s"].chars == "()"
    lower = rules("f(word: str)", "word consists of lowercase English letters.")
    assert lower.params["word"].chars == "abcdefghijklmnopqrstuvwxyz"
    assert rules("f(s: str)", "s is a string of digits.").params["s"].chars == "0123456789"


def test_sign_ranges_and_sizes() -> None:
    pos = rules(
        "truncate_number(number: float)", "Given a positive floating point number, return its decimals."
    )
    assert pos.params["number"].low == 0 and pos.params["number"].low_open
    nonneg = rules("f(arr)", "Given an array of non-negative integers, find the peak.")
    assert nonneg.params["arr"].low == 0 and not nonneg.params["arr"].low_open
    ranged = rules("f(nums: list, k: int)", "Constraints:\n * 1 <= k <= 10^5\n * -100 <= nums[i] <= 100\n"
                   " * 1 <= len(nums) <= 20")  # fmt: skip
    assert (ranged.params["k"].low, ranged.params["k"].high) == (1, 100000)
    assert ranged.params["nums"].element == Constraint(low=-100, high=100)
    assert ranged.params["nums"].min_len == 1 and ranged.params["nums"].max_len == 20
    assert rules("f(x: list)", "x is a non-empty list of numbers.").params["x"].nonempty
    assert rules("f(xs: list)", "xs is a list of length at least two.").params["xs"].min_len == 2
    assert rules("f(xs: list)", "Given a sorted list xs, insert 3.").params["xs"].sorted_
    assert rules("f(a: str, b: str)", "Two strings of equal length.").equal_length


def test_output_sentences_and_silence_set_no_rule() -> None:
    assert rules("get_positive(l: list)", "Return only positive numbers in the list.").params == {}
    assert rules("f(s: str)", "Count the letters regardless of case.").params == {}
    gcd = rules(
        "gcd(a: int, b: int)", "Return a greatest common divisor of two integers a and b", silent=True
    )
    assert gcd.params["a"].low == 0 and gcd.params["b"].low == 0  # silent about sign: no negatives
    said = rules("f(n: int)", "n may be negative.", silent=True)
    assert "n" not in said.params


def test_constraint_allows_recursively() -> None:
    c = Constraint(chars="01", nonempty=True)
    assert c.allows("0110") and not c.allows("012") and not c.allows("")
    assert Constraint(low=0, low_open=True).allows([1, 2]) and not Constraint(low=0, low_open=True).allows(
        [0]
    )
    assert Constraint(case="lower").allows("a b!") and not Constraint(case="lower").allows("aB")
    assert Constraint(sorted_=True).allows([1, 2, 2]) and not Constraint(sorted_=True).allows([2, 1])


def test_space_uses_prose_and_drops_rules_the_examples_contradict() -> None:
    params = params_of("def string_xor(a: str, b: str) -> str:\n    pass\n", "string_xor")
    prose = read_prose("two strings consisting only of 1s and 0s", params)
    space = InputSpace.build("string_xor", params, [], prose)
    assert space.fits("string_xor('010', '110')")
    assert not space.fits("string_xor('hello', '110')") and not space.fits("string_xor('a', 'b')")
    grown = space.grow(["string_xor('010', '110')"], 12, "s")
    assert len(grown) > 5 and all(space.fits(c) for c in grown)
    # An example with a '2' shows the phrase was misread: the rule goes, the example stays valid.
    seen = InputSpace.build("string_xor", params, ["string_xor('012', '110')"], prose)
    assert seen.fits("string_xor('012', '110')") and "a" not in seen.prose.params


def test_silence_is_no_licence_unless_the_code_guards_it() -> None:
    import ast

    from aceforge.synthesis.silence import guarded, speaks_unicode

    src = "def f(n: int, s: str, xs: list):\n    if not s:\n        return 0\n    if len(xs) == 0:\n        return n\n    return n\n"
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert guarded(fn) == ({"s"}, {"s", "xs"})
    params = params_of(src, "f")
    got = silent_rules("Count things in s.", params, Prose(), fn).params
    assert got["n"] == Constraint(low=0, low_open=True)  # zero neither said nor guarded
    assert "s" not in got and "xs" not in got  # emptiness guarded by the code: in the domain
    said = silent_rules(
        "Zero gives an empty list.", params_of("def g(n: int, xs: list):\n    pass\n", "g"), Prose(), None
    )
    assert said.params["n"] == Constraint(low=0) and "xs" not in said.params
    assert (
        silent_rules("", params_of("def h(xs: list):\n    pass\n", "h"), Prose(), None).params["xs"].nonempty
    )
    assert speaks_unicode("Handles Unicode letters") and not speaks_unicode("Counts vowels")


def test_types_said_in_the_docstring() -> None:
    from aceforge.synthesis.prose import doc_types

    src = "def total_match(lst1, lst2):\n    pass\n"
    typed = doc_types("Write a function that accepts two lists of strings.", params_of(src, "total_match"))
    assert [p.spec.kind for p in typed] == ["list", "list"] and typed[0].spec.args[0].kind == "str"
    one = doc_types("Given a list of integers, sort it.", params_of("def f(arr):\n    pass\n", "f"))
    assert one[0].spec.kind == "list" and one[0].spec.args[0].kind == "int"
    graph = doc_types(":type graph: dict(set)", params_of("def g(graph):\n    pass\n", "g"))
    assert graph[0].spec.kind == "dict"


def test_a_sequence_of_named_pairs_types_the_parameter() -> None:
    src = "def ranks(scores, rank_gap=1e-15):\n    pass\n"
    params = doc_types("Given a sequence of (key, score) tuples, yields each key.", params_of(src, "ranks"))
    assert params[0].spec == Spec("list", (Spec("tuple", (Spec("str"), Spec("float"))),))
    assert params[1].spec == Spec("any")


def test_two_integers_type_a_two_parameter_function_and_nothing_else() -> None:
    def kinds(doc: str, signature: str) -> list[str]:
        entry = signature.split("(")[0]
        return [p.spec.kind for p in doc_types(doc, params_of(f"def {signature}:\n    pass\n", entry))]

    assert kinds("Return the sum of two integers.", "add(a, b)") == ["int", "int"]
    assert kinds("Compare two strings, ignoring case.", "same(x, y)") == ["str", "str"]
    assert kinds("Return the sum of two integers.", "add(a)") == ["any"]  # not two parameters
    assert kinds("Return the sum of two integers in the list.", "f(xs, k)") == ["any", "any"]
    assert kinds("Return the sum of two integers.", "f(a, b=0)") == ["any", "any"]  # one has a default


def test_a_case_the_function_maps_to_is_no_case_of_the_input() -> None:
    mapped = "Transform (only) ASCII letters to lower case: A-Z is mapped to a-z."
    assert "string" not in rules("ascii_lower(string: str)", mapped).params
    assert "s" not in rules("f(s: str)", "Turn s into uppercase letters.").params
    assert rules("f(s: str)", "s is a lowercase string.").params["s"].case == "lower"  # said of s

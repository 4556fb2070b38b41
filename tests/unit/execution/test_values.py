import math
from collections import Counter, OrderedDict, defaultdict, namedtuple

import pytest

from aceforge.execution.values import (
    Malformed,
    Unserializable,
    decode,
    encode,
    normalize_output,
    values_equal,
)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -5,
        2**70,
        -(2**100),
        1.5,
        -0.0,
        "héllo\udc80",
        b"\x00\xff",
        1 + 2j,
        [1, [2, (3, 4)]],
        (),
        (1,),
        {1, 2},
        frozenset({"a"}),
        {"k": [1, {2: (3,)}]},
        {(1, 2): None},
    ],
)
def test_round_trip_keeps_type_and_value(value):
    back = decode(encode(value))
    assert type(back) is type(value)
    assert back == value


def test_non_finite_floats_round_trip():
    assert math.isnan(decode(encode(float("nan"))))
    assert decode(encode(float("inf"))) == math.inf
    assert decode(encode(-math.inf)) == -math.inf


def test_builtin_subclasses_are_read_through_the_base_type():
    class Liar(str):
        def __eq__(self, other):
            return True

        def __str__(self):
            return "expected"

        __hash__ = str.__hash__

    class Evil(list):
        def __iter__(self):
            return iter([42])

    assert decode(encode(Liar("wrong"))) == "wrong"
    assert decode(encode(Evil([1, 2]))) == [1, 2]
    point = namedtuple("Point", "x y")(1, 2)
    assert decode(encode(point)) == (1, 2)
    assert decode(encode(OrderedDict(a=1))) == {"a": 1}
    assert decode(encode(defaultdict(int, a=1))) == {"a": 1}
    assert decode(encode(Counter("aab"))) == {"a": 2, "b": 1}


def test_user_objects_and_deep_nesting_are_unserializable():
    class Anything:
        def __eq__(self, other):
            return True

    with pytest.raises(Unserializable, match="Anything"):
        encode(Anything())
    deep: list = []
    for _ in range(500):
        deep = [deep]
    with pytest.raises(Unserializable):
        encode(deep)
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(Unserializable):
        encode(cyclic)
    with pytest.raises(Unserializable, match="too large"):
        encode(list(range(100)), max_nodes=50)


@pytest.mark.parametrize(
    "bad", [{"Z": 1}, {"S": [[1]]}, {"B": "!!"}, {"X": "zz"}, {"X": 5}, {"T": 1, "S": 2}, {"I": "xyz"}]
)
def test_decode_rejects_forged_data(bad):
    with pytest.raises(Malformed):
        decode(bad)


@pytest.mark.parametrize(
    "actual, expected, equal",
    [
        (True, 1, False),
        (1, True, False),
        (True, True, True),
        (0, False, False),
        (2, 2.0, True),
        (0.1 + 0.2, 0.3, True),
        (0.3001, 0.3, False),
        ([1, 2], (1, 2), False),
        ((1, 2), (1, 2), True),
        ([1, [2]], [1, [2.0]], True),
        ([True], [1], False),
        ({"a": 1}, {"a": 1.0}, True),
        ({"a": True}, {"a": 1}, False),
        (float("nan"), float("nan"), True),
        (float("inf"), float("inf"), True),
        (float("inf"), 1e308, False),
        ({1, 2}, {2, 1}, True),
        ({1}, frozenset({1}), False),
        ("a", b"a", False),
        (None, 0, False),
        (1 + 0j, 1, True),
        (1 + 1e-12j, 1, False),
    ],
)
def test_strict_equality(actual, expected, equal):
    assert values_equal(actual, expected) is equal


def test_tolerance_is_configurable():
    assert not values_equal(1.0, 1.001)
    assert values_equal(1.0, 1.001, rel_tol=1e-2)
    assert values_equal(0.0, 1e-7, abs_tol=1e-6)


def test_output_normalisation_ignores_only_trailing_whitespace():
    assert normalize_output("1 2  \n3\r\n\n\n") == normalize_output("1 2\n3")
    assert normalize_output("1\n2\n") != normalize_output("1\n")  # never a prefix match
    assert normalize_output(" 1") != normalize_output("1")


def test_bytes_travel_as_hex_and_base64_from_older_caches_still_decodes():
    assert encode(b"\x00ab") == {"X": "006162"}
    assert decode({"X": "006162"}) == b"\x00ab"
    assert decode({"B": "AGFi"}) == b"\x00ab"

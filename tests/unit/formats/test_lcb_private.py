"""LiveCodeBench private tests: base64 → zlib → data-only pickle → JSON, with a size cap."""

from __future__ import annotations

import base64
import json
import os
import pickle
import zlib

import pytest

from aceforge.formats.lcb_private import RefusedPickle, decode_private_tests, load_data_pickle


def _encode(value: object, protocol: int = 4) -> str:
    return base64.b64encode(zlib.compress(pickle.dumps(value, protocol=protocol))).decode()


def test_a_pickled_json_string_decodes_to_its_value() -> None:
    cases = [{"input": "1 2\n", "output": "3\n", "testtype": "stdin"}]
    assert decode_private_tests(_encode(json.dumps(cases))) == cases


def test_a_pickled_bytes_value_is_read_as_utf8_json() -> None:
    assert decode_private_tests(_encode(b"[1, 2]")) == [1, 2]


def test_plain_data_of_every_container_kind_loads() -> None:
    value = {"a": [1, 2.5, None, True], "b": (b"x", "y"), "c": {3}}
    for protocol in (4, 5):  # < 3 pickles bytes via _codecs.encode, 3 sets via builtins.set
        assert load_data_pickle(pickle.dumps(value, protocol=protocol)) == value


class _Boom:
    def __reduce__(self) -> tuple:
        return (os.system, ("true",))


def test_a_pickle_naming_a_global_is_refused() -> None:
    with pytest.raises(RefusedPickle, match="system"):
        load_data_pickle(pickle.dumps(_Boom()))
    with pytest.raises(ValueError, match=r"^refused: "):
        decode_private_tests(_encode(_Boom()))


def test_a_non_string_pickle_is_an_error_naming_its_type() -> None:
    with pytest.raises(ValueError, match="holds a list, expected a JSON string"):
        decode_private_tests(_encode([1]))


@pytest.mark.parametrize(
    ("payload", "step"),
    [
        ("%%%", "not a pickle"),  # lenient base64 reads nothing, so the pickle is empty
        (base64.b64encode(b"not compressed").decode(), "not zlib data"),
        (base64.b64encode(zlib.compress(b"\x80\x04garbage")).decode(), "not a pickle"),
        (_encode("{not json"), "not JSON"),
    ],
)
def test_each_failing_step_is_named(payload: str, step: str) -> None:
    with pytest.raises(ValueError, match=step):
        decode_private_tests(payload)


def test_output_past_the_limit_is_refused_and_under_it_loads() -> None:
    payload = _encode(json.dumps("x" * 10_000))
    with pytest.raises(ValueError, match="more than 1000 bytes"):
        decode_private_tests(payload, limit=1000)
    assert decode_private_tests(payload, limit=100_000) == "x" * 10_000

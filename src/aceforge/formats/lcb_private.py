"""LiveCodeBench's compressed private tests: base64 → zlib → pickle → a JSON string.

The stock unpickler runs whatever a pickle names (``os.system`` through ``__reduce__``), so
these are read with an unpickler that resolves no global at all: a pickle of plain strings,
bytes, numbers and containers loads, anything that would import or call is refused before it
runs. Decompression is capped, so a zlib bomb cannot exhaust memory.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import pickle
import zlib
from typing import Any

MAX_DECOMPRESSED_BYTES = 1 << 30


class RefusedPickle(pickle.UnpicklingError):
    """The pickle names a global (a class or function): it is code, not data."""


class _DataOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise RefusedPickle(f"the pickle asks for {module}.{name}: only plain data is accepted")

    def persistent_load(self, pid: Any) -> Any:
        raise RefusedPickle("the pickle uses a persistent id: only plain data is accepted")


def load_data_pickle(data: bytes) -> Any:
    """Unpickle plain data only (str, bytes, numbers, None, bool, list, tuple, dict, set)."""
    return _DataOnlyUnpickler(io.BytesIO(data)).load()


def _inflate(data: bytes, limit: int) -> bytes:
    d = zlib.decompressobj()
    out = d.decompress(data, limit)
    if d.unconsumed_tail:
        raise ValueError(f"decompresses to more than {limit} bytes")
    return out + d.flush()


def decode_private_tests(text: str, limit: int = MAX_DECOMPRESSED_BYTES) -> Any:
    """The JSON value inside LiveCodeBench's ``private_test_cases`` string.

    Raises ValueError naming the step that failed (base64, zlib, pickle, JSON); a pickle that
    would import or call anything is "refused" before any of it runs.
    """
    try:
        raw = base64.b64decode(text.encode("utf-8"), validate=False)
    except (binascii.Error, ValueError) as e:
        raise ValueError(f"not base64: {e}") from None
    try:
        pickled = _inflate(raw, limit)
    except zlib.error as e:
        raise ValueError(f"not zlib data: {e}") from None
    try:
        value = load_data_pickle(pickled)
    except RefusedPickle as e:
        raise ValueError(f"refused: {e}") from None
    except Exception as e:  # truncated or corrupt pickles raise many types
        raise ValueError(f"not a pickle: {type(e).__name__}: {e}") from None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        raise ValueError(f"the pickle holds a {type(value).__name__}, expected a JSON string")
    try:
        return json.loads(value)
    except json.JSONDecodeError as e:
        raise ValueError(f"the unpickled string is not JSON: {e.msg}") from None

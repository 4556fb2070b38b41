"""Length-prefixed JSON frames between the parent, the fork servers and their children.

JSON only for everything a child sends: nothing from a child is ever unpickled or
unmarshalled, and its frames are size-capped and validated before use. (The one message in
the other, trusted direction, a fork server's job spec to a child, is marshalled.)
"""

from __future__ import annotations

import json
import json.scanner
import os
import struct
from collections.abc import Callable, Iterable
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 64 << 20


class ProtocolError(Exception):
    pass


def _unencodable(obj: object) -> Any:
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


# The C encoder, built once and called directly: json.dumps would build an encoder and run
# two Python layers per frame, and in a freshly forked child every page those touch is a
# page copy. Frames are trees (no cycle check needed).
def _frame_encoder() -> Callable[[Any], Iterable[str]]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator in this build
        return json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).iterencode
    encoder = make(None, _unencodable, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda obj: encoder(obj, 0)


_chunks = _frame_encoder()


def dumps(obj: Any) -> str:
    """Compact JSON text (not ASCII-escaped), by the encoder built once."""
    return "".join(_chunks(obj))


def pack(obj: Any) -> bytes:
    raw = dumps(obj).encode("utf-8", "surrogatepass")
    return HEADER.pack(len(raw)) + raw


def write_all(fd: int, data: bytes) -> None:
    n = os.write(fd, data)
    if n < len(data):  # a full pipe: rare, so the common case makes no memoryview
        view = memoryview(data)[n:]
        while view:
            view = view[os.write(fd, view) :]


# json's C scanner, called directly: json.loads adds three Python calls and two regex
# matches per frame. A frame must be exactly one JSON value (no surrounding whitespace).
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed: a context


def _decode(raw: bytes) -> Any:
    text = raw.decode("utf-8", "surrogatepass")
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise ValueError("no JSON value") from None
    if end != len(text):
        raise ValueError("extra data after the JSON value")
    return value


class FrameReader:
    """Accumulates bytes from a non-blocking pipe and yields complete frames."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self.buf = bytearray()
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[Any]:
        self.buf += data
        frames: list[Any] = []
        while len(self.buf) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buf)
            if size > self.max_frame:
                raise ProtocolError(f"frame of {size} bytes exceeds {self.max_frame}")
            if len(self.buf) < HEADER.size + size:
                break
            raw = bytes(self.buf[HEADER.size : HEADER.size + size])
            del self.buf[: HEADER.size + size]
            try:
                frames.append(_decode(raw))
            except (ValueError, RecursionError) as e:
                raise ProtocolError(f"undecodable frame: {type(e).__name__}") from None
        return frames

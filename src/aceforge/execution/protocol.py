"""Length-prefixed JSON frames between the parent, the fork servers and their children.

JSON only: nothing that crosses a process boundary is ever unpickled, and a frame from an
untrusted child is size-capped and validated before use.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 64 << 20


class ProtocolError(Exception):
    pass


# Built once: json.dumps with options constructs an encoder per call, which costs children
# (every fresh page touched after fork is a page copy) more than the encoding itself.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def pack(obj: Any) -> bytes:
    data = _encode(obj).encode("utf-8", "surrogatepass")
    return HEADER.pack(len(data)) + data


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


class FrameReader:
    """Accumulates bytes from a non-blocking pipe and yields complete frames."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self.buf = bytearray()
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[Any]:
        return [obj for obj, _ in self.feed_raw(data)]

    def feed_raw(self, data: bytes) -> list[tuple[Any, bytes]]:
        """Like feed, with each frame's encoded bytes (to pass it on without re-encoding)."""
        self.buf += data
        frames = []
        while len(self.buf) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buf)
            if size > self.max_frame:
                raise ProtocolError(f"frame of {size} bytes exceeds {self.max_frame}")
            if len(self.buf) < HEADER.size + size:
                break
            raw = bytes(self.buf[HEADER.size : HEADER.size + size])
            del self.buf[: HEADER.size + size]
            try:
                frames.append((json.loads(raw.decode("utf-8", "surrogatepass")), raw))
            except (ValueError, RecursionError) as e:
                raise ProtocolError(f"undecodable frame: {type(e).__name__}") from None
        return frames

"""Fork server pieces on their own: output capture reads, the typing pre-warm, and the hello
it answers with when it cannot start (a real process)."""

from __future__ import annotations

import os
import subprocess
import sys

from aceforge.execution.forkserver import _prewarm_typing, _read
from aceforge.execution.frames import FrameReader


def _memfd(data: bytes) -> int:
    fd = os.memfd_create("t")
    os.write(fd, data)
    return fd


def test_read_head_or_tail_within_the_limit() -> None:
    fd = _memfd(b"0123456789")
    try:
        assert _read(fd, 4, tail=False) == "0123"
        assert _read(fd, 4, tail=True) == "6789"
        assert _read(fd, 100, tail=True) == "0123456789"
    finally:
        os.close(fd)
    empty = _memfd(b"")
    try:
        assert _read(empty, 10, tail=True) == ""
    finally:
        os.close(empty)
    bad = _memfd("é".encode() + b"\xff")
    try:
        assert _read(bad, 10, tail=False) == "é\ufffd"  # undecodable bytes replaced, not raised
    finally:
        os.close(bad)


def test_prewarm_typing_fills_typing_caches() -> None:
    code = (
        "import typing\nfrom aceforge.execution.forkserver import _prewarm_typing\n"
        "_prewarm_typing()\nprint(typing.List[typing.Dict[str, int]] == typing.List[typing.Dict[str, int]])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "True"
    _prewarm_typing()  # idempotent in this process too


def test_a_bad_isolation_level_answers_a_hello_with_the_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aceforge.execution.forkserver", "loose", "{}"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [hello] = FrameReader().feed(done.stdout)
    assert hello["ev"] == "hello" and "isolation must be one of" in hello["error"]

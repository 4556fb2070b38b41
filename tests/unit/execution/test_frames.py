"""The frame codec round-trips what the engine sends and refuses what a child could forge; the
schema's helpers pass on only the keys the parent reads."""

from __future__ import annotations

import os

import pytest

from aceforge.execution import frames
from aceforge.execution.frames import HEADER, FrameError, FrameReader, pack, write_all


def test_frames_round_trip_whole_and_byte_by_byte() -> None:
    sent = [
        {"k": "test", "i": 3, "o": "value", "v": [{"v": {"T": [1, "é", None]}}, {"u": "why"}], "ts": 1.5},
        {"k": "done", "ts": 2.0},
        {"ev": "done", "job": 7, "events": [], "stdout": "line\n\udcff", "t": 0.25},  # a lone surrogate
    ]
    data = b"".join(pack(f) for f in sent)
    assert FrameReader().feed(data) == sent
    reader = FrameReader()
    got = [f for i in range(len(data)) for f in reader.feed(data[i : i + 1])]
    assert got == sent
    assert not reader.buf  # nothing left over


def test_an_oversized_frame_is_refused_before_it_is_read() -> None:
    reader = FrameReader(max_frame=10)
    with pytest.raises(FrameError, match="exceeds 10"):
        reader.feed(HEADER.pack(11))  # the header alone: the body never needs to arrive


@pytest.mark.parametrize(
    "body",
    [b"", b'{"k": ', b"[1] [2]", b" 1", b"nope", b"[" * 100_000 + b"]" * 100_000],
    ids=["empty", "truncated", "two-values", "leading-space", "not-json", "too-deep"],
)
def test_a_frame_that_is_not_exactly_one_json_value_is_refused(body: bytes) -> None:
    with pytest.raises(FrameError, match="undecodable frame"):
        FrameReader().feed(HEADER.pack(len(body)) + body)


def test_write_all_completes_a_write_larger_than_a_pipe_holds() -> None:
    r, w = os.pipe()
    os.set_blocking(r, False)
    data = pack({"out": "x" * (1 << 18)})  # 4x a pipe's 64 KiB
    reader = FrameReader()
    got: list[object] = []
    pid = os.fork()
    if pid == 0:  # the writer blocks on a full pipe until the reader drains it
        os.close(r)
        write_all(w, data)
        os._exit(0)
    os.close(w)
    while not got:
        try:
            got = reader.feed(os.read(r, 1 << 16))
        except BlockingIOError:
            os.waitpid(pid, os.WNOHANG)
    os.waitpid(pid, 0)
    os.close(r)
    assert got == [{"out": "x" * (1 << 18)}]


def test_unencodable_values_raise_instead_of_sending_a_partial_frame() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        pack({"v": object()})


@pytest.mark.parametrize(
    ("frame", "kind"),
    [
        ({"k": "test", "i": 0}, "test"),
        ({"k": "import"}, "import"),
        ({}, None),
        ([1], None),
        ("done", None),
        (3, None),
    ],
)
def test_report_kind_reads_only_dicts(frame: object, kind: str | None) -> None:
    assert frames.report_kind(frame) == kind


def test_a_test_event_carries_only_what_the_parent_reads() -> None:
    report = {"k": "test", "i": 9, "o": "value", "v": [{"v": 1}], "d": "x", "ts": 5.0, "junk": 1}
    event = frames.event_for_test(4, 2, report, 0.5)  # type: ignore[arg-type]
    # The index is the one the server expected, the time the server's own.
    assert event == {"ev": "test", "job": 4, "i": 2, "o": "value", "t": 0.5, "v": [{"v": 1}], "d": "x"}
    stdio = frames.event_for_test(4, 0, {"o": "stdio", "out": "hi"}, 0.1)
    assert stdio["out"] == "hi" and "v" not in stdio


@pytest.mark.parametrize(
    ("outcome", "stops"),
    [
        ("value", False),
        ("passed", False),
        ("stdio", False),
        ("failed", True),
        ("error", True),
        ("timeout", True),
    ],
)
def test_a_fail_fast_job_stops_at_an_outcome_that_cannot_pass(outcome: str, stops: bool) -> None:
    assert frames.stops_fail_fast({"ev": "test", "job": 0, "i": 0, "o": outcome, "t": 0.0}) is stops


def test_the_outcomes_a_child_may_report_exclude_the_servers_own() -> None:
    # "crashed" and "stdio" are the server's words: a child claiming them breaks the protocol.
    assert "crashed" not in frames.CHILD_OUTCOMES and "stdio" not in frames.CHILD_OUTCOMES
    assert {"value", "passed", "failed", "error", "timeout", "memory", "ran"} == frames.CHILD_OUTCOMES

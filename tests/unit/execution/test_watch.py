"""The fork server's watch over one child: reports taken in order, anything else ends the
child as malformed, deadlines are the server's own, and the job's events reach the parent
batched (or streamed when it fails fast)."""

from __future__ import annotations

import time
from typing import Any

from aceforge.execution import frames
from aceforge.execution.sandbox import Isolation
from aceforge.execution.watch import JobReport, SegmentWatch, _clamp, grace


class ScriptedChild:
    """Stands in for ``child.Child`` (the server's own seam): hands out `batches` of reports,
    then either exits (`exit_detail`) or hangs."""

    def __init__(self, *batches: list[Any], exit_detail: str | None = None) -> None:
        self.batches = list(batches)
        self.exit_detail = exit_detail
        self.ended: str | None = None  # "released" | "killed" | "reaped"

    def wait(self, timeout_s: float) -> bool:
        if not self.batches:
            time.sleep(timeout_s)
        return False

    def read_frames(self) -> list[Any]:
        return self.batches.pop(0) if self.batches else []

    def exited(self) -> bool:
        return not self.batches and self.exit_detail is not None

    def release(self, iso: Isolation) -> None:
        self.ended = "released"

    def kill(self, iso: Isolation) -> str:
        self.ended = "killed"
        return "killed by SIGKILL"

    def reap(self, iso: Isolation) -> str:
        self.ended = "reaped"
        return self.exit_detail or ""


class Server:
    def __init__(self) -> None:
        self.iso = Isolation("minimal")
        self.aborted: set[int] = set()

    def pump_parent(self) -> bool:
        return True


def _job(n_tests: int, fail_fast: bool = False, timeout_s: float = 1.0) -> frames.RunFrame:
    limits: frames.WireLimits = {
        "timeout_s": [timeout_s] * n_tests,
        "import_timeout_s": timeout_s,
        "memory_mb": 512,
        "max_processes": 8,
        "max_open_files": 64,
        "max_file_mb": 1,
        "max_output_bytes": 8,
        "max_value_bytes": 1 << 20,
    }
    tests: list[frames.TestSpec] = [{"k": "eval", "x": ["f()"]} for _ in range(n_tests)]
    return {"op": "run", "job": 5, "program": "", "tests": tests, "limits": limits,
            "fail_fast": fail_fast, "child_per_test": False, "fallback": False, "seed": 0}  # fmt: skip


def _watch(
    child: ScriptedChild, job: frames.RunFrame, seg: list[int], server: Server | None = None
) -> tuple[SegmentWatch, JobReport, list[frames.ServerEvent]]:
    emitted: list[frames.ServerEvent] = []
    report = JobReport(5, job, emitted.append)
    watch = SegmentWatch(server or Server(), child, report, seg, time.monotonic())  # type: ignore[arg-type]
    return watch, report, emitted


IMPORT_OK = {"k": "import", "status": "ok", "ts": 0.0}


def _test(i: int, o: str = "value", **keys: Any) -> dict[str, Any]:
    return {"k": "test", "i": i, "o": o, "ts": 0.0, **keys}


def test_reports_in_order_finish_the_segment_and_release_the_child() -> None:
    child = ScriptedChild([IMPORT_OK, _test(0, v=[{"v": 1}])], [_test(1, "passed"), {"k": "done"}])
    watch, report, emitted = _watch(child, _job(3), [0, 1])
    assert watch.run() == 2  # the next test to run
    assert child.ended == "released" and not emitted  # batched, not streamed
    assert [(e["ev"], e.get("i"), e.get("o")) for e in report.events] == [
        ("status", None, None), ("test", 0, "value"), ("test", 1, "passed")]  # fmt: skip
    assert report.events[1]["v"] == [{"v": 1}]  # type: ignore[typeddict-item]
    assert not report.stopped and report.rest is None


def test_a_program_that_does_not_import_ends_the_job() -> None:
    child = ScriptedChild([{"k": "import", "status": "import_error", "error": "NameError: x"}])
    watch, report, _ = _watch(child, _job(2), [0, 1])
    assert watch.run() == 2
    assert report.events == [{"ev": "status", "job": 5, "status": "import_error", "error": "NameError: x"}]
    assert report.stopped and child.ended == "killed"


def test_a_report_out_of_order_ends_the_child_as_malformed() -> None:
    for forged in (_test(1), _test(0, "crashed"), ["not", "a", "report"], {"k": "done"}, IMPORT_OK):
        child = ScriptedChild([IMPORT_OK, forged])
        watch, report, _ = _watch(child, _job(3), [0, 1, 2])
        assert watch.run() == 1, forged
        event = report.events[-1]
        assert (event["o"], event["d"]) == ("crashed", "malformed result frame")  # type: ignore[typeddict-item]
        assert report.rest == 1  # the tests after it go back to the parent, each in a fresh child


def test_a_hang_is_cut_at_the_servers_deadline() -> None:
    child = ScriptedChild([IMPORT_OK])  # then silent
    watch, report, _ = _watch(child, _job(2, timeout_s=0.05), [0, 1])
    started = time.monotonic()
    assert watch.run() == 1
    assert time.monotonic() - started >= 0.05 + grace(0.05) - 0.01
    event = report.events[-1]
    assert (event["i"], event["o"], event["d"]) == (0, "timeout", "hard deadline")  # type: ignore[typeddict-item]
    assert report.rest == 1 and child.ended == "killed"


def test_a_child_that_dies_before_importing_crashes_the_job() -> None:
    child = ScriptedChild(exit_detail="exit code 1")
    watch, report, _ = _watch(child, _job(1), [0])
    assert watch.run() == 1
    assert report.events == [{"ev": "status", "job": 5, "status": "crashed", "error": "exit code 1"}]
    assert child.ended == "reaped"


def test_a_reported_timeout_leaves_the_rest_to_the_parent() -> None:
    child = ScriptedChild([IMPORT_OK, _test(0, "timeout", d="SoftTimeout")], exit_detail="exit code 0")
    watch, report, _ = _watch(child, _job(3), [0, 1, 2])
    assert watch.run() == 3
    assert report.rest == 1 and report.stopped
    assert report.done_event(0.5)["rest"] == 1


def test_an_aborted_job_stops_at_once() -> None:
    server = Server()
    server.aborted.add(5)
    child = ScriptedChild([IMPORT_OK])
    watch, report, _ = _watch(child, _job(2), [0, 1], server)
    assert watch.run() == 2 and report.stopped and child.ended == "killed"


def test_a_fail_fast_job_streams_its_events_and_stops_at_a_failure() -> None:
    child = ScriptedChild([IMPORT_OK, _test(0, "passed"), _test(1, "failed", d="AssertionError")])
    watch, report, emitted = _watch(child, _job(3, fail_fast=True), [0, 1, 2])
    assert watch.run() == 3
    assert [e.get("o") for e in emitted] == [None, "passed", "failed"] and not report.events
    assert report.stopped and report.rest is None  # fail-fast: the rest is not_run, not spread


def test_a_stdio_run_is_kept_for_its_output_not_emitted() -> None:
    child = ScriptedChild([IMPORT_OK, _test(0, "ran"), {"k": "done"}])
    watch, report, _ = _watch(child, _job(1), [0])
    assert watch.run() == 1
    assert watch.stdio_ran is not None and [e["ev"] for e in report.events] == ["status"]


def test_output_tails_and_the_done_event() -> None:
    report = JobReport(5, _job(1), lambda e: None)
    report.add_output("0123456789", "ab")
    report.add_output("xy", "")
    done = report.done_event(0.25)
    assert (done["stdout"], done["stderr"], done["t"]) == ("456789xy", "ab", 0.25)  # max_output_bytes = 8
    assert "rest" not in done  # only after a hang


def test_a_childs_timestamps_are_clamped_to_what_the_server_saw() -> None:
    assert _clamp(5.0, 1.0, 3.0) == 3.0
    assert _clamp(0.5, 1.0, 3.0) == 1.0
    assert _clamp(2.0, 1.0, 3.0) == 2.0
    assert _clamp("2.0", 1.0, 3.0) == 3.0 and _clamp(2, 1.0, 3.0) == 3.0

"""The parent side of the engine: a pool of fork servers fed from one thread.

``LocalExecutor.run(jobs)`` streams ``ExecResult``s as jobs finish. Expected values stay in
this process: workers get only what must run in the sandbox (see ``plan``), and every verdict
is computed here from the data a child sent back.
"""

from __future__ import annotations

import itertools
import os
import selectors
import subprocess
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from aceforge.errors import ConfigError
from aceforge.execution.base import BaseExecutor
from aceforge.execution.frames import (
    ControlFrame,
    DoneEvent,
    FrameError,
    RunFrame,
    ServerEvent,
    TestEvent,
    pack,
)
from aceforge.execution.jobspec import planned, wire_limits
from aceforge.execution.plan import Plan
from aceforge.execution.sandbox import ISOLATION_LEVELS
from aceforge.execution.verdict import verdict
from aceforge.execution.workers import Worker, await_hello, launch_worker, retire
from aceforge.types import ExecResult, Job, TestOutcome

PIPELINE_DEPTH = 2  # jobs queued per worker, so a worker never waits for the parent


@dataclass
class _Track:
    job: Job
    plans: Sequence[Plan]
    worker: Worker
    outcomes: list[TestOutcome | None]
    status: str | None = None
    error: str | None = None
    stopped_at: int | None = None  # fail-fast: first test that did not pass
    attempts: int = 1
    unqueue_sent: bool = False
    part_of: _Spread | None = None  # one of the tests left after a hang: where its result goes
    index: int = 0  # that test's index in the job it came from


@dataclass
class _Spread:
    """A job whose tests after a hang (or crash) run one per job, on any worker: what its
    first part returned, and the parts still out."""

    track: _Track
    stdout: str
    stderr: str
    duration: float
    waiting: int
    parts: dict[int, ExecResult] = field(default_factory=dict)


class LocalExecutor(BaseExecutor):
    """Runs jobs on `workers` fork servers on this machine.

    isolation: "auto" uses every layer the host allows and reports which; "strict" refuses to
    start without uid separation and namespaces; "minimal" uses rlimits and hygiene only.
    """

    def __init__(
        self, workers: int | None = None, isolation: str = "auto", rel_tol: float = 1e-9, abs_tol: float = 0.0
    ) -> None:
        if isolation not in ISOLATION_LEVELS:
            raise ConfigError(f"isolation must be one of {', '.join(ISOLATION_LEVELS)}; got {isolation!r}")
        self.n_workers = workers or os.cpu_count() or 1
        if self.n_workers < 1:
            raise ConfigError("workers must be at least 1")
        self.isolation, self.rel_tol, self.abs_tol = isolation, rel_tol, abs_tol
        self.workers: list[Worker] = []
        self.selector = selectors.DefaultSelector()
        self._ids = itertools.count()
        self.tracks: dict[int, _Track] = {}
        self.spread: deque[tuple[Job, _Spread, int]] = deque()  # parts not yet submitted
        self._loading: list[subprocess.Popen[bytes]] = []  # launched, hello not read yet

    # ---- lifecycle ---------------------------------------------------------------------------
    def launch(self) -> None:
        """Start every fork server loading (~0.1 s each) without waiting for it, so the caller
        can read its input meanwhile; `start` (or the first run) waits for them."""
        if not self.workers and not self._loading:
            self._loading = [self._launch() for _ in range(self.n_workers)]

    def start(self) -> None:
        """Launch every fork server at once (unless `launch` did), then await each hello."""
        if self.workers:
            return
        self.launch()
        procs, self._loading = self._loading, []
        try:
            for proc in procs:
                self.workers.append(self._await_hello(proc))
        except BaseException:
            self.close()
            for proc in procs[len(self.workers) :]:
                proc.kill()
                proc.wait()
            raise

    @property
    def isolation_report(self) -> dict[str, object]:
        self.start()
        return dict(self.workers[0].isolation)

    def _spawn(self) -> Worker:
        return self._await_hello(self._launch())

    def _launch(self) -> subprocess.Popen[bytes]:
        return launch_worker(self.isolation, self.n_workers)

    def _await_hello(self, proc: subprocess.Popen[bytes]) -> Worker:
        worker = await_hello(proc, self.isolation)
        self.selector.register(worker.rfd, selectors.EVENT_READ, worker)
        return worker

    def _retire(self, w: Worker) -> None:
        try:
            self.selector.unregister(w.rfd)
        except (KeyError, ValueError):
            pass
        retire(w)

    def close(self) -> None:
        """Stop every worker and its sandboxed processes."""
        for w in self.workers:
            self._retire(w)
        self.workers = []
        for proc in self._loading:  # launched, never awaited
            proc.kill()
            proc.wait()
        self._loading = []

    # ---- running -----------------------------------------------------------------------------
    def run(self, jobs: Iterable[Job]) -> Iterator[ExecResult]:
        """Run jobs in parallel; yield each result as soon as its job finishes."""
        self.start()
        source = iter(jobs)
        exhausted = False
        try:
            while True:
                self._fill_spread()
                if not exhausted:
                    exhausted = self._fill(source)
                if not self.tracks:
                    if exhausted:
                        return
                    continue
                if exhausted:
                    self._rebalance()
                yield from self._step()
        finally:
            if self.tracks:  # abandoned mid-run (error or generator closed): start clean next time
                self.tracks.clear()
                self.spread.clear()
                self.close()

    def _fill(self, source: Iterator[Job]) -> bool:
        for w in self.workers:
            while len(w.inflight) < PIPELINE_DEPTH:
                job = next(source, None)
                if job is None:
                    return True
                self._submit(w, job)
        return False

    def _fill_spread(self) -> None:
        """Tests left after a hang go out before new jobs (their job's result waits on them)."""
        for w in self.workers:
            while self.spread and len(w.inflight) < PIPELINE_DEPTH:
                job, spread, index = self.spread.popleft()
                self._submit(w, job, part_of=spread, index=index)

    def _submit(
        self, w: Worker, job: Job, attempts: int = 1, part_of: _Spread | None = None, index: int = 0
    ) -> None:
        jid = next(self._ids)
        try:
            plans, tests = planned(job.tests, job.probe, job.compare_in_sandbox)
        except TypeError:  # tests passed as a list (unhashable): planned every time
            plans, tests = planned.__wrapped__(job.tests, job.probe, job.compare_in_sandbox)
        spec: RunFrame = {
            "op": "run",
            "job": jid,
            "program": job.program,
            "tests": tests,
            "limits": wire_limits(job.limits, len(plans)),
            "fail_fast": job.fail_fast,
            "child_per_test": job.child_per_test,
            "fallback": job.compare_in_sandbox,
            "seed": job.random_seed,
        }
        self.tracks[jid] = _Track(
            job, plans, w, [None] * len(plans), attempts=attempts, part_of=part_of, index=index
        )
        w.inflight.append(jid)
        self._send(w, spec)

    def _rebalance(self) -> None:
        """No new jobs left: move jobs still waiting behind a busy worker to idle ones."""
        idle = sum(1 for w in self.workers if not w.inflight)
        for w in self.workers:
            if idle <= 0:
                return
            for jid in list(w.inflight)[1:]:
                track = self.tracks[jid]
                if not track.unqueue_sent:
                    track.unqueue_sent = True
                    self._send(w, {"op": "unqueue", "job": jid})
                    idle -= 1

    def _send(self, w: Worker, frame: RunFrame | ControlFrame) -> None:
        w.outbuf += pack(frame)
        self._flush(w)

    def _flush(self, w: Worker) -> None:
        while w.outbuf:
            try:
                n = os.write(w.wfd, w.outbuf)
            except BlockingIOError:
                break
            except BrokenPipeError:
                w.outbuf.clear()
                return
            del w.outbuf[:n]

    def _step(self) -> Iterator[ExecResult]:
        for pending in [w for w in self.workers if w.outbuf]:
            self._flush(pending)
        timeout = 0.01 if any(w.outbuf for w in self.workers) else None
        for key, _ in self.selector.select(timeout):
            w: Worker = key.data
            try:
                chunk = os.read(w.rfd, 1 << 20)
            except BlockingIOError:
                continue
            frames: list[Any] = []
            if chunk:
                try:
                    frames = w.reader.feed(chunk)
                except FrameError:
                    chunk = b""
            for frame in frames:
                result = self._on_event(frame)
                if result is not None:
                    yield result
            if not chunk:
                yield from self._replace(w)

    def _replace(self, dead: Worker) -> Iterator[ExecResult]:
        """A fork server died: start a new one and resubmit its jobs. Only the job it was
        running (the first in flight) is blamed: after a second death it is `crashed`; the
        jobs queued behind it did nothing and keep their attempts."""
        self._retire(dead)
        fresh = self._spawn()
        self.workers[self.workers.index(dead)] = fresh
        for k, jid in enumerate(list(dead.inflight)):
            track = self.tracks.pop(jid)
            blamed = k == 0
            if blamed and track.attempts >= 2:
                result = self._finish(track, "crashed", "", "", 0.0, error="worker died twice on this job")
                if (whole := self._complete(track, result)) is not None:
                    yield whole
            else:
                self._submit(fresh, track.job, track.attempts + blamed, track.part_of, track.index)

    def _on_event(self, ev: ServerEvent) -> ExecResult | None:
        track = self.tracks.get(ev.get("job", -1))  # type: ignore[call-overload]
        if track is None:
            return None
        if ev["ev"] == "unqueued":
            self._requeue(track, ev["job"])
        elif ev["ev"] == "status":
            track.status, track.error = ev["status"], ev.get("error")
        elif ev["ev"] == "test":
            self._on_test(track, ev)
        elif ev["ev"] == "done":
            return self._on_done(track, ev)
        return None

    def _requeue(self, track: _Track, jid: int) -> None:
        """A job its worker gave back unstarted: to the least busy worker."""
        del self.tracks[jid]
        track.worker.inflight.remove(jid)
        target = min(self.workers, key=lambda w: len(w.inflight))
        self._submit(target, track.job, track.attempts, track.part_of, track.index)

    def _on_test(self, track: _Track, ev: TestEvent) -> None:
        i = ev["i"]
        if track.stopped_at is not None and i > track.stopped_at:
            return
        outcome = verdict(track.plans[i], ev, track.job.compare_in_sandbox, self.rel_tol, self.abs_tol)
        track.outcomes[i] = outcome
        if track.job.fail_fast and not outcome.passed and track.stopped_at is None:
            track.stopped_at = i
            self._send(track.worker, {"op": "abort", "job": ev["job"]})

    def _on_done(self, track: _Track, ev: DoneEvent) -> ExecResult | None:
        for inner in ev.get("events", ()):
            self._on_event(inner)
        jid = ev["job"]
        del self.tracks[jid]
        track.worker.inflight.remove(jid)
        stdout, stderr, t = ev.get("stdout", ""), ev.get("stderr", ""), float(ev.get("t", 0.0))
        rest = ev.get("rest")
        if type(rest) is int and 0 < rest < len(track.plans) and track.part_of is None:
            self._spread_rest(track, rest, stdout, stderr, t)
            return None
        result = self._finish(track, track.status or "crashed", stdout, stderr, t, error=track.error)
        return self._complete(track, result)

    def _spread_rest(self, track: _Track, rest: int, stdout: str, stderr: str, t: float) -> None:
        """The job's worker stopped at a hang or crash: queue each test from `rest` on as a job
        of its own. The tests after a hang often hang too; this way they wait side by side on
        free workers, not one after another. Every one runs in a fresh child, whichever worker
        takes it, so results do not depend on the worker count."""
        job = track.job
        spread = _Spread(track, stdout, stderr, t, waiting=len(track.plans) - rest)
        for i in range(rest, len(track.plans)):
            part = Job(
                job.id,
                job.program,
                (job.tests[i],),
                job.limits,
                compare_in_sandbox=job.compare_in_sandbox,
                probe=job.probe,
                random_seed=job.random_seed,
            )
            self.spread.append((part, spread, i))

    def _complete(self, track: _Track, result: ExecResult) -> ExecResult | None:
        """The result to yield: `result` itself, or for the last part of a spread job the
        whole job's result (None while parts are out)."""
        spread = track.part_of
        if spread is None:
            return result
        spread.parts[track.index] = result
        spread.waiting -= 1
        if spread.waiting:
            return None
        return self._merge(spread)

    def _merge(self, spread: _Spread) -> ExecResult:
        """The spread job's result: its first part's outcomes, then each left test's outcome
        (`not_run` where its fresh child could not even import the program), with output and
        time added up in test order."""
        track, limit = spread.track, spread.track.job.limits.max_output_bytes
        stdout, stderr, duration = spread.stdout, spread.stderr, spread.duration
        for i in sorted(spread.parts):
            part = spread.parts[i]
            if part.status == "ok":
                track.outcomes[i] = part.tests[0]
            else:
                track.outcomes[i] = TestOutcome("not_run", 0.0, f"{part.status} in a fresh child")
            stdout, stderr = (stdout + part.stdout_tail)[-limit:], (stderr + part.stderr_tail)[-limit:]
            duration += part.duration_s
        return self._finish(track, track.status or "crashed", stdout, stderr, duration, error=track.error)

    def _finish(
        self, track: _Track, status: str, stdout: str, stderr: str, duration: float, error: str | None = None
    ) -> ExecResult:
        tests = tuple(o if o is not None else TestOutcome("not_run") for o in track.outcomes)
        if track.stopped_at is not None:
            tests = tests[: track.stopped_at + 1] + tuple(
                TestOutcome("not_run") for _ in tests[track.stopped_at + 1 :]
            )
        return ExecResult(
            id=track.job.id,
            status=status,  # type: ignore[arg-type]
            tests=tests,
            error=error,
            stdout_tail=stdout,
            stderr_tail=stderr,
            duration_s=duration,
            isolation=track.worker.isolation,
        )


def run_jobs(jobs: Iterable[Job], workers: int | None = None, isolation: str = "auto") -> list[ExecResult]:
    """One-shot convenience: start a pool, run `jobs`, return results in input order."""
    with LocalExecutor(workers=workers, isolation=isolation) as ex:
        return ex.run_all(jobs)

"""The fork server's record of child exits must survive pid reuse, and its count of the pids
a worker's namespace handed out must notice any process it did not fork."""

from __future__ import annotations

import collections
import os
from pathlib import Path

from aceforge.execution.child import Child
from aceforge.execution.zygote import _MSG, PidWatch, Zygote


def _zygote_without_process() -> Zygote:
    zygote = object.__new__(Zygote)  # the bookkeeping only: no process, no socket
    zygote.exits = {}
    zygote.pending = collections.deque()
    zygote.live = set()
    zygote.pids = None
    return zygote


def _pending_child(zygote: Zygote) -> Child:
    child = object.__new__(Child)
    child.forked_pid = None
    zygote.pending.append(child)
    return child


def test_a_reused_pid_does_not_inherit_the_old_exit_status() -> None:
    zygote = _zygote_without_process()
    # An old child with pid 4242 was forgotten, then its exit status arrived late.
    zygote._handle(_MSG.pack(b"X", 4242, 9))
    assert zygote.exits == {4242: 9}
    # The kernel hands 4242 to a new warm child: it must not look dead.
    child = _pending_child(zygote)
    zygote._handle(_MSG.pack(b"P", 4242, 0))
    assert child.forked_pid == 4242
    assert 4242 not in zygote.exits
    # Its own exit, reported later, is recorded.
    zygote._handle(_MSG.pack(b"X", 4242, 0))
    assert zygote.exits[4242] == 0


def test_fork_answers_are_matched_to_requests_in_order() -> None:
    zygote = _zygote_without_process()
    first, second = _pending_child(zygote), _pending_child(zygote)
    zygote._handle(_MSG.pack(b"X", 7, 0))  # an exit report in between changes nothing
    zygote._handle(_MSG.pack(b"P", 101, 0))
    zygote._handle(_MSG.pack(b"P", 102, 0))
    assert (first.forked_pid, second.forked_pid) == (101, 102)
    assert not zygote.pending


def _watch(last_pid: Path) -> PidWatch:
    """A watch reading `last_pid` instead of /proc/sys/kernel/ns_last_pid."""
    watch = object.__new__(PidWatch)
    watch.fd = os.open(last_pid, os.O_RDONLY)
    watch.last = watch._read()
    watch.other = False
    return watch


def test_the_pid_count_sees_any_process_the_zygote_did_not_fork(tmp_path: Path) -> None:
    last_pid = tmp_path / "ns_last_pid"
    last_pid.write_text("2\n")  # the zygote
    watch = _watch(last_pid)
    for pid in (3, 4):  # its children, one after another, and nothing else
        last_pid.write_text(f"{pid}\n")
        watch.forked(pid)
        assert watch.only_children()
    last_pid.write_text("5\n")  # a program made a process (or a thread) after the last fork
    assert not watch.only_children()
    watch.reset()  # after a sweep
    assert watch.only_children()
    last_pid.write_text("7\n")  # one between two forks: 6 was not the zygote's
    watch.forked(7)
    assert not watch.only_children()
    watch.reset()
    last_pid.write_text("3\n")  # the namespace wrapped around: counted as something else
    watch.forked(3)
    assert not watch.only_children()


def test_live_children_and_a_lost_zygote() -> None:
    import pytest

    from aceforge.execution.zygote import ZygoteLost

    zygote = _zygote_without_process()
    _pending_child(zygote)
    zygote._handle(_MSG.pack(b"P", 101, 0))
    assert zygote.live == {101}  # kept by a rootless sweep of the namespace
    zygote._handle(_MSG.pack(b"X", 101, 0))
    assert zygote.live == set()
    with pytest.raises(ZygoteLost):  # the socket's EOF: a program killed the zygote
        zygote._handle(b"")

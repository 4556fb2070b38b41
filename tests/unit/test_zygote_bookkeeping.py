"""The fork server's record of child exits must survive pid reuse."""

from __future__ import annotations

import collections

from aceforge.execution.forkserver import _MSG, _Child, _Zygote


def _zygote_without_process() -> _Zygote:
    zygote = object.__new__(_Zygote)  # the bookkeeping only: no process, no socket
    zygote.exits = {}
    zygote.pending = collections.deque()
    return zygote


def _pending_child(zygote: _Zygote) -> _Child:
    child = object.__new__(_Child)
    child._pid = None
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
    assert child._pid == 4242
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
    assert (first._pid, second._pid) == (101, 102)
    assert not zygote.pending

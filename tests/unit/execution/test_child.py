"""Child clean-up helpers on real processes (the child's life cycle itself runs through the
fork server: see test_executor)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from aceforge.execution.child import kill_pid


def test_kill_pid_kills_a_real_process() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    kill_pid(proc.pid)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_kill_pid_on_an_exited_child_is_quiet() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: still our pid
    kill_pid(proc.pid)  # a zombie takes no signal, and no error comes back
    assert proc.wait(timeout=10) == 0

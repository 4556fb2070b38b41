"""Warm module sets: programs that import a heavy package run in children of a zygote that
imported it already, and still never see one another's changes to it."""

from __future__ import annotations

import importlib.util
import time

import pytest

from aceforge.execution.executor import LocalExecutor
from aceforge.types import Job, Limits

pytestmark = pytest.mark.integration
WARM = "import sys\nWARM = '{m}' in sys.modules\nimport {m}\n"


def _until_warm(ex: LocalExecutor, module: str, limit_s: float = 60.0) -> int:
    """Run a program importing `module` until one starts with it already imported; returns
    how many ran cold before (its zygote is made on the set's second program, in the
    background, so at least two)."""
    probe = Job("probe", WARM.format(m=module) + "def f():\n    return WARM\n", ("assert f() is True",))
    cold, deadline = 0, time.monotonic() + limit_s
    while ex.run_all([probe])[0].pass_rate != 1.0:
        cold += 1
        assert time.monotonic() < deadline, f"no warm zygote for {module} after {cold} programs"
        time.sleep(0.05)
    return cold


def test_a_program_changing_a_preimported_module_does_not_reach_the_next() -> None:
    head = WARM.format(m="fractions")
    mutate = Job(
        "mutate", head + "fractions.Fraction = None\ndef f():\n    return WARM\n", ("assert f() is True",)
    )
    after = Job(
        "after",
        head + "def f():\n    return WARM and fractions.Fraction is not None\n",
        ("assert f() is True",),
    )
    plain = Job(
        "plain", "import sys\ndef f():\n    return 'fractions' in sys.modules\n", ("assert f() is False",)
    )
    with LocalExecutor(workers=1) as ex:  # one worker: every job shares its zygotes
        assert _until_warm(ex, "fractions") >= 2  # a set asked for once runs cold
        for _ in range(2):
            results = ex.run_all([mutate, after, plain])
            assert [r.pass_rate for r in results] == [1.0, 1.0, 1.0], results


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy not installed")
def test_numpy_programs_start_warm_and_keep_their_verdicts() -> None:
    program = WARM.format(m="numpy") + "def f(n):\n    return int(numpy.arange(n).sum())\n"
    wrong = program.replace("sum()", "sum()) + 1 + int(0")
    tests = ("assert f(4) == 6", "assert f(5) == 10")
    with LocalExecutor(workers=1) as ex:
        cold = ex.run_all([Job("cold", program, tests, Limits(timeout_s=1.0))])
        _until_warm(ex, "numpy")
        jobs = [
            Job(f"ok{i}", program, (*tests, "assert WARM is True"), Limits(timeout_s=1.0)) for i in range(3)
        ]
        results = ex.run_all(jobs + [Job(f"bad{i}", wrong, tests) for i in range(3)])
    assert cold[0].pass_rate == 1.0 and [r.pass_rate for r in results[:3]] == [1.0] * 3, results
    assert [r.pass_rate for r in results[3:]] == [0.0] * 3, results


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="matplotlib not installed")
def test_what_a_zygote_wrote_while_importing_never_shows_in_a_programs_directory() -> None:
    program = (
        WARM.format(m="matplotlib.pyplot")
        + "import os, tempfile\ndef f():\n    return WARM, os.listdir('.'), tempfile.gettempdir() == os.environ['TMPDIR']\n"
    )
    with LocalExecutor(workers=1) as ex:
        _until_warm(ex, "matplotlib.pyplot")
        [result] = ex.run_all([Job("mpl", program, ("assert f() == (True, [], True)",))])
    assert result.pass_rate == 1.0, result

"""Warm module sets: programs that import a heavy package run in children of a zygote that
imported it already, and still never see one another's changes to it."""

from __future__ import annotations

import importlib.util

import pytest

from aceforge.execution.executor import LocalExecutor
from aceforge.types import Job, Limits

pytestmark = pytest.mark.integration
WARM = "import sys\nWARM = '{m}' in sys.modules\nimport {m}\n"


def test_a_program_changing_a_preimported_module_does_not_reach_the_next() -> None:
    head = WARM.format(m="fractions")
    first = Job("first", head + "def f():\n    return WARM\n", ("assert f() is False",))
    jobs = [
        Job(
            "mutate", head + "fractions.Fraction = None\ndef f():\n    return WARM\n", ("assert f() is True",)
        ),
        Job(
            "next",
            head + "def f():\n    return WARM and fractions.Fraction is not None\n",
            ("assert f() is True",),
        ),
        Job(
            "plain", "import sys\ndef f():\n    return 'fractions' in sys.modules\n", ("assert f() is False",)
        ),
    ]
    with LocalExecutor(workers=1) as ex:  # one worker: every job shares its zygotes
        assert ex.run_all([first])[0].pass_rate == 1.0  # the first program asking for a set runs cold
        for _ in range(2):
            results = ex.run_all(jobs)
            assert [r.pass_rate for r in results] == [1.0, 1.0, 1.0], results


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy not installed")
def test_numpy_programs_start_warm_and_keep_their_verdicts() -> None:
    program = WARM.format(m="numpy") + "def f(n):\n    return int(numpy.arange(n).sum())\n"
    wrong = program.replace("sum()", "sum()) + 1 + int(0")
    tests = ("assert f(4) == 6", "assert f(5) == 10")
    warm_only = ("assert WARM is True",)
    with LocalExecutor(workers=1) as ex:
        jobs = [Job("first", program, tests, Limits(timeout_s=1.0))]  # cold: its set's first program
        jobs += [Job(f"ok{i}", program, tests + warm_only, Limits(timeout_s=1.0)) for i in range(3)]
        jobs += [Job(f"bad{i}", wrong, tests) for i in range(3)]
        results = ex.run_all(jobs)
    assert [r.pass_rate for r in results[:4]] == [1.0] * 4, results
    assert [r.pass_rate for r in results[4:]] == [0.0] * 3, results

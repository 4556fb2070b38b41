"""Checker programs on the real engine: several right answers, and checkers that try to
grant a pass they did not compute."""

from __future__ import annotations

import pytest

from aceforge.checkers import run_checked
from aceforge.errors import ConfigError
from aceforge.types import Limits, StdioTest

pytestmark = pytest.mark.integration

# "print any proper divisor of n": 12 has several right answers
TESTS = [StdioTest("12\n", "2\n"), StdioTest("9\n", "3\n")]
DIVISOR = """
def check(input, output, expected):
    n = int(input)
    tokens = output.split()
    if len(tokens) != 1 or not tokens[0].isdigit():
        return False
    d = int(tokens[0])
    return 1 < d < n and n % d == 0
"""


def verdicts(executor, program: str, checker: str = DIVISOR, tests=TESTS) -> list[tuple[str, str | None]]:
    return [
        (o.outcome, o.detail) for o in run_checked(executor, program, tests, checker, Limits(timeout_s=2))
    ]


def test_a_checker_accepts_two_different_right_answers(executor) -> None:
    smallest = "n = int(input())\nprint(next(d for d in range(2, n) if n % d == 0))"
    largest = "n = int(input())\nprint(next(d for d in range(n - 1, 1, -1) if n % d == 0))"
    assert [o for o, _ in verdicts(executor, smallest)] == ["passed", "passed"]  # 2 and 3
    assert [o for o, _ in verdicts(executor, largest)] == ["passed", "passed"]  # 6 and 3
    wrong = verdicts(executor, "print(5)")
    assert [o for o, _ in wrong] == ["failed", "failed"]
    assert "checker failed" in str(wrong[0][1])


def test_the_programs_own_failures_are_its_verdict(executor) -> None:
    assert verdicts(executor, "raise ValueError")[0] == ("error", "ValueError")
    assert verdicts(executor, "while True: pass", tests=TESTS[:1])[0][0] == "timeout"


def test_program_output_cannot_turn_into_checker_code(executor) -> None:
    """The output is a string literal in the check call, whatever it holds."""
    inject = "print(\"6', '', '') is True or ('\")"
    naive = "def check(input, output, expected):\n    return output.strip() == expected.strip()\n"
    assert verdicts(executor, inject, naive, [StdioTest("", "6")])[0][0] == "failed"
    honest = "print(\"6', '', '') is True or ('\")"
    echo = (
        "def check(input, output, expected):\n    return output == "
        + repr("6', '', '') is True or ('\n")
        + "\n"
    )
    assert verdicts(executor, honest, echo, [StdioTest("", "x")])[0][0] == "passed"  # it saw the exact text


HOSTILE = {
    "always-equal object": "class E:\n    def __eq__(self, o):\n        return True\n    def __bool__(self):\n        return True\n\ndef check(i, o, e):\n    return E()\n",
    "truthy int": "def check(i, o, e):\n    return 1\n",
    "truthy string": "def check(i, o, e):\n    return 'True'\n",
    "exit(0) before answering": "import os\n\ndef check(i, o, e):\n    os._exit(0)\n",
    "SystemExit(0)": "import sys\n\ndef check(i, o, e):\n    sys.exit(0)\n",
    "prints a pass": "def check(i, o, e):\n    print('passed')\n    print('{\"k\": \"test\", \"i\": 0, \"o\": \"passed\"}')\n    return False\n",
    "writes frames to every fd": (
        "import os\n\ndef check(i, o, e):\n    for fd in range(64):\n        try:\n"
        "            os.write(fd, b'\\x00\\x00\\x00\\x20{\"k\":\"test\",\"i\":0,\"o\":\"passed\"}')\n"
        "        except OSError:\n            pass\n    return False\n"
    ),
    "kills its parent": "import os, signal\n\ndef check(i, o, e):\n    try:\n        os.kill(os.getppid(), signal.SIGKILL)\n    except OSError:\n        pass\n    return False\n",
    "hangs": "def check(i, o, e):\n    while True:\n        pass\n",
    "remembers a pass": (
        "import os\nSEEN = os.path.exists('seen')\n\ndef check(i, o, e):\n"
        "    open('seen', 'w').close()\n    return SEEN or o.strip() == e.strip()\n"
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_checker_grants_no_pass(executor, name: str) -> None:
    """Each of these rejects (or never judges) the wrong output, and tries to pass it anyway.
    The right output on the first test lets 'remembers a pass' leave a trace for the second."""
    tests = [StdioTest("", "right\n"), StdioTest("", "other\n")]
    got = verdicts(executor, "print('right')", HOSTILE[name], tests)
    assert got[1][0] == "failed", got
    # and the engine still judges afterwards
    assert verdicts(executor, "print(2)", tests=TESTS[:1])[0][0] == "passed"


def test_a_broken_checker_is_refused_before_anything_runs(executor) -> None:
    with pytest.raises(ConfigError, match="does not parse"):
        run_checked(executor, "print(1)", TESTS, "def check(:\n")
    with pytest.raises(ConfigError, match="must define check"):
        run_checked(executor, "print(1)", TESTS, "def judge(i, o, e):\n    return True\n")

"""The engine's contract: outcomes, statuses, streaming, determinism, recovery."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from aceforge.execution.executor import LocalExecutor
from aceforge.types import Job, Limits, StdioTest

pytestmark = pytest.mark.integration

ADD = "def add(a, b):\n    return a + b\n"


def test_per_test_outcomes_and_pass_rate(run):
    r = run(
        ADD + "print('hi')\n",
        [
            "assert add(1, 2) == 3",
            "assert add(1, 1) == 3",
            "assert add('a', 1) == 2",
            "x = add(2, 2)\nassert x == 4",
            "assert add(1, 2) == 3, 'message'",
        ],
    )
    assert r.status == "ok"
    assert r.outcomes == ["passed", "failed", "error", "passed", "passed"]
    assert r.tests[2].detail == "TypeError"
    assert r.pass_rate == pytest.approx(3 / 5)
    assert r.stdout_tail == "hi\n"
    assert all(t.duration_s >= 0 for t in r.tests)
    assert r.isolation["level"] == "auto"


@pytest.mark.parametrize(
    "program, status, error",
    [
        ("def f(:\n", "syntax_error", "SyntaxError"),
        ("x = 1\0\n", "syntax_error", ""),
        ("import no_such_module_xyz\n", "import_error", "ModuleNotFoundError"),
        ("raise ValueError('boom')\n", "import_error", "ValueError: boom"),
        ("while True:\n    pass\n", "import_timeout", ""),
    ],
)
def test_job_statuses(run, program, status, error):
    r = run(program, ["assert f() == 1", "assert f() == 2"], import_timeout_s=0.3)
    assert r.status == status
    assert error in (r.error or "")
    assert r.outcomes == ["not_run", "not_run"]
    assert r.pass_rate == 0.0


def test_programs_and_tests_run_as_plain_python_would(run):
    """No compiler flag of the harness leaks in: annotations are evaluated at definition
    (the harness itself uses postponed annotations), so an undefined name fails as it would."""
    r = run("def f(x: Undefined) -> int:\n    return x\n", ["assert f(1) == 1"])
    assert r.status == "import_error" and "NameError" in (r.error or "")
    r = run(
        ADD + "import typing\n", ["assert isinstance(add.__annotations__, dict)", "assert add(1, 1) == 2"]
    )
    assert r.outcomes == ["passed", "passed"]
    program = "from typing import List\ndef f(x: List[int]) -> int:\n    return len(x)\n"
    r = run(program, ["hint = f.__annotations__['x']\nassert hint == List[int]", "assert f([1, 2]) == 2"])
    assert r.outcomes == ["passed", "passed"]


LEFT_OUT = {  # modules the fork server does not preload: (a use, what it returns)
    "hashlib": ("hashlib.md5(b'a').hexdigest()[:6]", "'0cc175'"),
    "decimal": ("str(decimal.Decimal('1.1') + decimal.Decimal('2.2'))", "'3.3'"),
    "fractions": ("str(fractions.Fraction(1, 3) * 3)", "'1'"),
    "statistics": ("statistics.median([3, 1, 2])", "2"),
    "cmath": ("abs(cmath.sqrt(-4))", "2.0"),
    "unicodedata": ("unicodedata.name('a')", "'LATIN SMALL LETTER A'"),
}


@pytest.mark.parametrize("isolation", ["auto", "strict"])
def test_modules_left_out_of_the_fork_server_import_in_the_child(isolation):
    from aceforge.execution.forkserver import PREIMPORT

    assert not set(LEFT_OUT) & set(PREIMPORT)
    if isolation == "strict" and os.geteuid() != 0:
        pytest.skip("strict isolation needs root here")
    program = "".join(f"import {m}\ndef use_{m}():\n    return {use}\n" for m, (use, _) in LEFT_OUT.items())
    tests = tuple(f"assert use_{m}() == {expected}" for m, (_, expected) in LEFT_OUT.items())
    with LocalExecutor(workers=1, isolation=isolation) as ex:
        r = ex.run_all([Job("left-out", program, tests)])[0]
    assert r.status == "ok", r.error
    assert r.outcomes == ["passed"] * len(tests)


def _plain_python(source: str) -> str:
    env = {"PYTHONHASHSEED": "0", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    done = subprocess.run([sys.executable, "-c", source], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_code_compiled_by_the_fork_server_behaves_as_the_childs_own_would(run, executor):
    """The fork server compiles programs and tests and ships the code; where a marshalled
    copy could differ from compiling in the child, the child still compiles."""
    words = "{166, 190, 79, 50, 100, 168, -42, 72, 12}"
    # A set constant: its iteration order must be the one plain Python gives (marshal would
    # rebuild it in another insertion order, and here iterate 168 before 72).
    in_program = f"def order():\n    return [w for w in {words}]\n"
    expected = _plain_python(f"print([w for w in {words}])")
    r = run(in_program, [f"assert order() == {expected}", f"assert [w for w in {words}] == {expected}"])
    assert r.outcomes == ["passed", "passed"]
    # A compile-time warning reaches the program's stderr, as it would.
    r = run("def f(x):\n    return x is 1\n", ["assert f(1) is True", "assert f(2) is False"])
    assert r.outcomes == ["passed", "passed"]
    assert "SyntaxWarning" in r.stderr_tail
    # A syntax error is reported (from the fork server, without a child) with its line.
    r = run("def f(x):\n    return x +\n", ["assert f(1) == 1"])
    assert r.status == "syntax_error" and "line 2" in (r.error or "")
    assert r.outcomes == ["not_run"]
    # One test source, compiled once, serves programs that earn different outcomes.
    jobs = [
        Job(str(k), f"def f(x):\n    return x + {k}\n", ("assert f(1) == 2",), Limits()) for k in range(3)
    ]
    results = {res.id: res.outcomes for res in executor.run_all(jobs)}
    assert results == {"0": ["failed"], "1": ["passed"], "2": ["failed"]}


def test_python_level_hang_costs_one_outcome(run):
    program = "def f(x):\n    while x == 1:\n        pass\n    return x\n"
    r = run(program, ["assert f(0) == 0", "assert f(1) == 1", "assert f(2) == 2"], timeout_s=0.3)
    assert r.outcomes == ["passed", "timeout", "passed"]


def test_tests_left_after_a_hang_run_each_in_a_fresh_child_on_any_worker(executor):
    """After a timeout every later test runs alone in a fresh child, whichever worker is
    free: a hanging program's other tests wait side by side, and state one test leaves never
    reaches the next, so the outcomes are the same at 1 and 2 workers."""
    program = (
        "import os, time\nprint('imported')\ncalls = 0\n"
        "def f(x):\n    global calls\n    calls += 1\n    while x == 1:\n        pass\n"
        "    time.sleep(0.2)\n    return calls\n"
        # The zygote that forked this child (its pid is the same in every worker's pid namespace).
        "def server():\n    return [os.readlink('/proc/self/ns/pid'), os.getppid()]\n"
    )
    tests = ["assert f(0) == 1", "assert f(0) == 2", "assert f(1) == 0"] + ["assert f(0) == 1"] * 4
    job = Job("spread", program, tuple(tests), Limits(timeout_s=0.5))
    (r,) = executor.run_all([job])
    assert r.status == "ok"
    assert r.outcomes == ["passed", "passed", "timeout"] + ["passed"] * 4
    assert r.stdout_tail == "imported\n" * 5  # the first child and one per test left
    assert r.duration_s >= 0.5 + 4 * 0.2
    with LocalExecutor(workers=1) as one:
        assert one.run_all([job])[0].outcomes == r.outcomes
    # Where the tests left ran: the parent of each fresh child is one worker's zygote.
    probe = Job("where", program, ("f(1)",) + ("server()",) * 4, Limits(timeout_s=0.3), probe=True)
    (p,) = executor.run_all([probe])
    assert p.outcomes == ["timeout"] + ["passed"] * 4
    assert len({repr(t.value) for t in p.tests[1:]}) == 2


def test_a_test_left_after_a_hang_whose_child_cannot_import_is_not_run(run):
    program = (
        f"import time\nif time.time() > {time.time() + 1.0}:\n    raise ImportError('too late')\n"
        "def f(x):\n    while x == 1:\n        pass\n    return x\n"
    )
    r = run(program, ["assert f(0) == 0", "assert f(1) == 1", "assert f(2) == 2"], timeout_s=1.5)
    assert r.status == "ok"
    assert r.outcomes == ["passed", "timeout", "not_run"]
    assert r.tests[2].detail == "import_error in a fresh child"


@pytest.mark.parametrize(
    "hang, how", [("sum(itertools.count())", "hard deadline"), ("10 ** 10 ** 10", "SoftTimeout")]
)
def test_c_level_hang_is_killed_and_the_rest_run_in_a_fresh_child(run, hang, how):
    program = f"import itertools\ndef f(x):\n    if x == 1:\n        return {hang}\n    return x\n"
    start = time.monotonic()
    r = run(program, ["assert f(0) == 0", "assert f(1) == 1", "assert f(2) == 2"], timeout_s=0.3)
    assert r.outcomes == ["passed", "timeout", "passed"]
    assert r.tests[1].detail == how  # long pow checks signals; sum over a C iterator never does
    assert time.monotonic() - start < 3


def test_a_test_that_kills_its_process_costs_one_outcome(run):
    program = "import os\ndef f(x):\n    if x == 1:\n        os.kill(os.getpid(), 9)\n    return x\n"
    r = run(program, ["assert f(0) == 0", "assert f(1) == 1", "assert f(2) == 2"])
    assert r.outcomes == ["passed", "crashed", "passed"]
    assert "SIGKILL" in (r.tests[1].detail or "")


def test_a_return_value_over_the_size_cap_fails_with_its_reason(executor):
    program = "def f(n):\n    return 'a' * n\n"
    tests = (
        "assert f(10) == 'a' * 10",
        "assert f(2000) == 'a' * 2000",
        "assert f(990) == 'a' * 990",  # under the cap, though its frame is over it
        "assert f(600) == f(600)",  # two values under the cap, over it together
    )
    (r,) = executor.run_all([Job("big", program, tests, Limits(max_value_bytes=1000))])
    assert r.outcomes == ["passed", "failed", "passed", "passed"]
    assert "larger than 1000" in (r.tests[1].detail or "")


def test_fail_fast_stops_at_first_failure_deterministically(run):
    program = "def f(x):\n    while x == 9:\n        pass\n    return x\n"
    tests = ["assert f(0) == 0", "assert f(1) == 2", "assert f(9) == 9", "assert f(3) == 3"]
    r = run(program, tests, timeout_s=2.0, fail_fast=True)
    assert r.outcomes == ["passed", "failed", "not_run", "not_run"]
    assert r.duration_s < 1.5  # did not wait for the hanging test
    r = run(
        program, ["assert f(0) == 0", "assert f(9) == 9", "assert f(1) == 1"], timeout_s=0.3, fail_fast=True
    )
    assert r.outcomes == ["passed", "timeout", "not_run"]


def test_child_per_test_isolates_program_state(run):
    program = "calls = []\ndef f():\n    calls.append(1)\n    return len(calls)\n"
    tests = ["assert f() == 1", "assert f() == 1"]
    assert run(program, tests).outcomes == ["passed", "failed"]  # same child: state carries over
    assert run(program, tests, child_per_test=True).outcomes == ["passed", "passed"]


def test_stdio_tests_compare_whole_output(run):
    program = "import sys\nn = int(sys.stdin.readline())\nfor i in range(n):\n    print(i)\n"
    tests = [
        StdioTest("2\n", "0\n1\n"),
        StdioTest("2", "0  \n1\n\n"),
        StdioTest("3\n", "0\n1\n"),
        StdioTest("x\n", ""),
    ]
    r = run(program, tests)
    assert r.outcomes == ["passed", "passed", "failed", "error"]
    assert r.tests[3].detail == "ValueError"


def test_stdio_programs_see_input_on_fd_0_and_may_exit_cleanly(run):
    program = "import os, sys\ndata = os.read(0, 100).decode()\nprint(data.upper(), end='')\nsys.exit(0)\n"
    assert run(program, [StdioTest("abc", "ABC")]).outcomes == ["passed"]
    assert run("import sys\nprint(1)\nsys.exit(3)\n", [StdioTest("", "1")]).outcomes == ["error"]


def test_mixed_test_kinds_in_one_job(run):
    program = (
        "def double(x):\n    return 2 * x\nif __name__ == '__main__':\n    print(double(int(input())))\n"
    )
    r = run(program, ["assert double(2) == 4", StdioTest("5", "10"), "assert double(1) == 3"])
    assert r.outcomes == ["passed", "passed", "failed"]


def test_unserializable_values_fail_unless_compared_in_sandbox(run):
    program = (
        "class P:\n    def __init__(self, x):\n        self.x = x\n    def __eq__(self, o):\n"
        "        return isinstance(o, P) and o.x == self.x\ndef f(x):\n    return P(x)\n"
    )
    r = run(program, ["assert f(1) == P(1)"])
    assert r.outcomes == ["failed"] and "P" in (r.tests[0].detail or "")
    r = run(program, ["assert f(1) == P(1)", "assert f(1) == P(2)"], compare_in_sandbox=True)
    assert r.outcomes == ["passed", "failed"]


def test_results_stream_as_they_finish(executor):
    slow = Job("slow", "import time\ntime.sleep(1.0)\n", ("assert True",), Limits(import_timeout_s=3))
    fast = [Job(f"fast{i}", ADD, ("assert add(1, 1) == 2",)) for i in range(4)]
    order = [r.id for r in executor.run([slow, *fast])]
    assert order[-1] == "slow"
    assert sorted(order) == sorted(["slow", *(j.id for j in fast)])


def test_hash_seed_and_random_are_fixed_and_worker_count_does_not_matter():
    program = (
        "import random\nprint(list({'apple', 'banana', 'cherry', 'date', 'elder', 'fig'}), random.random())\n"
    )
    expected = subprocess.run(
        [sys.executable, "-c", "import random; random.seed(0)\n" + program],
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": "0"},
        check=True,
    ).stdout
    jobs = [Job(str(i), program, (StdioTest("", expected),)) for i in range(6)]
    for workers in (1, 2):
        with LocalExecutor(workers=workers) as ex:
            assert [r.outcomes for r in ex.run_all(jobs)] == [["passed"]] * 6


def test_a_job_picks_its_random_seed_and_the_cache_tells_seeds_apart(executor, tmp_path):
    from aceforge.execution.cache import CachedExecutor, job_key

    program = "import random\n\ndef coin():\n    return random.random()\n"
    jobs = [Job(str(s), program, ("coin()",), probe=True, random_seed=s) for s in (0, 1, 0)]
    values = {r.id: r.tests[0].value for r in executor.run_all(jobs)}
    expected = {}
    for s in (0, 1):
        random.seed(s)
        expected[str(s)] = random.random()
    assert values == expected
    assert job_key(jobs[0]) != job_key(jobs[1]) and job_key(jobs[0]) == job_key(jobs[2])
    assert job_key(jobs[0]) == job_key(Job("0", program, ("coin()",), probe=True))  # seed 0: old keys hold
    cached = CachedExecutor(executor, tmp_path / "exec.sqlite")
    first = [r.tests[0].value for r in cached.run_all(jobs[:2])]
    again = [r.tests[0].value for r in cached.run_all(jobs[:2])]
    cached.close()
    assert first == again == [expected["0"], expected["1"]]


def test_a_dead_worker_is_replaced_and_its_jobs_rerun(executor):
    jobs = [
        Job(str(i), "import time\ntime.sleep(0.05)\n" + ADD, ("assert add(1, 2) == 3",)) for i in range(30)
    ]
    results = []
    for n, r in enumerate(executor.run(jobs)):
        results.append(r)
        if n == 3:
            os.kill(executor.workers[0].proc.pid, signal.SIGKILL)
    assert sorted(r.id for r in results) == sorted(j.id for j in jobs)
    assert all(r.outcomes == ["passed"] for r in results)


def test_strict_isolation_starts_on_this_host_and_reports_layers():
    with LocalExecutor(workers=1, isolation="strict") as ex:
        iso = ex.isolation_report
    assert iso["network_namespace"] and iso["private_tmp"] and iso["no_new_privs"]
    assert iso["pid_namespace"] and iso["private_proc"]
    if os.geteuid() == 0:
        assert iso["uid"]
    else:  # rootless: a user namespace, the host read-only
        assert iso["user_namespace"] and iso["readonly_host"] and iso["uid"] is None


def test_minimal_isolation_still_scores_correctly():
    with LocalExecutor(workers=1, isolation="minimal") as ex:
        r = ex.run_all([Job("m", ADD, ("assert add(1, 2) == 3", "assert add(1, 2) == 4"))])[0]
        assert r.outcomes == ["passed", "failed"]
        assert r.isolation["uid"] is None and r.isolation["sockets_blocked_by_audit_hook"]


def test_strict_refuses_when_a_layer_is_missing():
    from aceforge.execution.sandbox import setup_worker

    with pytest.raises(PermissionError, match="strict isolation unavailable"):
        setup_worker("strict", {"reason": "namespaces unavailable: EPERM"})
    iso = setup_worker("auto", {"reason": "namespaces unavailable: EPERM"})
    assert not iso.network_namespace and iso.sockets_blocked_by_audit_hook  # auto degrades and says so


def test_children_of_a_killed_worker_are_cleaned_up():
    import threading

    from tests.conftest import wait_for_no_sandbox_processes

    program = "import subprocess, time\nsubprocess.Popen(['sleep', '300'], start_new_session=True)\ntime.sleep(1.0)\n"
    with LocalExecutor(workers=1) as ex:
        first = ex.workers[0].proc.pid
        threading.Timer(0.5, os.kill, (first, signal.SIGKILL)).start()
        [r] = ex.run_all([Job("s", program, ("assert True",), Limits(import_timeout_s=5))])
        assert ex.workers[0].proc.pid != first  # replaced, and the job ran again on the new one
    assert r.outcomes == ["passed"]
    assert wait_for_no_sandbox_processes()  # the daemon the killed worker's child left is gone too


def test_probe_jobs_return_values_not_verdicts(executor) -> None:
    program = "def f(x):\n    if x < 0:\n        raise ValueError(x)\n    return {'x': [x, str(x)], 'ok': (x, None)}\n"
    job = Job("p", program, ("f(2)", "f(-1)", "f(0) is None", "object()"), probe=True)
    r = executor.run_all([job])[0]
    assert [t.outcome for t in r.tests] == ["passed", "error", "passed", "failed"]
    assert r.tests[0].value == {"x": [2, "2"], "ok": (2, None)}
    assert r.tests[1].detail == "ValueError" and r.tests[1].value is None
    assert r.tests[2].value is False
    assert "cannot be compared outside the sandbox" in r.tests[3].detail


def test_execution_cache_runs_each_distinct_job_once(executor, tmp_path) -> None:
    from aceforge.execution.cache import CachedExecutor

    program = "def f(x):\n    return x * 2\n"
    jobs = [Job(f"j{i}", program, ("assert f(2) == 4", "assert f(3) == 5")) for i in range(3)]
    jobs.append(Job("other", program, ("assert f(1) == 2",)))
    cached = CachedExecutor(executor, tmp_path / "exec.sqlite")
    first = cached.run_all(jobs)
    assert [r.id for r in first] == ["j0", "j1", "j2", "other"]
    assert [r.outcomes for r in first[:3]] == [["passed", "failed"]] * 3
    assert cached.stats()["misses"] == 2 and cached.stats()["hits"] == 2  # two copies of j0 ran with it
    again = CachedExecutor(executor, tmp_path / "exec.sqlite")
    assert [r.outcomes for r in again.run_all(jobs)] == [r.outcomes for r in first]
    assert again.stats()["misses"] == 0 and again.max_runs() == 1
    slower = Job("j0", program, jobs[0].tests, Limits(timeout_s=3.0))  # other limits: another key
    again.run_all([slower])
    assert again.stats()["misses"] == 1


def test_execution_cache_keeps_probe_values(executor, tmp_path) -> None:
    from aceforge.execution.cache import CachedExecutor

    program = "def f(x):\n    return {'k': (x, [x * 2]), 's': {1, 2}, 'b': b'z'}\n"
    probe = Job("p", program, ("f(1)", "f(None)", "1 / 0"), probe=True)
    check = Job("c", program, ("f(1)", "f(None)", "1 / 0"))  # same text, not a probe: another key
    first = CachedExecutor(executor, tmp_path / "e.sqlite").run_all([probe, check])
    again = CachedExecutor(executor, tmp_path / "e.sqlite")
    cached = again.run_all([probe, check])
    assert again.stats()["misses"] == 0
    assert [t.value for t in cached[0].tests] == [t.value for t in first[0].tests]
    assert cached[0].tests[0].value == {"k": (1, [2]), "s": {1, 2}, "b": b"z"}
    assert [t.outcome for t in cached[0].tests] == ["passed", "error", "error"]
    assert [t.outcome for t in cached[1].tests] == [t.outcome for t in first[1].tests]


def test_launched_workers_run_jobs_or_end_with_close():
    ex = LocalExecutor(workers=2)
    ex.launch()  # loading while the caller reads its input
    (r,) = ex.run_all([Job("a", ADD, ("assert add(1, 2) == 3",))])
    assert r.outcomes == ["passed"]
    ex.close()
    unused = LocalExecutor(workers=2)
    unused.launch()
    procs = list(unused._loading)
    unused.close()  # e.g. the input turned out malformed: nothing may keep running
    assert len(procs) == 2 and all(p.returncode is not None for p in procs)


@pytest.mark.skipif(os.geteuid() != 0 or len(os.sched_getaffinity(0)) < 2, reason="needs root and 2 CPUs")
def test_workers_that_fill_the_cpus_each_keep_to_one_and_fewer_do_not(monkeypatch):
    cpus = sorted(os.sched_getaffinity(0))
    probe = Job(
        "where",
        "import os\ndef cpus():\n    return sorted(os.sched_getaffinity(0))\n",
        ("cpus()",),
        probe=True,
    )
    with LocalExecutor(workers=len(cpus)) as ex:
        pinned = [w.isolation["cpu"] for w in ex.workers]
        slots = sorted(int(w.isolation["uid"]) for w in ex.workers)
        if slots == list(range(slots[0], slots[0] + len(cpus))):  # no other executor's slot between
            assert sorted(pinned) == cpus  # one CPU each, none shared
        assert all(cpu in cpus for cpu in pinned)
        seen = [r.tests[0].value for r in ex.run_all([probe] * 8)]
        assert all(len(s) == 1 and s[0] in cpus for s in seen)  # the children run where their worker is
    with LocalExecutor(workers=len(cpus) - 1) as ex:  # a CPU to spare: the scheduler places them
        assert [w.isolation["cpu"] for w in ex.workers] == [None] * (len(cpus) - 1)
        assert ex.run_all([probe])[0].tests[0].value == cpus
    monkeypatch.setenv("ACEFORGE_PIN_WORKERS", "0")
    with LocalExecutor(workers=len(cpus)) as ex:
        assert [w.isolation["cpu"] for w in ex.workers] == [None] * len(cpus)


def test_a_program_can_pickle_its_own_functions_and_classes(run):
    """The program is a module in sys.modules, as when Python imports a file: pickle and
    multiprocessing find what it defines (they failed with PicklingError before)."""
    program = (
        "import multiprocessing as mp, pickle\nfrom dataclasses import dataclass\n"
        "@dataclass\nclass D:\n    a: int\n"
        "def sq(x):\n    return x * x\n"
        "def pool():\n    with mp.get_context('fork').Pool(2) as p:\n        return p.map(sq, range(5))\n"
        "def roundtrip():\n    return pickle.loads(pickle.dumps(D(4))).a\n"
    )
    r = run(program, ["assert pool() == [0, 1, 4, 9, 16]", "assert roundtrip() == 4"], timeout_s=5)
    assert r.outcomes == ["passed", "passed"], r
    stdio = "import pickle\nclass P:\n    x = 0\np = P()\np.x = int(input())\nprint(pickle.loads(pickle.dumps(p)).x * 2)\n"
    assert run(stdio, [StdioTest("21", "42")]).outcomes == ["passed"]

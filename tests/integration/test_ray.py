"""The Ray executor on a real local Ray cluster (a head and one worker node, on loopback)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llm_servers import free_port

ray = pytest.importorskip("ray")

import aceforge  # noqa: E402
from aceforge.execution.ray_executor import RayExecutor  # noqa: E402
from aceforge.types import Job, Limits  # noqa: E402

pytestmark = pytest.mark.integration
RAY = str(Path(sys.executable).parent / "ray")


def _start(args: list[str], home: Path) -> subprocess.Popen:
    env = {**os.environ, "HOME": str(home), "RAY_USAGE_STATS_ENABLED": "0"}
    return subprocess.Popen([RAY, "start", "--block", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    home = tmp_path_factory.mktemp("ray-home")
    port = free_port()
    head = _start(["--head", "--node-ip-address", "127.0.0.1", "--port", str(port), "--num-cpus", "2",
                   "--include-dashboard", "false"], home)  # fmt: skip
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    worker = None
    while time.monotonic() < deadline:
        check = subprocess.run([RAY, "status", "--address", address], capture_output=True, text=True,
                               env={**os.environ, "HOME": str(home)})  # fmt: skip
        if check.returncode == 0:
            if worker is None:
                worker = _start(["--address", address, "--num-cpus", "1"], home)
            elif check.stdout.count("node_") >= 2:
                break
        time.sleep(1)
    else:
        _stop(head)
        raise RuntimeError("the local Ray cluster did not come up")
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # the driver must not read another cluster's auth token
    yield {"address": address, "worker": worker}
    ray.shutdown()
    if old_home is not None:
        os.environ["HOME"] = old_home
    for p in (worker, head):
        if p is not None:
            _stop(p)


def jobs(n: int, sleep_s: float = 0.0) -> list[Job]:
    out = []
    for i in range(n):
        program = f"import time\n\ndef f(x):\n    time.sleep({sleep_s})\n    return x * {i % 5}\n"
        tests = (f"assert f(2) == {2 * (i % 5)}", "assert f(1) == 3", "assert f([1]) == [1]")
        out.append(Job(f"j{i}", program, tests, Limits(timeout_s=2.0)))
    return out


def test_ray_gives_the_same_outcomes_as_local(cluster, executor) -> None:
    batch = jobs(40)
    local = {r.id: (r.status, r.outcomes) for r in executor.run_all(batch)}
    with RayExecutor(address=cluster["address"], batch_size=8) as rex:
        assert len({ray.get(a.node.remote()) for a in rex.actors}) == 2  # one engine per node
        remote = {r.id: (r.status, r.outcomes) for r in rex.run(batch)}
        # Every node's sandbox runs this checkout's engine (the driver's), not an installed copy.
        where = Job(
            "where", "import sys", ("sys.modules['aceforge.execution.harness'].__file__",), probe=True
        )
        harness = str(Path(aceforge.__file__).resolve().parent / "execution" / "harness.py")
        for actor in rex.actors:
            assert ray.get(actor.run.remote([where]))[0].tests[0].value == harness
    assert remote == local


def test_cli_exec_with_the_ray_executor(cluster, tmp_path: Path) -> None:
    rows = [{"id": j.id, "program": j.program, "tests": list(j.tests)} for j in jobs(12)]
    inp = tmp_path / "jobs.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    outs = {}
    for kind in ("local", "ray"):
        done = subprocess.run([sys.executable, "-m", "aceforge.cli", "exec", str(inp), "-o", str(tmp_path / f"{kind}.jsonl"),
                               "--executor", kind, "--ray-address", cluster["address"], "--timeout-s", "2"],
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        outs[kind] = sorted(
            (r["id"], r["outcomes"]) for r in map(json.loads, (tmp_path / f"{kind}.jsonl").open())
        )
    assert outs["ray"] == outs["local"]


def test_losing_a_worker_node_mid_batch(cluster) -> None:
    """Kill the worker node's processes while its actor runs: every job's result arrives once."""
    batch = jobs(48, sleep_s=0.05)
    seen: list[str] = []
    with RayExecutor(address=cluster["address"], batch_size=4) as rex:
        here = ray.get_runtime_context().get_node_id()
        remote = [a for a in rex.actors if ray.get(a.node.remote()) != here]
        victim = ray.get(remote[0].pid.remote())
        for r in rex.run(batch):
            seen.append(r.id)
            if len(seen) == 4:  # SIGKILL the worker node: its raylet and the engine actor on it
                _stop(cluster["worker"])
                os.kill(victim, signal.SIGKILL)
            assert r.status == "ok" and r.outcomes[0] == "passed"
        replaced = rex.replaced
    assert sorted(seen) == sorted(j.id for j in batch) and len(seen) == len(set(seen))
    assert replaced >= 1

"""Rootless isolation, run the way a user on a laptop or a Slurm node runs aceforge: as an
unprivileged user (when the suite runs as root, the probe is started as `nobody` through
`runuser`, with the system Python and only the standard library). Each adversary class must
leave the host as it was, and honest controls must still score 1.0, with user namespaces and
with Landlock alone (user namespaces refused, as on Ubuntu 24.04)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("rootless_probe.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def _as_unprivileged(args: list[str], env: dict[str, str]) -> list[str]:
    if os.geteuid() != 0:
        return [sys.executable, *args]
    if not shutil.which("runuser") or not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("needs runuser and a system python3 to run as an unprivileged user")
    reach = subprocess.run(["runuser", "-u", "nobody", "--", "test", "-r", str(PROBE)], check=False)
    if reach.returncode != 0:
        pytest.skip(f"user nobody cannot read {REPO}: rootless mode needs a checkout it can reach")
    pairs = [f"{k}={v}" for k, v in env.items()]
    return ["runuser", "-u", "nobody", "--", "env", "-i", *pairs, SYSTEM_PYTHON, *args]


@pytest.fixture
def victim():
    """A directory of the unprivileged user, outside every private tmp (inside the checkout)."""
    path = REPO / ".pytest-victims" / uuid.uuid4().hex
    path.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(path.parent, "nobody")
        shutil.chown(path, "nobody")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("mode", ["namespaces", "landlock"])
def test_rootless_adversaries_leave_the_host_as_it_was(victim: Path, mode: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(victim), "PYTHONPATH": str(REPO / "src")}
    if mode == "landlock":
        env["ACEFORGE_NO_USER_NAMESPACE"] = "1"
    done = subprocess.run(_as_unprivileged([str(PROBE), str(victim)], env), capture_output=True, text=True,
                          timeout=300, env=None if os.geteuid() == 0 else {**os.environ, **env})  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    iso, results, host = out["isolation"], out["results"], out["host"]
    if mode == "namespaces":
        if not iso["user_namespace"]:
            pytest.skip(f"this kernel refuses user namespaces: {iso['reason']}")
        assert (
            iso["readonly_host"] and iso["network_namespace"] and iso["pid_namespace"] and iso["private_tmp"]
        )
    else:
        if not iso["landlock_fs"]:
            pytest.skip("this kernel has no Landlock")
        assert iso["scratch"] and not iso["user_namespace"]
    assert host["precious_intact"], host
    assert host["victim_files"] == ["precious.txt"], host  # nothing written, dumped or left by a daemon
    assert host["loopback_received"] == "[]" and host["sleeper_alive"], host
    honest = {k: v for k, v in results.items() if not k.startswith("attack:")}
    assert honest and all(v["pass_rate"] == 1.0 for v in honest.values()), honest
    assert results["attack:outside"]["pass_rate"] == 0.0  # no route out: the connect fails

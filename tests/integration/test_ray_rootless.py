"""Ray actors under rootless isolation: a local Ray cluster started by an unprivileged user runs
300 programs with the same verdicts as that user's local engine, in a user namespace that hides
the user's home (the ssh key planted there stays unreadable on both sides)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("ray_rootless_probe.py")
USER = "nobody"
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture
def scratch():
    """Writable by the unprivileged user; short, because Ray's socket paths live beneath it."""
    path = Path("/tmp") / f"rr-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    (path / "home").mkdir()
    if os.geteuid() == 0:
        for p in (path, path / "home"):
            shutil.chown(p, USER)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _command(scratch: Path) -> list[str]:
    """As root: the system Python run as `nobody` (a venv's interpreter may sit under /root),
    with this environment's site-packages on its path, so Ray and aceforge import as here."""
    if os.geteuid() != 0:
        return [sys.executable, str(PROBE), str(scratch)]
    if not shutil.which("runuser") or not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("needs runuser and a system python3 to run Ray as an unprivileged user")
    version = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
    if version != str(sys.version_info[:2]):
        pytest.skip(
            f"the system Python is {version}; this environment's packages are for {sys.version_info[:2]}"
        )
    site = str(Path(ray.__file__).resolve().parents[1])
    if subprocess.run(["runuser", "-u", USER, "--", "test", "-r", str(PROBE)]).returncode != 0:
        pytest.skip(f"user {USER} cannot read {REPO}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(scratch / "home"), "PYTHONPATH": f"{REPO / 'src'}:{site}",
           "RAY_USAGE_STATS_ENABLED": "0", "TMPDIR": str(scratch)}  # fmt: skip
    cmd = [SYSTEM_PYTHON, str(PROBE), str(scratch)]
    return ["runuser", "-u", USER, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *cmd]


def test_ray_actors_rootless_give_the_local_verdicts(scratch: Path) -> None:
    done = subprocess.run(_command(scratch), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["uid"] != 0
    iso = out["isolation"]
    if not iso.get("user_namespace"):
        pytest.skip(f"this kernel refuses user namespaces: {iso.get('reason')}")
    assert iso["readonly_host"] and iso["network_namespace"] and iso["secrets_hidden"], iso
    local, ray = out["local"], out["ray"]
    assert len(local) == 300 and ray == local
    passed = lambda i: local[f"p{i}"][1] == ["passed"] * 3  # noqa: E731
    assert all(passed(i) for i in range(0, 300, 6))  # right programs
    assert all(passed(i) for i in range(4, 300, 6))  # right, printing a lot
    assert not any(passed(i) for i in range(3, 300, 6))  # syntax errors
    assert not any(passed(i) for i in range(5, 300, 6))  # read the planted ssh key

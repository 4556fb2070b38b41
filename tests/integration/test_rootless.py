"""Rootless isolation, run the way a user on a laptop or a Slurm node runs aceforge: as an
unprivileged user (when the suite runs as root, the probe is started as `nobody` through
`runuser`, with the system Python and only the standard library). Each adversary class must
leave the host as it was, and honest controls must still score 1.0, with user namespaces and
with Landlock alone (user namespaces refused, as on Ubuntu 24.04). Secrets planted under the
user's home stay unreadable, as `nobody` (a home outside /home) and as a user with a real
home whose venv, also under that home, must still import."""

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


HOME_USER = "aceforge-probe"  # created (useradd -m) when missing; kept for the next run


def _as_unprivileged(
    args: list[str], env: dict[str, str], user: str = "nobody", python: str = SYSTEM_PYTHON
) -> list[str]:
    if os.geteuid() != 0:
        return [sys.executable, *args]
    if not shutil.which("runuser") or not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("needs runuser and a system python3 to run as an unprivileged user")
    reach = subprocess.run(["runuser", "-u", user, "--", "test", "-r", str(PROBE)], check=False)
    if reach.returncode != 0:
        pytest.skip(f"user {user} cannot read {REPO}: rootless mode needs a checkout it can reach")
    pairs = [f"{k}={v}" for k, v in env.items()]
    return ["runuser", "-u", user, "--", "env", "-i", *pairs, python, *args]


def _probe(
    victim: Path, mode: str, env: dict[str, str], user: str = "nobody", python: str = SYSTEM_PYTHON
) -> dict:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src"), **env}
    if mode == "landlock":
        env["ACEFORGE_NO_USER_NAMESPACE"] = "1"
    done = subprocess.run(_as_unprivileged([str(PROBE), str(victim)], env, user, python), capture_output=True,
                          text=True, timeout=300, env=None if os.geteuid() == 0 else {**os.environ, **env})  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    iso = out["isolation"]
    if mode == "namespaces" and not iso["user_namespace"]:
        pytest.skip(f"this kernel refuses user namespaces: {iso['reason']}")
    if mode == "landlock" and not iso["landlock_fs"]:
        pytest.skip("this kernel has no Landlock")
    return out


def _secrets_held(out: dict, imports: list[str]) -> None:
    results = out["results"]
    assert out["isolation"]["secrets_hidden"], out["isolation"]
    reads = {k: v for k, v in results.items() if k.startswith("attack:read_")}
    assert len(reads) == 3 and all(v["pass_rate"] == 0.0 for v in reads.values()), reads
    controls = {k: v for k, v in results.items() if k.startswith("honest:unreadable_")}
    assert len(controls) == 3 and all(v["pass_rate"] == 1.0 for v in controls.values()), controls
    for name in imports:
        assert results[f"honest:import_{name}"]["pass_rate"] == 1.0, results[f"honest:import_{name}"]


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
    out = _probe(victim, mode, {"HOME": str(victim)})
    iso, results, host = out["isolation"], out["results"], out["host"]
    if mode == "namespaces":
        assert (
            iso["readonly_host"] and iso["network_namespace"] and iso["pid_namespace"] and iso["private_tmp"]
        )
    else:
        assert iso["scratch"] and not iso["user_namespace"]
    assert host["precious_intact"], host
    assert host["victim_files"] == ["precious.txt"], host  # nothing written, dumped or left by a daemon
    assert host["loopback_received"] == "[]" and host["sleeper_alive"], host
    honest = {k: v for k, v in results.items() if k.startswith(("honest:", "after:"))}
    assert honest and all(v["pass_rate"] == 1.0 for v in honest.values()), honest
    assert results["attack:outside"]["pass_rate"] == 0.0  # no route out: the connect fails
    # chmod/utime of a program's own temp file: fine in a user namespace; with Landlock alone a
    # seccomp filter refuses them everywhere (it cannot see paths; see docs/security.md).
    assert results["meta:chmod_own_temp_file"]["pass_rate"] == (1.0 if mode == "namespaces" else 0.0)
    _secrets_held(out, [])
    if len(os.sched_getaffinity(0)) == 2:  # the probe's 2 workers fill the CPUs: pinned, as root's are
        assert iso["cpu"] in os.sched_getaffinity(0), iso


@pytest.fixture
def home_user() -> tuple[str, Path, str, list[str]]:
    """A user with a real home under /home and a venv in it (a package of its own, and the
    test's own site-packages through a .pth, so numpy imports when it is installed here):
    (user, home, the venv's python, the packages that must import)."""
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root and useradd to make a user with a home")
    if subprocess.run(["id", HOME_USER], capture_output=True, check=False).returncode != 0:
        subprocess.run(["useradd", "-m", HOME_USER], check=True)
    home = Path(f"/home/{HOME_USER}")
    venv = home / "venv"
    as_user = ["runuser", "-u", HOME_USER, "--"]
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([*as_user, SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site = subprocess.run([*as_user, python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    imports = ["homepkg"]
    script = (
        f"import os; os.makedirs('{site}/homepkg'); open('{site}/homepkg/__init__.py', 'w').write('V = 1')"
    )
    shared = next((p for p in sys.path if p.endswith("site-packages") and os.path.isdir(f"{p}/numpy")), None)
    if shared and sys.version_info[:2] == _version(SYSTEM_PYTHON):
        script += f"; open('{site}/shared.pth', 'w').write('{shared}')"
        imports.append("numpy")
    subprocess.run([*as_user, python, "-c", script], check=True)
    if (
        "numpy" in imports
        and subprocess.run([*as_user, python, "-c", "import numpy"], check=False).returncode
    ):
        imports.remove("numpy")  # this test's numpy does not load in the system Python
    return HOME_USER, home, python, imports


def _version(python: str) -> tuple[int, int]:
    out = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True
    )
    major, minor = out.stdout.split()
    return int(major), int(minor)


@pytest.mark.parametrize("mode", ["namespaces", "landlock"])
def test_secrets_under_a_real_home_stay_hidden_while_its_venv_imports(home_user, mode: str) -> None:
    user, home, python, imports = home_user
    victim = home / "victim"
    shutil.rmtree(victim, ignore_errors=True)
    subprocess.run(["runuser", "-u", user, "--", "mkdir", str(victim)], check=True)
    env = {"HOME": str(home), "PROBE_IMPORTS": ",".join(imports)}
    out = _probe(victim, mode, env, user=user, python=python)
    if mode == "namespaces":
        assert "/home" in out["isolation"]["hidden_dirs"]
    host, results = out["host"], out["results"]
    assert host["precious_intact"] and host["victim_files"] == ["precious.txt"], host
    honest = {k: v for k, v in results.items() if k.startswith(("honest:", "after:"))}
    assert all(v["pass_rate"] == 1.0 for v in honest.values()), honest
    _secrets_held(out, imports)

"""Run by test_rootless.py as an unprivileged user: adversaries and honest controls through
the engine in rootless mode, then what each did to the host. Prints one JSON object.

    python rootless_probe.py VICTIM_DIR   (env ACEFORGE_NO_USER_NAMESPACE=1: Landlock only)

It plants secrets where users keep them, under $HOME (an ssh key, a Hugging Face token): no
program may read them, nor the environment of the user's other processes through /proc.
PROBE_IMPORTS (comma-separated) names packages that must still import inside the sandbox.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

from aceforge.execution.executor import LocalExecutor
from aceforge.types import Job

ADD = "def add(a, b):\n    return a + b\n"
TESTS = ("assert add(1, 2) == 3", "assert add(2, 2) == 4")


def attacks(victim: str, port: int, sleeper_pgid: int) -> dict[str, str]:
    f = os.path.join(victim, "precious.txt")
    return {
        "delete": f"import os\nos.remove({f!r})\n",
        "unlink": f"import posix\nposix.unlink({f!r})\n",
        "overwrite": f"open({f!r}, 'w').write('pwned')\n",
        "chmod": f"import os\nos.chmod({f!r}, 0o777)\n",
        "rename_symlink": f"import os\nos.rename({f!r}, {f!r} + '.bak')\nos.symlink('/etc/passwd', {f!r})\n",
        "write_outside": f"open({os.path.join(victim, 'new.txt')!r}, 'w').write('x')\n",
        "env_dump": f"import os, json\nopen({os.path.join(victim, 'env.json')!r}, 'w').write(json.dumps(dict(os.environ)))\n",
        "loopback": f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=1)\ns.sendall(b'stolen')\n",
        "outside": "import socket\nsocket.create_connection(('10.255.255.1', 80), timeout=1)\n",
        "kill_all": "import os, signal\nos.kill(-1, signal.SIGKILL)\n",
        "killpg": f"import os, signal\nos.killpg({sleeper_pgid}, signal.SIGKILL)\n",
        "daemon": (
            "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        time.sleep(0.5)\n        open({os.path.join(victim, 'late.txt')!r}, 'w').write('x')\n"
            "        os._exit(0)\n    os._exit(0)\n"
        ),
        "disk_fill": "import os\nwith open(os.path.join(os.environ.get('TMPDIR', '/tmp'), 'fill'), 'wb') as f:\n"
        "    for _ in range(4096):\n        f.write(b'x' * (1 << 20))\n",
    }


SECRETS = {".ssh/id_ed25519": "CANARY-SSH-KEY", ".cache/huggingface/token": "CANARY-HF-TOKEN"}


def plant_secrets(home: str) -> None:
    for rel, text in SECRETS.items():
        path = os.path.join(home, rel)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)


def secret_jobs(home: str, sleeper_pid: int) -> list[Job]:
    """Attacks pass only by reading a secret; the "unreadable" controls pass only when each
    read fails with the error a hidden or forbidden file gives."""
    read = "def f(p):\n    try:\n        return open(p, 'rb').read()\n    except OSError as e:\n        return type(e).__name__\n"
    paths = {k.split("/")[-1]: os.path.join(home, k) for k in SECRETS}
    paths["environ"] = f"/proc/{sleeper_pid}/environ"
    jobs = []
    for name, path in paths.items():
        jobs.append(
            Job(
                f"attack:read_{name}",
                read,
                (f"assert b'CANARY' in f({path!r}) or b'hunter2' in f({path!r})",),
            )
        )
        denied = "('FileNotFoundError', 'PermissionError', 'ProcessLookupError')"
        jobs.append(Job(f"honest:unreadable_{name}", read, (f"assert f({path!r}) in {denied}",)))
    return jobs


def import_jobs() -> list[Job]:
    names = [n for n in os.environ.get("PROBE_IMPORTS", "").split(",") if n]
    return [
        Job(f"honest:import_{n}", f"import {n}\ndef add(a, b):\n    return a + b\n", TESTS) for n in names
    ]


HONEST = {
    "plain": ADD,
    "tempfile": "import tempfile\nwith tempfile.NamedTemporaryFile('w+') as t:\n    t.write('3')\n    t.flush()\n"
    "    t.seek(0)\n    THREE = int(t.read())\ndef add(a, b):\n    return a + b if THREE == 3 else 0\n",
    "threads": "import threading\nout = []\nts = [threading.Thread(target=out.append, args=(i,)) for i in range(4)]\n"
    "[t.start() for t in ts]\n[t.join() for t in ts]\ndef add(a, b):\n    return a + b + len(out) - 4\n",
    "subprocess": "import subprocess, sys\nTWO = int(subprocess.run([sys.executable, '-c', 'print(2)'], "
    "capture_output=True, text=True).stdout)\ndef add(a, b):\n    return a + b + TWO - 2\n",
    "no_secrets": "import os\ndef add(a, b):\n    return a + b if 'PROBE_SECRET' not in os.environ else -1\n",
}


def main() -> None:
    victim = sys.argv[1]
    precious = os.path.join(victim, "precious.txt")
    with open(precious, "w") as f:
        f.write("keep me")
    os.environ["PROBE_SECRET"] = "hunter2"
    plant_secrets(os.environ["HOME"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    got: list[bytes] = []

    def accept() -> None:
        end = time.time() + 60
        while time.time() < end:
            try:
                conn, _ = listener.accept()
                got.append(conn.recv(100))
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    sleeper = subprocess.Popen(["sleep", "60"], start_new_session=True)
    jobs = [
        Job(f"attack:{k}", v + ADD, TESTS)
        for k, v in attacks(victim, listener.getsockname()[1], sleeper.pid).items()
    ]
    jobs += [Job(f"honest:{k}", v, TESTS) for k, v in HONEST.items()]
    jobs += secret_jobs(os.environ["HOME"], sleeper.pid) + import_jobs()
    chmod = "import os, tempfile\nfd, p = tempfile.mkstemp()\nos.chmod(p, 0o755)\nos.utime(p, (1, 1))\n"
    jobs.append(Job("meta:chmod_own_temp_file", chmod + ADD, TESTS))  # refused with Landlock alone
    with LocalExecutor(workers=2) as ex:
        report = ex.isolation_report
        results = {r.id: {"pass_rate": r.pass_rate, "status": r.status} for r in ex.run_all(jobs)}
        # after the daemon's delay: a second round of honest programs on the same workers
        time.sleep(1.0)
        again = ex.run_all([Job(f"after:{k}", v, TESTS) for k, v in HONEST.items()])
        results.update({r.id: {"pass_rate": r.pass_rate, "status": r.status} for r in again})
    with open(precious) as f:
        intact = f.read() == "keep me" and not os.path.islink(precious)
    host = {
        "precious_intact": intact and oct(os.stat(precious).st_mode & 0o777) != "0o777",
        "victim_files": sorted(set(os.listdir(victim)) - {".ssh", ".cache"}),  # those planted
        "loopback_received": got,
        "sleeper_alive": sleeper.poll() is None,
    }
    sleeper.kill()
    print(
        json.dumps(
            {
                "isolation": report,
                "results": results,
                "host": {k: str(v) if k == "loopback_received" else v for k, v in host.items()},
            }
        )
    )


if __name__ == "__main__":
    main()

"""Load on `aceforge serve` over loopback vs. the reward core called directly, same run.

    python benchmarks/serve_load.py [--requests 2000] [--concurrency 32] [--tests 10]

Each request is one completion with ~10 assert tests (OpenRLHF's one-sample-per-request
default). Prints throughput, p50/p99 latency and errors for the server, the throughput of the
reward core on the same items in one direct batch, and the ratio (target: server ≥ 0.5×).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aceforge.execution.executor import LocalExecutor
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, label_of
from llm_servers import free_port

VARIANTS = [
    "def f(x, y):\n    return x * y + 1\n",  # right
    "def f(x, y):\n    return x * y\n",  # wrong on every test
    "def f(x, y):\n    return x * y + 1 if x < 5 else 0\n",  # half right
    "import math\n\ndef f(x, y):\n    return int(math.fsum([x * y, 1]))\n",  # right, imports
]


def workload(n: int, n_tests: int) -> list[tuple[str, str, str]]:
    """(prompt, completion, label) per request; every request has its own tests."""
    items = []
    for i in range(n):
        tests = [f"assert f({i % 97 + k}, {k}) == {(i % 97 + k) * k + 1}" for k in range(n_tests)]
        program = VARIANTS[i % len(VARIANTS)] + f"# sample {i}\n"
        items.append((f"Q{i}: ", f"```python\n{program}```", label_of(tests)))
    return items


async def load(url: str, items: list[tuple[str, str, str]], concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for it in items:
        queue.put_nowait(it)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                prompt, completion, label = queue.get_nowait()
                body = {"query": [prompt + completion], "prompts": [prompt], "labels": [label]}
                t = time.perf_counter()
                try:
                    r = await client.post(url + "/get_reward", json=body)
                    r.raise_for_status()
                    r.json()["rewards"][0]
                    latencies.append(time.perf_counter() - t)
                except (httpx.HTTPError, KeyError, ValueError):
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": len(items),
        "seconds": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--tests", type=int, default=10)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--out", default="benchmarks/results/serve_load.json")
    args = ap.parse_args()
    items = workload(args.requests, args.tests)

    port = free_port()
    cmd = [sys.executable, "-m", "aceforge.cli", "serve", "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    server = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/health", timeout=1).json()["status"] == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                time.sleep(0.1)
        served = asyncio.run(load(url, items, args.concurrency))
        health = httpx.get(url + "/health", timeout=5).json()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    served["mean_batch_items"] = round(health["items"] / max(1, health["batches"]), 1)
    print(f"server : {served}")

    with LocalExecutor(workers=args.workers or None) as ex:
        core = RewardCore(ex, RewardOptions("binary"))
        reward_items = [RewardItem(c, json.loads(label)["tests"]) for _, c, label in items]
        core.score(reward_items[:50])  # warm
        t = time.perf_counter()
        core.score(reward_items)
        direct_s = time.perf_counter() - t
    direct = {"seconds": round(direct_s, 2), "throughput_rps": round(len(items) / direct_s, 1)}
    ratio = served["throughput_rps"] / direct["throughput_rps"]
    print(f"direct : {direct}")
    print(f"server / direct throughput: {ratio:.2f}x (target ≥ 0.5x); errors: {served['errors']} (target 0)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            {"args": vars(args), "server": served, "direct": direct, "ratio": round(ratio, 3)}, indent=2
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

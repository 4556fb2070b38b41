"""The reward server's app in process (the engine is the shared test executor): routes, the
guards, and micro-batching of concurrent requests. `tests/integration/test_serve.py` runs it as
users do, under uvicorn."""

from __future__ import annotations

import asyncio
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, label_of
from aceforge.server import Batcher, ServeSettings, create_app

TESTS = ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]
RIGHT = "```python\ndef add(a, b):\n    return a + b\n```"
HALF = "```python\ndef add(a, b):\n    return 3\n```"  # right on the first test only


def test_reward_route_scores_items_and_names_bad_ones(executor) -> None:
    app = create_app(ServeSettings(reward=RewardOptions("pass_rate", floor=-1.0), max_items=3), executor)
    with TestClient(app) as client:
        assert client.get("/health").json() == {
            "status": "ok",
            "reward": "pass_rate",
            "pending": 1,  # this request
            "batches": 0,
            "items": 0,
        }
        items = [
            {"completion": RIGHT, "tests": TESTS},
            {"completion": HALF, "label": label_of(TESTS)},
            {"completion": "no", "tests": TESTS},
        ]
        results = client.post("/reward", json={"items": items}).json()["results"]
        assert [r["reward"] for r in results] == [1.0, 0.5, -1.0] and results[2]["flags"] == ["no_code"]
        assert client.get("/health").json()["items"] == 3
        # a bad label inside a good body: that item gets the floor and a flag, the rest is scored
        mixed = [{"completion": RIGHT, "tests": 5}, {"completion": RIGHT, "tests": TESTS}]
        got = client.post("/reward", json={"items": mixed}).json()["results"]
        assert [r["reward"] for r in got] == [-1.0, 1.0] and got[0]["flags"] == ["bad_label"]
        assert "label" in got[0]["error"]
        bad = [({"items": 3}, 422, "list 'items'"), ({"items": [{"tests": TESTS}]}, 422, r"items\[0\] needs"),
               ({"items": items + items}, 413, "at most 3")]  # fmt: skip
        for body, status, says in bad:
            r = client.post("/reward", json=body)
            assert r.status_code == status and re.search(says, r.json()["detail"]), r.json()
        assert client.post("/reward", content=b"{not json").status_code == 400


def test_get_reward_speaks_openrlhf_and_a_token_guards_all_but_health(executor) -> None:
    app = create_app(ServeSettings(reward=RewardOptions("weighted"), token="s3cret"), executor)
    body = {"query": ["p" + RIGHT, "p" + HALF], "prompts": ["p", "p"], "labels": [label_of(TESTS)] * 2}
    with TestClient(app) as client:
        assert client.post("/get_reward", json=body).status_code == 401
        assert client.get("/health").status_code == 200
        out = client.post("/get_reward", json=body, headers={"Authorization": "Bearer s3cret"}).json()
        # one group: test 0 failed by none (weight 1), test 1 by half of it (weight 1.5)
        assert out["rewards"] == [1.0, pytest.approx(1 / 2.5)] and out["scores"] == [1.0, 0.5]


def test_concurrent_requests_share_one_engine_batch(executor) -> None:
    core = RewardCore(executor, RewardOptions("binary"))

    async def scenario() -> tuple[list, Batcher]:
        batcher = Batcher(core, max_batch=64, wait_s=0.5)
        task = asyncio.create_task(batcher.run())
        got = await asyncio.gather(
            *(batcher.submit([RewardItem(c, TESTS)] * n) for c, n in ((RIGHT, 2), (HALF, 1), (RIGHT, 3)))
        )
        task.cancel()
        return got, batcher

    got, batcher = asyncio.run(scenario())
    assert [[r.reward for r in rs] for rs in got] == [[1.0, 1.0], [0.0], [1.0, 1.0, 1.0]]  # each its own
    assert (batcher.batches, batcher.items) == (1, 6)

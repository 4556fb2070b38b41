"""ask_chunk: refused requests reject their item, spent retries stay undone, a budget stop or a
bug stops the stage once the chunk is saved."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

from aceforge.artifacts import StageOutput
from aceforge.errors import BudgetExceededError, GenerationError, RequestRejectedError
from aceforge.synthesis.batch import ask_chunk

OUTCOMES: dict[str, BaseException | None] = {
    "ok": None,
    "refused": RequestRejectedError("prompt too long"),
    "flaky": GenerationError("retries spent"),
    "budget": BudgetExceededError("out of tokens"),
    "bug": KeyError("oops"),
}


async def _ask(item: str) -> str:
    await asyncio.sleep(0)
    err = OUTCOMES[item]
    if err is not None:
        raise err
    return item.upper()


def _parts(path: Path) -> list[dict]:
    return [json.loads(x) for x in (path / "parts.jsonl").read_text().splitlines()]


def test_each_kind_of_answer_is_sorted_out(tmp_path: Path) -> None:
    out, counts = StageOutput(tmp_path, "synth", {}), Counter[str]()
    items = ["ok", "refused", "flaky", "budget", "bug", "ok"]
    ids = [f"id{i}" for i in range(len(items))]
    ready, stop = asyncio.run(ask_chunk(items, ids, _ask, out, counts))
    assert ready == [("ok", "OK"), ("ok", "OK")]
    assert isinstance(stop, BudgetExceededError)  # the first stopping error wins
    assert counts == {"llm_failed": 1}
    out.parts.close()
    [part] = _parts(tmp_path)
    assert part["id"] == "id1" and part["reason"] == "llm_rejected_request"
    assert "prompt too long" in part["detail"]["error"]
    assert "id2" not in out.done  # a rerun asks again


def test_a_bug_stops_the_stage(tmp_path: Path) -> None:
    out = StageOutput(tmp_path, "synth", {})
    ready, stop = asyncio.run(ask_chunk(["bug", "ok"], ["a", "b"], _ask, out, Counter()))
    assert ready == [("ok", "OK")] and isinstance(stop, KeyError)

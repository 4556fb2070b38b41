"""sample: N answers per question from each policy model (a scripted client), stored raw and
as the extracted program."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from aceforge.artifacts import StageOutput
from aceforge.errors import ConfigError
from aceforge.generation.generator import Generator
from aceforge.generation.scripted import ScriptedClient
from aceforge.synthesis.configs import SampleConfig
from aceforge.synthesis.sample import gen_params, model_inferences, sample_programs
from aceforge.templates import COMPLETION_STOPS

ROW = {"id": "q1", "question": "Add a and b.", "entry_point": "add", "test_cases": ["assert add(1, 2) == 3"]}


def _answer(text: str, sample: int) -> str:
    return f"Here you go:\n```python\ndef add(a, b):\n    return a + b + {sample}\n```"


def test_gen_params_stop_only_base_models() -> None:
    chat = Generator(ScriptedClient(_answer, chat=True), None)
    base = Generator(ScriptedClient(_answer), None)
    assert gen_params(chat, 64, 0.7, 0.9, 3).stop == ()
    p = gen_params(base, 64, 0.7, 0.9, 3)
    assert p.stop == COMPLETION_STOPS and p.max_tokens == 64 and p.seed == 3


def test_model_inferences_show_one_test_and_extract_programs() -> None:
    client = ScriptedClient(_answer, model="m1", chat=True)
    gen = Generator(client, None)
    infs = asyncio.run(model_inferences(gen, ROW, 2, gen_params(gen, 64, 1.0, 1.0, 0)))
    assert [i["completion_id"] for i in infs] == [0, 1]
    assert infs[1]["program"].strip() == "def add(a, b):\n    return a + b + 1"
    assert infs[0]["model_name"] == "m1" and infs[0]["pass_rate"] is None
    assert "assert add(1, 2) == 3" in client.calls[0][0]
    hidden = ScriptedClient(_answer, chat=True)
    asyncio.run(model_inferences(Generator(hidden, None), ROW, 1, gen_params(gen, 64, 1.0, 1.0, 0), False))
    assert "assert add(1, 2) == 3" not in hidden.calls[0][0]


def test_sample_programs_from_two_models_and_resume(tmp_path: Path) -> None:
    gens = [Generator(ScriptedClient(_answer, model=m, chat=True), None) for m in ("a", "b")]
    rows = [ROW, {**ROW, "id": "q2"}]
    out = StageOutput(tmp_path, "sample", {})
    counts = asyncio.run(sample_programs(rows, gens, SampleConfig(n=3, chunk_size=1), out))
    assert counts == {"samples": 12, "extracted": 12}
    out.parts.close()
    parts = [json.loads(x) for x in (tmp_path / "parts.jsonl").read_text().splitlines()]
    assert [p["id"] for p in parts] == ["q1", "q2"]
    models = [i["model_name"] for i in parts[0]["row"]["inferences"]]
    assert models == ["a", "a", "a", "b", "b", "b"]
    again = asyncio.run(sample_programs(rows, gens, SampleConfig(n=3), StageOutput(tmp_path, "sample", {})))
    assert again == {}


def test_sample_refuses_no_models_and_bad_config(tmp_path: Path) -> None:
    out = StageOutput(tmp_path, "sample", {})
    with pytest.raises(ConfigError, match="at least one policy model"):
        asyncio.run(sample_programs([ROW], [], SampleConfig(), out))
    with pytest.raises(ConfigError, match="sample:"):
        asyncio.run(sample_programs([ROW], [], SampleConfig(n=0), out))

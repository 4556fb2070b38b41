"""``sample``: N programs per question from one or more policy models.

Each answer is stored raw (``completion``) and as the program extracted from it (``program``:
fenced blocks, prose and ``<think>`` sections handled by syntax tree; imports and the entry
function kept). ``pass_rate`` stays empty until ``score``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from aceforge.artifacts import StageOutput
from aceforge.errors import ConfigError
from aceforge.extract import extract_code
from aceforge.generation.base import GenParams
from aceforge.generation.generator import Generator
from aceforge.synthesis.batch import ask_chunk
from aceforge.synthesis.configs import SampleConfig
from aceforge.templates import COMPLETION_STOPS, solve_prompt


async def sample_programs(
    rows: list[dict[str, Any]],
    gens: list[Generator],
    cfg: SampleConfig,
    out: StageOutput,
    advance: Callable[[int], None] = lambda n: None,
) -> Counter[str]:
    cfg.validate()
    if not gens:
        raise ConfigError("sample needs at least one policy model")
    counts: Counter[str] = Counter()
    todo = [r for r in rows if r["id"] not in out.done]
    for start in range(0, len(todo), cfg.chunk_size):
        chunk = todo[start : start + cfg.chunk_size]
        ready, stop = await ask_chunk(
            chunk, [r["id"] for r in chunk], lambda r: _sample(gens, r, cfg), out, counts
        )
        for row, inferences in ready:
            counts["samples"] += len(inferences)
            counts["extracted"] += sum(bool(i["program"]) for i in inferences)
            out.keep({**row, "inferences": inferences})
        advance(len(chunk))
        if stop is not None:
            raise stop
    return counts


async def _sample(gens: list[Generator], row: dict[str, Any], cfg: SampleConfig) -> list[dict[str, Any]]:
    example = row["test_cases"][0] if cfg.show_test and row["test_cases"] else None
    inferences: list[dict[str, Any]] = []
    for gen in gens:
        params = GenParams(
            cfg.max_tokens, cfg.temperature, cfg.top_p, () if gen.chat else COMPLETION_STOPS, cfg.seed
        )
        answers = await gen.complete(solve_prompt(row["question"], example, gen.chat), params, cfg.n)
        for j, answer in enumerate(answers):
            code = extract_code(answer.text, row.get("entry_point"))
            inferences.append(
                {
                    "model_name": gen.model,
                    "completion_id": j,
                    "completion": answer.text,
                    "program": code.code,
                    "pass_rate": None,
                    "outcomes": None,
                }
            )
    return inferences

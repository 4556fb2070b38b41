"""``sample``: N programs per question from one or more policy models.

Each answer is stored raw (``completion``) and as the program extracted from it (``program``:
fenced blocks, prose and ``<think>`` sections handled by syntax tree; imports and the entry
function kept, or a stdin/stdout question's whole program). ``pass_rate`` stays empty until
``score``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from aceforge.artifacts import StageOutput
from aceforge.errors import ConfigError
from aceforge.extract import extract_code
from aceforge.formats.label_tests import stage_tests
from aceforge.generation.base import GenParams
from aceforge.generation.generator import Generator
from aceforge.synthesis.batch import ask_chunk
from aceforge.synthesis.configs import SampleConfig
from aceforge.templates import COMPLETION_STOPS, SCRIPT_STOPS, solve_prompt
from aceforge.types import StdioTest


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
    inferences: list[dict[str, Any]] = []
    for gen in gens:
        params = gen_params(gen, cfg.max_tokens, cfg.temperature, cfg.top_p, cfg.seed)
        inferences += await model_inferences(gen, row, cfg.n, params, cfg.show_test)
    return inferences


def gen_params(gen: Generator, max_tokens: int, temperature: float, top_p: float, seed: int) -> GenParams:
    """Sampling settings for solving a question (base models stop at the next top-level line)."""
    return GenParams(max_tokens, temperature, top_p, () if gen.chat else COMPLETION_STOPS, seed)


async def model_inferences(
    gen: Generator, row: dict[str, Any], n: int, params: GenParams, show_test: bool = True
) -> list[dict[str, Any]]:
    """`n` answers of one model to a question, each raw and as its extracted program (the
    ``inferences`` layout; ``pass_rate`` and ``outcomes`` empty until executed)."""
    tests = stage_tests(row["test_cases"])
    # an assert shows the call shape; a stdin/stdout question shows its examples in its text and
    # is answered by a whole program (`import`'s rows)
    script = any(isinstance(t, StdioTest) for t in tests)
    example = tests[0] if show_test and tests and isinstance(tests[0], str) else None
    if script and not gen.chat:
        params = replace(params, stop=SCRIPT_STOPS)
    answers = await gen.complete(solve_prompt(row["question"], example, gen.chat, script), params, n)
    return [
        {
            "model_name": gen.model,
            "completion_id": j,
            "completion": answer.text,
            "program": extract_code(answer.text, row.get("entry_point"), script).code,
            "pass_rate": None,
            "outcomes": None,
        }
        for j, answer in enumerate(answers)
    ]

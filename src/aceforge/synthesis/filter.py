"""``filter``: drop hallucinated tests. A proxy model writes programs for each question; the
engine runs them; a test survives when the oracles agree it is right; questions left with
fewer than ``min_tests`` tests are dropped (paper: Qwen2.5-Coder-32B-Instruct, greedy, 5).

Oracles per test: the proxy (passed by a strict majority of its ``k`` samples) and, when the
row carries the seed program (``reference``), the seed itself. ``oracle`` chooses the rule:
``proxy`` (the paper), ``reference``, ``any`` (either says right), ``all`` (both do). Rows
without a reference are judged by the proxy alone.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from aceforge.artifacts import StageOutput
from aceforge.errors import ConfigError
from aceforge.extract import extract_code
from aceforge.generation.base import GenParams
from aceforge.generation.generator import Generator
from aceforge.synthesis.batch import ask_chunk
from aceforge.synthesis.configs import FilterConfig
from aceforge.templates import COMPLETION_STOPS, solve_prompt
from aceforge.types import ExecResult, Executor, Job, Limits


async def filter_tests(
    rows: list[dict[str, Any]],
    gen: Generator | None,
    executor: Executor,
    cfg: FilterConfig,
    out: StageOutput,
    advance: Callable[[int], None] = lambda n: None,
) -> Counter[str]:
    cfg.validate()
    if cfg.needs_proxy and gen is None:
        raise ConfigError(f"oracle {cfg.oracle!r} needs a proxy model")
    counts: Counter[str] = Counter()
    todo = [r for r in rows if r["id"] not in out.done]
    stops = () if gen is None or gen.chat else COMPLETION_STOPS
    params = GenParams(cfg.max_tokens, cfg.temperature, cfg.top_p, stops, cfg.seed)
    for start in range(0, len(todo), cfg.chunk_size):
        chunk = todo[start : start + cfg.chunk_size]
        if cfg.needs_proxy and gen is not None:
            ready, stop = await ask_chunk(
                chunk, [r["id"] for r in chunk], lambda r: _solve(gen, r, cfg, params), out, counts
            )
        else:
            ready, stop = [(r, []) for r in chunk], None
        _judge(ready, executor, cfg, out, gen.model if gen else "", counts)
        advance(len(chunk))
        if stop is not None:
            raise stop
    return counts


async def _solve(gen: Generator, row: dict[str, Any], cfg: FilterConfig, params: GenParams) -> list[str]:
    example = row["test_cases"][0] if row["test_cases"] else None
    prompt = solve_prompt(row["question"], example, gen.chat)
    return [c.text for c in await gen.complete(prompt, params, cfg.k)]


def _judge(
    ready: list[tuple[dict[str, Any], list[str]]],
    executor: Executor,
    cfg: FilterConfig,
    out: StageOutput,
    model: str,
    counts: Counter[str],
) -> None:
    limits = Limits(timeout_s=cfg.timeout_s)
    jobs = []
    for qi, (row, answers) in enumerate(ready):
        tests = tuple(row["test_cases"])
        for j, answer in enumerate(answers):
            code = extract_code(answer, row.get("entry_point")).code
            jobs.append(Job(f"{qi}:{j}", code, tests, limits))
        if row.get("reference") and cfg.oracle != "proxy":
            jobs.append(Job(f"{qi}:ref", row["reference"], tests, limits))
    results: dict[str, ExecResult] = {r.id: r for r in executor.run_all(jobs)}
    kept = []
    for qi, (row, answers) in enumerate(ready):
        proxy = [results[f"{qi}:{j}"] for j in range(len(answers))]
        ref = results.get(f"{qi}:ref")
        decided = _decide(row, answers, proxy, ref, cfg, out, model, counts)
        if decided is not None:
            kept.append(
                (decided, [j.program for j in jobs if j.id.startswith(f"{qi}:") and j.id != f"{qi}:ref"])
            )
    if cfg.learn_from_proxy and cfg.oracle != "proxy":
        learn_from_programs(kept, executor, limits, counts)
    for row, _ in kept:
        out.keep(row)


def _decide(
    row: dict[str, Any],
    answers: list[str],
    proxy: list[ExecResult],
    ref: ExecResult | None,
    cfg: FilterConfig,
    out: StageOutput,
    model: str,
    counts: Counter[str],
) -> dict[str, Any] | None:
    """The row with the tests the oracles keep, or None (rejected) when too few are left."""
    tests = row["test_cases"]
    keep, dropped = [], []
    for i, test in enumerate(tests):
        votes = sum(r.tests[i].passed for r in proxy)
        proxy_ok = votes * 2 > len(proxy) if proxy else None
        ref_ok = ref.tests[i].passed if ref is not None else None
        if _verdict(cfg.oracle, proxy_ok, ref_ok):
            keep.append(i)
        else:
            dropped.append({"test": test, "proxy_votes": votes, "reference_passed": ref_ok})
    kept = [tests[i] for i in keep]
    counts["tests_before"] += len(tests)
    info = {
        "oracle": cfg.oracle,
        "tests_before": len(tests),
        "tests_after": len(kept),
        "proxy_samples": len(proxy),
        "reference_used": ref is not None,
        "dropped": dropped,
    }
    if len(kept) < cfg.min_tests or not kept:
        out.reject(row["id"], "too_few_tests", {"question": row["question"], **info})
        return None
    counts["tests_after"] += len(kept)
    inferences = [
        {
            "model_name": model,
            "completion_id": j,
            "completion": answers[j],
            "pass_rate": dataclasses.replace(r, tests=tuple(r.tests[i] for i in keep)).pass_rate,
        }
        for j, r in enumerate(proxy)
    ]
    return {**row, "test_cases": kept, "inferences": inferences, "filter_info": json.dumps(info)}


def learn_from_programs(
    rows: list[tuple[dict[str, Any], list[str]]], executor: Executor, limits: Limits, counts: Counter[str]
) -> None:
    """Programs written for the question that the suite accepts but that answer some in-domain
    input differently from the seed are wrong solutions the suite misses: like surviving
    mutants, each gets an input that tells it apart (searched around the suite's own calls),
    added as a test with the seed's answer. Only rows whose seed passes every kept test."""
    from aceforge.synthesis.domain import InputSpace, test_calls
    from aceforge.synthesis.feedback import assert_test, cover, kill_sets, reference_answers
    from aceforge.synthesis.signature import params_of

    todo = [(r, progs) for r, progs in rows if r.get("reference") and r.get("entry_point") and progs]
    if not todo:
        return
    refs = [str(r["reference"]) for r, _ in todo]
    calls = [test_calls(r["test_cases"], r["entry_point"]) for r, _ in todo]
    proposals = []
    for (row, _), ref, cs in zip(todo, refs, calls, strict=True):
        space = InputSpace.build(row["entry_point"], params_of(ref, row["entry_point"]), cs)
        grown = space.grow(cs, len(cs) + 30, f"{row['id']}/proxy")[len(cs) :]
        proposals.append([c for c in dict.fromkeys(grown + space.boundaries(cs)) if c not in cs])
    answers = reference_answers(refs, proposals, executor, limits, 0.2, "proxy")
    found = [[c for c in p if c in a.found] for p, a in zip(proposals, answers, strict=True)]
    kills = kill_sets([progs for _, progs in todo], found, answers, executor, limits)
    for (row, _), ks, ans, pool in zip(todo, kills, answers, found, strict=True):
        passing = [k for k, inf in zip(ks, row["inferences"], strict=False) if inf["pass_rate"] == 1.0 and k]
        added = cover(pool, passing, len(passing))
        if not added:
            continue
        tests = [assert_test(c, ans.found[c][0]) for c in added]
        info = json.loads(row["filter_info"])
        info["added_from_programs"] = tests
        row["test_cases"] = [*row["test_cases"], *tests]
        n = len(row["test_cases"])
        for inf, k in zip(
            row["inferences"], ks, strict=False
        ):  # the new tests fail exactly the programs they kill
            inf["pass_rate"] = (inf["pass_rate"] * (n - len(tests)) + sum(c not in k for c in added)) / n
        row["filter_info"] = json.dumps(info)
        counts["tests_added_from_programs"] += len(tests)


def _verdict(oracle: str, proxy_ok: bool | None, ref_ok: bool | None) -> bool:
    if oracle == "proxy" or ref_ok is None:
        return bool(proxy_ok)
    if oracle == "reference" or proxy_ok is None:
        return ref_ok
    return (proxy_ok or ref_ok) if oracle == "any" else (proxy_ok and ref_ok)

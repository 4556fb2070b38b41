"""``filter``: drop hallucinated tests. A proxy model writes programs for each question; the
engine runs them; a test survives when the oracles agree it is right; questions left with
fewer than ``min_tests`` tests are dropped (paper: Qwen2.5-Coder-32B-Instruct, greedy, 5).

Oracles per test: the proxy (passed by a strict majority of its ``k`` samples) and, when the
row carries the seed program (``reference``), the seed itself. ``oracle`` chooses the rule:
``proxy`` (the paper), ``reference``, ``any`` (either says right), ``all`` (both do). Rows
without a reference are judged by the proxy alone.

Rows ``aceforge import`` wrote (stdin/stdout tests, a prelude, a checker) are judged as ``score``
judges them: the proxy writes whole programs, each run after the row's prelude, a checker (when
the row has one) deciding its outputs; the same oracle rules keep or drop each test.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from aceforge.artifacts import StageOutput
from aceforge.checkers import run_jobs
from aceforge.errors import ConfigError
from aceforge.execution.base import Executor
from aceforge.formats import with_prelude
from aceforge.formats.label_tests import stage_tests
from aceforge.generation.generator import Generator
from aceforge.synthesis.batch import ask_chunk
from aceforge.synthesis.configs import FilterConfig
from aceforge.synthesis.question_block import refresh
from aceforge.synthesis.sample import gen_params, model_inferences
from aceforge.synthesis.score import chunk_jobs, record
from aceforge.types import ExecResult, Job, Limits


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
    params = gen_params(gen, cfg.max_tokens, cfg.temperature, cfg.top_p, cfg.seed) if gen else None
    for start in range(0, len(todo), cfg.chunk_size):
        chunk = todo[start : start + cfg.chunk_size]
        if cfg.needs_proxy and gen is not None:
            assert params is not None
            ready, stop = await ask_chunk(
                chunk,
                [r["id"] for r in chunk],
                lambda r: model_inferences(gen, r, cfg.k, params),
                out,
                counts,
            )
        else:
            ready, stop = [(r, []) for r in chunk], None
        _judge(ready, executor, cfg, out, counts)
        advance(len(chunk))
        if stop is not None:
            raise stop
    return counts


def _judge(
    ready: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    executor: Executor,
    cfg: FilterConfig,
    out: StageOutput,
    counts: Counter[str],
) -> None:
    limits = Limits(timeout_s=cfg.timeout_s)
    # the proxy's programs as `score` runs them (prelude, checker), then each seed
    jobs, checkers = chunk_jobs([{**row, "inferences": infs} for row, infs in ready], limits)
    for qi, (row, _) in enumerate(ready):
        if row.get("reference") and cfg.oracle != "proxy":
            program = with_prelude(row.get("prelude") or "", row["reference"])
            jobs.append(Job(f"{qi}:ref", program, stage_tests(row["test_cases"]), limits))
            if row.get("checker"):
                checkers[f"{qi}:ref"] = row["checker"]
    results: dict[str, ExecResult] = {r.id: r for r in run_jobs(executor, jobs, checkers)}
    kept = []
    for qi, (row, inferences) in enumerate(ready):
        proxy = [results[f"{qi}:{j}"] for j in range(len(inferences))]
        ref = results.get(f"{qi}:ref")
        decided = _decide(row, inferences, proxy, ref, cfg, out, counts)
        if decided is not None:
            kept.append((decided, [inf["program"] for inf in inferences]))
    if cfg.learn_from_proxy and cfg.oracle != "proxy":
        learn_from_programs(kept, executor, limits, counts)
    for row, _ in kept:
        out.keep(row)


def _decide(
    row: dict[str, Any],
    inferences: list[dict[str, Any]],
    proxy: list[ExecResult],
    ref: ExecResult | None,
    cfg: FilterConfig,
    out: StageOutput,
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
    question, kept, synth_info = refresh(row, kept)  # the examples shown are kept tests, first
    at = {_key(tests[i]): i for i in keep}
    for inf, r in zip(inferences, proxy, strict=True):  # judged on the tests kept
        record(inf, [r.outcomes[at[_key(t)]] for t in kept])
    shown = {"question": question, "context_messages": [{"role": "user", "content": question}]}
    return {
        **row,
        **(shown if question != row["question"] else {}),
        "test_cases": kept,
        "inferences": inferences,
        "synth_info": synth_info,
        "filter_info": json.dumps(info),
    }


def _key(test: Any) -> str:
    """A test as a dict key: an assert is its text; a stdin/stdout test (a dict) its JSON."""
    return test if isinstance(test, str) else json.dumps(test, sort_keys=True)


def learn_from_programs(
    rows: list[tuple[dict[str, Any], list[str]]], executor: Executor, limits: Limits, counts: Counter[str]
) -> None:
    """Programs written for the question that the suite accepts but that answer some in-domain
    input differently from the seed are wrong solutions the suite misses: like surviving
    mutants, each gets an input that tells it apart (searched around the suite's own calls),
    added as a test with the seed's answer. Only rows whose seed passes every kept test."""
    from aceforge.synthesis.domain import InputSpace
    from aceforge.synthesis.feedback import assert_test, cover, kill_sets, reference_answers
    from aceforge.synthesis.parse import test_calls
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
        for inf, k in zip(row["inferences"], ks, strict=False):  # a new test fails the programs it kills
            record(inf, [*inf["outcomes"], *("failed" if c in k else "passed" for c in added)])
        row["filter_info"] = json.dumps(info)
        counts["tests_added_from_programs"] += len(tests)


def _verdict(oracle: str, proxy_ok: bool | None, ref_ok: bool | None) -> bool:
    if oracle == "proxy" or ref_ok is None:
        return bool(proxy_ok)
    if oracle == "reference" or proxy_ok is None:
        return ref_ok
    return (proxy_ok or ref_ok) if oracle == "any" else (proxy_ok and ref_ok)

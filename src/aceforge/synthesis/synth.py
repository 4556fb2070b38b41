"""``synth``: seeds → LeetCode-style questions with assert tests.

Two modes:

* ``tests`` (the paper): the LLM writes the question and ~20 asserts with imagined expected
  values; each assert is validated with ``ast``; a later ``filter`` stage removes wrong ones.
* ``inputs`` (for weak teachers and trustworthy seeds): the LLM writes the question and only the
  *inputs* (calls with literal arguments). The seed program computes every expected value in
  the sandbox; type-aware mutation tops the set up; inputs on which the seed raises or times
  out are dropped. With ``guess_inputs``, guesses (``fallback``) stand in where the model's inputs fail.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from aceforge.artifacts import StageOutput, empty_row
from aceforge.execution.base import Executor
from aceforge.generation.base import GenParams
from aceforge.generation.generator import Generator
from aceforge.synthesis.batch import ask_chunk
from aceforge.synthesis.configs import SynthConfig
from aceforge.synthesis.dispatch import add_code_inputs
from aceforge.synthesis.draft import Draft
from aceforge.synthesis.edges import edge_calls, evidence
from aceforge.synthesis.examples import assigned_calls, example_calls
from aceforge.synthesis.fallback import fallback_guesses, retyped
from aceforge.synthesis.feedback import (
    Answers,
    assert_test,
    exception_last,
    kill_sets,
    minimize,
    mutation_score,
    raises_test,
    reference_answers,
)
from aceforge.synthesis.mutants import make_mutants
from aceforge.synthesis.parse import check_call, check_tests, detect_entry_point, parse_answer
from aceforge.synthesis.prompts import few_shot_prefix, signature, strip_leaks, synth_prompt
from aceforge.synthesis.question_block import present, seed_question
from aceforge.synthesis.raises import cap_exceptions, falls_through, intended_exceptions, returns_iterator
from aceforge.synthesis.realistic import make_realistic
from aceforge.synthesis.seed_space import seed_space
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.shapes import add_shapes, literal_call
from aceforge.synthesis.signature import entry_function, one_signature, params_of
from aceforge.synthesis.suite_order import input_traits, news_kind, ordered, table_entries
from aceforge.synthesis.ties import off_ties
from aceforge.types import Limits


async def synthesize(
    seeds: list[Seed],
    gen: Generator,
    executor: Executor,
    cfg: SynthConfig,
    out: StageOutput,
    advance: Callable[[int], None] = lambda n: None,
) -> Counter[str]:
    """Process the seeds not yet in `out`, chunk by chunk; return counts for the manifest."""
    cfg.validate()
    counts: Counter[str] = Counter()
    todo = [s for s in seeds if s.id not in out.done]
    params = GenParams(cfg.max_tokens, cfg.temperature, cfg.top_p, ("\n###",), cfg.seed)
    for start in range(0, len(todo), cfg.chunk_size):
        chunk = todo[start : start + cfg.chunk_size]
        ready, stop = await ask_chunk(
            chunk, [s.id for s in chunk], lambda s: _ask(gen, s, cfg, params), out, counts
        )
        drafts = [d for d in (_draft(seed, answer, cfg, out) for seed, answer in ready) if d is not None]
        if cfg.mode == "inputs":
            _compute_expected(drafts, executor, cfg, out)
        else:
            for d in drafts:
                _keep(out, d, d.calls, cfg)
        advance(len(chunk))
        if stop is not None:
            raise stop
    return counts


async def _ask(gen: Generator, seed: Seed, cfg: SynthConfig, params: GenParams) -> tuple[str, bool]:
    """The answer (a few-shot prefix put back) and whether it stopped at the token limit."""
    prompt = synth_prompt(seed, cfg.mode, gen.chat, cfg.n_tests, cfg.keep_name)
    completion = (await gen.complete(prompt, params))[0]
    text = completion.text if gen.chat else few_shot_prefix(seed, cfg.keep_name) + completion.text
    return text, completion.finish_reason == "length"


def _draft(seed: Seed, reply: tuple[str, bool], cfg: SynthConfig, out: StageOutput) -> Draft | None:
    answer, hit_limit = reply
    key = "inputs" if cfg.mode == "inputs" else "tests"
    obj, reason = parse_answer(answer, (key,))
    if obj is None:
        out.reject(seed.id, reason or "no_json", {"answer": answer[:2000]})
        return None
    question = obj.get("question")
    if not isinstance(question, str) or len(question.strip()) < 10:
        out.reject(seed.id, "no_question", {"answer": answer[:2000]})
        return None
    stripped = strip_leaks(question.strip(), seed)
    leaked = stripped != question.strip()
    if leaked and (len(stripped) < 10 or (seed.entry_point and seed.entry_point not in stripped)):
        # What is left no longer asks for the function: the seed's instruction says what it does.
        if seed.instruction:
            stripped = seed_question(seed)
        elif len(stripped) < 10:
            out.reject(seed.id, "few_shot_leak", {"answer": answer[:2000]})
            return None
        else:
            stripped = f"Write a function `{signature(seed) or seed.entry_point}`. {stripped}"
    question = stripped
    got = obj.get(key)
    items: list[Any] = got if isinstance(got, list) else []
    hint = seed.entry_point if cfg.keep_name else None
    if cfg.mode == "tests":
        entry = detect_entry_point(items, hint)
        check = check_tests(items, entry or "")
        if not entry or not check.kept:
            out.reject(seed.id, "no_valid_tests", {"question": question, "rejected_tests": check.rejected})
            return None
        draft = Draft(seed, question, entry, len(items), check.rejected, check.kept, {})
    elif not seed.entry_point:
        out.reject(seed.id, "seed_has_no_function", {"question": question})
        return None
    else:
        draft = _input_draft(seed, question, items, cfg)
    if leaked:
        draft.stats["few_shot_leak"] = True  # sentences echoing a few-shot example were removed
    draft.hit_limit = hit_limit
    return draft


def _input_draft(seed: Seed, question: str, items: list[Any], cfg: SynthConfig) -> Draft:
    """Candidate inputs in priority order: the seed's own examples, the model's proposals
    that fit the domain the examples show, and only when neither gives any, guesses from the
    signature (typed by its annotations when it has them)."""
    entry = seed.entry_point or ""
    params = params_of(seed.program, entry)
    text = f"{seed.program}\n{seed.instruction}"
    examples = example_calls(text, entry) or assigned_calls(text, entry, [p.name for p in params])
    origin = dict.fromkeys(examples, "example")
    fn = entry_function(seed.program, entry)
    doc = (ast.get_docstring(fn) if fn is not None else None) or seed.instruction
    space = seed_space(seed, entry, params, examples, fn, doc)
    exceptions = intended_exceptions(fn, doc)
    rejected = []
    for item in items:
        call, why = check_call(item, entry)
        call = call if call is None or space.fits(call) else retyped(call, space) or call  # '42.23'
        if call is not None and not space.fits(call):
            if exceptions and space.fits(call, stated=False):  # may be a documented exception case
                origin.setdefault(call, "probe")
            call, why = None, "outside_domain"
        if call is None:
            rejected.append({"test": str(item)[:500], "reason": why or "invalid"})
        else:
            origin.setdefault(call, "model")
    if not any(o != "probe" for o in origin.values()) and cfg.guess_inputs:
        origin.update(dict.fromkeys(fallback_guesses(space, seed.program), "signature"))
    draft = Draft(seed, question, entry, len(items), rejected, list(origin), origin, space)
    draft.exceptions = exceptions
    draft.iterates = returns_iterator(fn)
    draft.no_none = falls_through(fn)
    return draft


def _compute_expected(drafts: list[Draft], executor: Executor, cfg: SynthConfig, out: StageOutput) -> None:
    """The seed program answers every candidate input (twice, to catch nondeterminism); in-domain
    mutants of the inputs that worked top the pool up; with `feedback`, mutants of the seed are
    run and inputs that tell survivors apart are searched for; the suite is then minimized."""
    limits = Limits(timeout_s=cfg.timeout_s)
    answers = _answer(drafts, [d.calls for d in drafts], executor, limits, cfg, "ref0")
    if cfg.guess_inputs:
        _last_resort(drafts, answers, executor, limits, cfg)
    live: list[Draft] = []
    for d, ans in zip(drafts, answers, strict=True):
        if ans.unstable:
            out.reject(
                d.seed.id,
                "nondeterministic_reference",
                {"question": d.question, "calls": sorted(ans.unstable)[:5]},
            )
            continue
        values = [c for c in d.calls if c in ans.found and d.origin.get(c) != "probe" and _kept(d, ans, c)]
        raised = [c for c in d.calls if c not in ans.found and ans.raised.get(c) in d.exceptions]
        ok = one_signature(values + raised, d.origin)  # a signature the seed answers with values
        if d.space is not None and d.space.star is not None:  # *args: arities differ, types may mix
            ok = values + raised
        d.answers = Answers({c: ans.found[c] for c in ok if c in ans.found and d.origin.get(c) != "probe"},
                            set(), ans.failed, _intended(d, ans.raised, ok))  # fmt: skip
        if d.space is not None and not any(o == "example" for o in d.origin.values()):
            d.space = d.space.rebuild(evidence([c for c in ok if c in d.answers.found], d.origin))
        live.append(d)
    _widen(live, executor, limits, cfg, "ref1")
    if cfg.n_edges:  # iterators, mapping subclasses, unhashable items, tuples (``shapes``)
        add_shapes(live, lambda cs: _answer(live, cs, executor, limits, cfg, "shape"), cfg.n_tests // 3)
        add_code_inputs(live, lambda cs, tag: _answer(live, cs, executor, limits, cfg, tag), cfg.n_tests)
    if cfg.feedback:
        _feedback(live, executor, limits, cfg)
    off_ties(live, lambda cs: _answer(live, cs, executor, limits, cfg, "tie"))  # float boundaries
    for d in live:
        pool = ordered([*d.answers.found, *d.answers.raised], d.origin)  # see ``suite_order``
        kinds = {c: news_kind(c) for c in pool}
        consts = table_entries(d.space.constants, [p.name for p in d.space.params]) if d.space else []
        traits = {c: input_traits(c, consts) for c in pool}
        chosen = (
            minimize(pool, d.kills, d.answers, cfg.n_tests, kinds, traits)
            if cfg.feedback
            else pool[: cfg.n_tests]
        )
        chosen = cap_exceptions(chosen, d.answers.raised, cfg.n_tests)
        if not chosen:
            out.reject(d.seed.id, "no_valid_inputs", {"question": d.question, "rejected_inputs": d.rejected})
            continue
        killed, live_mutants = mutation_score(d.kills[: d.classic], chosen)
        r_killed, r_live = mutation_score(d.kills[d.classic :], chosen)
        d.stats.update(
            mutants=d.classic, mutants_killed=killed, mutants_equivalent=d.classic - live_mutants,
            mutation_score=round(killed / live_mutants, 4) if live_mutants else None,
            realistic_mutants=len(d.kills) - d.classic, realistic_killed=r_killed,
            realistic_mutation_score=round(r_killed / r_live, 4) if r_live else None,
            inputs_dropped=len(d.answers.failed),
        )  # fmt: skip
        d.origin = {c: d.origin.get(c, "mutation") for c in chosen}
        d.stats["exception_tests"] = sum(c in d.answers.raised for c in chosen)
        _keep(out, d, [_test(d.answers, c, d.iterates) for c in chosen], cfg)


def _kept(d: Draft, ans: Answers, call: str) -> bool:
    return not (d.no_none and ans.found[call][1] is None)


def _test(answers: Answers, call: str, wrap: bool) -> str:
    if call in answers.found:
        return assert_test(call, answers.found[call][0], wrap)
    return raises_test(call, answers.raised[call], wrap)


def _intended(d: Draft, raised: dict[str, str], calls: list[str]) -> dict[str, str]:
    """Calls in the domain on which the seed raised an exception it raises on purpose."""
    ok = set(calls)
    return {
        c: name
        for c, name in raised.items()
        if name in d.exceptions and c in ok and (d.space is None or d.space.fits(c, stated=False))
    }


def _last_resort(
    drafts: list[Draft], answers: list[Answers], executor: Executor, limits: Limits, cfg: SynthConfig
) -> None:
    """Drafts whose candidates all failed on the seed (a weak model's proposals often do) try
    calls guessed from the signature, typed by its annotations when it has them."""
    todo = [i for i, (d, a) in enumerate(zip(drafts, answers, strict=True)) if not a.found and not a.unstable]
    guesses = []
    for i in todo:
        d = drafts[i]
        tried = fallback_guesses(d.space, d.seed.program) if d.space is not None else []
        new = [c for c in tried if c not in d.origin]
        d.origin.update(dict.fromkeys(new, "signature"))
        d.calls += new
        guesses.append(new)
    for i, found in zip(
        todo, _answer([drafts[i] for i in todo], guesses, executor, limits, cfg, "guess"), strict=True
    ):
        answers[i].found.update(found.found)
        answers[i].unstable |= found.unstable
        answers[i].failed |= found.failed
        answers[i].raised.update(found.raised)


def _answer(
    drafts: list[Draft],
    calls: list[list[str]],
    executor: Executor,
    limits: Limits,
    cfg: SynthConfig,
    tag: str,
) -> list[Answers]:
    progs = [d.seed.program for d in drafts]
    wraps = [d.iterates for d in drafts]
    return reference_answers(progs, calls, executor, limits, cfg.max_ref_s, tag, wraps)


def _grown(d: Draft, cfg: SynthConfig, tag: str) -> list[str]:
    known = [c for c in d.answers.found if literal_call(c)]  # re-shaped calls are no literals
    assert d.space is not None
    grown = d.space.grow(known, len(known) + cfg.n_tests * 2, f"{d.seed.id}/{tag}")[len(known) :]
    bounds = d.space.boundaries(known)[: cfg.n_tests]
    edges = edge_calls(d.space, known, cfg.n_edges) if cfg.n_edges else []
    if d.exceptions and cfg.n_edges:  # values the prose rules out: documented exception cases?
        for c in edge_calls(d.space, known, cfg.n_edges // 4, stated=False):
            d.origin.setdefault(c, "probe")
            edges.append(c)
    new = [
        c
        for c in dict.fromkeys(grown + bounds + edges)
        if c not in d.answers.found and c not in d.answers.failed and c not in d.answers.raised
    ]
    for c in grown:
        d.origin.setdefault(c, "mutation")
    for c in bounds:
        d.origin.setdefault(c, "boundary")
    for c in edges:
        d.origin.setdefault(c, "edge")  # (probes were marked above)
    return new


def _widen(
    drafts: list[Draft], executor: Executor, limits: Limits, cfg: SynthConfig, tag: str
) -> list[list[str]]:
    """Grow each draft's pool in its domain; keep the inputs the seed answers stably (an input
    answered differently is only dropped here: the question was checked for that already)."""
    proposals = [_grown(d, cfg, tag) if d.space is not None else [] for d in drafts]
    for d, ans, new in zip(
        drafts, _answer(drafts, proposals, executor, limits, cfg, tag), proposals, strict=True
    ):
        added = [
            c
            for c in new
            if c in ans.found and c not in ans.unstable and d.origin.get(c) != "probe" and _kept(d, ans, c)
        ]
        d.answers.found.update({c: ans.found[c] for c in added})
        d.answers.failed |= ans.failed | ans.unstable
        raised = _intended(d, ans.raised, [c for c in new if c not in ans.unstable])
        d.answers.raised.update(raised)
        new[:] = exception_last(added + list(raised), d.answers)
    return proposals


def _feedback(drafts: list[Draft], executor: Executor, limits: Limits, cfg: SynthConfig) -> None:
    """Mutants of each seed against its pool; then rounds of in-domain search around the pool
    for inputs that tell the surviving mutants apart from the seed."""
    mlimits = replace(limits, timeout_s=min(limits.timeout_s, cfg.mutant_timeout_s))
    mutants = []
    for d in drafts:
        classic = [m.program for m in make_mutants(d.seed.program, d.seed.id, cfg.n_mutants)]
        d.classic = len(classic)
        mutants.append(
            classic
            + [
                m.program
                for m in make_realistic(d.seed.program, d.entry, d.seed.id, cfg.n_realistic, part="search")
            ]
        )
    pools = [exception_last([*d.answers.found, *d.answers.raised], d.answers) for d in drafts]
    for d, kills in zip(
        drafts,
        kill_sets(
            mutants, pools, [d.answers for d in drafts], executor, mlimits, [d.iterates for d in drafts]
        ),
        strict=True,
    ):
        d.kills = kills
    for r in range(cfg.search_rounds):
        survivors = [[m for m, k in enumerate(d.kills) if not k] for d in drafts]
        todo = [d for d, s in zip(drafts, survivors, strict=True) if s]
        if not todo:
            break
        new = _widen(todo, executor, limits, cfg, f"search{r}")
        idx = [drafts.index(d) for d in todo]
        progs = [[mutants[i][m] for m in survivors[i]] for i in idx]
        found = kill_sets(
            progs, new, [d.answers for d in todo], executor, mlimits, [d.iterates for d in todo]
        )
        for i, d, ks in zip(idx, todo, found, strict=True):
            for m, k in zip(survivors[i], ks, strict=True):
                d.kills[m] = k


def _keep(out: StageOutput, d: Draft, tests: list[str], cfg: SynthConfig) -> None:
    question, tests, shown = present(d, tests, cfg.mode == "inputs")
    row = empty_row(d.seed.id, d.seed.source, question)
    origins = Counter(d.origin.values()) if cfg.mode == "inputs" else Counter({"model": len(tests)})
    info = {
        "mode": cfg.mode,
        "raw_items": d.raw,
        "rejected_items": d.rejected,
        "test_origins": dict(origins),
        **d.stats,
        **shown,
    }
    row.update(
        test_cases=tests,
        entry_point=d.entry,
        reference=d.seed.program,
        synth_info=json.dumps(info, ensure_ascii=False),
    )
    out.keep(row)


def config_dict(cfg: SynthConfig) -> dict[str, Any]:
    return asdict(cfg)

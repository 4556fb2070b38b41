"""Label-free best-of-N: pick a program from the execution matrix alone.

Every method is a small pure function of an ``ExecutionMatrix`` (what the candidate programs
did, no hidden tests) that returns one score per program; higher is better, and programs with
equal scores are equally good picks (``top`` returns all of them, ``rank`` orders the rest).
Scores are tuples compared lexicographically, so a tie-break never outweighs the main criterion.

  cluster     behaviour clustering (MBR-exec, AlphaCode's second step): programs with the same
              outputs on the generated inputs form a cluster; the largest wins, ties broken by
              the cluster's agreement with the question's examples
  examples    AlphaCode's filter alone: the programs that pass every example of the question
  alphacode   the filter, then behaviour clustering among the survivors
  dual        CodeT's dual execution agreement: programs grouped by the model-written tests they
              pass; a group scores |programs| × |tests passed|
  b4          B4 (Chen et al. 2024): the same groups scored by a Bayesian posterior that the
              group is the correct programs and its passed tests the correct tests
  coevolve    programs and tests trimmed in rounds (CoSPlay-like): programs that pass no model
              test are dropped, then, each round, the tests that most surviving programs fail,
              then the programs that fail a surviving test or disagree with the survivors'
              plurality output; the largest behaviour cluster of the survivors wins
  mbr         MBR-exec weighted by dual agreement: a program scores the sum, over the candidates
              that pass the question's examples and some model test, of the share of generated
              inputs on which it behaves as that candidate does, times 1 + the model tests that
              candidate passes (a graded CodeT: near-identical programs support each other, and a
              right minority that passes many tests outweighs a wrong majority that passes few)
  hybrid      coevolve (or any method above), ties (and only ties) broken by the reward model's score

A program that produced no value on any input (syntax error, crash, every call raising) is
*dead*: every method ranks it below every live program.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

Score = tuple[float, ...]
FAILED = "!"  # fingerprints of calls that gave no value start with this


@dataclass(frozen=True)
class ExecutionMatrix:
    """What N programs did: ``outputs[i][k]`` the fingerprint of program i's value on input k
    (``"!<why>"`` when the call gave none); ``passes[i][j]`` whether it passed model test j;
    ``examples[i][e]`` whether it passed the question's example e; optional reward scores."""

    outputs: Sequence[Sequence[str]]
    passes: Sequence[Sequence[bool]] = ()
    examples: Sequence[Sequence[bool]] = ()
    rm_scores: Sequence[float] | None = None
    n: int = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.outputs)
        for name in ("passes", "examples"):
            rows = getattr(self, name)
            if rows and len(rows) != n:
                raise ValueError(f"{name} has {len(rows)} rows for {n} programs")
        if self.rm_scores is not None and len(self.rm_scores) != n:
            raise ValueError(f"rm_scores has {len(self.rm_scores)} values for {n} programs")
        object.__setattr__(self, "n", n)

    def alive(self, i: int) -> bool:
        """Whether program i gave a value on at least one input (or there are no inputs)."""
        row = self.outputs[i]
        return not row or any(not o.startswith(FAILED) for o in row)

    def example_rate(self, i: int) -> float:
        row = self.examples[i] if self.examples else ()
        return sum(row) / len(row) if row else 0.0

    def passes_examples(self, i: int) -> bool:
        return bool(self.examples) and bool(self.examples[i]) and all(self.examples[i])


Method = Callable[[ExecutionMatrix], list[Score]]
K = TypeVar("K", bound=Hashable)


def _groups(keys: Sequence[K], members: Sequence[int]) -> dict[K, list[int]]:
    out: dict[K, list[int]] = defaultdict(list)
    for i in members:
        out[keys[i]].append(i)
    return out


def _live(m: ExecutionMatrix) -> list[int]:
    return [i for i in range(m.n) if m.alive(i)]


def _cluster_among(m: ExecutionMatrix, members: Sequence[int]) -> list[Score]:
    """Cluster size among `members` (0 for others), then the cluster's example agreement."""
    scores: list[Score] = [(0.0, 0.0)] * m.n
    for ks in _groups([tuple(r) for r in m.outputs], members).values():
        agree = sum(m.example_rate(k) for k in ks) / len(ks)
        for k in ks:
            scores[k] = (float(len(ks)), agree)
    return scores


def _ranked_alive(m: ExecutionMatrix, scores: list[Score]) -> list[Score]:
    """Dead programs below every live one, whatever the method said."""
    return [(float(m.alive(i)), *s) for i, s in enumerate(scores)]


def cluster(m: ExecutionMatrix) -> list[Score]:
    """Largest behaviour cluster; ties broken by agreement with the question's examples."""
    return _ranked_alive(m, _cluster_among(m, _live(m)))


def examples(m: ExecutionMatrix) -> list[Score]:
    """1 for programs passing every example of the question, else their pass fraction below."""
    return _ranked_alive(m, [(float(m.passes_examples(i)), m.example_rate(i)) for i in range(m.n)])


def _example_survivors(m: ExecutionMatrix) -> list[int]:
    """Live programs that pass every example; all live programs when none does."""
    live = _live(m)
    kept = [i for i in live if m.passes_examples(i)]
    return kept or live


def alphacode(m: ExecutionMatrix) -> list[Score]:
    """Filter by the question's examples, then the largest behaviour cluster of the survivors."""
    kept = _example_survivors(m)
    inner = _cluster_among(m, kept)
    return _ranked_alive(m, [(float(i in kept), *inner[i]) for i in range(m.n)])


def _consensus_sets(m: ExecutionMatrix) -> dict[tuple[bool, ...], list[int]]:
    return _groups([tuple(r) for r in m.passes] if m.passes else [()] * m.n, _live(m))


def dual(m: ExecutionMatrix) -> list[Score]:
    """CodeT: programs passing the same model tests form a consensus set, scored
    |programs| × |tests passed|; ties broken by cluster size."""
    scores: list[Score] = [(0.0, 0.0)] * m.n
    for key, ks in _consensus_sets(m).items():
        passed = sum(key)
        for k in ks:
            scores[k] = (float(len(ks) * passed), float(len(ks)))
    return _ranked_alive(m, scores)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _bernoulli_evidence(ones: int, total: int, a: float = 1.0, b: float = 1.0) -> float:
    """log ∫ θ^ones (1-θ)^(total-ones) Beta(θ; a, b) dθ, up to a constant in (a, b)."""
    return _log_beta(ones + a, total - ones + b)


def b4(m: ExecutionMatrix, beta_0: float = 1e4, alpha_xy: float = 1e3) -> list[Score]:
    """B4's posterior of "this consensus set's programs and its passed tests are the correct
    ones": Beta-Bernoulli evidence of the program labels, the test labels, the passes of the
    other programs on the correct tests, and on the incorrect ones (where `beta_0` says a
    wrong program rarely passes a wrong test). Defaults are from the paper's grid."""
    rows = [tuple(r) for r in m.passes] if m.passes else [()] * m.n
    tests = len(rows[0]) if rows else 0
    scores: list[Score] = [(-math.inf,)] * m.n
    for key, ks in _consensus_sets(m).items():
        chosen = set(ks)
        good = [j for j in range(tests) if key[j]]
        bad = [j for j in range(tests) if not key[j]]
        others = [i for i in range(m.n) if i not in chosen]
        on_good = sum(rows[i][j] for i in others for j in good)
        on_bad = sum(rows[i][j] for i in others for j in bad)
        log_p = (
            _bernoulli_evidence(len(ks), m.n, a=alpha_xy)
            + _bernoulli_evidence(len(good), tests, a=alpha_xy)
            + _bernoulli_evidence(on_good, len(others) * len(good))
            + _bernoulli_evidence(on_bad, len(others) * len(bad), b=beta_0)
        )
        for k in ks:
            scores[k] = (log_p,)
    return _ranked_alive(m, scores)


def _plurality_agreement(m: ExecutionMatrix, members: Sequence[int]) -> list[int]:
    """For every program: on how many inputs its output is the plurality output of `members`
    (an input whose plurality is a failure counts for no one)."""
    width = len(m.outputs[0]) if m.n else 0
    agree = [0] * m.n
    for k in range(width):
        votes = Counter(m.outputs[i][k] for i in members)
        if not votes:
            continue
        (best, count), *rest = votes.most_common(2)
        if best.startswith(FAILED) or (rest and rest[0][1] == count):
            continue
        for i in range(m.n):
            agree[i] += m.outputs[i][k] == best
    return agree


def _test_support(m: ExecutionMatrix, members: Sequence[int]) -> list[float]:
    tests = len(m.passes[0]) if m.passes and m.n else 0
    return [sum(m.passes[i][j] for i in members) / len(members) for j in range(tests)] if members else []


def _contradicted_by_every_test(m: ExecutionMatrix, programs: list[int]) -> list[int]:
    """`programs` less those that pass no model test while another one passes some."""
    if not m.passes:
        return programs
    some = [i for i in programs if any(m.passes[i])]
    return some or programs


def coevolve(m: ExecutionMatrix, rounds: int = 3, test_floor: float = 0.6) -> list[Score]:
    """Co-evolve programs and tests for at most `rounds` rounds, from the live programs that
    pass the question's examples (all live ones when none does) and at least one model test.
    Each round keeps the model tests that at least `test_floor` of the surviving programs pass
    (the rest contradict the consensus), then the programs that pass the most kept tests and,
    of those, agree most often with the survivors' plurality output (the refreshed tests). The
    survivors' largest behaviour cluster wins. `test_floor` was chosen on HumanEval's
    even-index problems (0.55-0.7 do about equally well there)."""
    programs = _contradicted_by_every_test(m, _example_survivors(m))
    kept_tests: list[int] = []
    for _ in range(rounds):
        support = _test_support(m, programs)
        kept_tests = [j for j, s in enumerate(support) if s >= test_floor]
        passed = {i: sum(m.passes[i][j] for j in kept_tests) for i in programs}
        best = max(passed.values(), default=0)
        survivors = [i for i in programs if passed[i] == best]
        agree = _plurality_agreement(m, survivors)
        most = max((agree[i] for i in survivors), default=0)
        survivors = [i for i in survivors if agree[i] == most]
        if survivors == programs:
            break
        programs = survivors
    inner = _cluster_among(m, programs)
    tests_passed = [float(sum(m.passes[i][j] for j in kept_tests)) if m.passes else 0.0 for i in range(m.n)]
    return _ranked_alive(m, [(float(i in programs), *inner[i], tests_passed[i]) for i in range(m.n)])


def _similarity(m: ExecutionMatrix, members: Sequence[int]) -> list[list[float]]:
    """``sim[i][j]``: the share of inputs on which programs i and j return the same value or
    fail the same way, over the inputs where `members` do not all agree (an input that
    separates no one is no evidence); identical rows are 1 even when there is no such input."""
    width = len(m.outputs[0]) if m.n else 0
    cols = [k for k in range(width) if len({m.outputs[i][k] for i in members}) > 1]
    sim = [[0.0] * m.n for _ in range(m.n)]
    for i in members:
        for j in members:
            if cols:
                sim[i][j] = sum(m.outputs[i][k] == m.outputs[j][k] for k in cols) / len(cols)
            else:
                sim[i][j] = float(m.outputs[i] == m.outputs[j])
    return sim


def mbr(m: ExecutionMatrix) -> list[Score]:
    """MBR-exec with CodeT's dual agreement made graded: among the live programs that pass the
    question's examples (all live ones when none does) and some model test (when any does),
    program i scores Σ_j sim(i, j) × (1 + model tests j passes); ties broken by Σ_j sim(i, j).
    Without model tests it is plain MBR-exec (expected agreement with the other candidates).
    No threshold to tune; the +1 keeps a program that passes no test a voter."""
    kept = _contradicted_by_every_test(m, _example_survivors(m))
    sim = _similarity(m, kept)
    weight = [1.0 + (sum(m.passes[j]) if m.passes else 0) for j in range(m.n)]
    scores: list[Score] = [(0.0, 0.0, 0.0)] * m.n
    for i in kept:
        support = sum(sim[i][j] * weight[j] for j in kept)
        scores[i] = (1.0, support, sum(sim[i][j] for j in kept))
    return _ranked_alive(m, scores)


def hybrid(m: ExecutionMatrix, base: Method = coevolve) -> list[Score]:
    """`base`'s scores with the reward model's score as the last tie-break (equal to `base`
    without reward scores)."""
    rm = m.rm_scores if m.rm_scores is not None else [0.0] * m.n
    return [(*s, float(r)) for s, r in zip(base(m), rm, strict=True)]


METHODS: dict[str, Method] = {
    "cluster": cluster,
    "examples": examples,
    "alphacode": alphacode,
    "dual": dual,
    "b4": b4,
    "coevolve": coevolve,
    "mbr": mbr,
    "hybrid": hybrid,
}


def unknown_method(name: str) -> str | None:
    """Why `name` is not a selection method (with a "did you mean"), or None when it is one."""
    if name in METHODS:
        return None
    close = difflib.get_close_matches(name, list(METHODS), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown selection method {name!r}{hint}; choose one of {', '.join(METHODS)}"


def rank(scores: Sequence[Score]) -> list[int]:
    """Program indices, best first; equal scores keep their order."""
    return sorted(range(len(scores)), key=lambda i: tuple(-x for x in scores[i]))


def top(scores: Sequence[Score]) -> list[int]:
    """Every program tied for first place (a random pick among them is the selection)."""
    if not scores:
        return []
    best = max(scores)
    return [i for i, s in enumerate(scores) if s == best]


def expected_pick(scores: Sequence[Score], correct: Sequence[bool]) -> float:
    """The chance that a uniform pick among the top-scored programs is correct."""
    best = top(scores)
    return sum(correct[i] for i in best) / len(best) if best else 0.0

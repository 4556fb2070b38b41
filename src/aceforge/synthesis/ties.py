"""Inputs that sit exactly on a decision boundary of the seed between fractional floats.

"Two numbers closer than the threshold" tested on ``[0.5, 1.0]`` with threshold ``0.5``: the
answer hinges on ``<`` versus ``<=`` at a tie that exists only because 0.5 and 1.0 are exact in
binary (``0.3 - 0.1 < 0.2`` holds), and that a program computing the same quantity another way
(``a + t > b`` for ``b - a < t``) may round to the other side. An input is *on a tie* when the
seed's answer is a decision (it holds no float: a bool, a count, a choice) and scaling the
floats of one argument that holds a fractional float by 1 ± 1e-9 (each such argument alone, up
and down) changes it. Such an input is moved off the tie: replaced by the nudged input that
keeps the seed's answer (the test keeps its shape and its expected value; both readings of the
tie agree on it), or left out when none does. Ints, integral floats (``1000000.0``), bools and
strings are never nudged, so exact boundaries (``n <= 0``, ``size < 1000.0``, ``d <= delta`` on
whole numbers) keep their tests, and so do the seed's own ``>>>`` examples: the docstring
decides those ties itself.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from aceforge.execution.values import values_equal
from aceforge.synthesis.draft import Draft
from aceforge.synthesis.feedback import Answers

NUDGE = 1e-9  # relative change of every float in the nudged argument
NOISE_REL, NOISE_ABS = 1e-6, 1e-9  # answers closer than this are the same answer


def _scale(node: ast.AST, factor: float) -> None:
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and type(n.value) is float:
            n.value *= factor


def _floats(node: ast.AST) -> int:
    """How many float literals with a fractional part `node` holds (0 when it holds none: whole
    numbers compare exactly, however a program computes them)."""
    return sum(
        isinstance(n, ast.Constant) and type(n.value) is float and not float(n.value).is_integer()
        for n in ast.walk(node)
    )


def nudged_calls(call: str) -> list[str]:
    """`call` with the float literals of one argument at a time scaled by 1 + NUDGE and by
    1 - NUDGE, for each argument that holds a fractional float (fewest such floats first); []
    when none does (or `call` is not a plain call)."""
    return [c for pair in nudge_pairs(call) for c in pair]


def nudge_pairs(call: str) -> list[tuple[str, str]]:
    """(up, down) per argument holding a fractional float, as in `nudged_calls`."""
    try:
        tree = ast.parse(call, mode="eval")
    except SyntaxError:
        return []
    if not isinstance(tree.body, ast.Call):
        return []
    slots = [*tree.body.args, *(k.value for k in tree.body.keywords)]
    out = []
    for i in sorted(range(len(slots)), key=lambda i: _floats(slots[i])):  # fewest changed literals first
        if _floats(slots[i]):
            out.append((_nudged(call, i, 1 + NUDGE), _nudged(call, i, 1 - NUDGE)))
    return out


def _nudged(call: str, i: int, factor: float) -> str:
    tree = ast.parse(call, mode="eval")
    assert isinstance(tree.body, ast.Call)
    _scale([*tree.body.args, *(k.value for k in tree.body.keywords)][i], factor)
    return ast.unparse(tree)


def on_a_tie(answer: object, nudged: list[object]) -> bool:
    """Whether `answer` holds no float (a decision: a bool, a count, a choice among the inputs'
    ints or strings) and a nudged input's answer differs from it. A float answer that jumps
    is the function's own value there (``1.0 % 1.0``), not a reading of a tie."""
    return not _has_float_value(answer) and any(not _same(v, answer) for v in nudged)


def _has_float_value(v: object) -> bool:
    if isinstance(v, float | complex):
        return True
    if isinstance(v, dict):
        return any(_has_float_value(x) for kv in v.items() for x in kv)
    if isinstance(v, list | tuple | set | frozenset):
        return any(_has_float_value(x) for x in v)
    return False


def _same(a: object, b: object) -> bool:
    return values_equal(a, b, NOISE_REL, NOISE_ABS)


def _off(value: object, pairs: list[tuple[str, str]], got: Answers, found: dict[str, Any]) -> str | None:
    """The nudge that keeps `value` of an argument whose opposite nudge changes it: off the
    tie, on the side the seed's answer is on."""
    for pair in pairs:
        if not all(n in got.found for n in pair):
            continue
        same = [_same(got.found[n][1], value) for n in pair]
        if same[0] != same[1]:
            keep = pair[0] if same[0] else pair[1]
            return keep if keep not in found else None
    return None


def off_ties(drafts: list[Draft], answer: Callable[[list[list[str]]], list[Answers]]) -> None:
    """Move each draft's answered inputs off their ties (not the seed's examples), in place
    in the pool's order; an input moved or left out leaves the mutants' kill sets (one that
    only a tie told apart counts as equivalent). `answer` runs the seeds on calls."""
    nudges: list[dict[str, list[tuple[str, str]]]] = []
    for d in drafts:
        todo = {c: nudge_pairs(c) for c in d.answers.found if d.origin.get(c) != "example"}
        nudges.append({c: n for c, n in todo.items() if n})
    runs = answer([[n for pairs in m.values() for pair in pairs for n in pair] for m in nudges])
    for d, m, got in zip(drafts, nudges, runs, strict=True):
        found, moved = d.answers.found, {}
        for c, pairs in m.items():
            nudged = [got.found[n][1] for pair in pairs for n in pair if n in got.found]
            if on_a_tie(found[c][1], nudged):
                moved[c] = _off(found[c][1], pairs, got, found)
        if not moved:
            continue
        d.answers.found = {}
        for c, v in found.items():
            to = moved.get(c, c)
            if to is not None:
                d.answers.found[to] = v if to == c else got.found[to]
                d.origin.setdefault(to, d.origin.get(c, "mutation"))
        d.answers.failed |= set(moved)
        d.kills = [k - moved.keys() for k in d.kills]
        d.stats["ties_moved"] = sum(v is not None for v in moved.values())
        d.stats["ties_dropped"] = sum(v is None for v in moved.values())

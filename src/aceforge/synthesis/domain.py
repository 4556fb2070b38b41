"""Inputs in the problem's domain.

A test is only fair if a correct solution of the *question* must handle its input. The seed
says what a valid input is in two places: its annotations (see ``signature``) and its examples
(see ``examples``). This module derives each argument's observed domain (type, sign, character
set, length, emptiness, sortedness) and mutates inputs without leaving it — so a string of
brackets stays a string of brackets and a positive number stays positive. Deterministic per
seed id.
"""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass, field, replace
from typing import Any

from aceforge.synthesis.compared import code_chars
from aceforge.synthesis.constraints import Constraint, Prose, equal_lengths
from aceforge.synthesis.signature import ANY, Param, Spec, conforms, format_call, parse_args

MAX_STR = 200
MAX_LEN = 50
MAX_INT = 10**9

# ---- observed domains -------------------------------------------------------------------------

_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


@dataclass
class Domain:
    """What the observed values of one argument (or of a container's elements) have in common."""

    values: list[Any]
    spec: Spec = ANY
    element: bool = False  # elements of a container: a few positive examples still allow 0
    rule: Constraint | None = None  # what the docstring's prose says (see ``prose``)
    kinds: set[str] = field(init=False)
    floor: float | None = field(init=False, default=None)  # 0 (all >= 0) or 1 (all > 0)
    upper: float | None = field(init=False, default=None)
    chars: str = field(init=False, default="")
    nonempty: bool = field(init=False, default=False)
    sorted_: bool = field(init=False, default=False)
    min_len: int = field(init=False, default=0)
    max_len: int = field(init=False, default=MAX_LEN)
    elements: Domain | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        vals = self.values
        self.kinds = {type(v).__name__ for v in vals}
        nums = [v for v in vals if type(v) in (int, float)]
        if nums and len(nums) == len(vals):
            lo, hi = min(nums), max(nums)
            positive_ints = lo > 0 and all(type(v) is int for v in nums) and not self.element
            self.floor = 1 if positive_ints else (0 if lo >= 0 else None)
            self.upper = max(2 * hi, hi + 2) if hi > 0 else None
        sized = [v for v in vals if isinstance(v, str | bytes | list | tuple | set | frozenset | dict)]
        if sized and len(sized) == len(vals):
            lens = [len(v) for v in sized]
            self.nonempty = min(lens) > 0
            self.min_len = 1 if self.nonempty else 0
            self.max_len = min(MAX_LEN if not isinstance(sized[0], str) else MAX_STR, max(2 * max(lens), 6))
        strs = [v for v in vals if isinstance(v, str)]
        if strs and len(strs) == len(vals):
            self.chars = _charset("".join(strs))
        seqs = [v for v in vals if isinstance(v, list | tuple)]
        if seqs and len(seqs) == len(vals):
            elems = [e for s in seqs for e in s]
            inner = self.spec.args[0] if self.spec.kind in ("list",) and self.spec.args else ANY
            self.elements = Domain(elems, inner, element=True, rule=self._inner_rule()) if elems else None
            long = [s for s in seqs if len(s) >= 2]
            self.sorted_ = bool(long) and len(long) >= 2 and all(_is_sorted(s) for s in long)
        if self.rule is not None:
            self.nonempty = self.nonempty or self.rule.nonempty or self.rule.min_len > 0
            if self.rule.empty_ok and not (self.rule.nonempty or self.rule.min_len > 0):
                self.nonempty, self.min_len = False, 0
            self.sorted_ = self.sorted_ or self.rule.sorted_
            self.chars = self.chars or _rule_chars(self.rule)
            if self.rule.max_len is not None:
                self.max_len = min(self.max_len, self.rule.max_len)
            if self.rule.low is not None:
                self.floor = self.rule.low  # an open bound is left to `contains`
            if self.rule.high is not None:
                self.upper = self.rule.high

    def _inner_rule(self) -> Constraint | None:
        return self.rule.inner() if self.rule is not None else None

    def contains(self, v: Any, stated: bool = True, code_chars: str = "") -> bool:
        """Whether `v` lies in the domain (`stated`: also the docstring's rules; `code_chars`:
        characters the code handles, allowed in strings beside the observed ones)."""
        rule = self.rule or Constraint()
        if not conforms(v, self.spec) or (v is None and rule.none_ok):
            return v is None and rule.none_ok  # the code tests `is None`
        if stated and not rule.allows(v):
            return False
        if not self.values:
            return True
        name = type(v).__name__
        known = self.kinds - {"NoneType"}  # only None seen (an optional's default): any type
        kinds = self.kinds | set(rule.types_ok)  # and the types the code checks for
        if known and name not in kinds and not (name == "int" and "float" in self.kinds):
            return False
        if type(v) in (int, float) and (
            (self.floor is not None and v < self.floor) or (self.upper is not None and v > self.upper)
        ):
            return False
        if isinstance(v, str) and self.chars and not set(v) <= set(self.chars) | set(code_chars):
            return False
        if isinstance(v, str | bytes | list | tuple | dict | set) and self.nonempty and not v:
            return False
        if isinstance(v, list | tuple):
            if self.sorted_ and not _is_sorted(v):
                return False
            if self.elements is not None and not all(self.elements.contains(e, stated) for e in v):
                return False
        return True


def _is_sorted(xs: Any) -> bool:
    try:
        return all(a <= b for a, b in itertools.pairwise(xs))
    except TypeError:
        return False


def _rule_chars(rule: Constraint) -> str:
    """The alphabet mutation draws from when the prose names one."""
    c = rule.element or rule
    if c.chars is not None:
        return c.chars
    if c.case == "lower":
        return string.ascii_lowercase + " "
    if c.case == "upper":
        return string.ascii_uppercase + " "
    return ""


def _charset(text: str) -> str:
    """The observed characters, widened to whole classes (a lowercase letter allows every
    lowercase letter); punctuation and spaces stay exactly as observed."""
    chars = set(text)
    for cls in _CLASSES:
        if chars & set(cls):
            chars |= set(cls)
    return "".join(sorted(chars))


# ---- mutation that keeps the domain -----------------------------------------------------------


def mutate_in(v: Any, dom: Domain, rng: random.Random, tries: int = 12) -> Any:
    """A value near `v` that `dom` still contains, or `v` itself when none is found."""
    for _ in range(tries):
        m = _mutate(v, dom, rng)
        if m != v and dom.contains(m):
            return m
    return v


def _mutate(v: Any, dom: Domain, rng: random.Random) -> Any:
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        hi = int(dom.upper) if dom.upper is not None else max(abs(v) * 2, 10)
        lo = int(dom.floor) if dom.floor is not None else -hi
        ints = [v + 1, v - 1, v * 2, v // 2, v + rng.randint(2, 9), rng.randint(lo, max(lo, hi))]
        if dom.floor is None:
            ints += [-v, 0]
        return max(-MAX_INT, min(MAX_INT, rng.choice(ints)))
    if isinstance(v, float):
        top = float(dom.upper) if dom.upper is not None else max(abs(v) * 2, 10.0)
        bottom = float(dom.floor) if dom.floor is not None else -top
        floats = [v + 0.5, v - 1.0, v * 1.5, v / 2, rng.uniform(bottom, top)]
        if dom.floor is None:
            floats += [-v, 0.0]
        return round(rng.choice(floats), 3)  # short literals, no 0.44999999999999996
    if isinstance(v, str):
        return _mutate_str(v, dom, rng)
    if isinstance(v, list | tuple):
        out = _mutate_seq(list(v), dom, rng)
        return out if isinstance(v, list) else tuple(out)
    if isinstance(v, dict) and v:
        d = dict(v)
        k = rng.choice(list(d))
        d[k] = _mutate(d[k], Domain(list(d.values())), rng)
        return d
    return v


def _mutate_str(s: str, dom: Domain, rng: random.Random) -> str:
    alphabet = dom.chars or (string.ascii_letters + string.digits + " ")
    ops = ["insert", "repeat", "same_class"] + (["delete", "swap", "replace", "reverse"] if s else [])
    if not dom.nonempty:
        ops.append("empty")
    op = rng.choice(ops)
    i = rng.randrange(len(s) + 1)
    j = min(i, len(s) - 1)
    if op == "insert":
        out = s[:i] + rng.choice(alphabet) + s[i:]
    elif op == "delete":
        out = s[:j] + s[j + 1 :]
    elif op == "swap" and len(s) > 1:
        k = rng.randrange(len(s))
        chars = list(s)
        chars[j], chars[k] = chars[k], chars[j]
        out = "".join(chars)
    elif op == "replace":
        out = s[:j] + rng.choice(alphabet) + s[j + 1 :]
    elif op == "same_class" and s:  # keeps a format such as "mm-dd-yyyy" or "1/5"
        cls = next((c for c in _CLASSES if s[j] in c), None)
        out = s[:j] + rng.choice(cls) + s[j + 1 :] if cls else s
    elif op == "reverse":
        out = s[::-1]
    elif op == "empty":
        out = ""
    else:
        out = s + s
    return out[: dom.max_len]


def _mutate_seq(xs: list[Any], dom: Domain, rng: random.Random) -> list[Any]:
    elems = dom.elements or Domain(list(xs))
    ops = ["append"] + (["drop", "dup", "element", "element", "reverse", "swap"] if xs else [])
    if not dom.nonempty and xs:
        ops.append("empty")
    op = rng.choice(ops)
    if op == "append":
        pool = xs or elems.values
        xs.append(_mutate(rng.choice(pool), elems, rng) if pool else 0)
    elif op == "drop":
        xs.pop(rng.randrange(len(xs)))
    elif op == "dup":
        xs.insert(rng.randrange(len(xs)), rng.choice(xs))
    elif op == "reverse":
        xs.reverse()
    elif op == "swap":
        i, j = rng.randrange(len(xs)), rng.randrange(len(xs))
        xs[i], xs[j] = xs[j], xs[i]
    elif op == "element":
        i = rng.randrange(len(xs))
        xs[i] = mutate_in(xs[i], elems, rng, tries=4)
    else:
        xs = []
    if dom.sorted_:
        try:
            xs.sort()
        except TypeError:
            pass
    return xs[: dom.max_len]


# ---- calls ------------------------------------------------------------------------------------


@dataclass
class InputSpace:
    """The valid inputs of one question: parameters (annotations) and per-position domains
    observed in the trusted calls (examples, else the model's own)."""

    entry: str
    params: list[Param]
    domains: list[Domain]
    arity: int | None
    prose: Prose = field(default_factory=Prose)
    constants: dict[str, list[Any]] = field(default_factory=dict)  # per parameter (``compared.harvest``)
    unicode: bool = False  # the docstring speaks of non-ASCII text: edges may use it
    texts: list[str] = field(default_factory=list)  # character sequences the docstring names (``edges``)
    star: Param | None = None  # the ``*args`` parameter: any number of arguments (``varargs``)
    crossings: tuple[float, ...] = ()  # where the code's way of writing numbers changes (``compared``)

    @classmethod
    def build(
        cls, entry: str, params: list[Param], observed: list[str], prose: Prose | None = None
    ) -> InputSpace:
        """`prose`: the docstring's rules (see ``prose.read_prose``), kept where the observed
        calls do not contradict them."""
        rows = [parse_args(c) for c in observed]
        names = [p.name for p in params]
        rules = (prose or Prose()).consistent_with(rows, names)
        if equal_lengths(rows):  # every observed call pairs strings (or lists) of one length
            rules = replace(rules, equal_length=True)
        arities = {len(a) for a, kw in rows if not kw}
        # Optional parameters may be given or left out, whatever the observed calls did.
        fixed = len(arities) == 1 and not any(p.has_default for p in params)
        arity = arities.pop() if fixed else None
        n = arity if arity is not None else len(params)
        domains = []
        for i in range(n):
            spec = params[i].spec if i < len(params) else ANY
            vals = [a[i] for a, kw in rows if not kw and len(a) > i]
            if not vals and i < len(params) and params[i].has_default and params[i].default is not None:
                vals = [params[i].default]  # an optional parameter never given: its default shows its kind
            rule = rules.params.get(names[i]) if i < len(names) else None
            domains.append(Domain([v for v in vals if conforms(v, spec)], spec, rule=rule))
        return cls(entry, params, domains, arity, rules)

    def rebuild(self, observed: list[str]) -> InputSpace:
        """The same parameters and prose rules, observed domains from other calls (the model's,
        where the seed has no examples: sorted guesses do not make the order a rule, so only
        the prose's "sorted" keeps a sequence sorted)."""
        space = InputSpace.build(self.entry, self.params, observed, self.prose)
        for dom in space.domains:
            dom.sorted_ = dom.rule is not None and dom.rule.sorted_
        for name in ("constants", "unicode", "texts", "star", "crossings"):  # what the seed says beyond calls
            setattr(space, name, getattr(self, name))
        space.arity = None if self.star is not None else space.arity
        return space

    def fits(self, call: str, stated: bool = True) -> bool:
        """The call has the observed arity and every argument lies in its domain (`stated`:
        also inside what the docstring's prose allows)."""
        try:
            args, kwargs = parse_args(call)
        except (SyntaxError, ValueError, AssertionError):
            return False
        if kwargs or (self.arity is not None and len(args) != self.arity):
            return False
        if self.arity is None and (self.params or self.star) and not self._arity_ok(args):
            return False
        if stated and not self.prose.allows(args, [p.name for p in self.params]):
            return False
        names = [p.name for p in self.params]  # the characters each parameter's code handles:
        handled = [code_chars(self.constants.get(n, [])) for n in names]
        doms = zip(self.domains, args, handled + [""] * len(args), strict=False)
        return all(d.contains(a, stated, chars) for d, a, chars in doms)

    def _arity_ok(self, args: list[Any]) -> bool:  # each *args one of the star's type
        if len(args) < sum(not p.has_default for p in self.params):
            return False
        if self.star is None:
            return len(args) <= len(self.params)
        return all(conforms(a, self.star.spec) for a in args[len(self.params) :])

    def grow(self, calls: list[str], target: int, seed: str, rounds: int = 30) -> list[str]:
        """`calls` plus in-domain mutants (one argument changed each) up to `target` calls."""
        out = list(dict.fromkeys(calls))
        pool = [parse_args(c)[0] for c in out]
        if not pool or not any(pool):
            return out
        rng = random.Random(seed)
        seen = set(out)
        for _ in range(target * rounds):
            if len(out) >= target:
                break
            args = list(rng.choice(pool))
            if not args:
                continue
            i = rng.randrange(len(args))
            dom = self.domains[i] if i < len(self.domains) else Domain([args[i]])
            args[i] = mutate_in(args[i], dom, rng)
            call = format_call(self.entry, args)
            if call not in seen and self.fits(call):
                seen.add(call)
                out.append(call)
                pool.append(args)
        return out

    def boundaries(self, calls: list[str]) -> list[str]:
        """Boundary variants of known calls: smallest values, shortest and single-element
        sequences, the domain's floor, ties with numbers elsewhere in the call — each still
        inside the domain."""
        out: list[str] = []
        for call in calls:
            args, _ = parse_args(call)
            for i, a in enumerate(args):
                dom = self.domains[i] if i < len(self.domains) else Domain([a])
                for b in _edges(a, dom) + _ties(a, args, i):
                    new = format_call(self.entry, [*args[:i], b, *args[i + 1 :]])
                    if new not in out and new != call and self.fits(new):
                        out.append(new)
        return out


def _ties(v: Any, args: list[Any], i: int) -> list[Any]:
    """Values equal to, or one off, a number in another argument: where `<` and `<=` differ."""
    flat = [x for j, a in enumerate(args) if j != i for x in (a if isinstance(a, list | tuple) else [a])]
    others = list(dict.fromkeys(x for x in flat if type(x) in (int, float)))[:4]
    if type(v) in (int, float):
        return [x for o in others for x in (o, o - 1, o + 1) if type(x) is type(v)]
    if isinstance(v, list) and v and all(type(e) in (int, float) for e in v):
        return [[*v[:-1], o] for o in others] + [[o, *v[1:]] for o in others]
    return []


def _edges(v: Any, dom: Domain) -> list[Any]:
    if isinstance(v, bool):
        return [not v]
    if isinstance(v, int):
        lo = int(dom.floor) if dom.floor is not None else 0
        return [lo, lo + 1, v - 1, v + 1] + ([-1, -v] if dom.floor is None else [])
    if isinstance(v, float):
        return [float(dom.floor or 0.0), v / 2]
    if isinstance(v, str | list | tuple) and len(v) > 1:
        cut: Any = v[:1]
        out = [cut, v[:-1], v[1:]]
        return out if dom.nonempty else [*out, v[:0]]
    return []

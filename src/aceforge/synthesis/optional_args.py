"""Values for a seed's optional parameters: each given in turn and all given together
(``ignored optional parameter`` and ``given together`` bugs), falsy ones first (``if x:`` for
``is None``), ``None`` where the annotation or the code allows it, and for a container default
(``already_seen=()``) items of the call's own arguments, so that giving it changes the answer."""

from __future__ import annotations

from typing import Any

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.signature import format_call, positional_args


def optional_values(default: Any) -> list[Any]:
    """Values for an optional parameter: falsy ones first (`if x:` for `is None` bugs)."""
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, int | float):
        return [0, 1, default + 1, -1, 2 * default + 3]
    if isinstance(default, str):  # not "" or " ": what an empty separator means is rarely documented
        return [*[c for c in ("-", "_", "|", "x") if c != default][:2], default * 2]
    return [0, "", "x", 1, False, True, 3]


def optional_given(space: InputSpace, args: list[Any]) -> list[str]:
    """A call that leaves optional parameters out gets each one given in turn, then all of
    them given together (`ignored optional parameter` and `given together` bugs)."""
    params = space.params
    if len(args) >= len(params) or any(not p.has_default for p in params[len(args) :]):
        return []
    rest = params[len(args) :]
    out = []
    for k in range(1, len(rest) + 1):  # the first k optional ones given (positional)
        default = rest[k - 1].default
        for v in optional_values(default) + _overlapping(default, args):
            given = [p.default for p in rest[: k - 1]] + [v]
            out.append(format_call(space.entry, [*args, *given]))
            if isinstance(default, str) and default and isinstance(v, str) and v:  # a separator: use it
                used = [a.replace(default, v) if isinstance(a, str) else a for a in args]
                if used != args:
                    out.append(format_call(space.entry, [*used, *given]))
    together = [optional_values(p.default)[1 % len(optional_values(p.default))] for p in rest]
    out.append(format_call(space.entry, [*args, *together]))
    return out


def together(space: InputSpace, calls: list[str], rounds: int = 3) -> list[str]:
    """Where two or more parameters default to ``None`` (options that may be absent): calls
    that give all of them at once, each a truthy value it takes in one of the known `calls`,
    then that call with each one back at ``None``. Branches nested under several ``if option:``
    tests (``if action: ... if key: ... if value:``) run only when all are given, and known
    calls vary one argument at a time; leaving one out tells whether the others still depend
    on it (``key`` emitted without ``action``). Other defaults (``i=0``) are values, not absent
    options: the edges give them one at a time."""
    params = space.params
    opt = [i for i, p in enumerate(params) if p.has_default and p.default is None]
    rows = [a for a in positional_args(calls) if len(a) == len(params)]
    if len(opt) < 2 or not rows:
        return []
    seen: dict[int, list[Any]] = {i: [] for i in opt}
    for args in rows:
        for i in opt:
            v = args[i]
            if v and v != params[i].default and not isinstance(v, bool) and repr(v) not in map(repr, seen[i]):
                seen[i].append(v)
    if sum(bool(v) for v in seen.values()) < 2:
        return []
    out = []
    for k in range(rounds):
        full = list(rows[0])
        for i in opt:
            if seen[i]:
                full[i] = seen[i][k % len(seen[i])]
        out.append(format_call(space.entry, full))
        if k == 0:
            out += [
                format_call(space.entry, [*full[:i], params[i].default, *full[i + 1 :]])
                for i in opt
                if seen[i]
            ]
    return list(dict.fromkeys(out))


def _overlapping(default: Any, args: list[Any]) -> list[Any]:
    """For a container default (``already_seen=()``): containers of the first elements of the
    call's own container arguments, so that the parameter given changes the answer."""
    if not isinstance(default, list | tuple | set | frozenset) or isinstance(default, str):
        return []
    items = [x for a in args if isinstance(a, str | list | tuple) for x in a]
    items = [x for x in dict.fromkeys(x for x in items if isinstance(x, int | float | str))]
    return [type(default)(items[:n]) for n in (1, 2) if len(items) >= n]


def optional(space: InputSpace, i: int) -> bool:
    return i < len(space.params) and space.params[i].has_default


def optional_none(space: InputSpace, i: int) -> list[Any]:
    if i < len(space.params):
        spec = space.params[i].spec
        if spec.kind == "union" and any(s.kind == "none" for s in spec.args):
            return [None]
        rule = space.prose.params.get(space.params[i].name)
        if rule is not None and rule.none_ok:  # the code tests `is None`
            return [None]
    return []

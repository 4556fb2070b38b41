"""Warm module sets: zygotes that already imported the heavy packages a program imports.

A program importing numpy, matplotlib or torch spends most of its run (often all of its
import timeout) importing them, and every program pays again. Here the fork server reads
which allow-listed packages a program names (``import_key``: the dotted import names in its
compiled code's names, nested functions included) and forks its children from a zygote that
imported that set once (or a warm zygote that imported more): created when a second program
asks for the set (a set asked for once runs cold, as before: there its import timeout caps
what the imports cost, while a zygote pays for them in full; on HumanEval × CodeGen-16B most
heavy sets occur once, and making a zygote for each cost 1.6× the time), kept by use (least
recently used goes first), at most ``MAX_WARM`` of them and ``WARM_MEMORY_MB`` of resident
memory together.
Every program still runs in a fresh fork, so whatever it changes in a pre-imported module
dies with it. Programs naming none of them use the plain zygote.

Only packages on the allow-list are imported, by name parts that are plain identifiers (no
``__main__``, nothing private), with /dev/null as the zygote's stdio: the names come from
untrusted programs, and the zygote runs with the fork server's rights."""

from __future__ import annotations

import collections
import os
import time
import types
from typing import TYPE_CHECKING

from aceforge.execution.zygote import Zygote, ZygoteLost

if TYPE_CHECKING:
    from aceforge.execution import sandbox
    from aceforge.execution.child import Child

# Packages whose import costs a program tens of milliseconds to seconds.
WARM_PACKAGES = frozenset(
    {"numpy", "pandas", "scipy", "matplotlib", "sklearn", "torch", "sympy", "networkx", "PIL"}
    | {"decimal", "fractions", "statistics", "hashlib"}  # stdlib left out of the server's own preload
)
MAX_WARM = 4
SEEN_MAX = 256
WARM_IMPORT_S = 60.0  # a zygote still importing after this is killed; its set runs cold
WARM_MEMORY_MB = 1536
MAX_NAME_PARTS = 3


def import_key(code: types.CodeType | None) -> tuple[str, ...]:
    """The allow-listed modules `code` may import, sorted (empty: the plain zygote). An import
    statement puts the module's dotted name among its code object's names."""
    found: set[str] = set()
    stack = [code] if code is not None else []
    while stack:
        co = stack.pop()
        for name in co.co_names:
            parts = name.split(".")
            plain = all(p.isidentifier() and not p.startswith("_") for p in parts)
            if parts[0] in WARM_PACKAGES and len(parts) <= MAX_NAME_PARTS and plain:
                found.add(name)
        stack.extend(c for c in co.co_consts if isinstance(c, types.CodeType))
    return tuple(sorted(found))


class Zygotes:
    """The plain zygote and the warm ones, with one pre-forked child waiting in each. A warm
    zygote imports in the background: the server goes on serving (the program that asked
    runs cold) and uses it once its first fork is answered, which comes after the imports."""

    def __init__(self, iso: sandbox.Isolation, devnull: int) -> None:
        self.iso = iso
        self.devnull = devnull
        self.plain = Zygote(iso)
        self.warm: collections.OrderedDict[tuple[str, ...], Zygote] = collections.OrderedDict()
        self.importing: dict[tuple[str, ...], float] = {}  # sets still importing: since when
        self.waiting: dict[int, Child] = {}  # zygote pid -> its pre-forked child
        self.seen: collections.OrderedDict[tuple[str, ...], None] = collections.OrderedDict()
        self.failed: set[tuple[str, ...]] = set()  # sets whose zygote died or hung importing

    def all(self) -> list[Zygote]:
        return [self.plain, *self.warm.values()]

    def for_key(self, key: tuple[str, ...]) -> Zygote:
        if not key or key in self.failed:
            return self.plain
        self._poll()
        ready = [(len(k), k) for k in self.warm if k not in self.importing and set(key) <= set(k)]
        if ready:  # that very set, or the smallest warm one that imported more
            best = min(ready)[1]
            self.warm.move_to_end(best)
            return self.warm[best]
        if key not in self.warm and self._seen_before(key):  # a one-off set runs cold (see above)
            self._make_room()
            zygote = Zygote(self.iso, preload=key, first=self.plain)  # sharing its pid count
            self.warm[key] = zygote
            self.importing[key] = time.monotonic()
            self.prefork(zygote)
        return self.plain

    def _poll(self) -> None:
        """Move zygotes whose imports are done to the ready ones; retire any that died or
        took over WARM_IMPORT_S."""
        for key in list(self.importing):
            zygote = self.warm[key]
            dead = done = False
            try:
                zygote.check()  # reads its answers so far: the first fork's pid means ready
                done = self.waiting[zygote.pid].forked_pid is not None
            except ZygoteLost:
                dead = True
            if done:
                del self.importing[key]
            elif dead or time.monotonic() - self.importing[key] > WARM_IMPORT_S:
                self.failed.add(key)
                self._retire(key)

    def _seen_before(self, key: tuple[str, ...]) -> bool:
        """Whether a program asked for `key` before on this worker (the last SEEN_MAX sets)."""
        seen = key in self.seen
        self.seen[key] = None
        self.seen.move_to_end(key)
        if len(self.seen) > SEEN_MAX:
            self.seen.popitem(last=False)
        return seen

    def take(self, zygote: Zygote) -> Child:
        """Its waiting child, or a fresh one."""
        from aceforge.execution.child import Child

        child = self.waiting.pop(zygote.pid, None)
        return child if child is not None else Child.fork_warm(zygote, self.devnull)

    def prefork(self, zygote: Zygote) -> None:
        from aceforge.execution.child import Child

        if zygote.pid not in self.waiting:
            self.waiting[zygote.pid] = Child.fork_warm(zygote, self.devnull)

    def _make_room(self) -> None:
        while self.warm and (len(self.warm) >= MAX_WARM or self._resident_mb() > WARM_MEMORY_MB):
            self._retire(next(iter(self.warm)))

    def _retire(self, key: tuple[str, ...]) -> None:
        old = self.warm.pop(key)
        self.importing.pop(key, None)
        child = self.waiting.pop(old.pid, None)
        if child is not None:
            if child.forked_pid is None:  # never forked (or not yet): only its descriptors
                child.abandon()
            else:
                child.discard(self.iso)
        old.close()

    def _resident_mb(self) -> float:
        total = 0.0
        for z in self.warm.values():
            try:
                with open(f"/proc/{z.pid}/statm") as f:
                    total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
            except (OSError, ValueError, IndexError):
                pass
        return total

    def check(self) -> None:
        """Raise ZygoteLost if the plain zygote or a ready warm one died (see Zygote.check);
        one that dies importing only sends its set back to cold."""
        self.plain.check()
        for key, zygote in list(self.warm.items()):
            if key not in self.importing:
                zygote.check()


__all__ = ["ZygoteLost", "Zygotes", "import_key"]

"""Which ids are held out, and which a run keeps: fixed by a hash of id and seed, never by file
order, so a resumed run, a later stage (``rm``, ``bon``) and ``train-rl`` all see the same split.
A leaf: ``rl`` and ``method`` both use it.

The rule: ids ranked by ``sha256(f"{seed}:{id}")`` (held out) or ``sha256(f"{seed}:train:{id}")``
(training selection), hex digests compared as strings; the first ones are taken.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def hash_rank(ids: Iterable[str], salt: str) -> list[str]:
    """`ids` in the order of the hash of ``f"{salt}{id}"``: stable, and blind to input order."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"{salt}{i}".encode()).hexdigest())


def held_out_ids(ids: list[str], fraction: float, seed: int = 0) -> set[str]:
    """A fixed share of ids, chosen by a hash of id and seed; with a positive fraction and two
    or more ids, at least one is held out and at least one is not."""
    if not 0 <= fraction < 1:
        raise ValueError(f"held-out fraction must be in [0, 1), got {fraction}")
    n = round(len(ids) * fraction)
    if fraction > 0 and len(ids) > 1:
        n = min(max(n, 1), len(ids) - 1)
    return set(hash_rank(ids, f"{seed}:")[:n])


def chosen_ids(ids: list[str], limit: int, seed: int = 0) -> set[str]:
    """At most `limit` of `ids` for training, chosen by a hash of id and seed (a salt apart
    from the held-out split's, so the two choices do not follow each other)."""
    return set(hash_rank(ids, f"{seed}:train:")[:limit])

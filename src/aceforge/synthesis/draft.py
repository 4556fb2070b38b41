"""A seed's parsed answer on its way to becoming a synth row (inputs mode: it still needs the
seed's outputs, the feedback search and a minimized suite)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aceforge.synthesis.domain import InputSpace
from aceforge.synthesis.feedback import Answers
from aceforge.synthesis.seeds import Seed


@dataclass
class Draft:
    """A parsed answer on its way to becoming a row (inputs mode: still needs outputs)."""

    seed: Seed
    question: str
    entry: str
    raw: int
    rejected: list[dict[str, str]]
    calls: list[str]  # inputs mode: proposals that passed validation, in priority order
    origin: dict[str, str]  # call → "example" | "model" | "signature" | "boundary" | "mutation"
    space: InputSpace | None = None
    answers: Answers = field(default_factory=Answers)
    kills: list[set[str]] = field(default_factory=list)  # per mutant of the seed: calls that kill it
    stats: dict[str, Any] = field(default_factory=dict)
    exceptions: set[str] = field(default_factory=set)  # what the seed raises on purpose (``raises``)
    classic: int = 0  # kills[:classic] are classic mutants, the rest realistic ones
    iterates: bool = False  # the function returns an iterator: tests compare list(call)
    no_none: bool = False  # None can only mean the seed ran off its end: such answers are dropped
    hit_limit: bool = False  # the teacher's answer stopped at the token limit

    def adopt(self, answers: Answers, calls: list[str], keep: int) -> None:
        """The first `keep` of `calls` that the seed answered with a stable value (no ``None``
        where ``no_none``) become candidate tests, of origin ``code``."""
        kept = [c for c in calls if c in answers.found and c not in answers.unstable]
        kept = [c for c in kept if not (self.no_none and answers.found[c][1] is None)][:keep]
        self.answers.found.update({c: answers.found[c] for c in kept})
        for c in kept:
            self.origin.setdefault(c, "code")

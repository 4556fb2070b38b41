"""aceforge: turn ordinary code data into verifiable rewards for training coder LLMs.

Names resolve lazily: the engine's fork servers import this package, and every module they
load makes each fork slower.
"""

from __future__ import annotations

from aceforge._lazy import lazy_getattr

__all__ = [
    "AceforgeError",
    "ClientConfig",
    "ConfigError",
    "DataFormatError",
    "ExecResult",
    "Executor",
    "FilterConfig",
    "GenParams",
    "HardConfig",
    "IsolationUnavailableError",
    "Job",
    "LLMClient",
    "Limits",
    "PairsConfig",
    "Ranking",
    "RunConfig",
    "Runtime",
    "SampleConfig",
    "ScoreConfig",
    "StdioTest",
    "SynthConfig",
    "TestOutcome",
    "load_run_config",
    "rank_programs",
    "run_filter",
    "run_hard",
    "run_pairs",
    "run_pipeline",
    "run_sample",
    "run_score",
    "run_synth",
]
__version__ = "0.1.0"

_HOMES = {
    "AceforgeError": "aceforge.errors",
    "ConfigError": "aceforge.errors",
    "ClientConfig": "aceforge.generation",
    "GenParams": "aceforge.generation",
    "LLMClient": "aceforge.generation",
    "SynthConfig": "aceforge.synthesis.synth",
    "FilterConfig": "aceforge.synthesis.filter",
    "SampleConfig": "aceforge.synthesis.sample",
    "ScoreConfig": "aceforge.synthesis.score",
    "PairsConfig": "aceforge.synthesis.pairs",
    "HardConfig": "aceforge.synthesis.hard",
    "RunConfig": "aceforge.config",
    "load_run_config": "aceforge.config",
    "run_pipeline": "aceforge.pipeline",
    "Runtime": "aceforge.synthesis.stages",
    "run_synth": "aceforge.synthesis.stages",
    "run_filter": "aceforge.synthesis.stages",
    "run_sample": "aceforge.synthesis.stages",
    "run_score": "aceforge.synthesis.stages",
    "run_pairs": "aceforge.synthesis.stages",
    "run_hard": "aceforge.synthesis.stages",
    "DataFormatError": "aceforge.errors",
    "IsolationUnavailableError": "aceforge.errors",
    "ExecResult": "aceforge.types",
    "Executor": "aceforge.execution.base",
    "Job": "aceforge.types",
    "Limits": "aceforge.types",
    "StdioTest": "aceforge.types",
    "TestOutcome": "aceforge.types",
    "Ranking": "aceforge.evaluation.ranking",
    "rank_programs": "aceforge.evaluation.ranking",
}


__getattr__ = lazy_getattr(__name__, _HOMES)

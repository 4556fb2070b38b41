"""The execution engine: run untrusted programs against tests, fast and hack-resistant."""

from aceforge.execution.executor import LocalExecutor, run_jobs
from aceforge.execution.plan import plan_assert
from aceforge.execution.values import normalize_output, values_equal

__all__ = ["LocalExecutor", "normalize_output", "plan_assert", "run_jobs", "values_equal"]

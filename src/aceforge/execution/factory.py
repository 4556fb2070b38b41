"""The one place an engine is chosen: ``make_executor`` returns an ``Executor`` (see
``aceforge.types``), local or on Ray, that every caller starts, uses and closes the same way."""

from __future__ import annotations

from aceforge.errors import ConfigError
from aceforge.execution.base import Executor


def make_executor(
    kind: str = "local",
    workers: int | None = None,
    isolation: str = "auto",
    ray_address: str | None = None,
    rel_tol: float = 1e-9,
    abs_tol: float = 0.0,
) -> Executor:
    """`local` (this machine) or `ray` (a Ray cluster at `ray_address`; each node runs local
    engines with the same `workers` and `isolation`). Use as a context manager."""
    if kind == "local":
        from aceforge.execution.executor import LocalExecutor

        return LocalExecutor(workers=workers, isolation=isolation, rel_tol=rel_tol, abs_tol=abs_tol)
    if kind == "ray":
        from aceforge.execution.ray_executor import RayExecutor

        return RayExecutor(
            address=ray_address,
            workers_per_actor=workers,
            isolation=isolation,
            rel_tol=rel_tol,
            abs_tol=abs_tol,
        )
    raise ConfigError(f"executor must be 'local' or 'ray', got {kind!r}")

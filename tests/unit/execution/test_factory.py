"""``make_executor`` is the one place an engine is chosen; it starts nothing by itself."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.execution.base import BaseExecutor
from aceforge.execution.executor import LocalExecutor
from aceforge.execution.factory import make_executor
from aceforge.execution.ray_executor import RayExecutor


def test_local_and_ray_engines_are_made_unstarted() -> None:
    local = make_executor("local", workers=3, isolation="minimal", rel_tol=1e-6)
    assert isinstance(local, LocalExecutor) and isinstance(local, BaseExecutor)
    assert (local.n_workers, local.isolation, local.rel_tol) == (3, "minimal", 1e-6)
    assert not local.workers  # no process until started
    ray = make_executor("ray", workers=2, ray_address="ray://nowhere:1")
    assert isinstance(ray, RayExecutor) and ray.address == "ray://nowhere:1" and not ray.actors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "gpu"}, "executor must be 'local' or 'ray'"),
        ({"isolation": "none"}, "isolation must be one of"),
    ],
)
def test_an_unknown_choice_is_a_config_error(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_executor(**kwargs)  # type: ignore[arg-type]

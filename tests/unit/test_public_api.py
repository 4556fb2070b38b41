import importlib

import pytest


@pytest.mark.parametrize("module", ["aceforge", "aceforge.execution"])
def test_every_public_name_resolves(module):
    mod = importlib.import_module(module)
    for name in mod.__all__:
        assert getattr(mod, name) is not None
    with pytest.raises(AttributeError):
        mod.no_such_name  # noqa: B018


def test_local_executor_satisfies_the_executor_protocol():
    from aceforge.execution.executor import LocalExecutor
    from aceforge.types import Executor

    executor: Executor = LocalExecutor(workers=1)  # checked by mypy; at runtime, the methods exist
    assert callable(executor.run) and callable(executor.run_all)

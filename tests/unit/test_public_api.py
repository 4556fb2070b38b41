import importlib

import pytest


@pytest.mark.parametrize("module", ["aceforge", "aceforge.execution"])
def test_every_public_name_resolves(module):
    mod = importlib.import_module(module)
    for name in mod.__all__:
        assert getattr(mod, name) is not None
    with pytest.raises(AttributeError):
        mod.no_such_name  # noqa: B018

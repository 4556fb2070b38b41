"""Lazy re-exports import their module on first use only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aceforge._lazy import lazy_getattr


def test_a_name_imports_its_home_module_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lazyhome_mod.py").write_text("VALUE = 41 + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lazyhome_mod", raising=False)
    get = lazy_getattr("pkg", {"VALUE": "lazyhome_mod"})
    assert "lazyhome_mod" not in sys.modules
    assert get("VALUE") == 42
    assert "lazyhome_mod" in sys.modules


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    with pytest.raises(AttributeError, match="module 'pkg' has no attribute 'nope'"):
        lazy_getattr("pkg", {})("nope")


def test_aceforge_public_names_resolve_through_it() -> None:
    import aceforge

    assert aceforge.DataFormatError.__module__ == "aceforge.errors"
    with pytest.raises(AttributeError):
        aceforge.no_such_name  # noqa: B018

"""Which warm module set a program selects (see ``warmsets.import_key``)."""

from __future__ import annotations

from aceforge.execution.warmsets import import_key


def _key(source: str) -> tuple[str, ...]:
    return import_key(compile(source, "<p>", "exec"))


def test_the_key_is_the_allow_listed_modules_a_program_imports_nested_ones_too() -> None:
    source = (
        "import numpy as np\nimport os, re\nfrom matplotlib import pyplot\ndef f():\n    import fractions\n"
    )
    assert _key(source) == ("fractions", "matplotlib", "numpy")
    assert _key("import matplotlib.pyplot as plt\nimport torch.nn\n") == (
        "matplotlib.pyplot",
        "torch",
        "torch.nn",
    )


def test_stdlib_modules_the_server_preloads_and_unknown_packages_select_nothing() -> None:
    assert _key("import re, math, collections\nimport django.urls\n") == ()
    assert import_key(None) == ()


def test_private_or_main_submodules_are_never_imported_for_a_program() -> None:
    # only the package the statement binds: the program imports the rest itself
    assert _key("import numpy.f2py.__main__\nimport numpy._core\n") == ("numpy",)
    assert _key("import numpy.a.b.c\n") == ("numpy",)  # too deep

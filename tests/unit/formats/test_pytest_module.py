"""KodCode pytest modules turned into sandbox tests; each test is run here against a real
``solution`` module to show it passes a right program and fails a wrong one."""

from __future__ import annotations

import sys
import types

import pytest

from aceforge.errors import DataFormatError
from aceforge.formats.pytest_module import read_pytest_module
from aceforge.formats.where import Where

W = Where("kodcode.jsonl", 4, "reward_model")


def _passes(test: str, source: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    module = types.ModuleType("solution")
    exec(source, module.__dict__)
    monkeypatch.setitem(sys.modules, "solution", module)
    try:
        exec(test, dict(module.__dict__) if test.startswith("assert") else {})
    except AssertionError:
        return False
    return True


RIGHT = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return x + 2\n"  # right at x == 2 only


def test_assert_only_functions_become_single_asserts_and_the_entry_point_is_found() -> None:
    module = "from solution import double\n\ndef test_a():\n    '''doc'''\n    assert double(3) == 6\n    assert double(0) == 0\n"
    tests, entry = read_pytest_module(module, W)
    assert tests == ["assert double(3) == 6", "assert double(0) == 0"]
    assert entry == "double"


def test_parametrize_runs_as_a_loop_over_every_value(monkeypatch: pytest.MonkeyPatch) -> None:
    module = (
        "import pytest\nfrom solution import double\n\n"
        "@pytest.mark.parametrize('x, want', [(2, 4), (5, 10)])\n"
        "def test_p(x, want):\n    assert double(x) == want\n"
    )
    tests, _ = read_pytest_module(module, W)
    assert len(tests) == 1 and "for (x, want,) in [(2, 4), (5, 10)]:" in tests[0]
    assert _passes(tests[0], RIGHT, monkeypatch)
    assert not _passes(tests[0], WRONG, monkeypatch)  # (2, 4) passes, (5, 10) does not


def test_fixtures_are_called_and_generator_fixtures_advanced(monkeypatch: pytest.MonkeyPatch) -> None:
    module = (
        "import pytest\nfrom solution import double\n\n"
        "@pytest.fixture\ndef five():\n    return 5\n\n"
        "@pytest.fixture\ndef seven():\n    yield 7\n\n"
        "def test_f(five, seven):\n    assert double(five) + double(seven) == 24\n"
    )
    tests, entry = read_pytest_module(module, W)
    assert entry == "double" and "test_f(five=five(), seven=next(seven()))" in tests[0]
    assert "@pytest" not in tests[0]
    assert _passes(tests[0], RIGHT, monkeypatch) and not _passes(tests[0], WRONG, monkeypatch)


def test_test_classes_run_each_method_after_setup_method(monkeypatch: pytest.MonkeyPatch) -> None:
    module = (
        "from solution import double\n\nclass TestD:\n"
        "    def setup_method(self, method):\n        self.x = 5\n"
        "    def test_one(self):\n        assert double(self.x) == 10\n"
        "    def helper(self):\n        pass\n"
    )
    tests, _ = read_pytest_module(module, W)
    assert len(tests) == 1 and "_t.setup_method(_t.test_one)" in tests[0]
    assert _passes(tests[0], RIGHT, monkeypatch) and not _passes(tests[0], WRONG, monkeypatch)


def test_skipped_tests_and_main_guards_are_left_out() -> None:
    module = (
        "import pytest\nfrom solution import double\n\n"
        "@pytest.mark.skip\ndef test_s():\n    assert double(1) == 99\n\n"
        "def test_k():\n    assert double(1) == 2\n\n"
        "if __name__ == '__main__':\n    pytest.main()\n"
    )
    assert read_pytest_module(module, W)[0] == ["assert double(1) == 2"]


def test_helpers_in_the_module_make_functions_run_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    module = "from solution import double\n\nK = 3\n\ndef test_h():\n    assert double(K) == 6\n"
    tests, _ = read_pytest_module(module, W)
    assert tests[0].startswith("from solution import double") and tests[0].endswith("test_h()\n")
    assert _passes(tests[0], RIGHT, monkeypatch) and not _passes(tests[0], WRONG, monkeypatch)


@pytest.mark.parametrize(
    ("module", "problem"),
    [
        ("def test_x(:\n", "does not parse"),
        ("from solution import f\nX = 1\n", "defines no test_ function"),
        ("def test_t(tmp_path):\n    assert tmp_path\n", "fixture 'tmp_path'"),
        (
            "import pytest\n@pytest.mark.parametrize('a')\ndef test_p(a):\n    pass\n",
            "unsupported parametrize",
        ),
        ("import pytest\n@pytest.mark.parametrize(N, [1])\ndef test_p(a):\n    pass\n", "parametrize names"),
        ("class TestC:\n    def test_m(self, capsys):\n        pass\n", "TestC.test_m: fixtures"),
    ],
)
def test_unsupported_modules_are_errors_naming_the_field(module: str, problem: str) -> None:
    with pytest.raises(DataFormatError, match=problem) as e:
        read_pytest_module(module, W, field="test")
    assert e.value.field == "reward_model.test" and e.value.line == 4

"""Seeds from JSONL files and from a (tmp) standard-library tree, with drop reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import ConfigError, DataFormatError
from aceforge.synthesis.seeds import Seed, harvest_stdlib, load_seeds, make_seed


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_make_seed_entry_is_last_function_and_fenced_code() -> None:
    s = make_seed("i", "src", "  do it ", "def a():\n    pass\ndef b():\n    pass\n")
    assert isinstance(s, Seed) and s.entry_point == "b" and s.instruction == "do it"
    md = "Here:\n```python\ndef c(x):\n    return x\n```\nthanks"
    fenced = make_seed("i", "src", "", md)
    assert isinstance(fenced, Seed) and fenced.program.strip() == "def c(x):\n    return x"
    cls = make_seed("i", "src", "", "class K:\n    pass")
    assert isinstance(cls, Seed) and cls.entry_point is None


@pytest.mark.parametrize(
    ("program", "reason"),
    [("   ", "empty_program"), ("def (:", "not_python"), ("x = 1", "no_function_or_class")],
)
def test_make_seed_drop_reasons(program: str, reason: str) -> None:
    assert make_seed("i", "src", "", program) == reason


def test_load_seeds_from_jsonl_counts_drops_and_limit(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "instruction": "one", "program": "def f():\n    return 1"},
        {"instruction": "bad", "program": "x = 1"},
        {"instruction": "two", "program": "def g():\n    return 2"},
        {"instruction": "three", "program": "def h():\n    return 3"},
    ]
    seeds, report = load_seeds(str(_jsonl(tmp_path / "s.jsonl", rows)), limit=2)
    assert [s.entry_point for s in seeds] == ["f", "g"]
    assert seeds[0].id == "a" and seeds[1].id == "s/3"
    assert report.to_dict() == {"kept": 2, "dropped": {"no_function_or_class": 1}}


def test_load_seeds_field_mapping(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "m.jsonl", [{"q": "ask", "code": "def f():\n    return 1"}])
    seeds, _ = load_seeds(str(path), fields={"instruction": "q", "program": "code"})
    assert seeds[0].instruction == "ask"
    with pytest.raises(ConfigError, match="--field"):
        load_seeds(str(path), fields={"other": "x"})


def test_load_seeds_bad_rows_name_file_line_field(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "b.jsonl", [{"program": "def f(): pass"}, {"program": 3}])
    with pytest.raises(DataFormatError) as err:
        load_seeds(str(path))
    assert "b.jsonl" in str(err.value) and "2" in str(err.value) and "program" in str(err.value)
    with pytest.raises(DataFormatError, match="object"):
        load_seeds(str(_jsonl(tmp_path / "l.jsonl", [[1, 2]])))


def test_load_seeds_unknown_spec() -> None:
    with pytest.raises(ConfigError, match="unknown seed source"):
        load_seeds("seeds.txt")


STDLIB_MOD = '''import math
import os
_TABLE = "0123456789"


def good(n):
    """Digits of n, as text."""
    s = str(n)
    out = [_TABLE[int(c)] for c in s]
    return "".join(out) + str(math.floor(n))


def _private(n):
    """Private."""
    return n


def undocumented(n):
    x = n
    return x


def short(n):
    """A wrapper."""
    return n


def effects(n):
    """Touches the system."""
    p = os.getcwd()
    return p + str(n)


def obj_param(obj):
    """Takes an object."""
    x = obj
    return x


def uses_global(n):
    """Reads a module global."""
    y = n
    return y + UNKNOWN
'''


def test_harvest_stdlib_keeps_self_contained_functions(tmp_path: Path) -> None:
    (tmp_path / "mymod.py").write_text(STDLIB_MOD, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "skipped.py").write_text(STDLIB_MOD, encoding="utf-8")
    (tmp_path / "broken.py").write_text("def (:", encoding="utf-8")
    items = list(harvest_stdlib(str(tmp_path)))
    seeds = [i for i in items if isinstance(i, Seed)]
    reasons = sorted(i for i in items if isinstance(i, str))
    assert [s.id for s in seeds] == ["stdlib/mymod.good"]
    prog = seeds[0].program
    assert prog.startswith("import math\n_TABLE = '0123456789'\n") and "def good(n):" in prog
    assert reasons == sorted(
        [
            "stdlib_unparseable_module",
            "stdlib_private",
            "stdlib_undocumented",
            "stdlib_trivial",
            "stdlib_side_effects",
            "stdlib_object_params",
            "stdlib_uses_module_globals",
        ]
    )
    ns: dict[str, object] = {}
    exec(prog, ns)  # the harvested program runs on its own
    assert ns["good"](42) == "4242"  # type: ignore[operator]

"""Seeds, input mutation and the response cache."""

from __future__ import annotations

import ast
import json

import pytest

from aceforge.errors import ConfigError, DataFormatError
from aceforge.generation.base import Completion, GenParams
from aceforge.generation.cache import ResponseCache, cache_key
from aceforge.synthesis.mutate import guess_calls, parse_call
from aceforge.synthesis.seeds import load_seeds, make_seed


def test_guess_calls_follow_the_signature() -> None:
    program = "def pad(text, width=8, fill='*'):\n    return text.ljust(width, fill)\n"
    calls = guess_calls(program, "pad", limit=12)
    assert len(calls) == 12 and len(set(calls)) == 12
    for c in calls:
        _, args, _ = parse_call(c)
        assert len(args) == 3
    assert any(c.startswith("pad('") and ", 8, '*')" in c for c in calls)  # defaults are tried
    assert guess_calls(program, "missing") == []


def test_stdlib_seeds_are_self_contained_functions() -> None:
    seeds, report = load_seeds("stdlib", limit=30)
    assert len(seeds) == 30 and report.kept == 30
    assert report.dropped["stdlib_private"] > 0  # drops are counted with reasons
    for s in seeds:
        tree = ast.parse(s.program)
        assert s.entry_point in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert s.instruction and s.source == "stdlib"
    assert len({s.id.rsplit(".", 1)[0] for s in seeds}) == 30  # one per module first


def test_local_seed_file_with_field_mapping(tmp_path) -> None:
    path = tmp_path / "seeds.jsonl"
    rows = [
        {"id": "a", "prob": "Add.", "code": "```python\ndef add(a, b):\n    return a + b\n```"},
        {"id": "b", "prob": "Nothing.", "code": "x = 1\n"},
        {"id": "c", "prob": "Broken.", "code": "def f(:\n"},
        {"id": "d", "prob": "Class.", "code": "class A:\n    pass\n"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    seeds, report = load_seeds(str(path), fields={"instruction": "prob", "program": "code"})
    assert [s.id for s in seeds] == ["a", "d"]
    assert seeds[0].program.startswith("def add") and seeds[0].entry_point == "add"
    assert report.dropped == {"no_function_or_class": 1, "not_python": 1}


def test_bad_seed_file_names_file_line_and_field(tmp_path) -> None:
    path = tmp_path / "seeds.jsonl"
    path.write_text('{"program": "def f(): pass"}\n{"instruction": "x"}\n')
    with pytest.raises(DataFormatError) as e:
        load_seeds(str(path))
    assert e.value.line == 2 and e.value.field == "program" and str(path) in str(e.value)
    with pytest.raises(ConfigError):
        load_seeds(str(path), fields={"prog": "x"})
    with pytest.raises(ConfigError):
        load_seeds("nonsense")


def test_make_seed_takes_the_code_out_of_markdown() -> None:
    seed = make_seed("x", "src", "do it", "Text\n```py\ndef g():\n    return 1\n```\nmore")
    assert not isinstance(seed, str) and seed.program.startswith("def g")


def test_cache_persists_and_keys_on_every_input(tmp_path) -> None:
    path = tmp_path / "c.sqlite"
    p = GenParams(max_tokens=10)
    key = cache_key("m", False, p, "hello", 0)
    assert key != cache_key("m", False, p, "hello", 1)
    assert key != cache_key("m2", False, p, "hello", 0)
    assert key != cache_key("m", True, p, "hello", 0)
    assert key != cache_key("m", False, GenParams(max_tokens=11), "hello", 0)
    assert key != cache_key("m", False, p, [{"role": "user", "content": "hello"}], 0)
    c = ResponseCache(path)
    assert c.get(key) is None
    c.put(key, "m", Completion("answer", 3, 4, "stop"))
    c.close()
    again = ResponseCache(path)
    assert again.get(key) == Completion("answer", 3, 4, "stop")
    assert again.stats.hits == 1 and len(again) == 1

"""filter: tests survive when the oracles (a scripted proxy's programs, run on the real engine,
and the seed) agree they are right; programs the suite wrongly accepts add tests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from aceforge.artifacts import StageOutput
from aceforge.errors import ConfigError
from aceforge.execution.executor import LocalExecutor
from aceforge.generation.generator import Generator
from aceforge.generation.scripted import ScriptedClient
from aceforge.synthesis.configs import FilterConfig
from aceforge.synthesis.filter import _verdict, filter_tests

TESTS = ["assert add(1, 2) == 3", "assert add(2, 2) == 5", "assert add(0, 0) == 0"]
ROW = {"id": "q1", "question": "Add a and b.", "entry_point": "add", "test_cases": TESTS}
RIGHT = "def add(a, b):\n    return a + b\n"
TIMES = "def add(a, b):\n    return a * b\n"


def _proxy(program: str) -> Generator:
    return Generator(ScriptedClient(lambda t, s: f"```python\n{program}```", chat=True), None)


def _run(rows, gen, executor, tmp_path: Path, **cfg) -> tuple[dict, list[dict]]:
    out = StageOutput(tmp_path, "filter", {})
    counts = asyncio.run(filter_tests(rows, gen, executor, FilterConfig(**cfg), out))
    out.parts.close()
    return counts, [json.loads(x) for x in (tmp_path / "parts.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(
    ("oracle", "proxy_ok", "ref_ok", "keep"),
    [
        ("proxy", True, False, True),
        ("proxy", None, True, False),
        ("reference", False, True, True),
        ("any", False, True, True),
        ("any", False, None, False),
        ("all", True, False, False),
        ("all", None, True, True),  # no proxy samples: the seed alone
    ],
)
def test_verdict_table(oracle: str, proxy_ok: bool | None, ref_ok: bool | None, keep: bool) -> None:
    assert _verdict(oracle, proxy_ok, ref_ok) is keep


def test_the_proxy_drops_a_hallucinated_test(tmp_path: Path, executor: LocalExecutor) -> None:
    counts, [part] = _run([ROW], _proxy(RIGHT), executor, tmp_path, oracle="proxy", min_tests=2)
    row = part["row"]
    assert row["test_cases"] == [TESTS[0], TESTS[2]]
    assert counts == {"tests_before": 3, "tests_after": 2}
    info = json.loads(row["filter_info"])
    assert info["dropped"][0]["test"] == TESTS[1] and info["reference_used"] is False
    assert row["inferences"][0]["pass_rate"] == 1.0


def test_all_needs_both_oracles_and_too_few_rejects(tmp_path: Path, executor: LocalExecutor) -> None:
    rows = [{**ROW, "reference": RIGHT}]
    off = {"oracle": "all", "learn_from_proxy": False}
    _, [part] = _run(rows, _proxy(TIMES), executor, tmp_path / "a", min_tests=1, **off)
    assert part["row"]["test_cases"] == [TESTS[2]]  # a*b passes only 0*0
    _, [rej] = _run(rows, _proxy(TIMES), executor, tmp_path / "b", min_tests=2, **off)
    assert rej["kept"] is False and rej["reason"] == "too_few_tests"


def test_reference_oracle_needs_no_proxy(tmp_path: Path, executor: LocalExecutor) -> None:
    rows = [{**ROW, "reference": RIGHT}]
    _, [part] = _run(rows, None, executor, tmp_path, oracle="reference", min_tests=1)
    assert part["row"]["test_cases"] == [TESTS[0], TESTS[2]]
    with pytest.raises(ConfigError, match="needs a proxy model"):
        _run(rows, None, executor, tmp_path / "x", oracle="proxy")
    with pytest.raises(ConfigError, match="oracle must be one of"):
        _run(rows, None, executor, tmp_path / "y", oracle="vote")


def test_a_program_the_suite_wrongly_accepts_adds_a_test(tmp_path: Path, executor: LocalExecutor) -> None:
    rows = [{**ROW, "reference": RIGHT}]
    counts, [part] = _run(rows, _proxy(TIMES), executor, tmp_path, oracle="all", min_tests=1)
    kept = part["row"]
    added = json.loads(kept["filter_info"])["added_from_programs"]
    assert len(added) == 1 and counts["tests_added_from_programs"] == 1
    assert kept["test_cases"] == [TESTS[2], added[0]]
    ns: dict = {}
    exec(RIGHT, ns)
    exec(added[0], ns)  # the seed passes the added test
    with pytest.raises(AssertionError):
        exec(TIMES + added[0], {})  # the accepted wrong program fails it
    assert kept["inferences"][0]["outcomes"] == ["passed", "failed"]
    assert kept["inferences"][0]["pass_rate"] == 0.5

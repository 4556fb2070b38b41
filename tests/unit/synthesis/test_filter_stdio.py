"""filter on rows `aceforge import` wrote: stdin/stdout tests, judged on the real engine with a
scripted proxy (the LLM seam) under the same oracle rules as asserts. The rows are real
CodeContests ones (tests/data/formats/codecontests_real.jsonl) and the hand-built one whose tests
store one of several right answers (codecontests_rows.jsonl)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from aceforge.artifacts import StageOutput
from aceforge.execution.executor import LocalExecutor
from aceforge.formats.competitive import JUDGE_IMPORTS
from aceforge.formats.stage_rows import stage_rows
from aceforge.generation.base import GenParams, Prompt
from aceforge.generation.generator import Generator
from aceforge.generation.scripted import ScriptedClient
from aceforge.synthesis.configs import FilterConfig
from aceforge.synthesis.filter import filter_tests
from aceforge.templates import SCRIPT_STOPS

DATA = Path(__file__).parents[2] / "data" / "formats"
REAL = [json.loads(x) for x in (DATA / "codecontests_real.jsonl").read_text(encoding="utf-8").splitlines()]
HAND = [json.loads(x) for x in (DATA / "codecontests_rows.jsonl").read_text(encoding="utf-8").splitlines()]
GOOD, BAD = REAL[0]["solutions"]["solution"][0], REAL[0]["incorrect_solutions"]["solution"][0]


def imported(record: dict[str, Any]) -> dict[str, Any]:
    """`record` as `aceforge import` writes it and a stage reads it (``tests`` → ``test_cases``)."""
    (row,) = stage_rows([("cc.jsonl", 1, record)])
    return {k: v for k, v in row.items() if k != "tests"} | {"test_cases": row["tests"]}


def sorting_row(**extra: Any) -> dict[str, Any]:
    """1575_A imported, plus a hallucinated test: its first generated test with a wrong output."""
    row = imported(REAL[0])
    fake = {**row["test_cases"][1], "output": "1 2 3 4 5\n"}
    return {**row, "test_cases": [*row["test_cases"], fake], **extra}


def proxy(*programs: str, chat: bool = True) -> Generator:
    """Sample j answers programs[j] (fenced for a chat model, bare as a base model continues)."""
    return Generator(ScriptedClient(lambda t, s: answer(programs[s], chat), chat=chat), None)


def answer(program: str, chat: bool) -> str:
    return f"Here it is.\n```python\n{program}```\n" if chat else program  # (cut at its stop)


def run(
    rows: list[dict], gen: Generator | None, executor: LocalExecutor, tmp: Path, **cfg: Any
) -> list[dict]:
    out = StageOutput(tmp, "filter", {})
    asyncio.run(filter_tests(rows, gen, executor, FilterConfig(**cfg), out))
    out.parts.close()
    return [json.loads(x) for x in (tmp / "parts.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("layout", ["jsonl", "parquet"])
def test_the_proxy_drops_a_hallucinated_stdio_test(
    tmp_path: Path, executor: LocalExecutor, layout: str
) -> None:
    row = sorting_row()
    if layout == "parquet":  # data.parquet holds a stdin/stdout test as its JSON text
        row["test_cases"] = [json.dumps(t) for t in row["test_cases"]]
    [part] = run([row], proxy(GOOD), executor, tmp_path, oracle="proxy", min_tests=5)
    kept = part["row"]
    assert kept["test_cases"] == row["test_cases"][:11]  # the 11 real tests, in order
    info = json.loads(kept["filter_info"])
    assert (info["tests_before"], info["tests_after"], info["proxy_samples"]) == (12, 11, 1)
    assert [d["test"] for d in info["dropped"]] == row["test_cases"][11:]
    assert kept["inferences"][0]["program"] == GOOD.strip("\n") + "\n"  # the whole script
    assert kept["inferences"][0]["outcomes"] == ["passed"] * 11


def test_majority_of_proxy_samples_on_stdio_tests(tmp_path: Path, executor: LocalExecutor) -> None:
    [part] = run([sorting_row()], proxy(GOOD, BAD, GOOD), executor, tmp_path / "a", k=3, min_tests=5)
    assert len(part["row"]["test_cases"]) == 11
    assert [i["pass_rate"] for i in part["row"]["inferences"]] == [1.0, 0.0, 1.0]
    [rej] = run([sorting_row()], proxy(BAD, BAD, GOOD), executor, tmp_path / "b", k=3, min_tests=5)
    assert (rej["kept"], rej["reason"]) == (False, "too_few_tests")


def test_the_seed_judges_stdio_tests_after_the_rows_prelude(tmp_path: Path, executor: LocalExecutor) -> None:
    """`reference`: the dataset's solution as the seed, here using `string` unimported, as the
    judges' prelude (an imported APPS or LiveCodeBench row's) lets it; ``all`` also needs the proxy."""
    seed = GOOD.replace("list(map(chr, range(65, 91)))", "list(string.ascii_uppercase)")
    assert seed != GOOD
    row = sorting_row(reference=seed, prelude=JUDGE_IMPORTS)
    [part] = run([row], None, executor, tmp_path / "a", oracle="reference", min_tests=5)
    assert len(part["row"]["test_cases"]) == 11
    assert json.loads(part["row"]["filter_info"])["reference_used"] is True
    bare = {k: v for k, v in row.items() if k != "prelude"}
    [rej] = run([bare], None, executor, tmp_path / "b", oracle="reference", min_tests=1)
    assert rej["reason"] == "too_few_tests"  # without the prelude: NameError on every test
    [rej] = run([row], proxy(BAD), executor, tmp_path / "c", oracle="all", min_tests=1)
    assert rej["reason"] == "too_few_tests"  # the incorrect proxy program agrees with no test


def _indent(code: str) -> str:
    return "\n".join("    " + line if line.strip() else line for line in code.splitlines())


def test_a_rows_checker_judges_the_proxy_programs(tmp_path: Path, executor: LocalExecutor) -> None:
    """Any divisor is right, the tests store the smallest: with the row's checker the proxy's
    largest-divisor program keeps every test; without it the two tests where they differ go."""
    divisor = imported(HAND[1])
    largest = HAND[1]["solutions"]["solution"][1]
    checker = (
        "def check(input, output, expected):\n    n, d = int(input), int(output)\n"
        "    return d == -1 if expected.strip() == '-1' else 1 < d < n and n % d == 0\n"
    )
    [with_checker] = run(
        [{**divisor, "checker": checker}], proxy(largest), executor, tmp_path / "a", min_tests=1
    )
    assert with_checker["row"]["test_cases"] == divisor["test_cases"]
    [plain] = run([divisor], proxy(largest), executor, tmp_path / "b", min_tests=1)
    assert [t["input"] for t in plain["row"]["test_cases"]] == ["7\n", "49\n"]


class _Recording(ScriptedClient):
    """The scripted client, keeping each request's sampling settings."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.params: list[GenParams] = []

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Any:
        self.params.append(params)
        return await super().generate(prompt, params, sample)


def test_a_base_proxy_continues_a_script_prompt(tmp_path: Path, executor: LocalExecutor) -> None:
    """A base model gets the stdin/stdout form of the solve prompt, stops only where the next
    question would begin, and its whole program (blank lines, a main guard) is kept."""
    program = f"def main():\n{_indent(GOOD)}\n\n\nif __name__ == '__main__':\n    main()\n"
    client = _Recording(lambda t, s: answer(program, chat=False))
    [part] = run([sorting_row()], Generator(client, None), executor, tmp_path, oracle="proxy", min_tests=5)
    prompt, _ = client.calls[0]
    assert "reads standard input" in prompt and prompt.endswith(f'"""{REAL[0]["description"].strip()}"""\n')
    assert "must pass tests like" not in prompt  # a stdin/stdout question shows its own examples
    assert client.params[0].stop == SCRIPT_STOPS
    assert part["row"]["inferences"][0]["outcomes"] == ["passed"] * 11

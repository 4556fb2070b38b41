"""synth and filter end to end on the real engine, with a scripted LLM (a seam we own) or a
real HTTP server that injects faults. The real llama.cpp server has its own module."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aceforge.artifacts import read_stage_rows
from aceforge.generation import ClientConfig
from aceforge.generation.scripted import ScriptedClient
from aceforge.runtime import Runtime
from aceforge.synthesis.filter import FilterConfig
from aceforge.synthesis.stages import run_filter, run_synth
from aceforge.synthesis.synth import SynthConfig
from aceforge.types import Job
from llm_servers import FaultServer

pytestmark = pytest.mark.integration

SEEDS = {
    "add": ("Add two numbers.", "def add(a, b):\n    return a + b\n"),
    "rev": ("Reverse a string.", "def rev(s):\n    return s[::-1]\n"),
    "biggest": ("Largest item.", "def biggest(xs):\n    return max(xs)\n"),
    "count_a": ("Count letter a.", "def count_a(s):\n    return s.count('a')\n"),
    "halve": (
        "Half of an even number.",
        "def halve(n):\n    if n % 2:\n        raise ValueError(n)\n    return n // 2\n",
    ),
    "noisy": ("Broken seed.", "def noisy(x):\n    return undefined_name\n"),
}
RIGHT = {
    "add": [
        "add(1, 2)",
        3,
        "add(-1, 1)",
        0,
        "add(10, 5)",
        15,
        "add(0, 0)",
        0,
        "add(2, 2)",
        4,
        "add(7, 1)",
        8,
    ],
    "rev": [
        "rev('abc')",
        "'cba'",
        "rev('')",
        "''",
        "rev('a')",
        "'a'",
        "rev('ab')",
        "'ba'",
        "rev('xyz')",
        "'zyx'",
    ],
    "biggest": ["biggest([1, 2])", 2, "biggest([5])", 5, "biggest([-1, -2])", -1],
    "count_a": [
        "count_a('banana')",
        3,
        "count_a('')",
        0,
        "count_a('aaa')",
        3,
        "count_a('b')",
        0,
        "count_a('a')",
        1,
    ],
    "halve": ["halve(4)", 2, "halve(0)", 0, "halve(10)", 5, "halve(3)", 1, "halve(8)", 4],
    "noisy": ["noisy(1)", 1, "noisy(2)", 2],
}
WRONG = {"add": ["add(1, 1)", 3], "rev": ["rev('ab')", "'ab'"], "count_a": ["count_a('a')", 2]}


def write_seeds(path: Path) -> Path:
    path.write_text(
        "".join(json.dumps({"id": k, "instruction": i, "program": p}) + "\n" for k, (i, p) in SEEDS.items())
    )
    return path


def _pairs(flat: list) -> list[tuple[str, object]]:
    return list(zip(flat[::2], flat[1::2], strict=True))


def teacher(prompt: str, sample: int = 0) -> str:
    """A scripted teacher: continues the few-shot prefix for the last program in the prompt."""
    name = re.findall(r"### Program\ndef (\w+)", prompt)[-1]
    calls = _pairs(RIGHT[name]) + _pairs(WRONG.get(name, []))
    if "test inputs" in prompt.split("\n", 1)[0]:
        items = [c for c, _ in calls] + [f"{name}(x)", "print(1)"]  # two invalid proposals
        key = "inputs"
    else:
        items = [f"assert {c} == {v}" for c, v in calls] + [f"import os; assert {name}(1)"]
        key = "tests"
    return f' computes {name}.",\n "{key}": ' + json.dumps(items) + "\n}\n"


def proxy(prompt: str, sample: int = 0) -> str:
    """A scripted proxy: right programs, except a wrong `biggest` (min instead of max)."""
    for name, (_, program) in SEEDS.items():
        if f"{name}(" in prompt.rsplit('"""', 2)[-2]:
            return program.replace("max(xs)", "min(xs)") if name == "biggest" else program
    return "def nothing():\n    pass\n"


def test_inputs_mode_expected_values_come_from_the_seed(tmp_path: Path, executor) -> None:
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    client = ScriptedClient(teacher)
    m = run_synth(
        str(seeds),
        tmp_path / "synth",
        client,
        SynthConfig(mode="inputs", n_tests=12),
        limit=None,
        rt=Runtime(llm_cache=tmp_path / "cache.sqlite", executor=executor),
    )
    rows = {r["id"]: r for r in read_stage_rows(tmp_path / "synth")}
    assert m["complete"] and m["counts"]["input"] == 6
    assert set(rows) == {"add", "rev", "biggest", "count_a", "halve"}  # noisy raises on every input
    rejected = [json.loads(line) for line in (tmp_path / "synth/rejected.jsonl").read_text().splitlines()]
    assert [(r["id"], r["reason"]) for r in rejected] == [("noisy", "no_valid_inputs")]
    for name, row in rows.items():
        assert 1 <= len(row["test_cases"]) <= 12 and len(set(row["test_cases"])) == len(row["test_cases"])
        assert row["entry_point"] == name and row["reference"] == SEEDS[name][1]
        info = json.loads(row["synth_info"])
        assert {"test": f"{name}(x)", "reason": "non_literal_args"} in info["rejected_items"]
        assert {"test": "print(1)", "reason": "no_entry_call"} in info["rejected_items"]
    assert "assert halve(3) == 1" not in rows["halve"]["test_cases"]  # the seed raised on it: dropped
    for row in rows.values():  # worked examples: the suite's first tests; the rest stay hidden
        assert_examples_first_and_the_rest_hidden(row, 2)
    # "Write a function `rev(s)` that computes rev." says nothing: the seed's own question is used
    sources = {k: json.loads(r["synth_info"])["question_source"] for k, r in rows.items()}
    assert sources == {
        "add": "model",
        "rev": "fallback",
        "biggest": "fallback",
        "count_a": "fallback",
        "halve": "fallback",
    }
    assert rows["rev"]["question"].startswith(
        "Write a function `rev(s)` for the following task.\n\nReverse a string."
    )
    assert m["questions"] == {"model": 1, "fallback": 4, "reasons": {"too_short": 4}}
    assert "assert add(1, 1) == 2" in rows["add"]["test_cases"]  # the teacher's wrong guess was never used
    # Every kept test passes on the seed program (checked by the engine, not by the stage).
    jobs = [Job(k, SEEDS[k][1], tuple(r["test_cases"])) for k, r in rows.items()]
    assert all(r.all_passed for r in executor.run_all(jobs))
    # Outputs load with datasets, in input order.
    import datasets

    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "synth/data.parquet"), split="train")
    assert ds["id"] == ["add", "rev", "biggest", "count_a", "halve"]
    assert set(ds.column_names) >= {
        "id",
        "source",
        "question",
        "test_cases",
        "inferences",
        "context_messages",
    }


def assert_examples_first_and_the_rest_hidden(row: dict, at_least: int) -> None:
    shown = json.loads(row["synth_info"])["examples"]
    assert at_least <= len(shown) <= 3 and row["test_cases"][: len(shown)] == shown
    for t in shown:
        assert f"Input: {t.split(' == ')[0].removeprefix('assert ')}" in row["question"]
    for t in row["test_cases"][len(shown) :]:
        assert t.split(" == ")[0].removeprefix("assert ") not in row["question"]


def test_tests_mode_then_filter_removes_hallucinated_tests(tmp_path: Path, executor) -> None:
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    cache = tmp_path / "cache.sqlite"
    run_synth(
        str(seeds),
        tmp_path / "synth",
        ScriptedClient(teacher),
        SynthConfig(mode="tests"),
        rt=Runtime(llm_cache=cache, executor=executor),
    )
    synth = {r["id"]: r for r in read_stage_rows(tmp_path / "synth")}
    assert "assert add(1, 1) == 3" in synth["add"]["test_cases"]  # imagined, wrong
    assert all("import" not in t for r in synth.values() for t in r["test_cases"])

    proxy_client = ScriptedClient(proxy, model="proxy")
    m = run_filter(
        tmp_path / "synth",
        tmp_path / "filter",
        proxy_client,
        FilterConfig(oracle="proxy", min_tests=4),
        rt=Runtime(llm_cache=cache, executor=executor),
    )
    kept = {r["id"]: r for r in read_stage_rows(tmp_path / "filter")}
    assert "assert add(1, 1) == 3" not in kept["add"]["test_cases"]
    assert "assert rev('ab') == 'ab'" not in kept["rev"]["test_cases"]
    assert len(kept["add"]["test_cases"]) == 6 and kept["add"]["inferences"][0]["pass_rate"] == 1.0
    # the proxy's wrong `biggest` fails its tests; `halve(3) == 1` goes (the program raises on it)
    assert "assert halve(3) == 1" not in kept["halve"]["test_cases"] and len(kept["halve"]["test_cases"]) == 4
    reasons = {
        json.loads(line)["id"]: json.loads(line)["reason"]
        for line in (tmp_path / "filter/rejected.jsonl").open()
    }
    assert reasons == {"biggest": "too_few_tests", "noisy": "too_few_tests"}
    info = json.loads(kept["add"]["filter_info"])
    assert info["tests_before"] == 7 and info["tests_after"] == 6
    assert m["counts"]["kept"] == 4 and m["complete"]
    assert "Example 1" not in synth["add"]["question"]  # tests mode: unverified tests are never shown
    for row in kept.values():  # filter shows examples from the tests it kept
        assert_examples_first_and_the_rest_hidden(row, 3)
    assert "add(1, 1)" not in kept["add"]["question"]

    # The seed as an extra oracle rescues `biggest`, whose proxy program is wrong.
    m2 = run_filter(
        tmp_path / "synth",
        tmp_path / "filter-any",
        proxy_client,
        FilterConfig(oracle="any", min_tests=3),
        rt=Runtime(llm_cache=cache, executor=executor),
    )
    assert "biggest" in {r["id"] for r in read_stage_rows(tmp_path / "filter-any")}
    assert m2["generation"][0]["cache"]["misses"] == 0  # same proxy prompts: all answers from the cache


def test_rerun_makes_no_calls_and_rewrites_identical_outputs(tmp_path: Path, executor) -> None:
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    cache = tmp_path / "cache.sqlite"
    first = ScriptedClient(teacher)
    run_synth(
        str(seeds), tmp_path / "a", first, SynthConfig(), rt=Runtime(llm_cache=cache, executor=executor)
    )
    assert len(first.calls) == 6
    # Same output folder: nothing left to do. A fresh folder: every answer from the cache.
    again = ScriptedClient(teacher)
    run_synth(
        str(seeds), tmp_path / "a", again, SynthConfig(), rt=Runtime(llm_cache=cache, executor=executor)
    )
    m = run_synth(
        str(seeds), tmp_path / "b", again, SynthConfig(), rt=Runtime(llm_cache=cache, executor=executor)
    )
    assert again.calls == []
    assert m["generation"][0]["cache"] == {"hits": 6, "misses": 0, "path": str(cache)}
    for f in ("data.jsonl", "rejected.jsonl", "data.parquet"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    # --no-cache really calls again
    fresh = ScriptedClient(teacher)
    run_synth(
        str(seeds), tmp_path / "c", fresh, SynthConfig(), rt=Runtime(use_llm_cache=False, executor=executor)
    )
    assert len(fresh.calls) == 6


def _client(server: FaultServer, **kw) -> ClientConfig:
    return ClientConfig(
        client="openai",
        model="scripted",
        base_url=server.url,
        prompt_style="completion",
        request_timeout_s=1.0,
        **kw,
    )


def test_openai_client_survives_every_fault(tmp_path: Path, executor) -> None:
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    server = FaultServer(teacher)
    try:
        m = run_synth(
            str(seeds),
            tmp_path / "s",
            _client(server),
            SynthConfig(),
            rt=Runtime(llm_cache=tmp_path / "c.sqlite", executor=executor),
        )
        proxy_server = FaultServer(proxy)
        try:
            f = run_filter(
                tmp_path / "s",
                tmp_path / "f",
                _client(proxy_server),
                FilterConfig(oracle="proxy", k=3, temperature=0.7, min_tests=3),
                rt=Runtime(llm_cache=tmp_path / "c.sqlite", executor=executor),
            )
        finally:
            proxy_server.close()
    finally:
        server.close()
    assert m["complete"] and f["complete"]
    reasons = {"429": "http 429", "500": "http 500", "garbage": "bad response body", "truncated": "connection",
               "slow": "timeout"}  # fmt: skip
    for srv, stats in ((server, m["generation"][0]["client"]), (proxy_server, f["generation"][0]["client"])):
        # every fault was retried (a loaded machine may add a timeout or two on good answers)
        assert stats["retries"] >= sum(srv.faults.values()) > 0
        assert all(stats["retry_reasons"].get(reasons[k], 0) >= n for k, n in srv.faults.items())
        # A request the server never read (sent on a pooled connection it had just closed, or
        # still queued when the client timed out) is one the client counted and retried.
        unseen = stats["requests"] - sum(srv.attempts.values())
        lost = stats["retry_reasons"].get("connection", 0) + stats["retry_reasons"].get("timeout", 0)
        assert 0 <= unseen <= lost - srv.faults.get("truncated", 0) - srv.faults.get("slow", 0)
    assert set(server.faults) | set(proxy_server.faults) == {"429", "500", "garbage", "truncated", "slow"}
    assert len(server.successes) == 6 and len(proxy_server.successes) == 3 * m["counts"]["kept"]
    # The same data as with the scripted client directly (faults change nothing).
    run_synth(
        str(seeds),
        tmp_path / "direct",
        ScriptedClient(teacher),
        SynthConfig(),
        rt=Runtime(use_llm_cache=False, executor=executor),
    )
    assert _ids_tests(tmp_path / "s") == _ids_tests(tmp_path / "direct")


def _ids_tests(folder: Path) -> list:
    return [(r["id"], r["test_cases"]) for r in read_stage_rows(folder)]


def test_budget_stops_cleanly_and_a_rerun_continues(tmp_path: Path, executor) -> None:
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    server = FaultServer(teacher)
    try:
        cfg = SynthConfig(chunk_size=1)
        m = run_synth(
            str(seeds),
            tmp_path / "s",
            _client(server, max_total_tokens=600, max_in_flight=1),
            cfg,
            rt=Runtime(llm_cache=tmp_path / "c.sqlite", executor=executor),
        )
        assert not m["complete"] and "token budget" in m["stopped"]
        assert not (tmp_path / "s/data.jsonl").exists()  # no half-written final output
        done = len((tmp_path / "s/parts.jsonl").read_text().splitlines())
        assert 0 < done < 6
        m2 = run_synth(
            str(seeds),
            tmp_path / "s",
            _client(server),
            cfg,
            rt=Runtime(llm_cache=tmp_path / "c.sqlite", executor=executor),
        )
    finally:
        server.close()
    assert m2["complete"] and m2["counts"]["input"] == 6
    assert all(v == 1 for v in server.successes.values()) and len(server.successes) == 6


def _count(db: Path) -> int:
    try:
        return sqlite3.connect(db).execute("SELECT COUNT(*) FROM responses").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_kill_9_mid_stage_then_rerun(tmp_path: Path) -> None:
    """SIGKILL the CLI mid-run; the rerun ends with the same files as an uninterrupted run and
    the server never answers the same request twice."""
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    server = FaultServer(teacher, delay_s=0.4, faults=False)
    env = {**os.environ, "ACEFORGE_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "aceforge.cli", "synth", "--seeds", str(seeds), "--limit", "6", "--client", "openai",
           "--model", "scripted", "--base-url", server.url, "--prompt-style", "completion", "--max-in-flight", "1",
           "--request-timeout-s", "0.5", "--workers", "1"]  # fmt: skip
    try:
        proc = subprocess.Popen(
            [*cmd, "-o", str(tmp_path / "run")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        cache_db = tmp_path / "cache" / "llm-responses.sqlite"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _count(cache_db) < 2:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)  # a request left in flight is answered into the void
        asked = sum(server.successes.values())
        cached = _count(cache_db)
        assert 2 <= cached < 6
        assert not (tmp_path / "run/data.jsonl").exists()
        subprocess.run([*cmd, "-o", str(tmp_path / "run")], env=env, check=True, capture_output=True)
        # the rerun asked only for answers the killed run never received
        assert sum(server.successes.values()) - asked == 6 - cached
        subprocess.run([*cmd, "-o", str(tmp_path / "clean")], env=env, check=True, capture_output=True)
    finally:
        server.close()
    assert len(server.successes) == 6
    for f in ("data.jsonl", "rejected.jsonl", "data.parquet"):
        assert (tmp_path / "run" / f).read_bytes() == (tmp_path / "clean" / f).read_bytes()
    manifest = json.loads((tmp_path / "clean/manifest.json").read_text())
    assert (
        manifest["generation"][0]["cache"]["misses"] == 0
        and manifest["generation"][0]["client"]["requests"] == 0
    )


def chat_teacher(prompt: str, sample: int = 0) -> str:
    """An instruction model's answer: prose around a fenced JSON object."""
    name = re.search(r"called exactly like the seed's `(\w+)\(", prompt).group(1)
    tests = [f"assert {c} == {v}" for c, v in _pairs(RIGHT[name])]
    return (
        "Here is the problem.\n```json\n"
        + json.dumps(
            {"question": f"Implement {name} exactly as the seed program describes it.", "tests": tests}
        )
        + "\n```\nDone."
    )


def test_chat_models_get_instructions_and_fenced_json_is_read(tmp_path: Path, executor) -> None:
    seeds = write_seeds(tmp_path / "seeds.jsonl")
    client = ScriptedClient(chat_teacher, chat=True)
    m = run_synth(
        str(seeds),
        tmp_path / "s",
        client,
        SynthConfig(mode="tests"),
        rt=Runtime(use_llm_cache=False, executor=executor),
    )
    prompt = client.calls[0][0]
    assert "ONE Python function" in prompt and "JSON" in prompt and "### Program" not in prompt
    rows = {r["id"]: r for r in read_stage_rows(tmp_path / "s")}
    assert m["counts"]["kept"] == 6 and rows["add"]["test_cases"][0] == "assert add(1, 2) == 3"
    question = rows["add"]["question"]
    assert rows["add"]["context_messages"] == [{"role": "user", "content": question}]
    assert question.startswith("Implement add exactly as the seed program describes it.\n\n")
    assert (
        "Function signature: `add(a, b)`" in question and "Example 1" not in question
    )  # tests mode: filter shows them

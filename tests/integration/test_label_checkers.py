"""A checker program carried in a label (several right answers) on every face that reads labels:
the reward faces (TRL, verl, OpenRLHF in-process; `/reward` over real HTTP), `import` → `score`
→ `bon` → `audit` through the real CLI, and train-rl's labels. The problem is the hand-built
CodeContests one of tests/data/formats whose tests store one of several right answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.integration.test_serve import served_rewards

from aceforge.rewards.adapters import compute_score_batch, openrlhf_reward, trl_reward
from aceforge.rewards.core import RewardOptions, reward_label
from aceforge.rl.data import read_questions

pytestmark = pytest.mark.integration
DATA = Path(__file__).parents[1] / "data" / "formats"

# any divisor d of n with 1 < d < n, or -1 when n is prime: the checker knows, the tests store one
CHECKER = """
def check(input, output, expected):
    n, words = int(input), output.split()
    if len(words) != 1 or not words[0].lstrip("-").isdigit():
        return False
    d = int(words[0])
    if expected.strip() == "-1":
        return d == -1
    return 1 < d < n and n % d == 0
"""
ROW = json.loads((DATA / "codecontests_rows.jsonl").read_text(encoding="utf-8").splitlines()[1])
TESTS = [
    {"input": i, "output": o}
    for split in ("public_tests", "private_tests")
    for i, o in zip(ROW[split]["input"], ROW[split]["output"], strict=True)
]
SMALL, LARGE = (f"```python\n{s}```" for s in ROW["solutions"]["solution"])  # both right
WRONG = "```python\nprint(1)\n```"
CHECKED = json.dumps({"tests": TESTS, "checker": CHECKER})
PLAIN = json.dumps({"tests": TESTS})


def test_every_reward_face_judges_by_the_labels_checker() -> None:
    answers, labels = [SMALL, LARGE, LARGE, WRONG], [CHECKED, CHECKED, PLAIN, CHECKED]
    want = [1.0, 1.0, 0.5, 0.0]  # LARGE without the checker: right only where it equals SMALL
    options = RewardOptions("pass_rate")
    assert trl_reward(options)(["p"] * 4, answers, tests=labels) == want
    assert openrlhf_reward(["p" + a for a in answers], ["p"] * 4, labels, options)["rewards"] == want
    extra = {"reward": {"kind": "pass_rate"}}
    assert [v["score"] for v in compute_score_batch(["cc"] * 4, answers, labels, [extra] * 4)] == want
    got = served_rewards(answers, labels, timeout=60)
    assert [r["reward"] for r in got] == [1.0, 1.0, 0.0, 0.0]  # the server's kind: binary


def test_a_hostile_or_broken_checker_in_a_label_grants_nothing() -> None:
    always = "class T:\n    def __eq__(self, o):\n        return True\n    def __bool__(self):\n        return True\n"
    hostile = json.dumps({"tests": TESTS, "checker": always + "def check(i, o, e):\n    return T()\n"})
    exits = json.dumps({"tests": TESTS, "checker": "import os\ndef check(i, o, e):\n    os._exit(0)\n"})
    broken = json.dumps({"tests": TESTS, "checker": "def judge(i, o, e):\n    return True\n"})
    on_asserts = json.dumps({"tests": ["assert True"], "checker": CHECKER})
    seen: list = []
    got = trl_reward(RewardOptions("pass_rate", floor=-1.0), on_results=seen.extend)(
        ["p"] * 4, [WRONG] * 4, tests=[hostile, exits, broken, on_asserts]
    )
    assert got == [0.0, 0.0, -1.0, -1.0]
    assert [r.flags for r in seen][2:] == [["bad_label"], ["bad_label"]]
    assert "must define check" in (seen[2].error or "") and "stdin/stdout tests only" in (seen[3].error or "")


def aceforge(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "aceforge.cli", *args], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def test_import_score_bon_audit_and_train_rl_carry_the_checker(tmp_path: Path) -> None:
    small, large = ROW["solutions"]["solution"]
    row = {"id": "any-divisor", "question": ROW["description"], "tests": TESTS, "checker": CHECKER}
    (tmp_path / "in.jsonl").write_text(json.dumps(row) + "\n")
    aceforge("import", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "rows.jsonl"))
    (imported,) = [json.loads(x) for x in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert imported["checker"] == CHECKER and imported["format"] == "aceforge"
    # score: both right solutions pass every test; a wrong one none
    scored_in = {**imported, "inferences": [{"program": small}, {"program": large}, {"program": "print(1)"}]}
    (tmp_path / "score_in.jsonl").write_text(json.dumps(scored_in) + "\n")
    aceforge("score", str(tmp_path / "score_in.jsonl"), "-o", str(tmp_path / "score"))
    (scored,) = [json.loads(x) for x in (tmp_path / "score/data.jsonl").read_text().splitlines()]
    assert [i["pass_rate"] for i in scored["inferences"]] == [1.0, 1.0, 0.0]
    # bon: two right samples of three
    bon_in = {**imported, "samples": [{"program": small}, {"program": large}, {"program": "print(1)"}]}
    (tmp_path / "bon.jsonl").write_text(json.dumps(bon_in) + "\n")
    aceforge("bon", str(tmp_path / "bon.jsonl"), "-o", str(tmp_path / "bon"), "--select", "cluster")
    per = json.loads((tmp_path / "bon/results.json").read_text())["per_problem"]
    assert per["average"] == [pytest.approx(2 / 3)] and per["oracle"] == [1.0]
    # audit: both labeled-correct solutions accepted (without the checker, TPR was 1/2 here)
    sols = tmp_path / "solutions.jsonl"
    sols.write_text(
        "".join(
            json.dumps({"id": "any-divisor", "program": p, "label": "correct"}) + "\n" for p in (small, large)
        )
    )
    aceforge("audit", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "audit"), "--solutions", str(sols))
    assert json.loads((tmp_path / "audit/audit.json").read_text())["summary"]["tpr"] == 1.0
    # train-rl: the question's label hands the checker on to the reward
    (q,) = read_questions(tmp_path / "score")
    assert q.checker == CHECKER and reward_label(q.label()).checker == CHECKER


def test_exec_rows_with_a_checker_are_judged_by_it(tmp_path: Path) -> None:
    small, large = ROW["solutions"]["solution"]
    rows = [
        {"id": "label", "program": large, "tests": json.loads(CHECKED)},  # the checker in the label
        {"id": "row", "program": large, "tests": TESTS, "checker": CHECKER},  # or beside the tests
        {"id": "plain", "program": large, "tests": TESTS},
        {"id": "wrong", "program": "print(1)", "tests": TESTS, "checker": CHECKER},
        {"id": "small", "program": small, "tests": TESTS},
    ]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    aceforge("exec", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "out.jsonl"))
    out = {r["id"]: r for r in map(json.loads, (tmp_path / "out.jsonl").read_text().splitlines())}
    rates = {k: r["pass_rate"] for k, r in out.items()}
    assert rates == {"label": 1.0, "row": 1.0, "plain": 0.5, "wrong": 0.0, "small": 1.0}
    assert out["wrong"]["details"][0].startswith("checker failed")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**rows[1], "checker": "def judge(): pass"}) + "\n")
    done = subprocess.run([sys.executable, "-m", "aceforge.cli", "exec", str(bad), "-o", str(tmp_path / "x.jsonl")],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert (
        done.returncode != 0
        and "bad.jsonl:1: field 'checker'" in done.stderr
        and "Traceback" not in done.stderr
    )

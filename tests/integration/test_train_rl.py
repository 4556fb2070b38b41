"""`aceforge train-rl` end to end on a tiny policy built in process (TRL GRPOTrainer, real engine)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("trl")

from aceforge.rl.configs import TrainRLConfig
from aceforge.rl.train import train_rl
from aceforge.templates import solve_prompt

pytestmark = pytest.mark.integration

QUESTIONS = [
    (
        "add",
        "Write a function add(a, b) that returns a + b.",
        ["assert add(1, 2) == 3", "assert add(2, 2) == 4"],
    ),
    (
        "sub",
        "Write a function sub(a, b) that returns a - b.",
        ["assert sub(3, 2) == 1", "assert sub(2, 2) == 0"],
    ),
    (
        "mul",
        "Write a function mul(a, b) that returns a * b.",
        ["assert mul(3, 2) == 6", "assert mul(2, 2) == 4"],
    ),
    ("neg", "Write a function neg(a) that returns -a.", ["assert neg(3) == -3", "assert neg(0) == 0"]),
]
ANSWERS = {"add": "a + b", "sub": "a - b", "mul": "a * b", "neg": "-a"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(questions.jsonl, a tiny policy taught the answers by rote so some samples pass)."""
    from aceforge.tiny_models import tiny_qwen2, tiny_sft

    root = tmp_path_factory.mktemp("rl")
    data = root / "questions.jsonl"
    with data.open("w") as f:
        for id_, q, tests in QUESTIONS:
            f.write(json.dumps({"id": id_, "question": q, "test_cases": tests, "entry_point": id_}) + "\n")
    texts = [
        solve_prompt(q, tests[0], chat=False)
        + f"def {id_}({'a' if id_ == 'neg' else 'a, b'}):\n    return {ANSWERS[id_]}\n"
        for id_, q, tests in QUESTIONS
    ]
    model = tiny_sft(tiny_qwen2(texts * 5, root / "policy", kind="causal"), texts, steps=150)
    return data, Path(model)


def _cfg(policy: Path, **kw: object) -> TrainRLConfig:
    base = dict(policy=str(policy), learning_rate=1e-4, beta=0.0, num_generations=2, batch_size=4,
                max_completion_length=24, eval_fraction=0.25, eval_every=2, eval_samples=2, save_every=2,
                prompt_format="completion", max_steps=2)  # fmt: skip
    base.update(kw)
    return TrainRLConfig(**base)  # type: ignore[arg-type]


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def test_reward_reaches_the_trainer_and_moves_the_weights(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, policy = tiny
    summary = train_rl(data, tmp_path / "run", _cfg(policy, max_steps=3, eval_train=True))
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    train = [r for r in records if r["kind"] == "train"]
    assert [r["step"] for r in train] == [1, 2, 3]
    assert summary["scored"] == 12 and summary["all_passed"] > 0  # real tests passed, so reward was nonzero
    assert any(r["reward"] > 0 for r in train)
    before, after = _weights(policy), _weights(tmp_path / "run" / "policy")
    changed = [k for k in before if k in after and not (before[k] == after[k]).all()]
    assert changed, "no weight moved"
    evals = [r for r in records if r["kind"] == "eval"]
    assert [(e["step"], e["set"]) for e in evals] == [
        (s, name) for s in (0, 2, 3) for name in ("held_out", "train")
    ]
    split = json.loads((tmp_path / "run" / "split.json").read_text())
    assert {e["greedy"]["questions"] for e in evals if e["set"] == "train"} == {len(split["train"])}
    assert len(split["held_out"]) == 1 and not set(split["held_out"]) & set(split["train"])
    report = (tmp_path / "run" / "report.md").read_text()
    assert (
        "| held_out | greedy |" in report
        and "| train | sampled |" in report
        and (tmp_path / "run" / "reward_curve.png").stat().st_size > 0
    )
    assert (tmp_path / "run" / "policy" / "config.json").exists()


def test_killed_run_resumes_at_its_last_checkpoint(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, policy = tiny
    config = tmp_path / "rl.yaml"
    settings = dict(policy=str(policy), learning_rate=1e-4, beta=0.0, num_generations=2, batch_size=4,
                    max_completion_length=24, eval_fraction=0.25, eval_every=0, eval_samples=1,
                    save_every=2, prompt_format="completion", max_steps=8)  # fmt: skip
    config.write_text(json.dumps({"train_rl": settings}))  # JSON is YAML
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "aceforge.cli",
        "train-rl",
        str(data),
        "-o",
        str(out),
        "--config",
        str(config),
    ]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 240
    while not (out / "checkpoints" / "checkpoint-2" / "trainer_state.json").exists():
        assert first.poll() is None, first.stdout.read().decode() if first.stdout else ""
        assert time.time() < deadline, "no checkpoint within 240 s"
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert not (out / "policy").exists()  # it was killed before the end
    killed_at = max(int(p.name.split("-")[1]) for p in (out / "checkpoints").glob("checkpoint-*"))
    assert killed_at < 8
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "resuming from checkpoint-" in second.stderr
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    steps = [r["step"] for r in records if r["kind"] == "train"]
    assert steps == list(range(1, 9))  # every step once: the killed run's unsaved steps were redone
    assert [r["step"] for r in records if r["kind"] == "eval"] == [0, 8]
    state = json.loads((out / "checkpoints" / "checkpoint-8" / "trainer_state.json").read_text())
    assert state["global_step"] == 8
    assert (out / "policy" / "model.safetensors").exists()


def test_bad_data_row_names_file_line_and_field(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, policy = tiny
    bad = tmp_path / "bad.jsonl"
    rows = data.read_text().splitlines()
    broken = json.loads(rows[2])
    broken["test_cases"] = "assert add(1, 2) == 3"  # a string, not a list
    bad.write_text("\n".join([rows[0], rows[1], json.dumps(broken)]) + "\n")
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "aceforge.cli", "train-rl", str(bad), "-o", str(out), "--policy", str(policy)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"{bad}:3: field 'test_cases'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()  # nothing half-written


def test_changed_settings_do_not_resume_into_another_run(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    from aceforge.errors import ConfigError

    data, policy = tiny
    train_rl(data, tmp_path / "run", _cfg(policy, max_steps=2, eval_fraction=0.0))
    with pytest.raises(ConfigError, match="learning_rate"):
        train_rl(data, tmp_path / "run", _cfg(policy, max_steps=4, eval_fraction=0.0, learning_rate=1e-3))


def test_kl_with_lora_is_measured_against_the_policy_without_its_adapters(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    """beta > 0 with LoRA: TRL keeps no second model; its reference is the policy with the adapters
    off, so the KL is 0 before the first update and positive once the adapters have moved."""
    data, policy = tiny
    train_rl(data, tmp_path / "run", _cfg(policy, max_steps=3, beta=0.04, lora=True, lora_r=4, eval_every=0))
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    train = [r for r in records if r["kind"] == "train"]
    assert train[0]["step"] == 1 and train[0]["kl"] == 0.0
    moved = [r["step"] for r in train if r["grad_norm"] > 0]  # a step with signal moves the adapters
    later = [r for r in train if moved and r["step"] > moved[0]]
    assert later and all(r["kl"] > 0.0 for r in later)


@pytest.mark.gpu
def test_on_a_gpu_the_policy_trains_there(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    data, policy = tiny
    use_vllm = __import__("importlib").util.find_spec("vllm") is not None
    summary = train_rl(data, tmp_path / "run", _cfg(policy, max_steps=2, use_vllm=use_vllm))
    assert summary["counts"]["steps"] == 2 and summary["scored"] == 8
    assert (tmp_path / "run" / "policy" / "config.json").exists()

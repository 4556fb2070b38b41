"""`aceforge run`: every stage end to end through a real OpenAI-compatible HTTP server (scripted
answers), the real engine, real SQLite caches and Parquet files; resume after SIGKILL."""

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
import yaml
from test_synth_stages import SEEDS, proxy, teacher, write_seeds

from aceforge.config import load_run_config
from aceforge.errors import ConfigError
from aceforge.pipeline import FOLDERS, run_pipeline
from llm_servers import FaultServer

pytestmark = pytest.mark.integration


def policy(prompt: str, seed: int = 0) -> str:
    """Samples of mixed quality: right, half right, or wrong, by seed."""
    name = next(n for n in SEEDS if f"{n}(" in prompt.rsplit('"""', 2)[-2])
    program = SEEDS[name][1]
    if seed % 4 in (0, 1):
        return program
    if seed % 4 == 2:  # right on about half of the inputs
        return f"{program}\n_right = {name}\n\ndef {name}(*a):\n    r = _right(*a)\n    return r if len(repr(a)) % 2 else None\n"
    return f"def {name}(*a):\n    return None\n"


def answer(prompt: str, seed: int = 0) -> str:
    if "### Program" in prompt:
        return teacher(prompt)
    # proxy and policy share the solve prompt: the proxy samples with seed 0, the policy from seed 1
    return policy(prompt, seed) if seed else proxy(prompt)


def write_config(tmp_path: Path, server: FaultServer, **overrides) -> Path:
    client = {"client": "openai", "model": "scripted", "base_url": server.url, "prompt_style": "completion"}
    cfg = {
        "run_dir": str(tmp_path / "run"),
        "seeds": {"source": str(write_seeds(tmp_path / "seeds.jsonl")), "limit": None},
        "models": {"teacher": client, "proxy": client, "policy": [client]},
        "engine": {"workers": 1},
        "synth": {"mode": "inputs", "n_tests": 8, "chunk_size": 2},
        "filter": {"oracle": "any", "min_tests": 3, "chunk_size": 2},
        "sample": {"n": 8, "temperature": 0.8, "seed": 1, "chunk_size": 1},
        "pairs": {"format": "trl"},
    }
    for key, value in overrides.items():
        cfg[key] = {**cfg.get(key, {}), **value} if isinstance(value, dict) else value
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.fixture()
def server():
    srv = FaultServer(answer, faults=False)
    yield srv
    srv.close()


def test_full_run_then_rerun_and_redo(tmp_path: Path, server: FaultServer) -> None:
    cfg = load_run_config(write_config(tmp_path, server))
    manifests = run_pipeline(cfg)
    run = Path(cfg.run_dir)
    assert list(manifests) == list(FOLDERS)[:6] and all(m["complete"] for m in manifests.values())
    assert manifests["synth"]["counts"]["kept"] == 5 and manifests["filter"]["counts"]["kept"] == 5
    assert manifests["sample"]["events"]["samples"] == 40
    assert manifests["pairs"]["counts"]["pairs"] > 0 and manifests["hard"]["counts"]["kept"] >= 1
    rates = {
        i["pass_rate"]
        for line in (run / "04-score/data.jsonl").open()
        for i in json.loads(line)["inferences"]
    }
    assert 1.0 in rates and any(0 < r < 1 for r in rates)
    pairs = [json.loads(line) for line in (run / "05-pairs/data.jsonl").open()]
    assert all(set(p) == {"prompt", "chosen", "rejected", "margin"} and p["margin"] > 0.4 for p in pairs)
    report = (run / "report.md").read_text()
    assert "| preference pairs | " in report and "![pass_rates](report/pass_rates.png)" in report
    for png in ("tests_per_question", "pass_rates", "pairs_per_question"):
        assert (run / "report" / f"{png}.png").stat().st_size > 1000
    # Every run audits its suites (the scored questions) and reports the summary.
    audit = json.loads((run / "audit/audit.json").read_text())["summary"]
    assert audit["questions"] == 5 and audit["mutation_score"] is not None
    assert (
        "## Test suites (audit)" in report and "| mutation score (non-equivalent mutants killed) |" in report
    )
    assert audit["models"]["scripted"]["programs"] >= 40  # the proxy's and the policy's programs
    answered = sum(server.successes.values())

    # A rerun skips every finished stage: no call, no execution, same manifests.
    again = run_pipeline(cfg)
    assert sum(server.successes.values()) == answered
    assert {k: m["seconds"] for k, m in again.items()} == {k: m["seconds"] for k, m in manifests.items()}

    # Redoing from `sample` repeats no paid call and no execution: the caches answer.
    redo = run_pipeline(cfg, start="sample")
    assert sum(server.successes.values()) == answered
    assert redo["sample"]["generation"][0]["cache"]["misses"] == 0
    assert redo["score"]["execution_cache"]["misses"] == 0 and redo["score"]["execution_cache"]["hits"] == 40
    assert (run / "05-pairs/data.jsonl").read_text() == "".join(json.dumps(p) + "\n" for p in pairs)

    # A changed stage config is not silently mixed with old results.
    changed = load_run_config(write_config(tmp_path, server, sample={"n": 4}))
    with pytest.raises(ConfigError, match="--from sample"):
        run_pipeline(changed)


def test_the_run_continues_into_rm_bon_and_rl(tmp_path: Path, server: FaultServer) -> None:
    """The method's last stages on tiny local models: the RM never sees held-out questions' pairs,
    bon ranks their samples, rl trains on the hard subset; all three land in report.md."""
    pytest.importorskip("trl")
    from aceforge.tiny_models import tiny_qwen2

    run_pipeline(load_run_config(write_config(tmp_path, server)))  # the data stages
    texts = ["def f(x):\n    return x + 1\n", "assert f(1) == 2"] * 20
    rm_base = tiny_qwen2(texts, tmp_path / "rm-base", kind="seqcls")
    policy_dir = tiny_qwen2(texts, tmp_path / "policy", kind="causal")
    cfg = load_run_config(
        write_config(
            tmp_path,
            server,
            rm={"base_model": rm_base, "held_out": 0.4, "batch_size": 4, "max_length": 1024},
            bon={},
            rl={"policy": policy_dir, "num_generations": 2, "batch_size": 2, "max_steps": 2,
                "max_completion_length": 8, "eval_fraction": 0.0, "learning_rate": 1e-4, "beta": 0.0,
                "max_prompt_length": 2048},  # questions carry examples: long in a 300-token vocabulary
        )
    )  # fmt: skip
    answered = sum(server.successes.values())
    manifests = run_pipeline(cfg)
    assert sum(server.successes.values()) == answered  # the data stages were reused
    run = Path(cfg.run_dir)
    held = set(json.loads((run / "07-rm/held_out.json").read_text()))
    assert len(held) == 2
    details = [json.loads(line) for line in (run / "05-pairs/pairs_detail.jsonl").open()]
    rm_counts = manifests["rm"]["counts"]
    assert rm_counts["pairs_of_held_out_questions_left_out"] == sum(d["id"] in held for d in details)
    assert rm_counts["pairs_used"] == len(details) - rm_counts["pairs_of_held_out_questions_left_out"]
    assert (run / "07-rm/model/config.json").exists()
    # the RM is measured on the pairs it never saw, with an interval over their questions
    assert rm_counts["held_out_pairs"] == rm_counts["pairs_of_held_out_questions_left_out"]
    acc, ci = rm_counts["held_out_pairwise_accuracy"], rm_counts["held_out_pairwise_accuracy_95ci"]
    if rm_counts["held_out_pairs"]:
        assert 0.0 <= ci[0] <= acc <= ci[1] <= 1.0
        assert rm_counts["held_out_questions_with_pairs"] == len(
            {d["id"] for d in details if d["id"] in held}
        )
    else:
        assert acc is None and ci is None
    bon = json.loads((run / "08-bon/results.json").read_text())
    assert {r["method"] for r in bon["rows"]} >= {"average", "oracle", "codet", "majority", "coevolve"}
    assert "| coevolve |" in (run / "08-bon/report.md").read_text()
    assert 0.0 <= manifests["bon"]["counts"]["pass@1 coevolve"] <= manifests["bon"]["counts"]["pass@1 oracle"]
    assert manifests["bon"]["counts"]["questions"] == 2
    table = bon["per_problem"]  # oracle beats the average exactly where samples are right and wrong
    spread = sum(o > a for o, a in zip(table["oracle"], table["average"], strict=True))
    assert manifests["bon"]["counts"]["questions_with_right_and_wrong_samples"] == spread
    rl = manifests["rl"]["counts"]
    assert rl["steps"] == 2 and (run / "09-rl/policy/config.json").exists()
    assert rl["groups"] == 2 and 0 <= rl["groups with signal (rewards differ)"] <= 2  # a group a step
    report = (run / "report.md").read_text()
    assert "### rm — complete" in report and "### bon — complete" in report and "### rl — complete" in report
    again = run_pipeline(cfg)  # finished: nothing reruns
    assert again["rl"]["seconds"] == manifests["rl"]["seconds"]


def test_until_and_from_select_stages(tmp_path: Path, server: FaultServer) -> None:
    cfg = load_run_config(write_config(tmp_path, server))
    m = run_pipeline(cfg, until="filter")
    assert list(m) == ["synth", "filter"] and not (Path(cfg.run_dir) / "03-sample").exists()
    with pytest.raises(ConfigError, match="has not finished"):
        run_pipeline(cfg, start="score")
    with pytest.raises(ConfigError, match="unknown stage"):
        run_pipeline(cfg, start="smaple")


def test_config_errors_name_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "run_dir: x\nsynth: {n_test: 3, mode: guess}\nsample: {n: many}\nmodels: {policy: [{clint: x}]}\n"
    )
    with pytest.raises(ConfigError) as e:
        load_run_config(path)
    msg = str(e.value)
    assert str(path) in msg and "4 problem(s)" in msg
    assert "synth.n_test: unknown key (did you mean 'n_tests'?)" in msg
    assert "sample.n: must be int, got str 'many'" in msg
    assert "models.policy[0].clint: unknown key (did you mean 'client'?)" in msg
    assert "synth: synth mode must be one of" in msg
    assert load_run_config(Path(__file__).parents[2] / "configs/quickstart.yaml").sample.n >= 8


def cached_answers(path: Path) -> int:
    return sqlite3.connect(path).execute("SELECT COUNT(*) FROM responses").fetchone()[0]


def _outputs(run: Path) -> dict[str, bytes]:
    files = {}
    for folder in FOLDERS.values():
        for name in ("data.jsonl", "rejected.jsonl", "data.parquet", "pairs_detail.jsonl"):
            if (run / folder / name).exists():
                files[f"{folder}/{name}"] = (run / folder / name).read_bytes()
    return files


def test_kill_9_mid_run_then_rerun(tmp_path: Path) -> None:
    """SIGKILL `aceforge run` in the middle of sampling; the rerun finishes with the same files
    as an uninterrupted run, the server answers no request twice and no job runs twice."""
    server = FaultServer(answer, faults=False, delay_s=0.15)
    try:
        config = write_config(tmp_path, server)
        cmd = [sys.executable, "-m", "aceforge.cli", "run", str(config)]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        parts = tmp_path / "run/03-sample/parts.jsonl"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not parts.exists() or len(parts.read_text().splitlines()) < 2):
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not (tmp_path / "run/03-sample/manifest.json").exists()
        time.sleep(0.3)  # requests the killed run left in flight are answered into the void
        cached, asked = (
            cached_answers(tmp_path / "run/cache/llm-responses.sqlite"),
            sum(server.successes.values()),
        )
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # The rerun asked only for what the killed run never received: no paid call repeated.
        assert sum(server.successes.values()) - asked == len(server.successes) - cached
        clean = subprocess.run([*cmd, "--run-dir", str(tmp_path / "clean")], capture_output=True, text=True)
        assert clean.returncode == 0, clean.stderr
    finally:
        server.close()
    assert _outputs(tmp_path / "run") == _outputs(tmp_path / "clean")
    db = sqlite3.connect(tmp_path / "run/cache/executions.sqlite")
    assert db.execute("SELECT MAX(runs) FROM jobs_v1").fetchone()[0] == 1
    report = (tmp_path / "run/report.md").read_text()
    assert re.search(r"\| preference pairs \| [1-9]", report)

"""The pipeline's bookkeeping on real run folders: stage folders, which stages run, when a
finished stage is reused or refused, and a run of the model-free stages from a scored folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from aceforge.config import RunConfig, load_run_config
from aceforge.errors import ConfigError
from aceforge.pipeline import FOLDERS, _finished, _select, _stage_config, run_pipeline, stage_dir

TESTS = ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(0, 0) == 0"]


def _cfg(tmp_path: Path, **extra) -> RunConfig:
    client = {"client": "openai", "model": "unused", "base_url": "http://127.0.0.1:9"}
    raw = {
        "run_dir": str(tmp_path / "run"),
        "seeds": {"source": str(tmp_path / "seeds.jsonl")},
        "models": {"teacher": client, "proxy": client, "policy": [client]},
        "engine": {"workers": 1},
        **extra,
    }
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(raw))
    return load_run_config(path)


def _finish(cfg: RunConfig, stage: str, rows: list[dict] | None = None) -> None:
    """A finished stage folder, as the stage itself leaves it."""
    folder = stage_dir(cfg, stage)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "stage": stage,
        "complete": True,
        "pipeline_config": json.loads(json.dumps(_stage_config(cfg, stage), default=str)),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    if rows is not None:
        (folder / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_folders_are_numbered_in_stage_order(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    assert FOLDERS["synth"] == "01-synth" and FOLDERS["hard"] == "06-hard"
    assert stage_dir(cfg, "score") == tmp_path / "run" / "04-score"


def test_select_enabled_stages_and_bad_ranges(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    assert _select(cfg, None, None) == ["synth", "filter", "sample", "score", "pairs", "hard"]
    assert _select(cfg, "sample", "pairs") == ["sample", "score", "pairs"]
    with pytest.raises(ConfigError, match="unknown stage 'judge'"):
        _select(cfg, "judge", None)
    with pytest.raises(ConfigError, match="comes after"):
        _select(cfg, "hard", "synth")
    with pytest.raises(ConfigError, match="not enabled"):
        run_pipeline(cfg, start="rm")


def test_stage_config_names_the_models_the_stage_uses(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    assert set(_stage_config(cfg, "synth")) == {"stage", "seeds", "teacher"}
    assert set(_stage_config(cfg, "filter")) == {"stage", "proxy"}
    assert set(_stage_config(cfg, "pairs")) == {"stage"}


def test_finished_stage_reused_missing_refused_changed_refused(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    assert _finished(cfg, "pairs", required=False) is None
    with pytest.raises(ConfigError, match="has not finished"):
        _finished(cfg, "pairs", required=True)
    _finish(cfg, "pairs")
    assert _finished(cfg, "pairs", required=True)["complete"] is True  # type: ignore[index]
    changed = _cfg(tmp_path, pairs={"gap": 0.2})
    with pytest.raises(ConfigError, match="different pairs configuration"):
        _finished(changed, "pairs", required=False)


def test_earlier_stages_must_have_finished(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'synth' has not finished"):
        run_pipeline(_cfg(tmp_path), start="pairs")


def test_pairs_and_hard_run_from_a_finished_score_stage(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path, pairs={"gap": 0.3})
    infs = [
        {"model_name": "m", "program": f"def add(a, b):\n    {body}\n", "pass_rate": rate}
        for body, rate in (("return a + b", 1.0), ("return a * b", 2 / 3))
    ]
    rows = [
        {"id": f"q{i}", "question": "Add.", "entry_point": "add", "test_cases": TESTS, "inferences": infs}
        for i in range(2)
    ]
    for stage in ("synth", "filter", "sample"):
        _finish(cfg, stage, rows)
    _finish(cfg, "score", rows)
    seen: list[str] = []
    manifests = run_pipeline(cfg, start="pairs", until="hard", on_stage=lambda s, m: seen.append(s))
    assert seen == ["pairs", "hard"]
    assert manifests["pairs"]["counts"]["pairs"] == 2 and manifests["hard"]["counts"]["kept"] == 1
    assert (tmp_path / "run" / "05-pairs" / "data.jsonl").exists()
    assert "pairs" in (tmp_path / "run" / "report.md").read_text()
    assert json.loads((tmp_path / "run" / "config.json").read_text())["pairs"]["gap"] == 0.3
    again = run_pipeline(cfg, until="hard")  # every stage finished: all reused
    assert again["pairs"]["counts"] == manifests["pairs"]["counts"]

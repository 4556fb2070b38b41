"""RMScorer on a tiny sequence classifier built here: the text it scores, batching, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from aceforge.errors import ConfigError
from aceforge.reward_model.scorer import META, RMScorer
from aceforge.templates import render_for, rm_prompt, rm_response
from aceforge.tiny_models import tiny_qwen2

TEXTS = ["Question:\nWrite f.\n\nAnswer:\n```python\ndef f(): return 1\n```", "bad bad", "good good"] * 20


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tiny_qwen2(TEXTS, tmp_path_factory.mktemp("rm") / "seqcls", kind="seqcls"))
    (path / META).write_text(json.dumps({"template": "acecoder-v1"}))
    return path


def test_scores_the_training_template_in_input_order(model: Path) -> None:
    scorer = RMScorer(model, batch_size=2)
    assert scorer.layout == "seqcls" and scorer.template == "acecoder-v1"
    questions, programs = (
        ["Write f.", "Write g, a much longer one.", "Hm"],
        ["def f(): return 1", "bad bad", "x"],
    )
    texts = scorer.texts(questions, programs)
    assert texts[1] == render_for(scorer.tok, rm_prompt(questions[1]), rm_response(programs[1]))
    scores = scorer(questions, programs)
    assert len(scores) == 3 and len(set(scores)) == 3  # an untrained head still tells them apart
    # batched by length, returned in input order: each score is the one it gets alone
    assert scores == pytest.approx([scorer.score_texts([t])[0] for t in texts], abs=1e-5)
    assert scorer.score(questions[:1], programs[:1]) == pytest.approx(scores[:1])


def test_a_missing_folder_or_unknown_template_is_a_config_error(model: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="reward model folder not found"):
        RMScorer(tmp_path / "nowhere")
    other = tmp_path / "other"
    other.mkdir()
    for f in model.iterdir():
        (other / f.name).write_bytes(f.read_bytes())
    (other / META).write_text(json.dumps({"template": "acecoder-v9"}))
    with pytest.raises(ConfigError, match="did you mean 'acecoder-v1'"):
        RMScorer(other).texts(["q"], ["p"])

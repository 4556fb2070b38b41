"""A reward model's held-out pairwise accuracy: on pairs of questions it never trained on, how
often it scores the chosen program above the rejected one (a tie counts half). The 95% interval
is a bootstrap that resamples questions, not pairs: one question's pairs share programs, so
they are not independent, and counting them as such would make the interval too narrow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aceforge.stats import bootstrap_groups
from aceforge.templates import render_for


def pairwise_accuracy(scores: list[tuple[float, float]], questions: list[str]) -> dict[str, Any]:
    """Accuracy and its interval from (chosen score, rejected score) per pair and the pair's
    question id; accuracy and interval are None when there are no pairs."""
    by_question: dict[str, list[float]] = {}
    for (chosen, rejected), q in zip(scores, questions, strict=True):
        right = 1.0 if chosen > rejected else 0.5 if chosen == rejected else 0.0
        by_question.setdefault(q, []).append(right)
    if not by_question:
        return {"pairs": 0, "questions": 0, "accuracy": None, "ci": None}
    groups = list(by_question.values())
    values = [v for g in groups for v in g]
    lo, hi = bootstrap_groups(groups)
    return {
        "pairs": len(values),
        "questions": len(groups),
        "accuracy": round(sum(values) / len(values), 4),
        "ci": [round(lo, 4), round(hi, 4)],
    }


def held_out_accuracy(
    model_dir: Path, pairs: list[tuple[str, str, str]], questions: list[str], max_length: int
) -> dict[str, Any]:
    """Score both sides of each (prompt, chosen, rejected) pair with the saved model, rendered
    exactly as training rendered them, and measure `pairwise_accuracy`."""
    if not pairs:
        return pairwise_accuracy([], [])
    from aceforge.reward_model.scorer import RMScorer

    scorer = RMScorer(model_dir, max_length=max_length)
    texts = [render_for(scorer.tok, prompt, side) for prompt, c, r in pairs for side in (c, r)]
    scores = scorer.score_texts(texts)
    return pairwise_accuracy(list(zip(scores[0::2], scores[1::2], strict=True)), questions)

"""Held-out pass@1 of the policy being trained: greedy and sampled, scored by the engine.

A question counts as solved by a program when every one of its tests passes (the paper's
rule). Greedy pass@1 is one program per question; sampled pass@1 is the mean over
``samples`` programs at the training temperature. Both come with a bootstrap 95% interval
over questions (resampling questions, the unit the numbers generalise over). The greedy
completions are kept, by question id: a change in greedy pass@1 can be read off them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aceforge.execution.base import Executor
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions
from aceforge.rl.data import Question
from aceforge.stats import bootstrap


@dataclass(frozen=True)
class EvalSettings:
    chat: bool
    max_new_tokens: int
    samples: int
    temperature: float
    top_p: float
    stop_ids: tuple[int, ...]
    timeout_s: float = 1.0
    batch_size: int = 16
    seed: int = 0


def evaluate(
    model: Any, tok: Any, questions: Sequence[Question], ex: Executor, s: EvalSettings
) -> dict[str, Any]:
    """``{"greedy": {...}, "sampled": {...}}``, each with pass@1, its interval and counts; greedy
    also has ``completions`` ({question id: text})."""
    import torch

    with torch.random.fork_rng():  # training's sampling goes on as if no evaluation ran
        torch.manual_seed(s.seed)  # the same samples for the same weights: comparable across steps
        greedy = _generate(model, tok, questions, s, n=1, sample=False)
        sampled = _generate(model, tok, questions, s, n=s.samples, sample=True)
    core = RewardCore(ex, RewardOptions(kind="binary", timeout_s=s.timeout_s))
    out: dict[str, Any] = {}
    for name, texts in (("greedy", greedy), ("sampled", sampled)):
        per_q = _solved(core, questions, texts, s.chat)
        out[name] = _summary(per_q)
    out["greedy"]["completions"] = {q.id: answers[0] for q, answers in zip(questions, greedy, strict=True)}
    return out


def _summary(per_question: list[float]) -> dict[str, Any]:
    lo, hi = bootstrap(per_question) if per_question else (0.0, 0.0)
    mean = sum(per_question) / len(per_question) if per_question else 0.0
    return {
        "pass@1": mean,
        "ci_low": lo,
        "ci_high": hi,
        "questions": len(per_question),
        "per_question": per_question,
    }


def _solved(core: RewardCore, qs: Sequence[Question], texts: list[list[str]], chat: bool) -> list[float]:
    items = [
        RewardItem(t if chat else q.prefix + t, q.tests, q.entry_point, prelude=q.prelude, checker=q.checker)
        for q, answers in zip(qs, texts, strict=True)
        for t in answers
    ]
    results = core.score(items)
    per_q, k = [], 0
    for answers in texts:
        chunk = results[k : k + len(answers)]
        per_q.append(sum(r.reward for r in chunk) / max(len(chunk), 1))
        k += len(answers)
    return per_q


def _generate(
    model: Any, tok: Any, qs: Sequence[Question], s: EvalSettings, n: int, sample: bool
) -> list[list[str]]:
    import torch

    prompts = [_render(tok, q.prompt(s.chat), s.chat) for q in qs]
    flat = [p for p in prompts for _ in range(n)]
    eos = [tok.eos_token_id, *s.stop_ids]
    texts: list[str] = []
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(flat), s.batch_size):
            batch = tok(flat[start : start + s.batch_size], return_tensors="pt", padding=True)
            batch = {k: v.to(model.device) for k, v in batch.items()}
            kwargs: dict[str, Any] = {"do_sample": sample, "max_new_tokens": s.max_new_tokens}
            if sample:
                kwargs.update(temperature=s.temperature, top_p=s.top_p, top_k=0)
            with torch.no_grad():
                ids = model.generate(**batch, **kwargs, eos_token_id=eos, pad_token_id=tok.pad_token_id)
            new = ids[:, batch["input_ids"].shape[1] :]
            texts += tok.batch_decode(new, skip_special_tokens=True)
    finally:
        model.train(was_training)
    return [texts[i * n : (i + 1) * n] for i in range(len(qs))]


def _render(tok: Any, prompt: Any, chat: bool) -> str:
    if chat:
        return str(tok.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True))
    return str(prompt)

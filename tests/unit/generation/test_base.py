"""Generation basics: per-sample seeds, stats as manifest data, prompts as text."""

from __future__ import annotations

from aceforge.generation.base import ClientStats, GenParams, prompt_text


def test_seed_for_each_sample() -> None:
    assert [GenParams(seed=5).seed_for(i) for i in range(3)] == [5, 6, 7]
    assert GenParams(seed=None).seed_for(4) is None


def test_stats_to_dict_rounds_cost_and_copies_reasons() -> None:
    s = ClientStats(requests=3, retries=2, cost_usd=0.1234567891)
    s.retry_reasons["429"] += 2
    d = s.to_dict()
    assert d == {
        "requests": 3,
        "retries": 2,
        "retry_reasons": {"429": 2},
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "cost_usd": 0.123457,
    }
    s.retry_reasons["500"] += 1
    assert d["retry_reasons"] == {"429": 2}


def test_prompt_text_joins_chat_messages() -> None:
    assert prompt_text("plain") == "plain"
    msgs = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    assert prompt_text(msgs) == "S\n\nU"  # type: ignore[arg-type]

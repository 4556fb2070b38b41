"""The one-import adapters module re-exports each framework's reward shape."""

from __future__ import annotations

from aceforge.rewards import adapters, engine, openrlhf, trl, verl


def test_every_name_is_the_frameworks_own_function() -> None:
    homes = {"completion_text": trl, "trl_reward": trl, "compute_score": verl,
             "compute_score_batch": verl, "openrlhf_reward": openrlhf, "shared_core": engine}  # fmt: skip
    assert sorted(adapters.__all__) == sorted(homes)
    for name, module in homes.items():
        assert getattr(adapters, name) is getattr(module, name)


def test_an_adapter_scores_through_the_shared_engine() -> None:
    from aceforge.rewards.core import label_of

    label = label_of(["assert sq(3) == 9"])
    out = adapters.compute_score("x", "```python\ndef sq(x):\n    return x * x\n```", label)
    assert out["score"] == 1.0

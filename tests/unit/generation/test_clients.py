"""The client registry, extras without their packages, Retry-After and budgets."""

from __future__ import annotations

import email.utils
import sys
import time

import pytest

from aceforge.errors import BudgetExceededError, ConfigError, MissingExtraError
from aceforge.generation import ClientConfig, make_client
from aceforge.generation.base import ClientStats, GenParams
from aceforge.generation.openai_compatible import Budget, _retry_after


def test_unknown_client_suggests_the_closest_name() -> None:
    with pytest.raises(ConfigError, match="did you mean 'openai'"):
        make_client(ClientConfig(client="opnai"))
    with pytest.raises(ConfigError, match="prompt_style"):
        make_client(ClientConfig(client="openai", model="m", prompt_style="fancy"))
    with pytest.raises(ConfigError, match="needs a model"):
        make_client(ClientConfig(client="openai"))


@pytest.mark.parametrize("client,package", [("transformers", "transformers"), ("vllm", "vllm")])
def test_missing_extras_say_what_to_install(client: str, package: str, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, package, None)  # as if not installed (None makes import fail)
    with pytest.raises(MissingExtraError, match=r"pip install 'aceforge\["):
        make_client(ClientConfig(client=client, model="some/model"))


def test_retry_after_seconds_and_http_dates() -> None:
    assert _retry_after("2.5") == 2.5
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (_retry_after(later) or 0) <= 31


def test_budget_caps_tokens_and_cost() -> None:
    stats = ClientStats(prompt_tokens=600, completion_tokens=400)
    Budget(max_total_tokens=1001).check(stats)
    with pytest.raises(BudgetExceededError, match="token budget"):
        Budget(max_total_tokens=1000).check(stats)
    b = Budget(max_cost_usd=0.01, usd_per_mtok_in=5.0, usd_per_mtok_out=15.0)
    stats.cost_usd = b.cost(600, 400)
    assert stats.cost_usd == pytest.approx(0.009)
    b.check(stats)
    stats.cost_usd += b.cost(100, 100)
    with pytest.raises(BudgetExceededError, match="cost budget"):
        b.check(stats)


def test_sample_index_moves_the_seed() -> None:
    p = GenParams(seed=7)
    assert [p.seed_for(i) for i in range(3)] == [7, 8, 9]
    assert GenParams(seed=None).seed_for(3) is None

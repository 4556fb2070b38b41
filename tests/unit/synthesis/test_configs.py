"""Stage settings: defaults validate, and each setting that cannot work is named."""

from __future__ import annotations

import dataclasses

import pytest

from aceforge.errors import ConfigError
from aceforge.synthesis.configs import (
    FilterConfig,
    HardConfig,
    PairsConfig,
    SampleConfig,
    ScoreConfig,
    SynthConfig,
)

ALL = (SynthConfig, FilterConfig, SampleConfig, ScoreConfig, PairsConfig, HardConfig)


@pytest.mark.parametrize("cls", ALL)
def test_defaults_validate_and_are_frozen(cls: type) -> None:
    cfg = cls()
    cfg.validate()
    field = dataclasses.fields(cfg)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(cfg, field, None)


@pytest.mark.parametrize(
    ("cfg", "needle"),
    [
        (SynthConfig(mode="essay"), "synth mode must be one of tests, inputs"),
        (SynthConfig(n_tests=0), "n_tests and chunk_size"),
        (SynthConfig(n_edges=-1), "n_edges"),
        (FilterConfig(oracle="vote"), "oracle must be one of proxy, reference, any, all"),
        (FilterConfig(k=0), "k and chunk_size"),
        (FilterConfig(min_tests=-1), "min_tests at least 0"),
        (SampleConfig(max_tokens=0), "sample:"),
        (ScoreConfig(timeout_s=0), "score: timeout_s"),
        (PairsConfig(format="csv"), "pairs format must be one of trl, openrlhf, llamafactory"),
        (PairsConfig(scope="world"), "pairs scope"),
        (PairsConfig(max_per_question=0), "max_per_question"),
        (HardConfig(var_fraction=0), "hard: var_fraction must be in (0, 1]"),
    ],
)
def test_bad_settings_are_named(cfg: object, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        cfg.validate()  # type: ignore[attr-defined]
    assert needle in str(err.value)


def test_filter_needs_a_proxy_unless_the_reference_alone_judges() -> None:
    assert FilterConfig(oracle="proxy").needs_proxy and FilterConfig(oracle="all").needs_proxy
    assert not FilterConfig(oracle="reference").needs_proxy


def test_every_field_documents_itself_where_the_cli_shows_it() -> None:
    helped = [f.name for f in dataclasses.fields(FilterConfig) if "help" in f.metadata]
    assert {"k", "oracle", "min_tests", "timeout_s"} <= set(helped)

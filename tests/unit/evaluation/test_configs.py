"""Evaluation settings: defaults validate; every problem is named (bon: all at once)."""

from __future__ import annotations

import pytest

from aceforge.errors import ConfigError
from aceforge.evaluation.configs import AuditConfig, BonConfig, BonSampleConfig


def test_defaults_validate() -> None:
    AuditConfig().validate()
    BonConfig().validate()
    assert BonSampleConfig().benchmark == "humaneval" and BonSampleConfig().n == 16


@pytest.mark.parametrize("cfg", [AuditConfig(timeout_s=0), AuditConfig(n_mutants=-1), AuditConfig(ngram=2)])
def test_audit_settings_that_cannot_work(cfg: AuditConfig) -> None:
    with pytest.raises(ConfigError, match="audit:"):
        cfg.validate()


def test_bon_reports_every_problem_at_once_with_a_hint() -> None:
    cfg = BonConfig(timeout_s=0, select_timeout_s=-1, max_inputs=0, select=("coevolv", "cluster"))
    with pytest.raises(ConfigError) as err:
        cfg.validate()
    text = str(err.value)
    assert text.startswith("bon timeout_s must be positive; select_timeout_s must be positive; ")
    assert "max_inputs must be at least 1" in text
    assert "select: unknown selection method 'coevolv' (did you mean 'coevolve'?)" in text
    assert "'cluster'" not in text.split("choose one of")[0]  # a known method is no problem


def test_flags_metadata_for_short_options() -> None:
    from dataclasses import fields

    n = next(f for f in fields(BonSampleConfig) if f.name == "n")
    assert n.metadata["flags"] == ("-n", "--n")

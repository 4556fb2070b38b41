"""Our question rows in each RL framework's training-data layout. Every row carries its tests
in a label (``{"tests": [...], "entry_point": ...}`` as JSON), so no framework re-finds them."""

from __future__ import annotations

from typing import Any

from aceforge.artifacts import mean_pass_rate
from aceforge.errors import ConfigError
from aceforge.formats.label_tests import stage_tests
from aceforge.rewards.core import label_of

RL_FORMATS = ("trl", "verl", "openrlhf", "questions")


def rl_row(row: dict[str, Any], fmt: str, data_source: str = "aceforge") -> dict[str, Any]:
    # an imported row's judge imports and checker program go on in every label
    prelude = {k: row[k] for k in ("prelude", "checker") if row.get(k)}
    if fmt == "questions":  # plain question rows for `train-rl` (and a record of how hard each was)
        return {
            "id": row["id"],
            "question": row["question"],
            "test_cases": row["test_cases"],
            "entry_point": row.get("entry_point"),
            "mean_pass_rate": mean_pass_rate(row),
            **prelude,
        }
    label = label_of(stage_tests(row["test_cases"]), entry_point=row.get("entry_point"), **prelude)
    question = row["question"]
    if fmt == "trl":  # GRPOTrainer: prompt + extra columns the reward function reads
        return {
            "prompt": [{"role": "user", "content": question}],
            "tests": label,
            "entry_point": row.get("entry_point"),
        }
    if fmt == "verl":
        return {
            "data_source": data_source,
            "prompt": [{"role": "user", "content": question}],
            "ability": "code",
            "reward_model": {"style": "rule", "ground_truth": label},
            "extra_info": {"id": row["id"], "entry_point": row.get("entry_point") or ""},
        }
    if fmt == "openrlhf":  # --input_key prompt --label_key label
        return {"prompt": question, "label": label}
    raise ConfigError(f"RL format must be one of {', '.join(RL_FORMATS)}, got {fmt!r}")

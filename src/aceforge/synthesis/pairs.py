"""``pairs``: preference pairs from pass-rate gaps, exported for the trainer you use.

The paper's rule, i preferred over j:  ``s_i > s_j + gap and s_i > chosen_min and s_j > rejected_min``
(strict; defaults 0.4 / 0.8 / 0 — ``s_j > 0`` drops programs that did not even import). The
official code uses ``>=``; ``strict=False`` reproduces that. Pass rates are fractions of small
test counts, so comparisons allow 1e-9 of float noise in the rule's favour of exactness: a gap
of exactly 0.4 is never a pair under the strict rule, always one under the non-strict rule.

Identical programs (same syntax tree) count once per question. Pairs are made within one
model's samples (``scope="model"``, the paper) or across all models (``scope="all"``).
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aceforge.artifacts import iter_input
from aceforge.errors import DataFormatError
from aceforge.extract import extract_code
from aceforge.synthesis.configs import PairsConfig
from aceforge.templates import rm_messages, rm_prompt, rm_response

EPS = 1e-9


@dataclass(frozen=True)
class Pair:
    id: str  # question id
    question: str
    chosen: str  # program
    rejected: str
    chosen_pass_rate: float
    rejected_pass_rate: float
    chosen_model: str
    rejected_model: str

    @property
    def margin(self) -> float:
        return self.chosen_pass_rate - self.rejected_pass_rate


def preferred(s_i: float, s_j: float, cfg: PairsConfig) -> bool:
    if cfg.strict:
        return s_i - s_j > cfg.gap + EPS and s_i > cfg.chosen_min + EPS and s_j > cfg.rejected_min + EPS
    return s_i - s_j >= cfg.gap - EPS and s_i >= cfg.chosen_min - EPS and s_j >= cfg.rejected_min - EPS


def _program_key(program: str) -> str:
    try:
        return ast.dump(ast.parse(program))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return program.strip()


def _candidates(row: dict[str, Any], scope: str) -> list[tuple[str, str, float]]:
    """(model, program, pass_rate) of each distinct scored program (per model when pairs are
    made within models), first occurrence kept."""
    seen: set[tuple[str, str]] = set()
    out = []
    for inf in row.get("inferences") or []:
        rate = inf.get("pass_rate")
        program = inf.get("program")
        if program is None:  # released data (AceCode-87K) keeps the raw answer only
            raw = inf.get("completion") or ""
            program = extract_code(raw, row.get("entry_point")).code or raw
        if rate is None or not program.strip():
            continue
        model = str(inf.get("model_name") or "")
        key = (model if scope == "model" else "", _program_key(program))
        if key in seen:
            continue
        seen.add(key)
        out.append((model, program, float(rate)))
    return out


def build_pairs(row: dict[str, Any], cfg: PairsConfig) -> list[Pair]:
    cands = _candidates(row, cfg.scope)
    pairs = [
        Pair(row["id"], row["question"], pi, pj, si, sj, mi, mj)
        for mi, pi, si in cands
        for mj, pj, sj in cands
        if (cfg.scope == "all" or mi == mj) and preferred(si, sj, cfg)
    ]
    if cfg.max_per_question is not None and len(pairs) > cfg.max_per_question:
        rng = random.Random(f"{cfg.seed}:{row['id']}")
        rng.shuffle(pairs)
        pairs = sorted(pairs, key=lambda p: -p.margin)[: cfg.max_per_question]
    return pairs


def export(pair: Pair, cfg: PairsConfig) -> dict[str, Any]:
    """One row in the trainer's layout; the text comes from the shared template module."""
    t = cfg.template
    if cfg.format == "llamafactory":
        return {
            "instruction": rm_prompt(pair.question, t),
            "input": "",
            "chosen": rm_response(pair.chosen, t),
            "rejected": rm_response(pair.rejected, t),
        }
    if cfg.format == "openrlhf":
        return {
            "prompt": rm_prompt(pair.question, t),
            "chosen": rm_response(pair.chosen, t),
            "rejected": rm_response(pair.rejected, t),
        }
    if cfg.chat:
        chosen, rejected = (
            rm_messages(pair.question, pair.chosen, t),
            rm_messages(pair.question, pair.rejected, t),
        )
        return {"prompt": chosen[:1], "chosen": chosen[1:], "rejected": rejected[1:], "margin": pair.margin}
    return {
        "prompt": rm_prompt(pair.question, t),
        "chosen": rm_response(pair.chosen, t),
        "rejected": rm_response(pair.rejected, t),
        "margin": pair.margin,
    }


def detail(pair: Pair) -> dict[str, Any]:
    """The pair's provenance, written beside the export."""
    return {
        "id": pair.id,
        "chosen_pass_rate": pair.chosen_pass_rate,
        "rejected_pass_rate": pair.rejected_pass_rate,
        "margin": pair.margin,
        "chosen_model": pair.chosen_model,
        "rejected_model": pair.rejected_model,
    }


def read_released_pairs(input_path: str | Path) -> list[dict[str, Any]] | None:
    """Rows of a released pairs dataset (LLaMA-Factory layout, like AceCodePair-300K), else None."""
    first = next(iter_input(input_path), None)
    if (
        first is None
        or not isinstance(first[2], dict)
        or not {"instruction", "chosen", "rejected"} <= set(first[2])
    ):
        return None
    rows = []
    for where, line, row in iter_input(input_path):
        for f in ("instruction", "chosen", "rejected"):
            if not isinstance(row.get(f), str):
                raise DataFormatError(where, line, f, "missing or not a string")
        rows.append(row)
    return rows


def reexport(p: Pair, cfg: PairsConfig) -> dict[str, Any]:
    """Released pairs already hold rendered text: only the layout changes."""
    if cfg.format == "llamafactory":
        return {"instruction": p.question, "input": "", "chosen": p.chosen, "rejected": p.rejected}
    row: dict[str, Any] = {"prompt": p.question, "chosen": p.chosen, "rejected": p.rejected}
    return row if cfg.format == "openrlhf" else {**row, "margin": None}

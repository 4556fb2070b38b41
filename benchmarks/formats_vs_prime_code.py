"""aceforge vs verl's ``prime_code`` on the same APPS/PRIME-format workload, same run, same cores.

    python benchmarks/formats_vs_prime_code.py [--copies 12] [--workers 2]

verl 0.7.0 installed (``pip install --no-deps verl==0.7.0``) or unpacked in ACEFORGE_VERL_DIR
(``pip install --no-deps --target DIR verl==0.7.0``; its wheel has a top-level ``tests``
package that must not land in a shared environment).

The workload is the real rows in tests/data/formats: verl's two ``prime_code`` fixtures (11
stdin tests; one right, one with a wrong expected output) and rllm's two TACO call-based rows
(written in PRIME's layout: JSON lines in, a JSON string out, which is what ``prime_code``
reads), each with its correct program and a wrong one, repeated ``--copies`` times.

verl's side is what ``default_compute_score`` runs for ``codecontests``/``apps``/``taco`` rows
without a sandbox URL: ``prime_code.compute_score(solution, ground_truth, continuous=True)``,
one call per item, spread over ``--workers`` processes (verl's prime reward manager runs it in a
process pool). verl 0.7.0's file is loaded from the installed wheel; its dependency ``pyext``
does not build on Python 3.11, so ``RuntimeModule.from_string`` is provided as pyext defines it
(a module made from source with ``exec``). aceforge's side is the reward core (kind pass_rate)
on a ``LocalExecutor`` with ``--workers`` fork servers, started before timing.

Prints items/s for each, the ratio, and how often the two agree on "every test passed".
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from aceforge.execution.executor import LocalExecutor
from aceforge.formats import read_label
from aceforge.rewards.core import RewardCore, RewardItem, RewardOptions

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "formats"


def _pyext_stand_in() -> None:
    """pyext's RuntimeModule.from_string(name, doc, source): a module from source."""

    class RuntimeModule:
        @staticmethod
        def from_string(name: str, doc: str, source: str) -> types.ModuleType:
            module = types.ModuleType(name, doc)
            exec(source, module.__dict__)
            return module

    sys.modules["pyext"] = types.SimpleNamespace(RuntimeModule=RuntimeModule)  # type: ignore[assignment]


def load_prime_code() -> Any:
    _pyext_stand_in()
    relative = "verl/utils/reward_score/prime_code"
    try:
        root = Path(str(importlib.metadata.distribution("verl").locate_file(relative)))
    except importlib.metadata.PackageNotFoundError:  # unpacked with pip install --target DIR
        root = Path(os.environ["ACEFORGE_VERL_DIR"]) / relative
    spec = importlib.util.spec_from_file_location(
        "verl_prime_code", root / "__init__.py", submodule_search_locations=[str(root)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["verl_prime_code"] = module
    spec.loader.exec_module(module)
    return module


def _rows(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def workload(copies: int) -> list[tuple[str, str]]:
    """(program, ground truth as verl passes it) pairs."""
    items = []
    prime = _rows("verl_prime_code.jsonl")
    for r in prime:
        items.append((r["completion"], r["ground_truth"]))
    items.append(("print(-1)\n", prime[0]["ground_truth"]))
    for r in _rows("rllm_code_reward.jsonl"):
        gt = r["ground_truth"]
        if not (isinstance(gt, dict) and gt.get("fn_name")):
            continue
        prime_layout = {
            "fn_name": gt["fn_name"],
            "inputs": ["\n".join(json.dumps(a) for a in args) for args in gt["inputs"]],
            "outputs": [json.dumps(out[0]) for out in gt["outputs"]],
        }
        program = r["completion"].split("```python")[-1].split("```")[0]
        wrong = program.replace("return", "return None and", 1)
        items += [(program, json.dumps(prime_layout)), (wrong, json.dumps(prime_layout))]
    return items * copies


def _prime_one(args: tuple[str, str]) -> bool:
    program, truth = args
    prime = sys.modules.get("verl_prime_code") or load_prime_code()
    score, _ = prime.compute_score(program, truth, continuous=True)
    return float(score) == 1.0


def run_prime(items: list[tuple[str, str]], workers: int) -> tuple[float, list[bool]]:
    with ProcessPoolExecutor(workers, initializer=load_prime_code) as pool:
        list(pool.map(_prime_one, items[:workers]))  # warm the pool
        start = time.perf_counter()
        verdicts = list(pool.map(_prime_one, items))
        return time.perf_counter() - start, verdicts


def run_aceforge(items: list[tuple[str, str]], workers: int) -> tuple[float, list[bool]]:
    with LocalExecutor(workers=workers) as ex:
        ex.start()
        core = RewardCore(ex, RewardOptions(kind="pass_rate", timeout_s=5.0))
        labels = [read_label(truth) for _, truth in items]
        batch = [
            RewardItem(r.program(program), r.tests, r.entry_point)
            for (program, _), r in zip(items, labels, strict=True)
        ]
        start = time.perf_counter()
        results = core.score(batch)
        return time.perf_counter() - start, [r.pass_rate == 1.0 for r in results]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    items = workload(args.copies)
    t_ace, ace = run_aceforge(items, args.workers)
    t_prime, prime = run_prime(items, args.workers)
    agree = sum(a == p for a, p in zip(ace, prime, strict=True))
    print(json.dumps({
        "items": len(items), "workers": args.workers,
        "aceforge_items_per_s": round(len(items) / t_ace, 1), "prime_code_items_per_s": round(len(items) / t_prime, 1),
        "ratio": round(t_prime / t_ace, 2), "agree_all_passed": f"{agree}/{len(items)}",
        "disagreements": sorted({i % (len(items) // args.copies) for i, (a, p) in enumerate(zip(ace, prime, strict=True)) if a != p}),
    }))  # fmt: skip


if __name__ == "__main__":
    main()

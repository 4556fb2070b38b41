"""The quickstart's configs and seed file: `make demo-rl` reuses `make demo`'s stages, and the
seeds are documented functions that run (their programs compute the tests' outputs)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from aceforge.config import DATA_STAGES, load_run_config
from aceforge.synthesis.seeds import load_seeds

ROOT = Path(__file__).parents[2]


def test_demo_rl_continues_the_demo_run_with_the_same_data_stages() -> None:
    demo = load_run_config(ROOT / "configs/quickstart.yaml")
    full = load_run_config(ROOT / "configs/quickstart_rl.yaml")
    assert demo.run_dir == full.run_dir and demo.seeds == full.seeds and demo.models == full.models
    for stage in DATA_STAGES:  # a different setting would make demo-rl refuse the demo's folders
        assert dataclasses.asdict(getattr(demo, stage)) == dataclasses.asdict(getattr(full, stage)), stage
    assert demo.rm is None and full.rm is not None and full.bon is not None and full.rl is not None


def test_the_quickstart_seeds_are_documented_functions_that_run() -> None:
    cfg = load_run_config(ROOT / "configs/quickstart.yaml")
    seeds, report = load_seeds(str(ROOT / cfg.seeds.source), cfg.seeds.limit)
    assert report.dropped == {} and len(seeds) >= 24 and len({s.id for s in seeds}) == len(seeds)
    for seed in seeds:
        [fn] = ast.parse(seed.program).body
        assert isinstance(fn, ast.FunctionDef) and fn.name == seed.entry_point
        assert ast.get_docstring(fn) and " ".join(ast.get_docstring(fn).split()) == seed.instruction
        space: dict = {}
        exec(compile(seed.program, seed.id, "exec"), space)  # defines the function, nothing else
        assert callable(space[fn.name])

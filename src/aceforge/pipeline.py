"""``aceforge run``: synth → filter → sample → score → pairs → hard through files in one run
folder, one sub-folder per stage, each with its manifest, and ``report.md`` over all of them;
then, when the config names them, the method's last stages: rm → bon → rl (``aceforge.method``).

Resumable at two levels: a finished stage (complete manifest, same config) is skipped; an
unfinished one resumes from its ``parts.jsonl``. LLM answers and executions are cached in
``RUN/cache/``, so redoing a stage (``--from``) repeats no paid call and no execution.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aceforge.artifacts import write_json
from aceforge.config import STAGES, RunConfig
from aceforge.errors import ConfigError
from aceforge.runtime import ProgressFactory, Runtime, no_progress

FOLDERS = {name: f"{i + 1:02d}-{name}" for i, name in enumerate(STAGES)}


def stage_dir(cfg: RunConfig, stage: str) -> Path:
    return Path(cfg.run_dir) / FOLDERS[stage]


def _stage_config(cfg: RunConfig, stage: str) -> dict[str, Any]:
    """What a stage's results depend on; a finished stage is reused only if this is unchanged."""
    own = dataclasses.asdict(getattr(cfg, stage))
    models: dict[str, dict[str, Any]] = {
        "synth": {"seeds": dataclasses.asdict(cfg.seeds), "teacher": dataclasses.asdict(cfg.models.teacher)},
        "filter": {"proxy": dataclasses.asdict(cfg.models.proxy)},
        "sample": {"policy": [dataclasses.asdict(p) for p in cfg.models.policy]},
    }
    return {"stage": own, **models.get(stage, {})}


def _select(cfg: RunConfig, start: str | None, until: str | None) -> list[str]:
    for name in (start, until):
        if name is not None and name not in STAGES:
            raise ConfigError(f"unknown stage {name!r}; stages: {', '.join(STAGES)}")
    first = STAGES.index(start) if start else 0
    last = STAGES.index(until) if until else len(STAGES) - 1
    if first > last:
        raise ConfigError(f"--from {start} comes after --until {until}")
    return [s for s in STAGES[first : last + 1] if cfg.enabled(s)]


def run_pipeline(
    cfg: RunConfig,
    start: str | None = None,
    until: str | None = None,
    progress: ProgressFactory = no_progress,
    on_stage: Callable[[str, dict[str, Any]], None] = lambda s, m: None,
) -> dict[str, dict[str, Any]]:
    """Run the selected stages in order; return each stage's manifest."""
    stages = _select(cfg, start, until)
    if not stages:
        raise ConfigError(f"stage {start or until!r} is not enabled in this config")
    root = Path(cfg.run_dir)
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "config.json", cfg.to_dict())
    cache = Path(cfg.cache_dir) if cfg.cache_dir else root / "cache"
    rt = Runtime(
        llm_cache=cache / "llm-responses.sqlite",
        exec_cache=cache / "executions.sqlite",
        workers=cfg.engine.workers or None,
        executor_kind=cfg.engine.executor,
        ray_address=cfg.engine.ray_address,
        progress=progress,
    )
    if start is not None:  # redo from here: clear the folders (the caches keep the paid work)
        for name in stages:
            shutil.rmtree(stage_dir(cfg, name), ignore_errors=True)
    manifests: dict[str, dict[str, Any]] = {}
    for name in STAGES[: STAGES.index(stages[0])]:
        if not cfg.enabled(name):
            continue
        earlier = _finished(cfg, name, required=True)
        assert earlier is not None
        manifests[name] = earlier
    from aceforge.execution.factory import make_executor

    with make_executor(
        rt.executor_kind, rt.workers, ray_address=rt.ray_address
    ) as ex:  # one engine, all stages
        rt.executor = ex
        for name in stages:
            done = _finished(cfg, name, required=False)
            manifest = done if done is not None else _run_stage(cfg, name, rt)
            manifests[name] = manifest
            _write_report(cfg, manifests)
            on_stage(name, manifest)
            if not manifest["complete"]:
                break
        _audit(cfg, rt, manifests)
    return manifests


def _audit(cfg: RunConfig, rt: Runtime, manifests: dict[str, dict[str, Any]]) -> None:
    """Audit the suites of the latest finished stage that has them (RUN/audit/), and put the
    summary in report.md. Executions are cached, so a rerun costs little."""
    from aceforge.evaluation.audit import AuditConfig, run_audit

    done = [s for s in ("score", "filter", "synth") if manifests.get(s, {}).get("complete")]
    if not done:
        return
    run_audit(stage_dir(cfg, done[0]), Path(cfg.run_dir) / "audit", AuditConfig(), rt=rt)
    _write_report(cfg, manifests)


def _finished(cfg: RunConfig, stage: str, required: bool) -> dict[str, Any] | None:
    path = stage_dir(cfg, stage) / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else None
    if manifest is None or not manifest.get("complete"):
        if required:
            raise ConfigError(f"stage {stage!r} has not finished in {cfg.run_dir}; run it first")
        return None
    if manifest.get("pipeline_config") != json.loads(json.dumps(_stage_config(cfg, stage), default=str)):
        raise ConfigError(
            f"{path.parent} was made with a different {stage} configuration; re-run with "
            f"--from {stage} (cached LLM answers and executions are reused) or use a new run_dir"
        )
    return manifest


def _run_stage(cfg: RunConfig, name: str, rt: Runtime) -> dict[str, Any]:
    from aceforge.synthesis import stages as st

    out = stage_dir(cfg, name)
    prev = stage_dir(cfg, STAGES[STAGES.index(name) - 1]) if name != "synth" else None
    if name in ("rm", "bon", "rl"):
        m = _run_method_stage(cfg, name, out, rt)
    elif name == "synth":
        s = cfg.seeds
        m = st.run_synth(s.source, out, cfg.models.teacher, cfg.synth, s.limit, s.fields, rt=rt)
    elif name == "filter":
        m = st.run_filter(prev, out, cfg.models.proxy, cfg.filter, rt=rt)  # type: ignore[arg-type]
    elif name == "sample":
        m = st.run_sample(prev, out, list(cfg.models.policy), cfg.sample, rt=rt)  # type: ignore[arg-type]
    elif name == "score":
        m = st.run_score(prev, out, cfg.score, rt=rt)  # type: ignore[arg-type]
    elif name == "pairs":
        m = st.run_pairs(prev, out, cfg.pairs)  # type: ignore[arg-type]
    elif name == "hard":
        m = st.run_hard(stage_dir(cfg, "score"), out, cfg.hard)
    m["pipeline_config"] = json.loads(json.dumps(_stage_config(cfg, name), default=str))
    st.write_manifest(out, m)
    return m


def _run_method_stage(cfg: RunConfig, name: str, out: Path, rt: Runtime) -> dict[str, Any]:
    from aceforge import method

    assert rt.executor is not None
    if name == "rm":
        assert cfg.rm is not None
        return method.run_rm(stage_dir(cfg, "pairs"), stage_dir(cfg, "score"), out, cfg.rm)
    if name == "bon":
        assert cfg.bon is not None
        return method.run_bon(stage_dir(cfg, "score"), stage_dir(cfg, "rm"), out, cfg.bon, rt.executor)
    assert cfg.rl is not None
    return method.run_rl(stage_dir(cfg, "hard"), out, cfg.rl, rt.executor)


def _write_report(cfg: RunConfig, manifests: dict[str, dict[str, Any]]) -> None:
    from aceforge.report import write_report

    write_report(Path(cfg.run_dir), {k: (stage_dir(cfg, k), m) for k, m in manifests.items()})

"""RL on 2 CPU cores: the same policy, data and steps, three test rewards side by side.

    python benchmarks/rl_cpu.py --config configs/rl_quickstart.yaml --out runs/rl-cpu

For each reward kind (binary = the paper's rule, pass_rate, weighted) it runs ``train-rl`` with
the config's settings and only the reward changed, then prints one table: the training reward at
the start and the end (each kind on its own scale), the share of training completions that pass
every test (one scale for all kinds), and held-out pass@1 (greedy and sampled) before and after
with the paired bootstrap interval of the change. Runs are resumable: rerunning continues them,
and ``--reuse binary=DIR`` takes an existing run with the same settings (e.g. the quickstart's).
Writes OUT/rl_cpu.md, OUT/rl_cpu.json and OUT/rl_cpu.png.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

from aceforge.rl.configs import load_rl_config, yaml_paths
from aceforge.rl.metrics import MetricsLog
from aceforge.rl.report import eval_change, reward_trend, rolling
from aceforge.rl.train import train_rl

KINDS = ("binary", "pass_rate", "weighted")


def passing_share(train: list[dict[str, Any]], window: int = 10) -> tuple[float, float]:
    """Share of completions passing every test over the first and last `window` steps."""
    w = min(window, max(1, len(train) // 2))

    def share(rows: list[dict[str, Any]]) -> float:
        scored = sum(r["scored"] for r in rows)
        return sum(r["all_passed"] for r in rows) / scored if scored else 0.0

    return share(train[:w]), share(train[-w:])


def row_for(kind: str, folder: Path, steps: int, minutes: float) -> dict[str, Any]:
    """One table row from a run's metrics, counting its first `steps` steps only (a reused run
    may have trained longer; with a constant learning rate its first steps are what a shorter
    run would do)."""
    records = [r for r in MetricsLog(folder / "metrics.jsonl").read() if r["step"] <= steps]
    train = [r for r in records if r["kind"] == "train"]
    evals = [r for r in records if r["kind"] == "eval" and r["set"] == "held_out" and r["step"] in (0, steps)]
    first, last = passing_share(train)
    t = reward_trend(train)
    out = {"reward": kind, "steps": len(train), "minutes": round(minutes, 1),
           "reward_first": t["first"], "reward_last": t["last"], "window": t["window"],
           "passing_first": first, "passing_last": last}  # fmt: skip
    ev = eval_change(evals).get("held_out", {})
    for mode in ("greedy", "sampled"):
        m = ev.get(mode)
        if m and ev["steps"] == [0, steps]:
            out[mode] = {"before": m["before"]["pass@1"], "after": m["after"]["pass@1"],
                         "delta": m["delta"], "delta_ci": m["delta_ci"]}  # fmt: skip
    out["questions"] = ev.get("questions")
    return out


def share_first_eval(source: Path, target: Path) -> None:
    """The policy before training is the same in every arm: its evaluation runs once."""
    if (target / "metrics.jsonl").exists():
        return
    first = [r for r in MetricsLog(source / "metrics.jsonl").read() if r["kind"] == "eval" and r["step"] == 0]
    target.mkdir(parents=True, exist_ok=True)
    for r in first:
        MetricsLog(target / "metrics.jsonl").append(r)


def markdown(rows: list[dict[str, Any]], note: str) -> str:
    lines = [
        "| reward | steps | reward first→last (own scale) | completions passing all tests first→last "
        "| held-out greedy pass@1 before→after (Δ, 95% CI) | held-out sampled pass@1 before→after (Δ, 95% CI) "
        "| minutes |",
        "|---|---:|---|---|---|---|---:|",
    ]
    for r in rows:
        cells = []
        for mode in ("greedy", "sampled"):
            m = r.get(mode)
            ci = m and m["delta_ci"]
            cells.append(
                f"{m['before']:.3f} → {m['after']:.3f} ({m['delta']:+.3f}"
                + (f", [{ci[0]:+.3f}, {ci[1]:+.3f}])" if ci else ")")
                if m
                else "n/a"
            )
        lines.append(
            f"| {r['reward']} | {r['steps']} | {r['reward_first']:.3f} → {r['reward_last']:.3f} "
            f"| {r['passing_first']:.3f} → {r['passing_last']:.3f} | {cells[0]} | {cells[1]} | {r['minutes']} |"
        )
    return "\n".join(lines) + "\n\n" + note + "\n"


def plot(out: Path, folders: dict[str, Path], max_steps: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    for kind, folder in folders.items():
        records = [r for r in MetricsLog(folder / "metrics.jsonl").read() if r["step"] <= max_steps]
        train = [r for r in records if r["kind"] == "train"]
        steps = [r["step"] for r in train]
        share = [r["all_passed"] / r["scored"] if r["scored"] else 0.0 for r in train]
        a.plot(steps, rolling(share, 5), label=kind)
        evals = [r for r in records if r["kind"] == "eval" and r["set"] == "held_out"]
        b.plot(
            [e["step"] for e in evals], [e["sampled"]["pass@1"] for e in evals], "o-", label=f"{kind} sampled"
        )
        b.plot(
            [e["step"] for e in evals], [e["greedy"]["pass@1"] for e in evals], "s--", label=f"{kind} greedy"
        )
    a.set(xlabel="step", ylabel="share (rolling mean of 5)", title="training completions passing every test")
    b.set(xlabel="step", ylabel="pass@1", title="held-out pass@1")
    a.legend()
    b.legend(fontsize=7)
    fig.tight_layout()
    path = out / "rl_cpu.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="configs/rl_quickstart.yaml")
    ap.add_argument("--out", default="runs/rl-cpu")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument(
        "--reuse", action="append", default=[], help="KIND=DIR: an existing run with these settings"
    )
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--eval-every", type=int, default=None, help="0: evaluate before and after only")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = load_rl_config(args.config, max_steps=args.max_steps)
    data = yaml_paths(args.config)["data"]
    reuse = dict(item.split("=", 1) for item in args.reuse)
    rows, folders = [], {}
    shared = Path(next(iter(reuse.values()))) if reuse else None
    for kind in args.kinds.split(","):
        folder = Path(reuse.get(kind, out / kind))
        t = time.time()
        if kind in reuse:  # an existing run with these settings: read, not retrained
            summary = json.loads((folder / "summary.json").read_text())
            minutes = summary["counts"]["seconds"] / 60 * base.max_steps / summary["counts"]["steps"]
        else:
            cfg = dataclasses.replace(base, reward=kind)
            if args.eval_every is not None:  # when evaluations happen does not change training
                cfg = dataclasses.replace(cfg, eval_every=args.eval_every)
            if shared is not None:
                share_first_eval(shared, folder)
            train_rl(data, folder, cfg, say=lambda m, k=kind: print(f"[{k}] {m}", flush=True))
            minutes = (time.time() - t) / 60
        rows.append(row_for(kind, folder, base.max_steps, minutes))
        folders[kind] = folder
    note = (
        f"Policy `{base.policy}`, data `{data}`, {base.max_steps} steps of {base.batch_size} completions "
        f"({base.num_generations} per question), lr {base.learning_rate}, beta {base.beta}, loss `{base.loss_type}`, "
        f"scale_rewards `{base.scale_rewards}`; held-out: {rows[0].get('questions')} questions. "
        "Minutes include the evaluations (a reused run: its time scaled to these steps). "
        + (
            f"Reused: {', '.join(f'{k} = {v}' for k, v in reuse.items())}, its first {base.max_steps} steps; "
            "the evaluation before training ran once for all arms."
            if reuse
            else ""
        )
    )
    text = markdown(rows, note)
    png = plot(out, folders, base.max_steps)
    (out / "rl_cpu.md").write_text(f"# RL on CPU: three test rewards\n\n{text}\n![rl_cpu]({png.name})\n")
    (out / "rl_cpu.json").write_text(
        json.dumps({"rows": rows, "config": base.to_dict(), "data": data}, indent=1)
    )
    print(text)
    print(f"wrote {out / 'rl_cpu.md'}")


if __name__ == "__main__":
    main()

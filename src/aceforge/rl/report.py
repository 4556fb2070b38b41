"""``train-rl``'s report: reward curve, held-out pass@1 before/after, reward flags; PNG plots."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from aceforge.artifacts import write_json, write_text
from aceforge.rl.configs import RunPaths, TrainRLConfig
from aceforge.stats import bootstrap, bootstrap_difference

WINDOW = 10  # steps averaged at each end of the reward curve


def reward_trend(train: list[dict[str, Any]], window: int = WINDOW) -> dict[str, Any]:
    """Mean training reward over the first and the last `window` logged steps, and a bootstrap
    95% interval of the change (steps resampled within each window): with few questions a step,
    a step's mean says much about which questions were drawn, and the interval shows how much."""
    rewards = [r["reward"] for r in train]
    if not rewards:
        return {"first": None, "last": None, "window": 0, "steps": 0, "delta_ci": None}
    w = min(window, max(1, len(rewards) // 2))
    first, last = rewards[:w], rewards[-w:]
    return {
        "first": sum(first) / w,
        "last": sum(last) / w,
        "window": w,
        "steps": len(rewards),
        "delta_ci": _window_delta_ci(first, last),
    }


def _window_delta_ci(first: list[float], last: list[float]) -> list[float]:
    lo, hi = bootstrap_difference(first, last)
    return [round(lo, 4), round(hi, 4)]


def eval_change(evals: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per eval set: pass@1 (greedy, sampled) at the first and the last evaluation."""
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(e["set"] for e in evals):
        rows = sorted((e for e in evals if e["set"] == name), key=lambda e: e["step"])
        first, last = rows[0], rows[-1]
        out[name] = {
            mode: {
                "before": _brief(first[mode]),
                "after": _brief(last[mode]),
                "delta": last[mode]["pass@1"] - first[mode]["pass@1"],
                "delta_ci": _paired_delta_ci(first[mode]["per_question"], last[mode]["per_question"]),
            }
            for mode in ("greedy", "sampled")
        } | {"steps": [first["step"], last["step"]], "questions": first["greedy"]["questions"]}
    return out


def _brief(r: dict[str, Any]) -> dict[str, float]:
    return {k: round(float(r[k]), 4) for k in ("pass@1", "ci_low", "ci_high")}


def _paired_delta_ci(before: list[float], after: list[float]) -> list[float] | None:
    """Bootstrap 95% interval of the pass@1 change, resampling questions (paired)."""
    if not before or len(before) != len(after):
        return None
    lo, hi = bootstrap([b - a for a, b in zip(before, after, strict=True)])
    return [round(lo, 4), round(hi, 4)]


def write_rl_report(
    paths: RunPaths, cfg: TrainRLConfig, records: list[dict[str, Any]], counts: dict[str, Any]
) -> dict[str, Any]:
    train = [r for r in records if r["kind"] == "train"]
    evals = [r for r in records if r["kind"] == "eval"]
    flags: Counter[str] = Counter()
    for r in train:
        flags.update(r.get("flags") or {})
    summary = {
        "reward": cfg.reward,
        "policy": cfg.policy,
        "counts": counts,
        "reward_trend": reward_trend(train),
        "eval": eval_change(evals),
        "flags": dict(flags),
        "all_passed": sum(r.get("all_passed", 0) for r in train),
        "scored": sum(r.get("scored", 0) for r in train),
        "groups": sum(r.get("groups", 0) for r in train),
        "groups_with_signal": sum(r.get("groups_with_signal", 0) for r in train),
    }
    plots = _plots(paths.root, train, evals)
    write_json(paths.root / "summary.json", summary)
    write_text(paths.root / "report.md", markdown(summary, plots))
    return summary


def markdown(s: dict[str, Any], plots: list[str]) -> str:
    c, t = s["counts"], s["reward_trend"]
    lines = [
        f"# train-rl: {s['policy']} with the `{s['reward']}` reward",
        "",
        f"{c['steps']} steps in {c['seconds']:.0f} s on {c['train_questions']} training questions "
        f"({c['prompts_over_max_length']} prompts over max_prompt_length left out"
        + (f", {c['not_selected']} not selected" if c.get("not_selected") else "")
        + f"); {c['held_out']} held out.",
        "",
        "## Training reward",
        "",
    ]
    if t["steps"]:
        lines.append(
            f"Mean reward over the first {t['window']} logged steps: **{t['first']:.3f}**; over the last "
            f"{t['window']}: **{t['last']:.3f}** ({t['last'] - t['first']:+.3f}, bootstrap 95% CI "
            f"[{t['delta_ci'][0]:+.3f}, {t['delta_ci'][1]:+.3f}] over steps). "
            f"{s['all_passed']} of {s['scored']} training completions passed every test."
        )
    if s.get("groups"):
        lines.append(
            f"Groups with signal (one question's completions not all rewarded alike, so GRPO has an "
            f"advantage to learn from): **{s['groups_with_signal']} of {s['groups']}** "
            f"({s['groups_with_signal'] / s['groups']:.0%})."
        )
    lines += ["", "## pass@1 (bootstrap 95% intervals over questions)", ""]
    if s["eval"]:
        lines += [
            "| set | mode | before | after | change (paired 95% CI) | questions |",
            "|---|---|---|---|---|---|",
        ]
        for name, e in s["eval"].items():
            for mode in ("greedy", "sampled"):
                m = e[mode]
                ci = m["delta_ci"]
                lines.append(
                    f"| {name} | {mode} | {_fmt(m['before'])} | {_fmt(m['after'])} | {m['delta']:+.3f}"
                    + (f" [{ci[0]:+.3f}, {ci[1]:+.3f}]" if ci else "")
                    + f" | {e['questions']} |"
                )
        steps = {tuple(e["steps"]) for e in s["eval"].values()}
        lines += ["", f"Before = step {min(a for a, _ in steps)}, after = step {max(b for _, b in steps)}."]
        lines.append(
            "`held_out` and `humaneval` questions are never trained on"
            + ("; `train` is the training questions (`eval_train`)." if "train" in s["eval"] else ".")
        )
    else:
        lines.append("No held-out evaluation (eval_fraction 0 and no --eval set).")
    lines += ["", "## Reward flags (training completions)", "", "| flag | count |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(s["flags"].items(), key=lambda kv: -kv[1])]
    lines += [
        "",
        "`ran`: the program ran (passing or not); other flags name why a completion earned nothing (no_code, "
        "syntax_error, timeout, ...).",
        "",
    ]
    lines += [f"![{Path(p).stem}]({p})" for p in plots]
    return "\n".join(lines) + "\n"


def _fmt(r: dict[str, float]) -> str:
    return f"{r['pass@1']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"


def _plots(root: Path, train: list[dict[str, Any]], evals: list[dict[str, Any]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    if train:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        steps = [r["step"] for r in train]
        rewards = [r["reward"] for r in train]
        ax.plot(steps, rewards, ".", alpha=0.5, label="per step")
        ax.plot(steps, rolling(rewards, 5), "-", label="rolling mean (5)")
        ax.set_xlabel("step")
        ax.set_ylabel("mean reward")
        ax.set_title("training reward")
        ax.legend()
        fig.tight_layout()
        fig.savefig(root / "reward_curve.png", dpi=110)
        plt.close(fig)
        names.append("reward_curve.png")
    if evals:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for name in dict.fromkeys(e["set"] for e in evals):
            rows = sorted((e for e in evals if e["set"] == name), key=lambda e: e["step"])
            for mode, style in (("greedy", "o-"), ("sampled", "s--")):
                xs = [e["step"] for e in rows]
                ys = [e[mode]["pass@1"] for e in rows]
                lo = [e[mode]["ci_low"] for e in rows]
                hi = [e[mode]["ci_high"] for e in rows]
                ax.plot(xs, ys, style, label=f"{name} {mode}")
                ax.fill_between(xs, lo, hi, alpha=0.15)
        ax.set_xlabel("step")
        ax.set_ylabel("pass@1")
        ax.set_title("pass@1 by eval set (95% CI)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(root / "pass_at_1.png", dpi=110)
        plt.close(fig)
        names.append("pass_at_1.png")
    return names


def rolling(values: list[float], k: int) -> list[float]:
    """The mean of each value and the k - 1 before it (fewer at the start)."""
    return [
        sum(values[max(0, i - k + 1) : i + 1]) / len(values[max(0, i - k + 1) : i + 1])
        for i in range(len(values))
    ]

"""AceCoder-style RL with TRL's GRPOTrainer and aceforge's test-based reward.

    # the hard subset of a run, exported with its tests, on a real policy (GPU):
    aceforge export-rl runs/quickstart/06-hard -o runs/rl-trl --format trl
    accelerate launch recipes/trl/grpo_acecoder.py --data runs/rl-trl --model Qwen/Qwen2.5-Coder-7B \
        --output out/grpo --bf16
    # CPU smoke mode: a tiny model built here and taught the four answers by rote, then 2 GRPO
    # steps in which its sampled answers earn real, non-zero rewards (what the test suite runs)
    python recipes/trl/grpo_acecoder.py --smoke --output /tmp/grpo-smoke

Hyper-parameters follow the paper where GRPO has them (8 samples per question, lr 5e-7,
KL 0.01, 1 episode); the reward is the paper's rule reward: 1.0 iff every test passes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SMOKE_ROWS = [  # (prompt, tests, entry point, the answer the tiny model learns by rote)
    (
        "Write a function add(a, b) that returns a + b.\n",
        ["assert add(1, 2) == 3", "assert add(0, 0) == 0"],
        "add",
        "def add(a, b):\n    return a + b",
    ),
    (
        "Write a function neg(x) that returns -x.\n",
        ["assert neg(1) == -1", "assert neg(0) == 0"],
        "neg",
        "def neg(x):\n    return -x",
    ),
    (
        "Write a function first(xs) returning xs[0].\n",
        ["assert first([3, 4]) == 3"],
        "first",
        "def first(xs):\n    return xs[0]",
    ),
    (
        "Write a function twice(s) returning s + s.\n",
        ["assert twice('a') == 'aa'"],
        "twice",
        "def twice(s):\n    return s + s",
    ),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="a folder written by `aceforge export-rl --format trl`")
    ap.add_argument("--model", help="policy model (hub id or folder)")
    ap.add_argument("--output", required=True)
    ap.add_argument("--smoke", action="store_true", help="tiny local model, 2 steps on CPU")
    ap.add_argument("--reward", default="binary", help="binary | pass_rate | weighted")
    ap.add_argument("--bf16", action="store_true")
    args = ap.parse_args()

    from datasets import Dataset, load_dataset
    from trl import GRPOConfig, GRPOTrainer

    from aceforge.rewards.adapters import trl_reward
    from aceforge.rewards.core import RewardOptions, label_of

    out = Path(args.output)
    if args.smoke:
        rows = [{"prompt": q, "tests": label_of(t), "entry_point": e} for q, t, e, _ in SMOKE_ROWS]
        from aceforge.tiny_models import tiny_qwen2, tiny_sft

        texts = [q + a for q, _, _, a in SMOKE_ROWS]
        model = tiny_sft(tiny_qwen2(texts * 20, out / "tiny-model", kind="causal"), texts)
        dataset = Dataset.from_list(rows)
    else:
        if not args.data or not args.model:
            ap.error("--data and --model are required (or use --smoke)")
        dataset = load_dataset("parquet", data_files=str(Path(args.data) / "data.parquet"), split="train")
        model = args.model
    config = GRPOConfig(
        output_dir=str(out / "checkpoints"),
        per_device_train_batch_size=4 if args.smoke else 8,
        num_generations=4 if args.smoke else 8,  # paper: 8 samples per question
        max_completion_length=24 if args.smoke else 1024,
        learning_rate=1e-3 if args.smoke else 5e-7,  # paper: 5e-7
        beta=0.01,  # paper: KL 0.01
        num_train_epochs=1,  # paper: 1 episode
        max_steps=2 if args.smoke else -1,
        logging_steps=1,
        report_to=[],
        save_strategy="no" if args.smoke else "steps",
        use_cpu=args.smoke,
        bf16=args.bf16,
    )
    reward = trl_reward(RewardOptions(kind=args.reward))
    trainer = GRPOTrainer(model=model, reward_funcs=[reward], args=config, train_dataset=dataset)
    trainer.train()
    summary = {"steps": trainer.state.global_step, "log_history": trainer.state.log_history}
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    key = f"rewards/{reward.__name__}/mean"
    means = [h[key] for h in trainer.state.log_history if key in h]
    print(json.dumps({"steps": summary["steps"], "reward_mean_per_step": means}))


if __name__ == "__main__":
    main()

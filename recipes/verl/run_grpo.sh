#!/usr/bin/env bash
# AceCoder RL with verl (GRPO by default; ADV=reinforce_plus_plus for the paper's REINFORCE++),
# aceforge's rule reward, paper hyper-parameters where verl has them.
#   RUN=runs/my-run POLICY=Qwen/Qwen2.5-Coder-7B bash recipes/verl/run_grpo.sh
set -euo pipefail
RUN=${RUN:-runs/quickstart}
POLICY=${POLICY:-Qwen/Qwen2.5-Coder-7B}
DATA=${DATA:-$RUN/rl-verl}
ADV=${ADV:-grpo}

aceforge export-rl "$RUN/06-hard" -o "$DATA" --format verl

python3 -m verl.trainer.main_ppo \
  algorithm.adv_estimator="$ADV" \
  data.train_files="$DATA/data.parquet" data.val_files="$DATA/data.parquet" \
  data.train_batch_size=256 data.max_prompt_length=1024 data.max_response_length=2048 \
  actor_rollout_ref.model.path="$POLICY" \
  actor_rollout_ref.actor.optim.lr=5e-7 \
  actor_rollout_ref.actor.ppo_mini_batch_size=128 \
  actor_rollout_ref.actor.use_kl_loss=True actor_rollout_ref.actor.kl_loss_coef=0.01 \
  actor_rollout_ref.rollout.name=vllm actor_rollout_ref.rollout.n=8 \
  custom_reward_function.path=recipes/verl/reward.py custom_reward_function.name=compute_score \
  trainer.total_epochs=1 trainer.n_gpus_per_node="${GPUS:-8}" trainer.nnodes=1 \
  trainer.logger='["console"]'

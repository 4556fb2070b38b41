#!/usr/bin/env bash
# AceCoder RL with OpenRLHF REINFORCE++ and aceforge's rule reward (paper hyper-parameters:
# rollout batch 256, 8 samples per question, train batch 128, lr 5e-7, 1 episode, KL 0.01).
#   RUN=runs/my-run POLICY=Qwen/Qwen2.5-Coder-7B bash recipes/openrlhf/train_reinforce_pp.sh
# Needs a GPU node with openrlhf[vllm] and ray; aceforge on the same machine.
set -euo pipefail
RUN=${RUN:-runs/quickstart}
POLICY=${POLICY:-Qwen/Qwen2.5-Coder-7B}
DATA=${DATA:-$RUN/rl-openrlhf}
PORT=${PORT:-5000}
SAVE=${SAVE:-$RUN/openrlhf-reinforce-pp}

# 1. The hard subset, with each question's tests in its label.
aceforge export-rl "$RUN/06-hard" -o "$DATA" --format openrlhf

# 2. The reward server (or use --remote_rm_url recipes/openrlhf/reward_func.py instead).
aceforge serve --port "$PORT" --kind binary &
SERVER=$!
trap 'kill $SERVER' EXIT
until curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; do sleep 1; done

# 3. REINFORCE++ (older OpenRLHF releases spell the estimator `reinforce`; check --help).
ray start --head --node-ip-address 127.0.0.1 --num-gpus "${GPUS:-8}" || true
ray job submit --address="http://127.0.0.1:8265" -- python3 -m openrlhf.cli.train_ppo_ray \
  --ref_num_nodes 1 --ref_num_gpus_per_node 1 \
  --actor_num_nodes 1 --actor_num_gpus_per_node "${ACTOR_GPUS:-4}" \
  --vllm_num_engines "${VLLM_ENGINES:-2}" --vllm_tensor_parallel_size 1 \
  --pretrain "$POLICY" \
  --remote_rm_url "http://127.0.0.1:$PORT/get_reward" \
  --prompt_data "$DATA/data.jsonl" --input_key prompt --label_key label --apply_chat_template \
  --advantage_estimator reinforce++ \
  --rollout_batch_size 256 --n_samples_per_prompt 8 --train_batch_size 128 \
  --micro_rollout_batch_size 16 --micro_train_batch_size 4 \
  --actor_learning_rate 5e-7 --init_kl_coef 0.01 --num_episodes 1 --max_epochs 1 \
  --prompt_max_len 1024 --generate_max_len 2048 --temperature 1.0 \
  --zero_stage 3 --bf16 --gradient_checkpointing --packing_samples \
  --save_path "$SAVE"

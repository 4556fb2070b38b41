#!/usr/bin/env bash
# AceCoder RL with OpenRLHF REINFORCE++ and aceforge's rule reward (paper hyper-parameters:
# rollout batch 256, 8 samples per question, train batch 128, lr 5e-7, 1 episode, KL 0.01).
#   RUN=runs/my-run POLICY=Qwen/Qwen2.5-Coder-7B bash recipes/openrlhf/train_reinforce_pp.sh
# Needs a GPU node with openrlhf[vllm] and ray; aceforge on the same machine.
# Flags checked against OpenRLHF 0.11.0 (openrlhf/cli/train_ppo_ray.py, dotted names); releases
# before 0.11 spell them with underscores (--remote_rm_url, --input_key, --advantage_estimator).
set -euo pipefail
RUN=${RUN:-runs/quickstart}
POLICY=${POLICY:-Qwen/Qwen2.5-Coder-7B}
DATA=${DATA:-$RUN/rl-openrlhf}
PORT=${PORT:-5000}
SAVE=${SAVE:-$RUN/openrlhf-reinforce-pp}

# 1. The hard subset, with each question's tests (and entry point) in its label.
aceforge export-rl "$RUN/06-hard" -o "$DATA" --format openrlhf

# 2. The reward server (or use --reward.remote_url recipes/openrlhf/reward_func.py instead).
aceforge serve --port "$PORT" --kind binary &
SERVER=$!
trap 'kill $SERVER' EXIT
until curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; do sleep 1; done

# 3. REINFORCE++ (`--algo.advantage.estimator reinforce`; `reinforce_baseline` for REINFORCE++-baseline).
ray start --head --node-ip-address 127.0.0.1 --num-gpus "${GPUS:-8}" || true
ray job submit --address="http://127.0.0.1:8265" -- python3 -m openrlhf.cli.train_ppo_ray \
  --ref.num_nodes 1 --ref.num_gpus_per_node 1 \
  --actor.num_nodes 1 --actor.num_gpus_per_node "${ACTOR_GPUS:-4}" \
  --vllm.num_engines "${VLLM_ENGINES:-2}" --vllm.tensor_parallel_size 1 \
  --actor.model_name_or_path "$POLICY" \
  --reward.remote_url "http://127.0.0.1:$PORT/get_reward" \
  --data.prompt_dataset "$DATA/data.jsonl" --data.input_key prompt --data.label_key label \
  --data.apply_chat_template \
  --algo.advantage.estimator reinforce \
  --rollout.batch_size 256 --rollout.n_samples_per_prompt 8 --train.batch_size 128 \
  --rollout.micro_batch_size 16 --train.micro_batch_size 4 \
  --actor.adam.lr 5e-7 --algo.kl.init_coef 0.01 --train.num_episodes 1 --train.max_epochs 1 \
  --data.max_len 3072 --rollout.max_new_tokens 2048 --rollout.temperature 1.0 \
  --ds.zero_stage 3 --ds.param_dtype bf16 --actor.gradient_checkpointing_enable --ds.packing_samples \
  --ckpt.output_dir "$SAVE" --ckpt.save_hf

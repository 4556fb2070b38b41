"""The rewards as each RL framework calls them, with real tokenizers built here: whatever the
framework sends around the response, only the response's code is scored.

OpenRLHF (0.11.0, ``SingleTurnAgentExecutor.execute``): the prompt is tokenized without special
tokens, cut from the left to fit ``max_len``, the response's token ids are appended (with the
end-of-turn token vLLM stops on), and ``decode(prompt_ids + response_ids,
skip_special_tokens=False)`` goes to the reward as ``query`` beside the original prompt.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from aceforge.rewards.core import label_of
from aceforge.rewards.verl import compute_score, compute_score_batch

pytestmark = pytest.mark.integration
RECIPES = Path(__file__).parents[2] / "recipes"
TESTS = ["assert add(1, 2) == 3", "assert add(-1, 1) == 0", "assert add(2, 5) == 7"]
LABEL = label_of(TESTS, entry_point="add")
SHOWN_RIGHT = "```python\ndef add(a, b):\n    return a + b\n```"
SHOWN_BUGGY = "```python\ndef add(a, b):\n    return a - b\n```"

# (name, what the prompt shows, the response, the reward it has earned)
CASES = [
    ("wrong answer to a prompt showing a right example", SHOWN_RIGHT,
     "```python\ndef add(a, b):\n    return a * b\n```", 0.0),
    ("right fix of a prompt showing buggy code", SHOWN_BUGGY,
     "Fixed:\n```python\ndef add(a, b):\n    return a + b\n```", 1.0),
    ("unfenced code glued to the end-of-turn token", SHOWN_BUGGY,
     "def add(a, b):\n    return a + b", 1.0),
    ("a helper block before the answer", SHOWN_BUGGY,
     "```python\ndef square(x):\n    return x * x\n```\nThe answer:\n```python\ndef add(a, b):\n    return a + b\n```",
     1.0),
    ("always-equal hack", SHOWN_RIGHT,
     "```python\nclass E:\n    def __eq__(self, o):\n        return True\n\ndef add(a, b):\n    return E()\n```", 0.0),
    ("exit hack", SHOWN_RIGHT, "```python\nimport sys\n\ndef add(a, b):\n    sys.exit(0)\n```", 0.0),
]  # fmt: skip


def chat_prompt(shown: str) -> str:
    """The ChatML prompt OpenRLHF builds with --data.apply_chat_template."""
    question = (
        "Write a naïve  function add(a, b) that returns the sum  of two numbers.\n"
        f"Here is what we have so far:\n{shown}\nAnswer with the whole function."
    ).replace("ï", "i\u0308")  # decomposed, as text often arrives; an NFC tokenizer composes it
    return f"<|im_start|>system\nYou are a careful coder.<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"


def tokenizer(normalizer: str):
    """A byte-level BPE trained here with ChatML special tokens; `normalizer`: none, nfc
    (like Qwen2's) or spaces (runs of spaces collapsed, like SentencePiece's)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = [chat_prompt(shown) + case[2] for shown in (SHOWN_RIGHT, SHOWN_BUGGY) for case in CASES] * 3
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=400, special_tokens=special,
                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))  # fmt: skip
    if normalizer == "nfc":
        tok.normalizer = normalizers.NFC()
    elif normalizer == "spaces":
        tok.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")


def openrlhf_query(tok, prompt: str, response: str, keep_prompt_tokens: float = 1.0) -> str:
    """What SingleTurnAgentExecutor sends as the query (the response's ids are what the policy
    generated, so they are encoded without the normaliser, then the end-of-turn id)."""
    prompt_ids = tok(text=prompt, add_special_tokens=False)["input_ids"]
    keep = max(1, int(len(prompt_ids) * keep_prompt_tokens))
    prompt_ids = prompt_ids[-keep:]
    normalizer = tok.backend_tokenizer.normalizer
    tok.backend_tokenizer.normalizer = None
    try:
        response_ids = tok(text=response, add_special_tokens=False)["input_ids"]
    finally:
        tok.backend_tokenizer.normalizer = normalizer
    return tok.decode(prompt_ids + response_ids + [tok.eos_token_id], skip_special_tokens=False)


@pytest.fixture(scope="module")
def queries():
    """Every case under three tokenizers and two prompt budgets."""
    pytest.importorskip("transformers")
    out = []
    for kind in ("none", "nfc", "spaces"):
        tok = tokenizer(kind)
        for keep in (1.0, 0.6):
            for name, shown, response, want in CASES:
                prompt = chat_prompt(shown)
                out.append(
                    (f"{kind}/{keep}/{name}", openrlhf_query(tok, prompt, response, keep), prompt, want)
                )
    # the tokenizers really did what they are meant to: the query does not start with the prompt
    assert any(not q.startswith(p) for _, q, p, _ in out if q.startswith("<|im_start|>system"))
    return out


def load(path: Path):
    spec = importlib.util.spec_from_file_location("reward_func", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_openrlhf_py_reward_scores_the_response_only(queries) -> None:
    module = load(RECIPES / "openrlhf/reward_func.py")
    got = {}
    for name, query, prompt, _ in queries:  # OpenRLHF calls it one item at a time
        out = module.reward_func([query], [prompt], [LABEL])
        got[name] = float(out["rewards"][0])
        assert float(out["extra_logs"]["response_unlocated"][0]) == 0.0, name
    assert got == {name: want for name, _, _, want in queries}


def test_openrlhf_get_reward_scores_the_response_only(queries) -> None:
    import httpx
    from test_serve import Server

    server = Server()
    try:
        body = {"query": [q for _, q, _, _ in queries], "prompts": [p for _, _, p, _ in queries],
                "labels": [LABEL] * len(queries)}  # fmt: skip
        out = httpx.post(server.url + "/get_reward", json=body, timeout=60).json()
    finally:
        server.stop()
    got = dict(zip([n for n, _, _, _ in queries], out["rewards"], strict=True))
    assert got == {name: want for name, _, _, want in queries}
    assert out["extra_logs"]["response_unlocated"] == [0.0] * len(queries)


def test_verl_accepts_its_extra_keyword_arguments_and_the_batch_form() -> None:
    right, wrong = CASES[1][2], CASES[0][2]
    extra = {"entry_point": "add", "num_turns": 1, "rollout_reward_scores": {}}
    # the reward loop's extra arguments, and reward_kwargs from the config
    one = compute_score(data_source="aceforge", solution_str=right, ground_truth=LABEL, extra_info=extra,
                        reward_router_address=None, reward_model_tokenizer=None, some_reward_kwarg=3)  # fmt: skip
    assert one["score"] == 1.0
    np = pytest.importorskip("numpy")
    # BatchRewardManager: keyword arguments, numpy object arrays, plus reward_kwargs
    batch = compute_score_batch(
        data_sources=np.array(["aceforge"] * 3, dtype=object),
        solution_strs=[right, wrong, CASES[3][2]],
        ground_truths=[LABEL, LABEL, label_of(TESTS)],
        extra_infos=np.array([extra, extra, {}], dtype=object),
        some_reward_kwarg=3,
    )
    # the third names its entry point nowhere but the label: the helper block would win without it
    assert [b["score"] for b in batch] == [1.0, 0.0, 0.0]
    labelled = compute_score_batch(["a"], [CASES[3][2]], [LABEL], None)
    assert labelled[0]["score"] == 1.0


def test_trl_own_reward_path_on_plain_and_conversational_rows(tmp_path: Path) -> None:
    """GRPOTrainer._calculate_rewards with our reward function, as TRL calls it mid-training."""
    pytest.importorskip("trl")
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    from aceforge.rewards.trl import trl_reward
    from aceforge.tiny_models import tiny_qwen2

    right, wrong = CASES[1][2], CASES[0][2]
    model = tiny_qwen2(["def add(a, b): return a + b"] * 10, tmp_path / "tiny", kind="causal")
    config = GRPOConfig(output_dir=str(tmp_path / "out"), per_device_train_batch_size=2, num_generations=2,
                        max_completion_length=8, use_cpu=True, report_to=[], max_steps=1)  # fmt: skip
    for conversational in (False, True):
        question = "Write add(a, b)."
        prompt = [{"role": "user", "content": question}] if conversational else question
        rows = [{"prompt": prompt, "tests": label_of(TESTS), "entry_point": "add"}] * 2
        trainer = GRPOTrainer(model=model, reward_funcs=[trl_reward()], args=config,
                              train_dataset=Dataset.from_list(rows))  # fmt: skip
        completions = [right, wrong, CASES[3][2]]
        if conversational:
            completions = [[{"role": "assistant", "content": c}] for c in completions]
        rewards = trainer._calculate_rewards(rows + rows[:1], [prompt] * 3, completions, [[1], [2], [3]])
        assert rewards[:, 0].tolist() == [1.0, 0.0, 1.0], conversational

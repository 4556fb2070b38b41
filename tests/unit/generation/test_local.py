"""In-process clients, what needs no model: stop cutting, one call at a time in a thread,
and a clear error for a model file that is not there."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from aceforge.errors import ConfigError, MissingExtraError
from aceforge.generation.base import Completion, GenParams, Prompt, prompt_text
from aceforge.generation.local import LlamaCppClient, _Blocking, _cut_at_stop


@pytest.mark.parametrize(
    ("text", "stop", "want"),
    [
        ("abc\n\ndef", ("\n\n",), ("abc", True)),
        ("a;b|c", ("|", ";"), ("a", True)),  # the earliest stop wins, whatever its order
        ("abc", ("x",), ("abc", False)),
        ("abc", (), ("abc", False)),
    ],
)
def test_cut_at_stop(text: str, stop: tuple[str, ...], want: tuple[str, bool]) -> None:
    assert _cut_at_stop(text, stop) == want


class _Echo(_Blocking):
    """The blocking seam's only hook, filled with a slow echo."""

    model, chat = "echo", False

    def __init__(self) -> None:
        super().__init__()
        self.now = self.peak = 0
        self.threads: set[int] = set()

    def _generate(self, prompt: Prompt, params: GenParams, sample: int) -> Completion:
        self.now += 1
        self.peak = max(self.peak, self.now)
        self.threads.add(threading.get_ident())
        time.sleep(0.02)
        self.now -= 1
        return Completion(prompt_text(prompt), 2, 3)


def test_blocking_generation_runs_one_at_a_time_off_the_event_loop() -> None:
    client = _Echo()

    async def go() -> list[Completion]:
        return list(await asyncio.gather(*(client.generate(f"p{k}", GenParams()) for k in range(4))))

    out = asyncio.run(go())
    assert [c.text for c in out] == ["p0", "p1", "p2", "p3"]
    assert client.peak == 1 and threading.get_ident() not in client.threads
    assert (client.stats.requests, client.stats.prompt_tokens, client.stats.completion_tokens) == (4, 8, 12)
    assert client.max_in_flight == 1


def test_a_missing_gguf_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.gguf"
    try:
        LlamaCppClient(model_path=str(path))
    except MissingExtraError as e:  # llama-cpp-python not installed: says what to install
        assert "llama-cpp-python" in str(e)
    except ConfigError as e:
        assert str(path) in str(e)
    else:
        pytest.fail("no error for a missing model file")

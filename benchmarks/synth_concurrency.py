"""synth over 16 stdlib seeds against a local llama.cpp OpenAI-compatible server, with 1 and
with 8 requests in flight, in the same run (cache off). Prints wall time, tokens/s and the
speed-up. The server's own parallelism bounds what concurrency can buy: report it as it is.

For contrast, the same stage against a latency-bound endpoint (a local HTTP server that answers
after a fixed delay, like a remote API with spare capacity) shows what the client itself does
with more requests in flight.

    python benchmarks/synth_concurrency.py [--seeds 16] [--max-tokens 256]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from aceforge.execution.executor import LocalExecutor
from aceforge.generation import ClientConfig
from aceforge.runtime import Runtime
from aceforge.synthesis.stages import run_synth
from aceforge.synthesis.synth import SynthConfig
from llm_servers import FaultServer, LlamaServer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--in-flight", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--latency-s", type=float, default=0.5, help="delay of the latency-bound endpoint")
    ap.add_argument("--out", default="benchmarks/results/synth_concurrency.json")
    args = ap.parse_args()
    report = {"seeds": args.seeds, "max_tokens": args.max_tokens}
    with LocalExecutor(workers=1) as ex, tempfile.TemporaryDirectory() as tmp:
        server = LlamaServer()
        try:
            print("llama.cpp server (Gemma 3 270M, 2 cores):")
            report["llama_cpp_server"] = _runs(server.url, server.alias, args, ex, Path(tmp) / "llama")
        finally:
            server.close()
        # Answers recorded from the llama.cpp runs above, replayed after a fixed delay.
        first = Path(tmp) / "llama" / f"n{args.in_flight[0]}" / "parts.jsonl"
        replay = _replayer(first)
        fake = FaultServer(replay, delay_s=args.latency_s, faults=False)
        try:
            print(f"latency-bound endpoint ({args.latency_s}s per answer):")
            report["latency_bound"] = _runs(fake.url, "replay", args, ex, Path(tmp) / "fake")
        finally:
            fake.close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


def _runs(url: str, model: str, args: argparse.Namespace, ex: LocalExecutor, tmp: Path) -> list[dict]:
    results = []
    for n in args.in_flight:
        client = ClientConfig(
            client="openai", model=model, base_url=url, prompt_style="completion", max_in_flight=n
        )
        cfg = SynthConfig(max_tokens=args.max_tokens, chunk_size=args.seeds)
        t = time.perf_counter()
        m = run_synth(
            "stdlib",
            tmp / f"n{n}",
            client,
            cfg,
            limit=args.seeds,
            rt=Runtime(use_llm_cache=False, executor=ex),
        )
        wall = time.perf_counter() - t
        tokens = m["generation"][0]["client"]["completion_tokens"]
        results.append(
            {
                "in_flight": n,
                "seconds": round(wall, 2),
                "completion_tokens": tokens,
                "tokens_per_s": round(tokens / wall, 1),
                "kept": m["counts"]["kept"],
            }
        )
        print(
            f"  in flight {n}: {wall:.1f}s, {tokens} completion tokens, {tokens / wall:.1f} tok/s, "
            f"{m['counts']['kept']}/{args.seeds} questions kept",
            flush=True,
        )
    base = results[0]
    for r in results[1:]:
        print(
            f"  speed-up {r['in_flight']} vs {base['in_flight']} in flight: {base['seconds'] / r['seconds']:.2f}x"
        )
    return results


def _replayer(parts: Path):
    """The few-shot continuation the model gave for each seed, keyed by the seed's program."""
    answers = {}
    for line in parts.read_text().splitlines():
        row = json.loads(line).get("row")
        if row:
            answers[row["reference"].strip()] = row["question"]

    def answer(prompt: str, seed: int = 0) -> str:
        program = prompt.rsplit("### Program\n", 1)[1].split("\n### Answer", 1)[0].strip()
        question = answers.get(program, "a function.")
        return f' {question}",\n "inputs": []\n}}\n'

    return answer


if __name__ == "__main__":
    main()

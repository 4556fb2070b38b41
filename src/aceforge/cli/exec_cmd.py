"""``aceforge exec``: run programs against their tests in the sandboxed engine."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from aceforge.artifacts import JsonlWriter, write_config
from aceforge.cli.options import with_engine_options, with_settings
from aceforge.config import EngineConfig
from aceforge.errors import ConfigError
from aceforge.execution.factory import make_executor
from aceforge.io import ExecRow, read_exec_rows
from aceforge.types import ExecResult, Job, Limits

console = Console(stderr=True)
# make_executor's parameters have no metadata to hold their help: here it is, for the options.
_EXECUTOR_HELP = {
    "isolation": "auto | strict (refuse without namespaces) | minimal.",
    "rel_tol": "Relative tolerance for float comparisons.",
    "abs_tol": "Absolute tolerance for float comparisons.",
}


@with_settings(Limits, "limits", only=("timeout_s", "import_timeout_s", "memory_mb"))
@with_settings(Job, "job", only=("fail_fast", "child_per_test", "compare_in_sandbox"), as_dict=True)
@with_engine_options()
@with_settings(make_executor, "checks", only=tuple(_EXECUTOR_HELP), help=_EXECUTOR_HELP)
def exec_command(
    limits: Limits,
    job: dict[str, bool],
    engine: EngineConfig,
    checks: dict[str, Any],
    input: Annotated[Path, typer.Argument(help="JSONL or Parquet rows: {id, program, tests, [timeout_s]}.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSONL results; rows already there are skipped.")
    ],
) -> None:
    """Execute programs against assert or stdin/stdout tests; write per-test outcomes as JSONL.

    Every input row is validated before anything runs. Results stream to OUTPUT as they finish;
    re-running with the same OUTPUT skips finished ids, so an interrupted run resumes.
    """
    if limits.timeout_s <= 0:
        raise ConfigError("--timeout-s must be positive")
    executor = make_executor(
        engine.executor, engine.workers or None, ray_address=engine.ray_address, **checks
    )
    executor.launch()  # the fork servers load while the input is read and checked
    try:
        rows = read_exec_rows(input)
        writer = JsonlWriter(output)
    except BaseException:
        executor.close()
        raise
    todo = [r for r in rows if r.id not in writer.done_ids]
    if len(todo) < len(rows):
        console.print(f"resuming: {len(rows) - len(todo)} of {len(rows)} rows already in {output}")
    config = {
        "stage": "exec",
        "input": str(input),
        "executor": engine.executor,
        "workers": getattr(executor, "n_workers", engine.workers),
        "timeout_s": limits.timeout_s,
        "import_timeout_s": limits.import_timeout,
        "memory_mb": limits.memory_mb,
        **checks,
        **job,
    }
    jobs = (_job(r, limits, job) for r in todo if not r.checker)
    checked = [(_job(r, limits, job), r.checker) for r in todo if r.checker]
    _execute(executor, writer, _results(executor, jobs, checked), len(todo), config, output)


def _execute(
    executor: Any,
    writer: JsonlWriter,
    results: Iterator[ExecResult],
    total: int,
    config: dict[str, Any],
    output: Path,
) -> None:
    """Run the jobs `results` comes from, streaming each result to `writer`; a summary table at
    the end."""
    stats = _Stats()
    started = time.perf_counter()
    try:
        with executor, writer, _progress() as progress:
            config["isolation_report"] = executor.isolation_report
            write_config(output, config)
            task = progress.add_task("executing", total=total)
            for result in results:
                row = result.to_row()
                writer.write(row)
                stats.add(row)
                progress.advance(task)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/]: {stats.n} results saved in {output}; re-run to resume")
        raise typer.Exit(130) from None
    stats.show(time.perf_counter() - started, output)


def _results(executor: Any, jobs: Iterator[Job], checked: list[tuple[Job, str]]) -> Iterator[ExecResult]:
    """Each job's result as it finishes; then those of rows whose label has a checker program,
    judged by it (``checkers.run_jobs``: every program's runs, then every check)."""
    yield from executor.run(jobs)
    if checked:
        from aceforge.checkers import run_jobs

        yield from run_jobs(executor, [j for j, _ in checked], {j.id: c for j, c in checked})


def _job(row: ExecRow, limits: Limits, flags: dict[str, bool]) -> Job:
    if row.timeout_s is not None:
        limits = dataclasses.replace(limits, timeout_s=row.timeout_s)
    return Job(row.id, row.program, row.tests, limits, **flags)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} programs/s" if speed else "… programs/s", style="cyan")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


class _Stats:
    def __init__(self) -> None:
        self.n = 0
        self.all_passed = 0
        self.pass_rate_sum = 0.0
        self.status: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()

    def add(self, row: dict[str, Any]) -> None:
        """One result, as its output row (already computed for the file)."""
        self.n += 1
        self.all_passed += bool(row["passed"]) and all(row["passed"])
        self.pass_rate_sum += row["pass_rate"]
        self.status[row["status"]] += 1
        self.outcomes.update(row["outcomes"])

    def show(self, seconds: float, output: Path) -> None:
        table = Table(
            title=f"aceforge exec: {self.n} programs in {seconds:.1f}s "
            f"({self.n / seconds if seconds else 0:.0f}/s)"
        )
        table.add_column("measure")
        table.add_column("value", justify="right")
        if self.n:
            table.add_row("mean pass rate", f"{self.pass_rate_sum / self.n:.3f}")
            table.add_row("all tests passed", f"{self.all_passed} ({self.all_passed / self.n:.1%})")
        for k, v in sorted(self.status.items()):
            table.add_row(f"status {k}", str(v))
        for k, v in sorted(self.outcomes.items()):
            table.add_row(f"tests {k}", str(v))
        Console().print(table)
        console.print(f"results: {output}")


def humaneval_jobs_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the exec input JSONL.")],
    codet_dir: Annotated[Path, typer.Option(help="CodeT's data folder (humaneval_*.jsonl).")] = Path(
        "../shared/data/codet"
    ),
    samples_per_problem: Annotated[int, typer.Option(help="CodeGen-16B samples per problem (max 100).")] = 5,
    canonical: Annotated[bool, typer.Option(help="Also add each problem's canonical solution.")] = False,
) -> None:
    """Write HumanEval x CodeGen-16B samples as `aceforge exec` input (program = prompt + completion)."""
    from aceforge.artifacts import JsonlWriter
    from aceforge.evaluation.humaneval import canonical_jobs, humaneval_jobs, load_codet_humaneval

    problems = load_codet_humaneval(codet_dir)
    jobs = humaneval_jobs(problems, samples_per_problem)
    if canonical:
        jobs += canonical_jobs(problems)
    if output.exists():
        output.unlink()
    with JsonlWriter(output) as w:
        for j in jobs:
            w.write({"id": j.id, "program": j.program, "tests": list(j.tests)})
    console.print(f"wrote {len(jobs)} jobs for {len(problems)} problems to {output}")

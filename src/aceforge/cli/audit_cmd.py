"""``aceforge audit``: how well each suite judges programs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aceforge.cli.options import with_engine_options, with_settings
from aceforge.cli.synth_cmd import runtime
from aceforge.config import EngineConfig
from aceforge.evaluation.configs import AuditConfig

console = Console(stderr=True)


@with_settings(AuditConfig, "cfg")
@with_engine_options(only=("workers",))
def audit_command(
    cfg: AuditConfig,
    engine: EngineConfig,
    input: Annotated[
        str,
        typer.Argument(help="A stage folder, a JSONL/Parquet file of questions, or hf:OWNER/NAME[:split]."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")],
    solutions: Annotated[
        Path | None,
        typer.Option(help="Labeled programs, JSONL rows {id, program, label}: gives TPR and TNR per suite."),
    ] = None,
    codet_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder with humaneval_problems.jsonl / mbpp_sanitized_problems.jsonl: flags overlap."
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Audit the first N questions.")] = None,
) -> None:
    """Measure every suite: duplicate, trivial and flaky tests, precision against the reference,
    mutation score, per-test discrimination, proxy pass counts, and TPR/TNR given --solutions.

    Writes OUTPUT/data.parquet + data.jsonl (the rows with an ``audit`` column), audit.json,
    report.md and plots.
    """
    from aceforge.evaluation.audit import run_audit, summary_lines

    summary = run_audit(input, output, cfg, solutions, codet_dir, limit, runtime(None, True, engine))
    console.print("\n".join(summary_lines(summary)))
    console.print(f"report: {output / 'report.md'}")

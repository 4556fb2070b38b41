"""``aceforge audit``: how well each suite judges programs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aceforge.cli.options import WorkersOpt
from aceforge.cli.synth_cmd import runtime
from aceforge.evaluation.configs import AuditConfig

console = Console(stderr=True)

_AUDIT = AuditConfig()  # option defaults come from the settings


def audit_command(
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
    n_mutants: Annotated[
        int, typer.Option(help="Mutants of each reference (0: no mutation score).")
    ] = _AUDIT.n_mutants,
    timeout_s: Annotated[float, typer.Option(help="Per test.")] = _AUDIT.timeout_s,
    workers: WorkersOpt = 0,
) -> None:
    """Measure every suite: duplicate, trivial and flaky tests, precision against the reference,
    mutation score, per-test discrimination, proxy pass counts, and TPR/TNR given --solutions.

    Writes OUTPUT/data.parquet + data.jsonl (the rows with an ``audit`` column), audit.json,
    report.md and plots.
    """
    from aceforge.evaluation.audit import run_audit, summary_lines

    cfg = AuditConfig(n_mutants=n_mutants, timeout_s=timeout_s)
    summary = run_audit(input, output, cfg, solutions, codet_dir, limit, runtime(None, True, workers))
    console.print("\n".join(summary_lines(summary)))
    console.print(f"report: {output / 'report.md'}")

"""``aceforge import``: a dataset in any test format → aceforge stage rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from aceforge.artifacts import iter_input, write_rows
from aceforge.cli.options import with_settings
from aceforge.errors import ConfigError
from aceforge.formats import FORMATS
from aceforge.formats.stage_rows import stage_rows


@dataclass(frozen=True)
class ImportConfig:
    format: str = field(
        default="auto",
        metadata={
            "help": "auto (from each label's keys) | " + " | ".join(f for f in FORMATS if f != "aceforge")
        },
    )


@with_settings(ImportConfig, "cfg")
def import_command(
    cfg: ImportConfig,
    input: Annotated[str, typer.Argument(help="JSONL or Parquet file, or hf:OWNER/NAME[:split].")],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL stage rows to write.")],
) -> None:
    """Convert a dataset's rows (APPS/TACO/PRIME, LiveCodeBench, CodeContests, KodCode,
    HumanEval, MBPP) into stage rows {id, question, tests, entry_point, format, prelude?}.

    Every row is read before anything is written; a bad row is reported with its file, row and
    field, all of them together, and OUTPUT is left as it was.
    """
    if cfg.format != "auto" and cfg.format not in FORMATS:
        raise ConfigError(f"--format {cfg.format!r}: one of auto, {', '.join(FORMATS)}")
    rows = stage_rows(iter_input(input), None if cfg.format == "auto" else cfg.format)
    write_rows(output, rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["format"]] = counts.get(r["format"], 0) + 1
    typer.echo(f"{len(rows)} rows → {output} ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})")

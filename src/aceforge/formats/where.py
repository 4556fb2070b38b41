"""Where a label came from, so that every error names its file (or source), row and field."""

from __future__ import annotations

from dataclasses import dataclass

from aceforge.errors import DataFormatError


@dataclass(frozen=True)
class Where:
    source: str = "label"
    row: int | None = None
    prefix: str = ""  # the field path of the label within its row, e.g. "reward_model.ground_truth"

    def error(self, field: str | None, problem: str) -> DataFormatError:
        full = ".".join(p for p in (self.prefix, field or "") if p) or None
        return DataFormatError(self.source, self.row, full, problem)

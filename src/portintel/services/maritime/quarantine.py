"""What the AIS ingest refused, and why: counts by reason and the first rows.

Quarantine keeps input that cannot be trusted at all (bad checksums, absurd
values) with its reason and where it came from, so an operator can fix the
feed or the file and ingest again.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from portintel.domain.maritime.schema import QUARANTINE
from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    reason: str
    location: str
    line: int | None
    raw: str


@dataclass(frozen=True, slots=True)
class QuarantineSummary:
    by_reason: tuple[tuple[str, int], ...]
    """Every reason with its row count, most frequent first."""
    rows: tuple[QuarantinedRow, ...]
    """The first rows by location and line, at most the limit asked for."""

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_reason)


def summarise_quarantine(
    ws: Workspace, *, reason: str | None = None, limit: int = 50
) -> QuarantineSummary:
    """Quarantined AIS input, optionally only rows whose reason contains ``reason``."""
    rows = ws.tracks.scan(QUARANTINE)
    if reason:
        rows = rows.filter(pl.col("reason").str.contains(reason, literal=True))
    with ws.tracks.reading():  # a compaction meanwhile keeps the files this scan lists
        counts = (
            rows.group_by("reason")
            .agg(pl.len().alias("n"))
            .sort(["n", "reason"], descending=[True, False])
            .collect()
        )
        shown = rows.sort("location", "line").head(limit).collect()
    return QuarantineSummary(
        by_reason=tuple((why, int(n)) for why, n in counts.iter_rows()),
        rows=tuple(
            QuarantinedRow(
                reason=row["reason"],
                location=row["location"] or "",
                line=row["line"],
                raw=row["raw"] or "",
            )
            for row in shown.iter_rows(named=True)
        ),
    )

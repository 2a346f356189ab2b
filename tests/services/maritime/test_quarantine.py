"""The quarantine summary reads the track store through the TrackReader port."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime

import polars as pl

from portintel.domain.maritime.schema import QUARANTINE, Dataset
from portintel.services.maritime import summarise_quarantine
from portintel.services.workspace import Workspace


class FrameTracks:
    """A TrackReader over in-memory frames, one per dataset name."""

    def __init__(self, frames: dict[str, pl.DataFrame]) -> None:
        self.frames = frames

    def scan(self, dataset: Dataset, **prune: object) -> pl.LazyFrame:
        assert not prune, "the quarantine summary reads every day and vessel"
        frame = self.frames.get(dataset.name)
        return (dataset.empty() if frame is None else dataset.conform(frame)).lazy()

    def reading(self) -> AbstractContextManager[None]:
        return nullcontext()

    def count(self, dataset: Dataset) -> int:
        return int(self.scan(dataset).select(pl.len()).collect().item())

    def days(self, dataset: Dataset) -> list[str]:
        return []


def _rows(*rows: tuple[str, str | None, int | None, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "key": [f"k{i}" for i in range(len(rows))],
            "reason": [row[0] for row in rows],
            "source": ["feed"] * len(rows),
            "location": [row[1] for row in rows],
            "line": [row[2] for row in rows],
            "raw": [row[3] for row in rows],
            "ts": [datetime(2026, 3, 1, tzinfo=UTC)] * len(rows),
        }
    )


def test_counts_by_reason_most_frequent_first_and_rows_in_file_order(
    workspace: Workspace,
) -> None:
    frame = _rows(
        ("bad checksum", "b.nmea", 7, "!AIVDM,bad*00"),
        ("position on land", "a.nmea", 3, "!AIVDM,land"),
        ("bad checksum", "a.nmea", 9, "!AIVDM,bad*01"),
        ("bad checksum", "a.nmea", 2, "!AIVDM,bad*02"),
    )
    ws = replace(workspace, tracks=FrameTracks({QUARANTINE.name: frame}))
    summary = summarise_quarantine(ws, limit=3)
    assert summary.by_reason == (("bad checksum", 3), ("position on land", 1))
    assert summary.total == 4
    assert [(row.location, row.line) for row in summary.rows] == [
        ("a.nmea", 2),
        ("a.nmea", 3),
        ("a.nmea", 9),
    ]


def test_reason_filter_is_a_literal_substring(workspace: Workspace) -> None:
    frame = _rows(
        ("bad checksum", "a.nmea", 1, "x"),
        ("position on land", None, None, "y"),
        ("speed (.*) absurd", "a.nmea", 2, "z"),
    )
    ws = replace(workspace, tracks=FrameTracks({QUARANTINE.name: frame}))
    land = summarise_quarantine(ws, reason="land")
    assert land.by_reason == (("position on land", 1),)
    assert [(row.location, row.line, row.raw) for row in land.rows] == [("", None, "y")]
    assert summarise_quarantine(ws, reason="(.*)").by_reason == (("speed (.*) absurd", 1),)


def test_an_empty_store_has_nothing_in_quarantine(workspace: Workspace) -> None:
    summary = summarise_quarantine(workspace)
    assert summary.by_reason == () and summary.rows == () and summary.total == 0

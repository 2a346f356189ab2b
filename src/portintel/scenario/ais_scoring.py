"""Detected behaviour events against the scenario's truth: precision and recall per type.

A detected event is found when an event of the truth has the same type, the
same vessel (the same pair of vessels for an encounter), a start within the
tolerance (10 minutes by default, issue #11) and an end within it too, or
both ends open (a visit still going on at the end of the data). Matching is
one to one: each truth event is found at most once, each detection finds at
most one, closest first. Pure: the events come in as a frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from portintel.domain.maritime.behaviour.common import EVENT_TYPES
from portintel.scenario.ais_tracks import TruthEvent

TOLERANCE = timedelta(minutes=10)
GOAL = 0.95


@dataclass(frozen=True, slots=True)
class TypeScore:
    type: str
    truth: int
    detected: int
    matched_truth: int
    matched_detected: int

    @property
    def precision(self) -> float:
        """Share of detections that are true; 1.0 when nothing was detected."""
        return self.matched_detected / self.detected if self.detected else 1.0

    @property
    def recall(self) -> float:
        """Share of the truth that was detected; 1.0 when the truth holds none."""
        return self.matched_truth / self.truth if self.truth else 1.0

    def meets(self, goal: float = GOAL) -> bool:
        return self.truth > 0 and self.precision >= goal and self.recall >= goal


@dataclass(frozen=True, slots=True)
class Detected:
    type: str
    mmsi: int
    other_mmsi: int | None
    start: datetime
    end: datetime | None


def detected_events(frame: pl.DataFrame) -> list[Detected]:
    """Rows of the events table as :class:`Detected`."""
    return [
        Detected(row["type"], int(row["mmsi"]), row["other_mmsi"], row["start"], row["end"])
        for row in frame.select("type", "mmsi", "other_mmsi", "start", "end").iter_rows(named=True)
    ]


def _key(kind: str, mmsi: int, other: int | None) -> tuple[int, ...]:
    if kind == "encounter" and other is not None:
        return (min(mmsi, other), max(mmsi, other))
    return (mmsi,)


def _distance(truth: TruthEvent, found: Detected, tolerance: timedelta) -> float | None:
    start = abs(truth.start - found.start)
    if start > tolerance:
        return None
    if truth.end is None or found.end is None:
        if truth.end is not None or found.end is not None:
            return None
        return start.total_seconds()
    end = abs(truth.end - found.end)
    return None if end > tolerance else (start + end).total_seconds()


def score(
    truth: Sequence[TruthEvent],
    detected: Iterable[Detected],
    *,
    tolerance: timedelta = TOLERANCE,
    types: Sequence[str] = EVENT_TYPES,
) -> tuple[tuple[TypeScore, ...], list[TruthEvent], list[Detected]]:
    """Scores per type, the truth events missed and the detections that match none."""
    found = list(detected)
    scores: list[TypeScore] = []
    missed: list[TruthEvent] = []
    spurious: list[Detected] = []
    for kind in types:
        expected = [t for t in truth if t.type == kind]
        got = [d for d in found if d.type == kind]
        by_key: dict[tuple[int, ...], list[int]] = {}
        for index, detection in enumerate(got):
            by_key.setdefault(_key(kind, detection.mmsi, detection.other_mmsi), []).append(index)
        pairs: list[tuple[float, int, int]] = []
        for t_index, item in enumerate(expected):
            for d_index in by_key.get(_key(kind, item.mmsi, item.other_mmsi), []):
                distance = _distance(item, got[d_index], tolerance)
                if distance is not None:
                    pairs.append((distance, t_index, d_index))
        used_truth: set[int] = set()
        used_found: set[int] = set()
        for _, t_index, d_index in sorted(pairs):
            if t_index not in used_truth and d_index not in used_found:
                used_truth.add(t_index)
                used_found.add(d_index)
        missed += [item for i, item in enumerate(expected) if i not in used_truth]
        spurious += [item for i, item in enumerate(got) if i not in used_found]
        scores.append(TypeScore(kind, len(expected), len(got), len(used_truth), len(used_found)))
    return tuple(scores), missed, spurious

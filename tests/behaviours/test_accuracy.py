"""Behaviour detection against the scenario's truth (issue #11 item 6).

A small fleet on three seeds through the real path (NMEA file, ingest,
local executor): every event type at precision and recall 0.95 or more,
boundaries within 10 minutes. The full-size figures come from
``portintel ais evaluate`` (``benchmarks/ais_accuracy.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portintel.domain.maritime.behaviour.common import EVENT_TYPES
from portintel.scenario.ais_scoring import Detected, score
from portintel.scenario.ais_tracks import FleetSpec, TruthEvent
from portintel.services.training.ais_accuracy import evaluate_accuracy
from portintel.settings import Settings

T = datetime(2026, 2, 14, 6, tzinfo=UTC)


def test_every_event_type_is_found_on_three_seeds(tmp_path: Path) -> None:
    report = evaluate_accuracy(
        (1, 2, 3),
        FleetSpec(vessels=24, days=2.0),
        base=Settings(data_dir=tmp_path / "base", database_url=None),
        work_dir=tmp_path,
    )
    assert [r.seed for r in report.results] == [1, 2, 3]
    for result in report.results:
        assert {s.type for s in result.scores} == set(EVENT_TYPES)
        for s in result.scores:
            # every type is in the truth of every seed, and found
            assert s.truth > 0, (result.seed, s.type)
            assert s.precision >= 0.95, (result.seed, s.type, result.spurious[:5])
            assert s.recall >= 0.95, (result.seed, s.type, result.missed[:5])
    assert report.meets()


def _found(kind: str, mmsi: int, start: datetime, end: datetime | None) -> Detected:
    return Detected(kind, mmsi, None, start, end)


def test_a_boundary_eleven_minutes_off_is_not_found() -> None:
    truth = [TruthEvent("gap", 1, T, T + timedelta(hours=8))]
    near = _found("gap", 1, T + timedelta(minutes=9), T + timedelta(hours=8, minutes=-9))
    far = _found("gap", 1, T + timedelta(minutes=11), T + timedelta(hours=8))
    (gap, *_), _, _ = score(truth, [near], types=("gap",))
    assert (gap.precision, gap.recall) == (1.0, 1.0)
    (gap, *_), missed, spurious = score(truth, [far], types=("gap",))
    assert (gap.precision, gap.recall) == (0.0, 0.0)
    assert missed == truth and spurious == [far]


def test_matching_is_one_to_one_and_by_vessel() -> None:
    truth = [TruthEvent("loitering", 1, T, T + timedelta(hours=5))]
    twice = [_found("loitering", 1, T, T + timedelta(hours=5))] * 2
    other_vessel = [_found("loitering", 2, T, T + timedelta(hours=5))]
    (loitering,), _, _ = score(truth, twice, types=("loitering",))
    assert (loitering.precision, loitering.recall) == (0.5, 1.0)
    (loitering,), _, _ = score(truth, other_vessel, types=("loitering",))
    assert (loitering.precision, loitering.recall) == (0.0, 0.0)


def test_an_open_visit_matches_only_an_open_one() -> None:
    truth = [TruthEvent("port_visit", 1, T, None)]
    (visit,), _, _ = score(truth, [_found("port_visit", 1, T, None)], types=("port_visit",))
    assert visit.recall == 1.0
    closed = _found("port_visit", 1, T, T + timedelta(minutes=5))
    (visit,), _, _ = score(truth, [closed], types=("port_visit",))
    assert visit.recall == 0.0


def test_an_encounter_is_found_whichever_vessel_comes_first() -> None:
    truth = [TruthEvent("encounter", 5, T, T + timedelta(hours=3), other_mmsi=9)]
    found = Detected("encounter", 9, 5, T, T + timedelta(hours=3))
    (encounter,), _, _ = score(truth, [found], types=("encounter",))
    assert encounter.recall == 1.0


@pytest.mark.parametrize("goal", [0.95])
def test_a_type_with_no_truth_does_not_meet_the_goal(goal: float) -> None:
    (gap,), _, _ = score([], [], types=("gap",))
    assert not gap.meets(goal)

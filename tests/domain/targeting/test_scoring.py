"""Scores, voyages and cause keys; the score is always the sum of its reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.indicator_files import load_shipped_set
from portintel.domain.targeting import (
    GradedReport,
    VesselEvent,
    VesselFacts,
    score_of,
    score_vessel,
    transits,
    voyages,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SET = load_shipped_set()
TYPES = ("gap", "encounter", "loitering", "port_visit", "identity_change")


def visit(event_id: str, start: datetime, hours: float | None, port: str) -> VesselEvent:
    end = start + timedelta(hours=hours) if hours is not None else None
    return VesselEvent(event_id, "port_visit", start, end, details={"port_name": port})


def test_voyages_run_from_one_port_visit_to_the_next() -> None:
    a = visit("a", NOW - timedelta(days=9), 10, "Sihanoukville")
    b = visit("b", NOW - timedelta(days=5), 10, "Ranong")
    c = visit("c", NOW - timedelta(days=1), None, "Satun")  # still in port
    found = voyages(1, [c, a, b])
    assert [(v.from_port, v.to_port) for v in found] == [
        ("Sihanoukville", "Ranong"),
        ("Ranong", "Satun"),
    ]
    assert found[0].departed_at == a.end and found[0].arrived_at == b.start
    assert voyages(1, [a])[0].arrived_at is None  # at sea since it left


events = st.builds(
    lambda i, kind, days, hours, lat, lon, mid: VesselEvent(
        f"e{i}",
        kind,
        NOW - timedelta(days=days),
        NOW - timedelta(days=days) + timedelta(hours=hours),
        lat,
        lon,
        None,
        {
            "hours": hours,
            "kind": "mid_flag" if mid else "field",
            "port_kind": "landing_site" if mid else "port",
        },
    ),
    st.integers(0, 10_000),
    st.sampled_from(TYPES),
    st.floats(0, 40),
    st.floats(0, 48),
    st.floats(5, 12),
    st.floats(98, 106),
    st.booleans(),
)
reports = st.builds(
    lambda i, days, r, c: GradedReport(f"R-{i}", NOW - timedelta(days=days), r, c),
    st.integers(0, 1000),
    st.floats(0, 200),
    st.sampled_from("ABCDEF"),
    st.sampled_from("123456"),
)


@given(
    st.lists(events, max_size=12, unique_by=lambda e: e.event_id),
    st.lists(reports, max_size=4, unique_by=lambda r: r.report_id),
)
def test_a_score_is_always_the_sum_of_its_reasons(
    found: list[VesselEvent], graded: list[GradedReport]
) -> None:
    facts = VesselFacts(514_000_001, "v", events=tuple(found), reports=tuple(graded))
    for subject in score_vessel(SET, facts, NOW):
        assert subject.score == score_of(r.weight for r in subject.reasons)
        assert all(r.weight > 0 and r.evidence for r in subject.reasons)
        keys = [r.cause_key for r in subject.reasons]
        assert len(keys) == len(set(keys))
    # the same facts give the same causes: an alert keyed on them is raised once
    again = score_vessel(SET, facts, NOW)
    assert [r.cause_key for s in again for r in s.reasons] == [
        r.cause_key for s in score_vessel(SET, facts, NOW) for r in s.reasons
    ]


def test_new_evidence_is_a_new_cause() -> None:
    one = VesselEvent("e1", "encounter", NOW - timedelta(days=1), NOW - timedelta(hours=20))
    two = VesselEvent(
        "e2", "encounter", NOW - timedelta(days=2), NOW - timedelta(days=2) + timedelta(hours=3)
    )
    first = score_vessel(SET, VesselFacts(1, "v", events=(one,)), NOW)[0].reasons
    second = score_vessel(SET, VesselFacts(1, "v", events=(one, two)), NOW)[0].reasons
    assert first[0].cause_key != second[0].cause_key


def test_transits_tell_a_straight_passage_from_a_fishing_pattern() -> None:
    hours = np.arange(0, 12, 0.25)
    seconds = hours * 3600.0
    # straight east at 8 knots
    lon = 100.0 + hours * 8 * 1.852 / 111.0
    straight = transits(seconds, np.full_like(hours, 8.0), lon, np.full_like(hours, 8.0))
    assert len(straight) == 1 and straight[0].straightness > 0.99 and 7.5 < straight[0].knots < 8.5
    # circling at 4 knots
    angle = hours * 2.0
    circling = transits(
        seconds, 8.0 + 0.05 * np.sin(angle), 100.0 + 0.05 * np.cos(angle), np.full_like(hours, 4.0)
    )
    assert circling and circling[0].straightness < 0.3
    # stopped: no transit
    assert (
        transits(
            seconds, np.full_like(hours, 8.0), np.full_like(hours, 100.0), np.zeros_like(hours)
        )
        == []
    )

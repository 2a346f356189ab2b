"""Each shipped indicator, fired and not fired, on the smallest facts that show it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portintel.adapters.indicator_files import load_shipped_set
from portintel.domain.targeting import (
    GradedReport,
    IdentityFact,
    IncidentFact,
    Place,
    Transit,
    VesselEvent,
    VesselFacts,
    WatchedLink,
    Window,
    evaluate,
)
from portintel.domain.targeting.facts import Evidence

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
WINDOW = Window(NOW - timedelta(days=30), NOW)
MMSI = 514_123_456  # Cambodia (MID 514/515)
LANDING = Place("TH-LAND", "Landing beach", "landing_site", 7.0, 100.0)
PORT = Place("KHKOS", "Sihanoukville", "port", 10.6, 103.5)
SET = load_shipped_set("2026.1.yaml")


def fired(facts: VesselFacts, window: Window = WINDOW) -> dict[str, float]:
    return {reason.indicator_id: reason.weight for reason in evaluate(SET, facts, window)}


def vessel(**kwargs: object) -> VesselFacts:
    return VesselFacts(mmsi=MMSI, entity_id="ent-1", places=(LANDING, PORT), **kwargs)  # type: ignore[arg-type]


def at(days: float) -> datetime:
    return NOW - timedelta(days=days)


def event(
    event_id: str, type_: str, start: datetime, hours: float, **kwargs: object
) -> VesselEvent:
    details = dict(kwargs.pop("details", {}) or {})  # type: ignore[call-overload]
    details.setdefault("hours", hours)
    return VesselEvent(
        event_id,
        type_,
        start,
        start + timedelta(hours=hours),
        details=details,
        **kwargs,  # type: ignore[arg-type]
    )


def visit(event_id: str, start: datetime, hours: float, kind: str = "port") -> VesselEvent:
    return event(
        event_id,
        "port_visit",
        start,
        hours,
        lat=PORT.lat,
        lon=PORT.lon,
        details={"port_name": "Sihanoukville", "port_kind": kind},
    )


def test_the_shipped_set_has_every_indicator_the_issue_lists() -> None:
    assert {i.id for i in SET.indicators} == {
        "fishing_vessel_straight_transit",
        "ais_gap_near_departure_coast",
        "ais_gap_before_arrival",
        "encounter_at_sea",
        "loitering_off_landing_site",
        "identity_change_before_voyage",
        "mmsi_country_not_flag",
        "long_voyage_without_port_call",
        "linked_to_watchlist",
        "recent_graded_intelligence",
        "previous_incidents",
    }


def test_nothing_fires_for_a_vessel_with_no_facts() -> None:
    assert fired(vessel()) == {}


def fishing(value: str = "Fishing") -> IdentityFact:
    return IdentityFact("st-type", "type", value, at(20), at(1))


def test_fishing_vessel_on_a_long_straight_transit() -> None:
    straight = Transit(at(3), at(3) + timedelta(hours=10), 10.0, 0.97, 8.0)
    assert "fishing_vessel_straight_transit" in fired(
        vessel(identity=(fishing(),), transits=(straight,))
    )
    # fishing pattern: slow and turning
    trawling = Transit(at(3), at(3) + timedelta(hours=10), 10.0, 0.3, 3.5)
    assert "fishing_vessel_straight_transit" not in fired(
        vessel(identity=(fishing(),), transits=(trawling,))
    )
    # a cargo ship in transit is not suspicious for that reason
    assert "fishing_vessel_straight_transit" not in fired(
        vessel(identity=(fishing("Cargo"),), transits=(straight,))
    )


def test_ais_gap_near_a_departure_coast() -> None:
    near = event("g1", "gap", at(2), 8, lat=7.05, lon=100.05)
    far = event("g2", "gap", at(2), 8, lat=12.0, lon=105.0)
    assert "ais_gap_near_departure_coast" in fired(vessel(events=(near,)))
    assert "ais_gap_near_departure_coast" not in fired(vessel(events=(far,)))
    short = event("g3", "gap", at(2), 2, lat=7.05, lon=100.05)
    assert "ais_gap_near_departure_coast" not in fired(vessel(events=(short,)))


def test_ais_gap_before_arrival() -> None:
    gap = event("g1", "gap", at(3), 8, lat=12.0, lon=105.0)
    arrival = visit("v1", at(3) + timedelta(hours=20), 10)
    reasons = evaluate(SET, vessel(events=(gap, arrival)), WINDOW)
    reason = next(r for r in reasons if r.indicator_id == "ais_gap_before_arrival")
    assert {e.id for e in reason.evidence} == {"g1", "v1"}
    late = visit("v2", at(3) + timedelta(days=4), 10)
    assert "ais_gap_before_arrival" not in fired(vessel(events=(gap, late)))


def test_encounter_with_another_vessel_at_sea() -> None:
    meeting = event("e1", "encounter", at(1), 3, other_mmsi=533_000_001)
    assert fired(vessel(events=(meeting,)))["encounter_at_sea"] == 20
    old = event("e0", "encounter", at(60), 3)
    assert "encounter_at_sea" not in fired(vessel(events=(old,)))


def test_loitering_off_a_known_landing_site() -> None:
    off = event("l1", "loitering", at(1), 5, lat=7.05, lon=100.0)
    elsewhere = event("l2", "loitering", at(1), 5, lat=9.0, lon=102.0)
    assert "loitering_off_landing_site" in fired(vessel(events=(off,)))
    assert "loitering_off_landing_site" not in fired(vessel(events=(elsewhere,)))
    landed = visit("v1", at(1), 3, kind="landing_site")
    assert "loitering_off_landing_site" in fired(vessel(events=(landed,)))


def test_identity_change_shortly_before_a_voyage() -> None:
    change = event("i1", "identity_change", at(5), 0, details={"kind": "field", "field": "name"})
    departure = visit("v1", at(6), 30)  # in port, leaves a few hours after the change
    assert "identity_change_before_voyage" in fired(vessel(events=(change, departure)))
    long_before = visit("v2", at(5) + timedelta(days=10), 5)
    assert "identity_change_before_voyage" not in fired(vessel(events=(change, long_before)))


def test_mmsi_country_different_from_the_flag() -> None:
    thai_flag = IdentityFact("st-flag", "flag", "th", at(10), at(1), "R-1")
    assert "mmsi_country_not_flag" in fired(vessel(identity=(thai_flag,)))
    own_flag = IdentityFact("st-flag", "flag", "kh", at(10), at(1))
    assert "mmsi_country_not_flag" not in fired(vessel(identity=(own_flag,)))
    from_ais = event("i2", "identity_change", at(2), 0, details={"kind": "mid_flag"})
    assert "mmsi_country_not_flag" in fired(vessel(events=(from_ais,)))


def test_no_port_call_on_a_long_voyage() -> None:
    at_sea = vessel(track_start=at(10), track_end=at(1), events=(visit("v1", at(10), 5),))
    assert "long_voyage_without_port_call" in fired(at_sea)
    calls = (
        visit("v1", at(10), 5),
        visit("v2", at(8), 5),
        visit("v3", at(6), 5),
        visit("v4", at(4), 5),
        visit("v5", at(2), 30),
    )
    assert "long_voyage_without_port_call" not in fired(
        vessel(track_start=at(10), track_end=at(1), events=calls)
    )


def test_linked_within_two_hops_to_a_watched_person_or_phone() -> None:
    path = (Evidence("statement", "s-own", "R-1"), Evidence("statement", "s-phone", "R-2"))
    person = WatchedLink("person-1", "Person", "watch-1", path[:1])
    reason = next(
        r
        for r in evaluate(SET, vessel(links=(person,)), WINDOW)
        if r.indicator_id == "linked_to_watchlist"
    )
    assert Evidence("watchlist", "watch-1", None, "Person") in reason.evidence
    phone = WatchedLink("phone-1", "LegalEntity", "watch-2", path)
    assert "linked_to_watchlist" in fired(vessel(links=(phone,)))
    three = WatchedLink("person-2", "Person", "watch-3", (*path, Evidence("statement", "s3")))
    assert "linked_to_watchlist" not in fired(vessel(links=(three,)))
    vessel_link = WatchedLink("vessel-2", "Vessel", "watch-4", path[:1])
    assert "linked_to_watchlist" not in fired(vessel(links=(vessel_link,)))


def test_recent_graded_intelligence_is_weighed_by_its_grading() -> None:
    confirmed = GradedReport("R-1", at(5), "A", "1")
    doubtful = GradedReport("R-2", at(5), "D", "4")
    assert fired(vessel(reports=(confirmed,)))["recent_graded_intelligence"] == 25
    assert fired(vessel(reports=(doubtful,)))["recent_graded_intelligence"] == pytest.approx(
        25 * 0.3 * 0.3
    )
    # the best graded report decides; all are listed as evidence
    both = evaluate(SET, vessel(reports=(confirmed, doubtful)), WINDOW)
    reason = next(r for r in both if r.indicator_id == "recent_graded_intelligence")
    assert reason.weight == 25 and {e.id for e in reason.evidence} == {"R-1", "R-2"}
    stale = GradedReport("R-3", at(200), "A", "1")
    assert "recent_graded_intelligence" not in fired(vessel(reports=(stale,)))


def test_previous_incidents() -> None:
    incident = IncidentFact("inc-1", at(400), "interception", "R-9")
    reason = next(
        r
        for r in evaluate(SET, vessel(incidents=(incident,)), WINDOW)
        if r.indicator_id == "previous_incidents"
    )
    assert reason.evidence == (Evidence("incident", "inc-1", "R-9", "interception"),)
    future = IncidentFact("inc-2", NOW + timedelta(days=1), "interception")
    assert "previous_incidents" not in fired(vessel(incidents=(future,)))

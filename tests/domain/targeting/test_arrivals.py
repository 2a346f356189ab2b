"""Destinations matched to ports, and arrivals predicted from ETA, course and behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.domain.targeting.arrivals import (
    Fix,
    PortCall,
    PortPoint,
    VoyageData,
    angle_between,
    bearing,
    distance_km,
    predict_arrival,
)
from portintel.domain.targeting.destinations import (
    last_leg,
    match_destination,
    parse_aliases,
    port_names,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SIHANOUKVILLE = port_names(
    "KHKOS", "Sihanoukville Autonomous Port", aliases=("Kompong Som", "Kampong Saom")
)
KOH_KONG = port_names("KH-KKG", "Koh Kong (Khemarak Phoumin)")
SONGKHLA = port_names("THSGZ", "Songkhla Deep Sea Port")
PORT = PortPoint(SIHANOUKVILLE, 10.643, 103.506)


@pytest.mark.parametrize(
    ("typed", "how"),
    [
        ("SIHANOUKVILLE", "name"),
        ("KHKOS", "UN/LOCODE"),
        ("KH KOS", "UN/LOCODE"),
        ("kh-kos", "UN/LOCODE"),
        ("KOMPONG SOM", "alias"),
        ("SIHANOUK VILLE", "name"),
        ("SIHANOUKVILLE PORT", "name"),
        ("SIHANUKVILLE", "name, close spelling"),
        ("SIHANOUKVIL", "name, shortened"),
        ("SONGKHLA>SIHANOUKVILLE", "name"),
        ("SONGKHLA TO KHKOS", "UN/LOCODE"),
        ("SIHANOUKVILLE CAMBODIA", "name"),
    ],
)
def test_the_usual_spellings_name_the_port(typed: str, how: str) -> None:
    match = match_destination(typed, SIHANOUKVILLE)
    assert match is not None and (match.port_id, match.how) == ("KHKOS", how)


@pytest.mark.parametrize(
    "typed", ["", "N/A", "@@@@@@", "SONGKHLA", "SIHANOUKVILLE>SONGKHLA", "BANGKOK", "KHKKG", None]
)
def test_other_places_and_placeholders_do_not(typed: str | None) -> None:
    assert match_destination(typed, SIHANOUKVILLE) is None


def test_a_name_in_brackets_and_the_kind_words_are_names_too() -> None:
    assert match_destination("KHEMARAK PHOUMIN", KOH_KONG) is not None
    assert match_destination("KOH KONG", KOH_KONG) is not None
    assert match_destination("KH KKG", KOH_KONG) is not None
    assert match_destination("SONGKLA", SONGKHLA) is not None  # a usual spelling
    assert match_destination("SONGKHLA", SONGKHLA) is not None  # "deep sea port" left out
    assert last_leg("KOH KONG=>SONGKHLA") == "SONGKHLA"


def test_aliases_are_read_with_the_rows_refused_by_line() -> None:
    aliases, refused = parse_aliases("id,alias\nKHKOS,Kompong Som\nKHKOS,\n", "aliases.csv")
    assert aliases == {"KHKOS": ("Kompong Som",)}
    assert refused == ("aliases.csv line 3: a row needs a port id and an alias",)


def _fix(hours_ago: float, lat: float, lon: float, sog: float | None, cog: float | None) -> Fix:
    return Fix(NOW - timedelta(hours=hours_ago), lat, lon, sog, cog)


AT_SEA = (9.9, 102.8)  # south-west of Sihanoukville, about 113 km out
TOWARDS = bearing(*AT_SEA, PORT.lat, PORT.lon)


def test_the_crews_eta_when_the_destination_names_the_port() -> None:
    eta = NOW + timedelta(hours=15)
    voyage = VoyageData("KOMPONG SOM", eta, NOW - timedelta(hours=2))
    fix = _fix(0.2, *AT_SEA, 0.0, None)  # at anchor outside: the ETA still stands
    arrival = predict_arrival(PORT, fix=fix, voyage=voyage, last_call=None, as_of=NOW, hours=24)
    assert arrival is not None
    assert (arrival.method, arrival.expected_at, arrival.matched_by) == ("ais_eta", eta, "alias")
    assert arrival.explanation.startswith("ETA 02 Mar 03:00 UTC from AIS")
    assert (
        predict_arrival(PORT, fix=fix, voyage=voyage, last_call=None, as_of=NOW, hours=12) is None
    )


def test_an_eta_in_the_past_gives_way_to_distance_and_speed() -> None:
    eta = NOW - timedelta(hours=5)
    voyage = VoyageData("SIHANOUKVILLE", eta, NOW - timedelta(days=1))
    fix = _fix(0.5, *AT_SEA, 10.0, (TOWARDS + 60) % 360)  # the course need not point there
    arrival = predict_arrival(PORT, fix=fix, voyage=voyage, last_call=None, as_of=NOW, hours=24)
    assert arrival is not None and arrival.method == "ais_destination"
    assert arrival.eta_passed == eta and "has passed" in arrival.explanation
    hours = (arrival.expected_at - fix.ts).total_seconds() / 3600
    assert hours == pytest.approx(distance_km(*AT_SEA, PORT.lat, PORT.lon) / 18.52, rel=1e-6)
    stopped = _fix(0.5, *AT_SEA, 0.1, None)
    assert (
        predict_arrival(PORT, fix=stopped, voyage=voyage, last_call=None, as_of=NOW, hours=24)
        is None
    )


def test_the_year_of_an_eta_is_the_stores_and_a_late_one_is_not_expected_yet() -> None:
    voyage = VoyageData("KHKOS", NOW + timedelta(days=5), NOW)
    fix = _fix(0.1, *AT_SEA, 10.0, TOWARDS)
    assert (
        predict_arrival(PORT, fix=fix, voyage=voyage, last_call=None, as_of=NOW, hours=72) is None
    )


def test_projected_from_course_and_speed() -> None:
    fix = _fix(1.0, *AT_SEA, 9.4, round(TOWARDS))
    arrival = predict_arrival(PORT, fix=fix, voyage=None, last_call=None, as_of=NOW, hours=24)
    assert arrival is not None and arrival.method == "course"
    assert arrival.explanation.startswith(f"projected from course {round(TOWARDS):03d} and 9.4 kn")
    hours = (arrival.expected_at - fix.ts).total_seconds() / 3600
    assert hours == pytest.approx(distance_km(*AT_SEA, PORT.lat, PORT.lon) / (9.4 * 1.852))
    away = _fix(1.0, *AT_SEA, 9.4, (TOWARDS + 40) % 360)
    assert predict_arrival(PORT, fix=away, voyage=None, last_call=None, as_of=NOW, hours=24) is None


def test_a_boat_heading_back_to_the_port_it_left() -> None:
    fix = _fix(0.5, *AT_SEA, 8.0, (TOWARDS + 35) % 360)
    left = PortCall("KHKOS", "Sihanoukville", NOW - timedelta(days=2), NOW - timedelta(days=1))
    arrival = predict_arrival(PORT, fix=fix, voyage=None, last_call=left, as_of=NOW, hours=48)
    assert arrival is not None and arrival.method == "return"
    elsewhere = PortCall("THSGZ", "Songkhla", left.start, left.end)
    assert (
        predict_arrival(PORT, fix=fix, voyage=None, last_call=elsewhere, as_of=NOW, hours=48)
        is None
    )


def test_unknown_destination_stopped_stale_and_in_port_vessels_are_not_expected() -> None:
    unknown = VoyageData("FISHING GROUND", None, NOW)
    heading = _fix(0.5, *AT_SEA, 9.0, TOWARDS)
    # an unknown destination leaves course and speed to decide
    assert predict_arrival(PORT, fix=heading, voyage=unknown, last_call=None, as_of=NOW, hours=24)
    stopped = _fix(0.5, *AT_SEA, 0.3, TOWARDS)
    assert (
        predict_arrival(PORT, fix=stopped, voyage=unknown, last_call=None, as_of=NOW, hours=24)
        is None
    )
    stale = _fix(9.0, *AT_SEA, 9.0, TOWARDS)
    assert (
        predict_arrival(PORT, fix=stale, voyage=None, last_call=None, as_of=NOW, hours=24) is None
    )
    inside = _fix(0.1, PORT.lat + 0.01, PORT.lon, 3.0, 0.0)
    voyage = VoyageData("SIHANOUKVILLE", NOW + timedelta(hours=1), NOW)
    assert (
        predict_arrival(PORT, fix=inside, voyage=voyage, last_call=None, as_of=NOW, hours=24)
        is None
    )
    visiting = PortCall("KHKOS", "Sihanoukville", NOW - timedelta(hours=3), None)
    assert (
        predict_arrival(PORT, fix=heading, voyage=voyage, last_call=visiting, as_of=NOW, hours=24)
        is None
    )
    assert predict_arrival(PORT, fix=None, voyage=None, last_call=None, as_of=NOW, hours=24) is None


@settings(max_examples=60)
@given(
    st.floats(-60, 60),
    st.floats(-179, 179),
    st.floats(0, 359.9),
    st.floats(1.0, 30.0),
    st.floats(1, 72),
)
def test_a_projection_is_never_outside_the_window_and_always_points_at_the_port(
    lat: float, lon: float, cog: float, sog: float, hours: float
) -> None:
    fix = Fix(NOW, lat, lon, sog, cog)
    arrival = predict_arrival(PORT, fix=fix, voyage=None, last_call=None, as_of=NOW, hours=hours)
    if arrival is None:
        return
    assert NOW <= arrival.expected_at <= NOW + timedelta(hours=hours)
    assert angle_between(cog, bearing(lat, lon, PORT.lat, PORT.lon)) <= 15.0

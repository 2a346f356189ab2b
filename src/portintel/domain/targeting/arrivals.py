"""When a vessel is expected at a port, and how that was predicted.

Three ways, tried in this order for one vessel and one port:

1. **The crew's ETA** (AIS message 5): the destination names the port
   (:mod:`.destinations`) and the ETA falls in the window. AIS sends the
   ETA as month, day, hour and minute without a year; the store keeps the
   year that puts it nearest after the message (``domain/maritime/normalise``).
   An ETA later than the window means "not expected yet"; an ETA that has
   passed while the vessel is still at sea is not believed: the arrival is
   worked out from its distance and speed instead, and the line says so.
2. **Course and speed**: the last fix is recent, the vessel is under way
   and its course points at the port (within :attr:`ArrivalRules.course_tolerance`):
   the great-circle distance at the current speed gives the time to go.
3. **Recent behaviour**: a vessel that left this port on its last call and
   is heading back towards it (a wider tolerance: boats go out and come
   home by other tracks) is expected at the same speed.

A vessel already in the port (within the port entry distance, or on an open
port visit there) is not "expected", nor is a stopped vessel without an ETA.
Pure: the service reads the fixes, voyage data and port calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from portintel.domain.targeting.destinations import PortNames, match_destination

EARTH_RADIUS_KM = 6371.0088
KM_PER_NAUTICAL_MILE = 1.852

METHOD_LABELS = {
    "ais_eta": "ETA from AIS",
    "ais_destination": "AIS destination, distance and speed",
    "course": "Projected from course and speed",
    "return": "Returning to its last port of call",
}
"""What each way of predicting is called on pages and in exports."""


@dataclass(frozen=True, slots=True)
class ArrivalRules:
    max_fix_age: timedelta = timedelta(hours=6)
    """A fix older than this says nothing about where the vessel is going now."""
    min_speed_knots: float = 1.0
    course_tolerance: float = 15.0
    """Degrees between the course over ground and the bearing to the port."""
    return_tolerance: float = 45.0
    in_port_km: float = 3.0
    """The port entry distance of the behaviour settings."""
    eta_grace: timedelta = timedelta(hours=1)
    """An ETA this much in the past still counts (the boat is late, not elsewhere)."""


@dataclass(frozen=True, slots=True)
class PortPoint:
    names: PortNames
    lat: float
    lon: float

    @property
    def id(self) -> str:
        return self.names.id

    @property
    def name(self) -> str:
        return self.names.name


@dataclass(frozen=True, slots=True)
class Fix:
    ts: datetime
    lat: float
    lon: float
    sog: float | None
    cog: float | None


@dataclass(frozen=True, slots=True)
class VoyageData:
    """The latest AIS static and voyage report: destination as typed, ETA with its year."""

    destination: str | None
    eta: datetime | None
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class PortCall:
    port_id: str
    port_name: str
    start: datetime
    end: datetime | None
    """None while the visit is open (the vessel is still there)."""


@dataclass(frozen=True, slots=True)
class Arrival:
    """A prediction: when, how, and the figures it rests on."""

    port_id: str
    expected_at: datetime
    method: str
    distance_km: float | None = None
    speed_knots: float | None = None
    course: float | None = None
    destination: str | None = None
    matched_by: str | None = None
    eta_passed: datetime | None = None
    """The crew's ETA that had passed, when the arrival was worked out instead."""
    last_fix_at: datetime | None = None

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]

    @property
    def explanation(self) -> str:
        """How it was predicted, in a line (English; pages translate from the fields)."""
        if self.method == "ais_eta":
            when = f"{self.expected_at:%d %b %H:%M}"
            return f"ETA {when} UTC from AIS (destination {self.destination!r})"
        figures = f"{self.distance_km:.0f} km at {self.speed_knots:.1f} kn"
        if self.method == "ais_destination":
            passed = (
                f"; the AIS ETA {self.eta_passed:%d %b %H:%M} has passed" if self.eta_passed else ""
            )
            return f"AIS destination {self.destination!r}, {figures}{passed}"
        if self.method == "course":
            course = f"{self.course:03.0f}"
            return f"projected from course {course} and {self.speed_knots:.1f} kn, {figures}"
        return f"returning to its last port of call on course {self.course:03.0f}, {figures}"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from the first point to the second, degrees 0..360."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two bearings, 0..180."""
    d = abs(a - b) % 360.0
    return 360.0 - d if d > 180.0 else d


def _time_to_go(km: float, knots: float) -> timedelta:
    return timedelta(hours=km / (knots * KM_PER_NAUTICAL_MILE))


def predict_arrival(
    port: PortPoint,
    *,
    fix: Fix | None,
    voyage: VoyageData | None,
    last_call: PortCall | None,
    as_of: datetime,
    hours: float,
    rules: ArrivalRules | None = None,
) -> Arrival | None:
    """The vessel's expected arrival at ``port`` within ``hours`` after ``as_of``, or None."""
    rules = rules or ArrivalRules()
    until = as_of + timedelta(hours=hours)
    if last_call is not None and last_call.end is None and last_call.port_id == port.id:
        return None  # on an open visit there: in port, not expected
    km = distance_km(fix.lat, fix.lon, port.lat, port.lon) if fix else None
    if km is not None and km <= rules.in_port_km:
        return None
    fresh = fix is not None and as_of - fix.ts <= rules.max_fix_age and fix.ts <= as_of
    moving = fresh and fix is not None and (fix.sog or 0.0) >= rules.min_speed_knots

    def projected(method: str, **extra: object) -> Arrival | None:
        assert fix is not None and km is not None and fix.sog is not None
        at = fix.ts + _time_to_go(km, fix.sog)
        if not (as_of - rules.eta_grace <= at <= until):
            return None
        return Arrival(
            port.id,
            at,
            method,
            distance_km=round(km, 1),
            speed_knots=round(fix.sog, 1),
            course=round(fix.cog, 1) if fix.cog is not None else None,
            last_fix_at=fix.ts,
            **extra,  # type: ignore[arg-type]
        )

    named = match_destination(voyage.destination, port.names) if voyage else None
    if named is not None and voyage is not None:
        eta = voyage.eta
        if eta is not None and eta > until:
            return None  # the crew expects to arrive after the window
        if eta is not None and eta >= as_of - rules.eta_grace:
            return Arrival(
                port.id,
                eta,
                "ais_eta",
                distance_km=round(km, 1) if km is not None else None,
                destination=voyage.destination,
                matched_by=named.how,
                last_fix_at=fix.ts if fix else None,
            )
        if moving:
            return projected(
                "ais_destination",
                destination=voyage.destination,
                matched_by=named.how,
                eta_passed=eta,
            )
        return None
    if not moving or fix is None or fix.cog is None:
        return None
    off = angle_between(fix.cog, bearing(fix.lat, fix.lon, port.lat, port.lon))
    if off <= rules.course_tolerance:
        return projected("course")
    if last_call is not None and last_call.port_id == port.id and off <= rules.return_tolerance:
        return projected("return")
    return None


__all__ = [
    "METHOD_LABELS",
    "Arrival",
    "ArrivalRules",
    "Fix",
    "PortCall",
    "PortPoint",
    "VoyageData",
    "angle_between",
    "bearing",
    "distance_km",
    "predict_arrival",
]

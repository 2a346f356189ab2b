"""AIS tracks for the scenario: vessels on the sea lanes, injected behaviours, and their truth.

``generate_fleet(seed, spec, gazetteer)`` plans a fleet: each vessel shuttles
along a sea lane between two ports, lies at the berth between voyages, and
some voyages carry an injected behaviour: a hold at sea (loitering, with now
and then one implausible position), a meeting with a freighter that sails out
to it (an encounter), or the transmitter switched off for hours (a gap).
Some vessels change their name, a few MMSIs are used by a second transmitter
(spoofing: two places at once), a third of the fleet is class B. What a
receiver logs follows: ITU-R M.1371 intervals, GPS noise, reception holes,
a second receiver hearing some messages again, lines slightly out of order.

The truth lists every event the kernels' definitions (issue #11, GFW's
defaults) say the true tracks hold, computed from the true paths (dense, not
the transmitted fixes): port visits (entry within 3 km of a gazetteer entry,
exit beyond 4 km, with a stop at the berth), loitering (every stay of 4 h or
more, at a berth or at sea), encounters, gaps, identity changes, area
entries and exits, implausible jumps. Pure: arrays and text, no I/O.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from portintel.domain.maritime.behaviour.common import haversine_km
from portintel.domain.maritime.behaviour.ports import Gazetteer
from portintel.domain.maritime.behaviour.settings import BehaviourSettings
from portintel.scenario.ais_motion import (
    KM_PER_DEG,
    KNOT_KMH,
    FloatArray,
    Phase,
    path_lengths,
    timeline_positions,
    transmission_times,
)
from portintel.scenario.ais_nmea import (
    StaticReport,
    position_lines,
    position_payloads,
    sentences,
)
from portintel.scenario.model import Vessel
from portintel.scenario.sea_lanes import AREAS, LANES, SeaLane, WatchArea

MIDS = {"KH": 514, "TH": 567, "MY": 533, "ID": 525, "VN": 574, "MM": 506, "SG": 563}
BASIN_FLAGS = {
    "Gulf of Thailand": ("KH", "TH", "VN"),
    "Andaman Sea": ("TH", "MM", "MY"),
    "Malacca Strait": ("MY", "ID", "SG", "TH"),
}
FISHING_WORDS = ("SEA", "OCEAN", "GOLDEN", "LUCKY", "STAR", "PEARL", "DRAGON", "JAYA", "SAMUT")
CARGO_WORDS = ("ASIA", "EASTERN", "PACIFIC", "MERIDIAN", "HARMONY", "TRADER", "GLORY", "VENTURE")
SPOOF_OFFSET_DEG = 0.108
"""A second transmitter on a spoofed MMSI: 12 km north of the true vessel."""
SPOOF_INTERVAL = 600.0
"""Both transmitters heard every 10 min, 5 min apart, so ingestion keeps both."""
STATIC_INTERVAL = 360.0
"""Static and voyage data every 6 minutes (ITU-R M.1371: type 5 and type 24)."""
PORT_CLEARANCE_KM = 25.0
AREA_MARGIN_DEG = 0.1
PROTECT_SECONDS = 1200.0
"""No reception hole within 20 min of an event's boundary."""


@dataclass(frozen=True, slots=True)
class FleetSpec:
    """How big the fleet is, how it is heard, and how often each behaviour is injected."""

    vessels: int = 40
    days: float = 3.0
    start: datetime = datetime(2026, 2, 14, tzinfo=UTC)
    min_interval: float = 60.0
    """Archive thinning: at least this many seconds between kept reports of a vessel."""
    class_b_share: float = 0.3
    duplicate_share: float = 0.3
    holes_per_day: float = 1.0
    noise_m: float = 8.0
    loitering_share: float = 0.3
    encounter_share: float = 0.2
    gap_share: float = 0.4
    rename_share: float = 0.2
    spoofed: int = 3
    jump_share: float = 0.6
    static_interval: float = STATIC_INTERVAL
    """Seconds between static reports kept (ITU: 6 minutes; archives often keep fewer)."""
    areas: tuple[WatchArea, ...] = AREAS

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class TruthEvent:
    type: str
    mmsi: int
    start: datetime
    end: datetime | None
    other_mmsi: int | None = None
    note: str = ""


@dataclass(slots=True)
class AisVessel:
    """One transmitter's identity and what it did (arrays of its received messages)."""

    mmsi: int
    name: str
    callsign: str
    imo: int | None
    ship_type: int
    class_b: bool
    lane: str
    speed_knots: float
    new_name: str | None = None
    rename_at: float | None = None
    cast_key: str | None = None
    phases: list[Phase] = field(default_factory=list)
    dark: list[tuple[float, float]] = field(default_factory=list)
    holes: list[tuple[float, float]] = field(default_factory=list)
    spoof: tuple[float, float] | None = None
    jumps: list[float] = field(default_factory=list)
    encounters: list[tuple[AisVessel, float, float]] = field(default_factory=list)
    """Partners met, with a window around the meeting."""
    reports: dict[str, Any] = field(default_factory=dict)
    """Received messages: ``t, lat, lon, sog, cog, status`` arrays (and ``statics``)."""


@dataclass(frozen=True, slots=True)
class AisScenario:
    seed: int
    spec: FleetSpec
    vessels: tuple[AisVessel, ...]
    truth: tuple[TruthEvent, ...]
    areas: tuple[WatchArea, ...]

    def nmea_lines(self) -> Iterator[str]:
        """Every received sentence, day by day in arrival order (as a receiver network logs)."""
        return _nmea_lines(self)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for event in self.truth:
            out[event.type] = out.get(event.type, 0) + 1
        return dict(sorted(out.items()))


def _unix(moment: datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(round(seconds), tz=UTC)


def imo_with_check_digit(rng: random.Random) -> int:
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(5)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return int("".join(map(str, digits)) + str(check))


class _Planner:
    def __init__(self, seed: int, spec: FleetSpec, gazetteer: Gazetteer) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.spec = spec
        self.gazetteer = gazetteer
        self.t0 = _unix(spec.start)
        self.t1 = _unix(spec.end)
        self.vessels: list[AisVessel] = []
        self.mmsis: set[int] = set()
        self.names: set[str] = set()
        self.port_lat = np.array([p.lat for p in gazetteer.ports] or [90.0])
        self.port_lon = np.array([p.lon for p in gazetteer.ports] or [0.0])

    # --- identities -----------------------------------------------------------------
    def mmsi(self, flag: str) -> int:
        while True:
            value = MIDS[flag] * 1_000_000 + self.rng.randint(100_000, 999_999)
            if value not in self.mmsis:
                self.mmsis.add(value)
                return value

    def name(self, words: tuple[str, ...]) -> str:
        while True:
            value = f"{self.rng.choice(words)} {self.rng.choice(words)} {self.rng.randint(1, 99)}"
            if value not in self.names:
                self.names.add(value)
                return value

    def vessel(
        self, lane: SeaLane, *, freighter: bool = False, class_b: bool | None = None
    ) -> AisVessel:
        flag = self.rng.choice(BASIN_FLAGS[lane.basin])
        if class_b is None:
            class_b = not freighter and self.rng.random() < self.spec.class_b_share
        fishing = not freighter and (class_b or self.rng.random() < 0.5)
        callsign = f"{flag[0]}{self.rng.choice('ABCDEFGHJK')}{self.rng.randint(1000, 9999)}"
        return AisVessel(
            mmsi=self.mmsi(flag),
            name=self.name(FISHING_WORDS if fishing else CARGO_WORDS),
            callsign=callsign,
            imo=None if class_b else imo_with_check_digit(self.rng),
            ship_type=30 if fishing else self.rng.choice((70, 79, 80)),
            class_b=class_b,
            lane=lane.name,
            speed_knots=self.rng.uniform(7.0, 9.5) if fishing else self.rng.uniform(9.5, 13.0),
        )

    # --- places ---------------------------------------------------------------------
    def clear_of_ports(self, lat: float, lon: float, km: float = PORT_CLEARANCE_KM) -> bool:
        return bool(haversine_km(lat, lon, self.port_lat, self.port_lon).min() > km)

    def clear_of_areas(self, lat: float, lon: float, margin: float = AREA_MARGIN_DEG) -> bool:
        return not any(a.contains(lat, lon, margin_deg=margin) for a in self.spec.areas)

    def berth(self, lane: SeaLane, end: int) -> FloatArray:
        lat, lon = lane.berths[end]
        return np.array(
            [[lat + self.rng.uniform(-0.002, 0.002), lon + self.rng.uniform(-0.002, 0.002)]]
        )

    # --- voyages --------------------------------------------------------------------
    def stay(
        self, vessel: AisVessel, point: FloatArray, t: float, hours: float, **kw: Any
    ) -> float:
        end = t + hours * 3600.0
        vessel.phases.append(Phase("stay", t, end, point, **kw))
        return end

    def sail(
        self, vessel: AisVessel, points: FloatArray, t: float, *, until: float | None = None
    ) -> float:
        """Sail ``points`` from ``t`` at the vessel's speed (or to arrive at ``until``)."""
        points = np.array(points, dtype=float)
        if vessel.phases:
            # a stay drifts: the voyage goes on from where the vessel drifted to
            last = vessel.phases[-1]
            lat, lon, *_ = last.positions(np.array([last.end]))
            points[0] = (float(lat[0]), float(lon[0]))
        km = float(path_lengths(points)[-1])
        end = until if until is not None else t + km / (vessel.speed_knots * KNOT_KMH) * 3600.0
        vessel.phases.append(Phase("sail", t, end, points))
        return end

    def split_point(self, points: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray] | None:
        """A point mid-lane clear of ports and areas, and the path before and after it."""
        cumulative = path_lengths(points)
        for _ in range(12):
            along = self.rng.uniform(0.25, 0.75) * cumulative[-1]
            lat = float(np.interp(along, cumulative, points[:, 0]))
            lon = float(np.interp(along, cumulative, points[:, 1]))
            if self.clear_of_ports(lat, lon) and self.clear_of_areas(lat, lon):
                k = int(np.searchsorted(cumulative, along, side="right"))
                here = np.array([[lat, lon]])
                return here, np.vstack([points[:k], here]), np.vstack([here, points[k:]])
        return None

    def shuttle(self, vessel: AisVessel, lane: SeaLane, end: int, t: float, *, lead: bool) -> None:
        """Berth, sail, berth, ... until the period ends; voyages may carry a behaviour."""
        while t < self.t1:
            hours = (
                self.rng.uniform(1.5, 9.0)
                if vessel.ship_type == 30
                else self.rng.uniform(3.0, 20.0)
            )
            hours = _clear_of_threshold(hours)
            start = t
            # at the berth the voyage ended at (or one of the port's, at the start)
            arrived = vessel.phases[-1] if vessel.phases else None
            berth = (
                arrived.points[-1:].copy()
                if arrived is not None and arrived.kind == "sail"
                else self.berth(lane, end)
            )
            for _attempt in range(6):
                t = self.stay(vessel, berth, start, hours, port=_port_of(lane, end))
                if t >= self.t1:
                    break
                phases, fleet = len(vessel.phases), len(self.vessels)
                points = np.array(lane.path(reverse=end == 1))
                points[0] = vessel.phases[-1].points[0]
                points[-1] = self.berth(lane, 1 - end)[0]
                t = self.voyage(vessel, lane, end, points, t, lead=lead)
                if not self.ambiguous_end(vessel):
                    break
                # a slow run cut by the end of the period near the loitering threshold:
                # leave an hour later instead (a run of about 4 h is neither side of it)
                del vessel.phases[phases - 1 :]
                for partner in self.vessels[fleet:]:
                    self.mmsis.discard(partner.mmsi)
                del self.vessels[fleet:]
                vessel.dark = [(a, b) for a, b in vessel.dark if a < start]
                vessel.encounters = [e for e in vessel.encounters if e[1] < start]
                hours = _clear_of_threshold(hours + 1.0)
            if t >= self.t1:
                return
            end = 1 - end

    def ambiguous_end(self, vessel: AisVessel) -> bool:
        """The last slow run, cut by the period's end, lasts about the loitering minimum."""
        runs = _slow_runs(vessel.phases, 2.0)
        if not runs or runs[-1][1].end < self.t1:
            return False
        first, _ = runs[-1]
        hours = (self.t1 - max(first.start, self.t0)) / 3600.0
        return 3.5 <= hours <= 4.5

    def voyage(
        self,
        vessel: AisVessel,
        lane: SeaLane,
        end: int,
        points: FloatArray,
        t: float,
        *,
        lead: bool,
    ) -> float:
        roll = self.rng.random()
        spec = self.spec
        if roll < spec.loitering_share:
            split = self.split_point(points)
            if split is not None:
                here, before, after = split
                t = self.sail(vessel, before, t)
                t = self.stay(
                    vessel,
                    here,
                    t,
                    self.rng.uniform(5.0, 9.0),
                    drift=self.drift(),
                    purpose="loitering",
                )
                return self.sail(vessel, after, t)
        elif lead and roll < spec.loitering_share + spec.encounter_share:
            met = self.encounter(vessel, lane, end, points, t)
            if met is not None:
                return met
        elif roll < spec.loitering_share + spec.encounter_share + spec.gap_share:
            start = t
            t = self.sail(vessel, points, t)
            self.darken(vessel, vessel.phases[-1], start)
            return t
        return self.sail(vessel, points, t)

    def drift(self) -> tuple[float, float]:
        knots = self.rng.uniform(0.1, 0.6)
        angle = self.rng.uniform(0.0, 2 * np.pi)
        deg_h = knots * KNOT_KMH / KM_PER_DEG
        return (deg_h * float(np.cos(angle)), deg_h * float(np.sin(angle)))

    def darken(self, vessel: AisVessel, phase: Phase, start: float) -> None:
        """Switch the transmitter off for 7-12 h mid-voyage, away from ports and areas."""
        hours = self.rng.uniform(7.0, 12.0)
        margin = PORT_CLEARANCE_KM / (vessel.speed_knots * KNOT_KMH) * 3600.0 + 3600.0
        room = phase.end - phase.start - 2 * margin - hours * 3600.0
        if room <= 0:
            return
        a = phase.start + margin + self.rng.uniform(0.0, room)
        b = a + hours * 3600.0
        if b >= self.t1 - 3600.0:
            return
        t = np.linspace(a - 1800.0, b + 1800.0, 80)
        lat, lon, *_ = phase.positions(t)
        if all(self.clear_of_areas(float(x), float(y)) for x, y in zip(lat, lon, strict=True)):
            vessel.dark.append((a, b))

    def encounter(
        self, vessel: AisVessel, lane: SeaLane, end: int, points: FloatArray, t: float
    ) -> float | None:
        """Hold mid-lane while a freighter sails out from the far port to meet it.

        The freighter slows to 1.5 kn 800 m out, comes alongside (200 m), holds
        2.2-2.6 h drifting with the boat, and leaves as slowly: the encounter
        is the time both are slow within 500 m, computed from the true paths.
        """
        split = self.split_point(points)
        if split is None:
            return None
        here, before, after = split
        arrive = t + float(path_lengths(before)[-1]) / (vessel.speed_knots * KNOT_KMH) * 3600.0
        partner = self.vessel(lane, freighter=True)
        drift = self.drift()
        slow_km, slow_knots = 0.8, 1.5
        slow_s = slow_km / (slow_knots * KNOT_KMH) * 3600.0
        approach = arrive + self.rng.uniform(10.0, 20.0) * 60.0
        alongside = approach + slow_s
        hours = self.rng.uniform(2.2, 2.6)
        leave = alongside + hours * 3600.0
        drifted = (alongside - arrive) / 3600.0
        meet = here + np.array([[0.0018 + drift[0] * drifted, drift[1] * drifted]])
        inbound = after[::-1].copy()
        inbound[-1] = meet[0]
        cruise_in, slow_in = _cut(inbound, float(path_lengths(inbound)[-1]) - slow_km)
        travel = float(path_lengths(cruise_in)[-1]) / (partner.speed_knots * KNOT_KMH) * 3600.0
        depart = approach - travel
        gone = leave + slow_s + self.rng.uniform(10.0, 20.0) * 60.0
        waiting = (depart - self.t0) / 3600.0
        if depart < self.t0 + 3600.0 or gone > self.t1 - 3600.0 or abs(waiting - 4.0) < 0.5:
            # the whole meeting within the period, or none
            self.mmsis.discard(partner.mmsi)
            return None
        t = self.sail(vessel, before, t)
        self.stay(vessel, here, t, (gone - t) / 3600.0, drift=drift, purpose="encounter")
        # the partner: at the far berth until it leaves, out to the meeting, on to the other end
        far = 1 - end
        berth = self.berth(lane, far)
        cruise_in[0] = berth[0]
        self.stay(partner, berth, self.t0, (depart - self.t0) / 3600.0, port=_port_of(lane, far))
        self.sail(partner, cruise_in, depart, until=approach)
        self.sail(partner, slow_in, approach, until=alongside)
        self.stay(partner, meet, alongside, hours, drift=drift, purpose="encounter")
        parted = meet + np.array([[drift[0] * hours, drift[1] * hours]])
        onward = np.vstack([parted, before[::-1][1:]])
        onward[-1] = self.berth(lane, end)[0]
        slow_out, cruise_out = _cut(onward, slow_km)
        self.sail(partner, slow_out, leave, until=leave + slow_s)
        after_meeting = self.sail(partner, cruise_out, leave + slow_s)
        self.shuttle_from(partner, lane, end, after_meeting)
        vessel.encounters.append((partner, approach - 1800.0, leave + slow_s + 1800.0))
        self.vessels.append(partner)
        return self.sail(vessel, after, gone)

    def shuttle_from(self, vessel: AisVessel, lane: SeaLane, end: int, t: float) -> None:
        if t < self.t1:
            self.shuttle(vessel, lane, end, t, lead=False)


def _clear_of_threshold(hours: float, threshold: float = 4.0, margin: float = 0.4) -> float:
    """A stay's hours moved off the loitering minimum: 4.0 h plus or minus noise is a coin toss."""
    return hours + 2 * margin if abs(hours - threshold) < margin else hours


def _cut(points: FloatArray, along_km: float) -> tuple[FloatArray, FloatArray]:
    """A polyline cut ``along_km`` from its start: the part before and the part after."""
    cumulative = path_lengths(points)
    along = min(max(along_km, 0.0), float(cumulative[-1]))
    lat = float(np.interp(along, cumulative, points[:, 0]))
    lon = float(np.interp(along, cumulative, points[:, 1]))
    k = int(np.searchsorted(cumulative, along, side="right"))
    here = np.array([[lat, lon]])
    return np.vstack([points[:k], here]), np.vstack([here, points[k:]])


def _port_of(lane: SeaLane, end: int) -> str:
    return lane.start_port if end == 0 else lane.end_port


# --- the fleet ------------------------------------------------------------------------


def generate_fleet(
    seed: int,
    spec: FleetSpec,
    gazetteer: Gazetteer,
    *,
    settings: BehaviourSettings | None = None,
    with_truth: bool = True,
    lanes: tuple[SeaLane, ...] = LANES,
    cast: Sequence[Vessel] = (),
    story: Callable[[_Planner], object] | None = None,
) -> AisScenario:
    """The fleet of ``spec`` from ``seed`` (same seed, same fleet), with its truth.

    ``cast`` vessels with an MMSI lend their identities to the first vessels
    of the fleet (so their AIS links to the case's reports); ``story`` plans
    vessels of its own (the demo's smuggling run) before behaviours are drawn.
    """
    planner = _Planner(seed, spec, gazetteer)
    leads: list[AisVessel] = []
    lent = [v for v in cast if v.mmsi and v.mmsi.isdigit()]
    for v in lent:
        planner.mmsis.add(int(v.mmsi or 0))
    for number in range(spec.vessels):
        lane = lanes[number % len(lanes)]
        vessel = planner.vessel(lane)
        if number < len(lent):
            _lend(vessel, lent[number])
        planner.vessels.append(vessel)
        leads.append(vessel)
        planner.shuttle(vessel, lane, planner.rng.randint(0, 1), planner.t0, lead=True)
    if story is not None:
        story(planner)
    _choose_renames(planner, leads)
    _choose_spoofs(planner, leads)
    _choose_jumps(planner)
    config = settings or BehaviourSettings()
    for vessel in planner.vessels:
        _place_holes(planner, vessel, _protected(planner, vessel))
        _transmit(planner, vessel)
    truth: list[TruthEvent] = []
    if with_truth:
        for vessel in planner.vessels:
            truth.extend(_truth(planner, vessel, config))
    return AisScenario(seed, spec, tuple(planner.vessels), tuple(truth), spec.areas)


def _lend(vessel: AisVessel, cast: Vessel) -> None:
    """``vessel`` sails under the identity of the cast's vessel."""
    vessel.mmsi = int(cast.mmsi or 0)
    vessel.name = cast.name
    vessel.callsign = cast.call_sign or vessel.callsign
    vessel.imo = int(cast.imo) if cast.imo and cast.imo.isdigit() else None
    vessel.class_b = vessel.imo is None
    vessel.ship_type = 30 if cast.vessel_type.startswith("wooden") else 70
    vessel.cast_key = cast.key


def _choose_renames(planner: _Planner, vessels: list[AisVessel]) -> None:
    span = planner.t1 - planner.t0
    for vessel in vessels:
        if planner.rng.random() >= planner.spec.rename_share:
            continue
        when = planner.t0 + planner.rng.uniform(0.2, 0.8) * span
        if any(a - 3600 <= when <= b + 3600 for a, b in vessel.dark):
            continue
        vessel.rename_at = when
        vessel.new_name = planner.name(FISHING_WORDS if vessel.ship_type == 30 else CARGO_WORDS)


def _choose_spoofs(planner: _Planner, vessels: list[AisVessel]) -> None:
    """A second transmitter 12 km north for 1.5-2.5 h, away from ports and areas."""
    chosen = 0
    for vessel in planner.rng.sample(vessels, len(vessels)):
        if chosen >= planner.spec.spoofed:
            return
        for phase in vessel.phases:
            if phase.kind != "sail" or phase.hours < 4.0:
                continue
            t = np.arange(phase.start, phase.end, 300.0)
            lat, lon, *_ = phase.positions(t)
            ok = np.array(
                [
                    planner.clear_of_ports(float(a), float(b), 30.0)
                    and planner.clear_of_ports(float(a) + SPOOF_OFFSET_DEG, float(b), 30.0)
                    and planner.clear_of_areas(float(a), float(b), 0.2)
                    and planner.clear_of_areas(float(a) + SPOOF_OFFSET_DEG, float(b), 0.2)
                    and not any(x - 3600 <= s <= y + 3600 for x, y in vessel.dark)
                    for a, b, s in zip(lat, lon, t, strict=True)
                ]
            )
            windows = 6 * planner.rng.randint(3, 5)  # 1.5-2.5 h in steps of 5 min
            for k in range(0, len(t) - windows - 2):
                if ok[k : k + windows + 2].all() and t[k + windows + 2] < planner.t1 - 3600.0:
                    vessel.spoof = (float(t[k + 1]), float(t[k + 1]) + windows / 2 * SPOOF_INTERVAL)
                    break
            if vessel.spoof is not None:
                chosen += 1
                break


def _choose_jumps(planner: _Planner) -> None:
    for vessel in planner.vessels:
        if vessel.spoof is not None or vessel.cast_key is not None:
            continue
        for phase in vessel.phases:
            # one per vessel: a second bad fix hours later is plausible from the first
            # (the segmenter joins them), which the kernel does not tell apart
            if vessel.jumps:
                break
            if phase.purpose == "loitering" and planner.rng.random() < planner.spec.jump_share:
                vessel.jumps.append(
                    phase.start + planner.rng.uniform(0.3, 0.7) * (phase.end - phase.start)
                )


def _protected(planner: _Planner, vessel: AisVessel) -> list[tuple[float, float]]:
    keep: list[tuple[float, float]] = []
    for phase in vessel.phases:
        keep += [(phase.start - PROTECT_SECONDS, phase.start + PROTECT_SECONDS)]
        keep += [(phase.end - PROTECT_SECONDS, phase.end + PROTECT_SECONDS)]
        if phase.purpose == "encounter":
            keep.append((phase.start, phase.end))
        if phase.kind == "sail":
            # entering and leaving ports happens near the ends of a voyage
            keep.append((phase.start, phase.start + 3 * 3600.0))
            keep.append((phase.end - 3 * 3600.0, phase.end))
            t = np.arange(phase.start, phase.end, 60.0)
            lat, lon, *_ = phase.positions(t)
            for area in planner.spec.areas:
                inside = (
                    (lat >= area.lat[0])
                    & (lat <= area.lat[1])
                    & (lon >= area.lon[0])
                    & (lon <= area.lon[1])
                ).astype(np.int8)
                for k in np.flatnonzero(np.diff(inside) != 0):
                    keep.append((t[k] - PROTECT_SECONDS, t[k] + PROTECT_SECONDS))
    for a, b in vessel.dark:
        keep.append((a - PROTECT_SECONDS, b + PROTECT_SECONDS))
    if vessel.spoof is not None:
        keep.append((vessel.spoof[0] - PROTECT_SECONDS, vessel.spoof[1] + PROTECT_SECONDS))
    for when in [*vessel.jumps, *([vessel.rename_at] if vessel.rename_at else [])]:
        keep.append((when - PROTECT_SECONDS, when + PROTECT_SECONDS))
    return keep


def _place_holes(
    planner: _Planner, vessel: AisVessel, protected: list[tuple[float, float]]
) -> None:
    count = int(planner.np.poisson(planner.spec.holes_per_day * planner.spec.days))
    for _ in range(count):
        for _attempt in range(20):
            length = planner.rng.uniform(15.0, 90.0) * 60.0
            a = planner.rng.uniform(planner.t0 + 3600.0, planner.t1 - length - 3600.0)
            b = a + length
            if not any(a < y and x < b for x, y in protected):
                vessel.holes.append((a, b))
                protected.append((a - PROTECT_SECONDS, b + PROTECT_SECONDS))
                break


def _silenced(t: FloatArray, intervals: list[tuple[float, float]]) -> np.ndarray:
    mask = np.zeros(t.shape, dtype=bool)
    for a, b in intervals:
        mask |= (t > a) & (t < b)
    return mask


MIN_SPACING = 20.0
"""Seconds between two kept reports: GPS noise is drawn per fix, independent, which
real receivers' noise is not over a second or two (it would fake a 50-knot jump)."""


def _spaced(t: FloatArray, gap: float) -> FloatArray:
    """Sorted times with every time less than ``gap`` after the last one kept dropped."""
    keep = np.zeros(t.size, dtype=bool)
    last = -np.inf
    for i, value in enumerate(t.tolist()):
        if value - last >= gap:
            keep[i] = True
            last = value
    return t[keep]


def _transmit(planner: _Planner, vessel: AisVessel) -> None:
    spec, rng = planner.spec, planner.np
    parts = [
        transmission_times(phase, class_b=vessel.class_b, min_interval=spec.min_interval, rng=rng)
        for phase in vessel.phases
    ]
    t = np.sort(np.concatenate(parts)) if parts else np.zeros(0)
    t = t[(t >= planner.t0) & (t < planner.t1)]
    t = t[~_silenced(t, vessel.dark + vessel.holes)]
    spoof_t = np.zeros(0)
    if vessel.spoof is not None:
        a, b = vessel.spoof
        t = t[(t < a) | (t >= b)]
        t = np.sort(np.concatenate([t, np.arange(a, b, SPOOF_INTERVAL)]))
        spoof_t = np.arange(a + SPOOF_INTERVAL / 2, b, SPOOF_INTERVAL)
    t = _spaced(np.unique(np.round(t)), MIN_SPACING)
    lat, lon, knots, course, which = timeline_positions(vessel.phases, t)
    kinds = [vessel.phases[int(k)] for k in which]
    at_berth = np.array([p.kind == "stay" and p.port is not None for p in kinds], dtype=bool)
    staying = np.array([p.kind == "stay" for p in kinds], dtype=bool)
    sog = np.where(
        staying, knots + np.abs(rng.normal(0.0, 0.03, t.size)), knots + rng.normal(0.0, 0.2, t.size)
    )
    sog = np.clip(np.round(sog, 1), 0.0, None)
    sog[at_berth] = np.minimum(sog[at_berth], 0.1)
    cog = (course + rng.normal(0.0, 2.0, t.size)) % 360.0
    status = np.where(at_berth, 5, np.where(staying, 7 if vessel.ship_type == 30 else 1, 0))
    noise = spec.noise_m / 1000.0 / KM_PER_DEG
    lat = lat + rng.normal(0.0, noise, t.size)
    lon = lon + rng.normal(0.0, noise, t.size) / np.cos(np.radians(lat))
    jump_times: list[float] = []
    for when in vessel.jumps:
        i = int(np.argmin(np.abs(t - when)))
        if 0 < i < t.size - 1:
            dt = min(t[i] - t[i - 1], t[i + 1] - t[i])
            km = 70.0 * KNOT_KMH * dt / 3600.0
            if 5.5 <= km <= 9.0:
                angle = rng.uniform(0.0, 2 * np.pi)
                lat[i] += km * np.cos(angle) / KM_PER_DEG
                lon[i] += km * np.sin(angle) / (KM_PER_DEG * np.cos(np.radians(lat[i])))
                jump_times.append(float(t[i]))
    vessel.jumps = jump_times
    vessel.reports = {
        "t": t,
        "lat": lat,
        "lon": lon,
        "sog": sog,
        "cog": cog,
        "status": status,
        "duplicate": rng.random(t.size) < spec.duplicate_share,
    }
    if spoof_t.size:
        s_lat, s_lon, s_knots, s_course, _ = timeline_positions(vessel.phases, spoof_t)
        vessel.reports["spoof"] = {
            "t": spoof_t,
            "lat": s_lat + SPOOF_OFFSET_DEG + rng.normal(0.0, noise, spoof_t.size),
            "lon": s_lon + rng.normal(0.0, noise, spoof_t.size),
            "sog": np.round(s_knots, 1),
            "cog": s_course,
        }
    statics = (
        planner.t0
        + rng.uniform(0.0, spec.static_interval)
        + np.arange(0.0, planner.t1 - planner.t0, spec.static_interval)
    )
    statics = np.round(statics[statics < planner.t1])
    vessel.reports["statics"] = statics[~_silenced(statics, vessel.dark + vessel.holes)]


# --- the truth ------------------------------------------------------------------------

DENSE_STEP = 20.0


def _truth(planner: _Planner, vessel: AisVessel, settings: BehaviourSettings) -> list[TruthEvent]:
    events: list[TruthEvent] = []
    mmsi = vessel.mmsi
    t0, t1 = planner.t0, planner.t1
    last_fix = float(vessel.reports["t"][-1]) if vessel.reports["t"].size else t1
    dense = np.arange(t0, t1, DENSE_STEP)
    lat, lon, *_ = timeline_positions(vessel.phases, dense)
    events += _port_visits(planner, vessel, settings, dense, lat, lon)
    for area in planner.spec.areas:
        inside = (
            (lat >= area.lat[0])
            & (lat <= area.lat[1])
            & (lon >= area.lon[0])
            & (lon <= area.lon[1])
        )
        for k in np.flatnonzero(np.diff(inside.astype(np.int8)) != 0) + 1:
            kind = "area_entry" if inside[k] else "area_exit"
            events.append(
                TruthEvent(kind, mmsi, _moment(dense[k]), _moment(dense[k]), note=area.id)
            )
    for first, last in _slow_runs(vessel.phases, settings.loitering.max_speed_knots):
        start, end = max(first.start, t0), min(last.end, last_fix)
        if end - start >= settings.loitering.min_hours * 3600.0:
            note = first.purpose or last.purpose or "berth"
            events.append(TruthEvent("loitering", mmsi, _moment(start), _moment(end), note=note))
    for a, b in vessel.dark:
        events.append(TruthEvent("gap", mmsi, _moment(a), _moment(b)))
    for partner, a, b in vessel.encounters:
        events += _encounter(vessel, partner, a, b, settings)
    if vessel.rename_at is not None:
        moment = _moment(vessel.rename_at)
        events.append(TruthEvent("identity_change", mmsi, moment, moment, note="field:name"))
    if vessel.spoof is not None:
        a, b = vessel.spoof
        events.append(
            TruthEvent("identity_change", mmsi, _moment(a), _moment(b), note="two_places")
        )
    for when in vessel.jumps:
        events.append(TruthEvent("implausible_jump", mmsi, _moment(when), _moment(when)))
    return events


def _slow_runs(phases: list[Phase], below_knots: float) -> list[tuple[Phase, Phase]]:
    """First and last phase of each run of consecutive phases slower than ``below_knots``."""
    runs: list[tuple[Phase, Phase]] = []
    first: Phase | None = None
    previous: Phase | None = None
    for phase in phases:
        if phase.knots() < below_knots:
            first = first or phase
        elif first is not None and previous is not None:
            runs.append((first, previous))
            first = None
        previous = phase
    if first is not None and previous is not None:
        runs.append((first, previous))
    return runs


def _encounter(
    vessel: AisVessel, partner: AisVessel, a: float, b: float, settings: BehaviourSettings
) -> list[TruthEvent]:
    """The time both are below the speed and within the distance of an encounter."""
    config = settings.encounter
    t = np.arange(a, b, DENSE_STEP)
    lat1, lon1, knots1, *_ = timeline_positions(vessel.phases, t)  # within the period
    lat2, lon2, knots2, *_ = timeline_positions(partner.phases, t)
    close = (
        (haversine_km(lat1, lon1, lat2, lon2) * 1000.0 <= config.max_distance_m)
        & (knots1 < config.max_speed_knots)
        & (knots2 < config.max_speed_knots)
    )
    hits = np.flatnonzero(close)
    if hits.size == 0:
        return []
    low, high = min(vessel.mmsi, partner.mmsi), max(vessel.mmsi, partner.mmsi)
    start, end = _moment(t[hits[0]]), _moment(t[hits[-1]])
    return [TruthEvent("encounter", low, start, end, other_mmsi=high)]


def _port_visits(
    planner: _Planner,
    vessel: AisVessel,
    settings: BehaviourSettings,
    t: FloatArray,
    lat: FloatArray,
    lon: FloatArray,
) -> list[TruthEvent]:
    """Entry within ``entry_km`` of an entry of the gazetteer, exit beyond ``exit_km`` of
    it, with a stop at a berth in between (a vessel passing by does not visit)."""
    config = settings.port_visit
    last_fix = float(vessel.reports["t"][-1]) if vessel.reports["t"].size else planner.t1
    nearest, distance = planner.gazetteer.nearest(lat, lon, within_km=config.entry_km)
    berths = [p for p in vessel.phases if p.kind == "stay" and p.port is not None]
    events: list[TruthEvent] = []
    k = 0
    while k < t.size:
        if distance[k] > config.entry_km:
            k += 1
            continue
        port = planner.gazetteer.ports[int(nearest[k])]
        away = np.flatnonzero(haversine_km(lat[k:], lon[k:], port.lat, port.lon) > config.exit_km)
        exit_at = k + int(away[0]) if away.size else None
        leave = t[exit_at] if exit_at is not None else np.inf
        # the stop must be in the data: a berth reached after the last fix is no visit yet
        seen = min(leave, last_fix)
        if any(p.start < seen and p.end > t[k] for p in berths):
            events.append(
                TruthEvent(
                    "port_visit",
                    vessel.mmsi,
                    _moment(t[k]),
                    _moment(leave) if exit_at is not None else None,
                    note=port.id,
                )
            )
        k = exit_at + 1 if exit_at is not None else t.size
    return events


# --- what the receivers log -----------------------------------------------------------


def _basin(lane_name: str) -> str:
    for lane in LANES:
        if lane.name == lane_name:
            return {"Gulf of Thailand": "gulf", "Andaman Sea": "andaman"}.get(lane.basin, "malacca")
    return "gulf"


def _nmea_lines(scenario: AisScenario) -> Iterator[str]:
    start = _unix(scenario.spec.start)
    days = int(np.ceil(scenario.spec.days))
    rng = np.random.default_rng(scenario.seed + 1)
    for day in range(days):
        a, b = start + day * 86400.0, start + (day + 1) * 86400.0
        batch: list[tuple[float, str]] = []
        for vessel in scenario.vessels:
            batch.extend(_vessel_lines(vessel, a, b, rng))
        batch.sort(key=lambda item: item[0])
        for _, line in batch:
            yield line


def _vessel_lines(
    vessel: AisVessel, a: float, b: float, rng: np.random.Generator
) -> list[tuple[float, str]]:
    station = f"rx-{_basin(vessel.lane)}"
    reports = vessel.reports
    t = reports["t"]
    pick = np.flatnonzero((t >= a) & (t < b))
    when = t[pick].astype(np.int64)
    payloads, xor = position_payloads(
        vessel.mmsi,
        reports["lat"][pick],
        reports["lon"][pick],
        reports["sog"][pick],
        reports["cog"][pick],
        when % 60,
        reports["status"][pick],
        class_b=vessel.class_b,
    )
    arrival = (when + rng.uniform(0.0, 3.0, pick.size)).tolist()
    out = list(zip(arrival, position_lines(payloads, xor, when, f"{station}-1"), strict=True))
    again = reports["duplicate"][pick]
    if again.any():
        lines = position_lines(
            [p for p, d in zip(payloads, again.tolist(), strict=True) if d],
            xor[again],
            when[again],
            f"{station}-2",
        )
        out.extend(zip((np.asarray(arrival)[again] + 0.5).tolist(), lines, strict=True))
    spoof = reports.get("spoof")
    if spoof is not None:
        chosen = np.flatnonzero((spoof["t"] >= a) & (spoof["t"] < b))
        if chosen.size:
            moments = spoof["t"][chosen].astype(np.int64)
            payloads, xor = position_payloads(
                vessel.mmsi,
                spoof["lat"][chosen],
                spoof["lon"][chosen],
                spoof["sog"][chosen],
                spoof["cog"][chosen],
                moments % 60,
                np.zeros(chosen.size, dtype=np.int64),
                class_b=vessel.class_b,
            )
            lines = position_lines(payloads, xor, moments, f"{station}-1")
            out.extend(zip((moments + 1.0).tolist(), lines, strict=True))
    statics = reports["statics"]
    cache: dict[str, list[tuple[str, int]]] = {}
    for n, value in enumerate(statics[(statics >= a) & (statics < b)].tolist()):
        moment = int(value)
        name = vessel.name
        if vessel.rename_at is not None and vessel.new_name and moment >= vessel.rename_at:
            name = vessel.new_name
        if name not in cache:
            parts = (
                [
                    StaticReport(
                        vessel.mmsi, name, vessel.callsign, vessel.ship_type, class_b=True
                    ),
                    StaticReport(
                        vessel.mmsi, name, vessel.callsign, vessel.ship_type, class_b=True, part=1
                    ),
                ]
                if vessel.class_b
                else [
                    StaticReport(vessel.mmsi, name, vessel.callsign, vessel.ship_type, vessel.imo)
                ]
            )
            cache[name] = [part.payload() for part in parts]
        for payload in cache[name]:
            for line in sentences(payload, unix_time=moment, station=f"{station}-1", sequence=n):
                out.append((moment + 0.2, line))
    return out

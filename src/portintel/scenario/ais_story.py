"""The demo's smuggling run in AIS: a fishing boat of the case goes dark, meets a freighter, lands.

The boat (a wooden fishing boat of the cast, class B) leaves Koh Kong, and
about 30 km out switches its transmitter off for 17 hours; it is heard again
in the middle of the Gulf of Thailand, where a small freighter of the cast
(class A, on its way from Sihanoukville to Songkhla) comes alongside for
two and a half hours; the boat then heads for southern Thailand and loiters
seven hours off a landing beach before it turns back. The run ends in the
last day of the AIS period, so the map's default window (the last 24 hours)
shows its encounter, its loitering and the end of its gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from portintel.scenario.ais_motion import KM_PER_DEG, KNOT_KMH, path_lengths
from portintel.scenario.ais_tracks import AisVessel, _Planner
from portintel.scenario.model import Vessel
from portintel.scenario.sea_lanes import LANDING_BEACH

KOH_KONG_BERTH = (11.600, 102.975)
KOH_KONG_OUT = ((11.570, 102.940), (11.500, 102.900), (11.200, 102.780))
MEETING = (8.900, 101.300)
BEACH = (8.050, 100.450)
"""Off the beaches north of Pak Phanang, Nakhon Si Thammarat: 40 km from the fishing port."""
SIHANOUKVILLE_BERTH = (10.640, 103.500)
SONGKHLA_BERTH = (7.220, 100.600)

BEACH_AREA = LANDING_BEACH


@dataclass(frozen=True, slots=True)
class SmugglingRun:
    boat: AisVessel
    freighter: AisVessel
    dark: tuple[float, float]
    meeting: tuple[float, float]
    loitering: tuple[float, float]


def _ais_vessel(planner: _Planner, cast: Vessel, *, class_b: bool, knots: float) -> AisVessel:
    mmsi = int(cast.mmsi or 0)
    planner.mmsis.add(mmsi)
    return AisVessel(
        mmsi=mmsi,
        name=cast.name,
        callsign=cast.call_sign or "",
        imo=int(cast.imo) if cast.imo and cast.imo.isdigit() else None,
        ship_type=30 if class_b else 70,
        class_b=class_b,
        lane="Sihanoukville - Songkhla",
        speed_knots=knots,
        cast_key=cast.key,
    )


def smuggling_run(planner: _Planner, boat_cast: Vessel, freighter_cast: Vessel) -> SmugglingRun:
    """Plan the run so it ends a few hours before the period does."""
    end = planner.t1
    boat = _ais_vessel(planner, boat_cast, class_b=True, knots=9.0)
    freighter = _ais_vessel(planner, freighter_cast, class_b=False, knots=11.0)
    hour = 3600.0
    meet_at = end - 20.5 * hour
    alongside = 2.5 * hour
    drift = (0.25 * KNOT_KMH / KM_PER_DEG, -0.1 * KNOT_KMH / KM_PER_DEG)

    # the boat: Koh Kong, out to sea, dark across the gulf, the meeting, the beach, back
    out = np.array([KOH_KONG_BERTH, *KOH_KONG_OUT, MEETING])
    leave = meet_at - float(path_lengths(out)[-1]) / (boat.speed_knots * KNOT_KMH) * hour
    planner.stay(
        boat, np.array([KOH_KONG_BERTH]), planner.t0, (leave - planner.t0) / hour, port="KH-KKG"
    )
    planner.sail(boat, out, leave, until=meet_at)
    sail = boat.phases[-1]
    dark_from = sail.start + float(path_lengths(out[:4])[-1]) / (boat.speed_knots * KNOT_KMH) * hour
    dark = (dark_from, meet_at - 0.5 * hour)
    boat.dark.append(dark)
    planner.stay(
        boat, np.array([MEETING]), meet_at, alongside / hour, drift=drift, purpose="encounter"
    )
    to_beach = np.array([MEETING, BEACH])
    arrive = meet_at + alongside + float(path_lengths(to_beach)[-1]) / (9.0 * KNOT_KMH) * hour
    planner.sail(boat, to_beach, meet_at + alongside, until=arrive)
    loiter = (arrive, arrive + 7.0 * hour)
    planner.stay(
        boat,
        np.array([BEACH]),
        arrive,
        7.0,
        drift=(0.0, 0.3 * KNOT_KMH / KM_PER_DEG),
        purpose="loitering",
    )
    back = np.array([BEACH, MEETING, *reversed(KOH_KONG_OUT), KOH_KONG_BERTH])
    planner.sail(boat, back, loiter[1])

    # the freighter: Sihanoukville, the meeting on its way, Songkhla
    meet = np.array([[MEETING[0] + 0.0018, MEETING[1]]])
    inbound = np.array([SIHANOUKVILLE_BERTH, (9.29, 102.68), tuple(meet[0])])
    depart = meet_at - float(path_lengths(inbound)[-1]) / (freighter.speed_knots * KNOT_KMH) * hour
    planner.stay(
        freighter,
        np.array([SIHANOUKVILLE_BERTH]),
        planner.t0,
        (depart - planner.t0) / hour,
        port="KHKOS",
    )
    planner.sail(freighter, inbound, depart, until=meet_at)
    planner.stay(freighter, meet, meet_at, alongside / hour, drift=drift, purpose="encounter")
    onward = np.array([tuple(meet[0]), SONGKHLA_BERTH])
    planner.sail(freighter, onward, meet_at + alongside)
    arrived = freighter.phases[-1].end
    if arrived < end:
        planner.stay(
            freighter,
            np.array([SONGKHLA_BERTH]),
            arrived,
            (end - arrived) / hour + 1.0,
            port="THSGZ",
        )
    planner.vessels.extend([boat, freighter])
    return SmugglingRun(boat, freighter, dark, (meet_at, meet_at + alongside), loiter)

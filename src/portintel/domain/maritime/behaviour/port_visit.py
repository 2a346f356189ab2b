"""Port visits: entry within ``entry_km`` of a port or anchorage, exit beyond ``exit_km``.

Per segment, a state machine over the fixes: outside until a fix comes within
``entry_km`` of a gazetteer entry, inside until a fix is farther than
``exit_km`` from that entry (hysteresis, as GFW's port visits). The stop is
the first fix inside below ``stop_speed_knots``, the restart the first fix
after the stop above ``restart_speed_knots``. A vessel that neither stops
inside nor goes silent there for ``gap.min_hours`` (a port gap) only passed
by and makes no visit (GFW keeps such entries as low-confidence visits): a
lane past an anchorage or a neighbouring harbour would otherwise count one
visit per port passed. A visit still open at the end
of the data has no end (``details.open``); a later run closes it under the
same event id.
"""

from __future__ import annotations

import numpy as np

from portintel.domain.maritime.behaviour.common import (
    EventRow,
    Track,
    evidence,
    haversine_km,
    segment_indices,
    window,
)
from portintel.domain.maritime.behaviour.ports import Gazetteer
from portintel.domain.maritime.behaviour.settings import BehaviourSettings


def detect_port_visits(
    track: Track,
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    near: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[EventRow]:
    """Port visits of ``track``; ``near`` is the nearest port within ``entry_km`` of
    each fix and its distance when the caller looked them up for many tracks at once."""
    config = settings.port_visit
    if not gazetteer.ports or len(track) == 0:
        return []
    if near is None:
        near = gazetteer.nearest(track.lat, track.lon, within_km=config.entry_km)
    nearest, distance = near
    if not np.any(distance <= config.entry_km):
        return []
    rows: list[EventRow] = []
    size = int(settings.evidence.positions)
    for index in segment_indices(track):
        entering = np.flatnonzero(~(distance[index] > config.entry_km))
        k = 0
        while k < index.size:
            # the next fix within entry_km of a port
            later = entering[np.searchsorted(entering, k) :]
            if later.size == 0:
                break
            k = int(later[0])
            i = index[k]
            port = gazetteer.ports[int(nearest[i])]
            entry = k
            # inside until farther than exit_km from this port (distances from the entry on)
            d_port = haversine_km(track.lat[index[k:]], track.lon[index[k:]], port.lat, port.lon)
            beyond = np.flatnonzero(d_port[1:] > config.exit_km)
            exit_at = k + 1 + int(beyond[0]) if beyond.size else None
            last_inside = (exit_at - 1) if exit_at is not None else index.size - 1
            inside = index[entry : last_inside + 1]
            sog = track.sog[inside]
            stop = restart = None
            stops = np.flatnonzero(sog < config.stop_speed_knots)
            if stops.size:
                stop = int(inside[stops[0]])
                restarts = np.flatnonzero(sog[stops[0] :] > config.restart_speed_knots)
                if restarts.size:
                    restart = int(inside[stops[0] + restarts[0]])
            end_index = int(index[exit_at]) if exit_at is not None else None
            silent = (
                inside.size > 1
                and np.diff(track.ts[inside]).max() >= settings.gap.min_hours * 3600e6
            )
            if stop is None and not silent:
                # passing by (within entry_km of a port without stopping or going silent
                # there) is not a visit: lanes run past anchorages and neighbouring ports
                k = exit_at + 1 if exit_at is not None else index.size
                continue
            rows.append(
                EventRow(
                    type="port_visit",
                    mmsi=track.mmsi,
                    start=int(track.ts[index[entry]]),
                    end=int(track.ts[end_index]) if end_index is not None else None,
                    lat=port.lat,
                    lon=port.lon,
                    parameters=settings.section("port_visit"),
                    details={
                        "port_id": port.id,
                        "port_name": port.name,
                        "port_kind": port.kind,
                        "country": port.country,
                        "open": end_index is None,
                        "stop": _iso(track, stop),
                        "restart": _iso(track, restart),
                        "entry_distance_km": round(float(d_port[0]), 3),
                    },
                    evidence=evidence(
                        track,
                        window(int(index[entry]), end_index or int(index[-1]), size, len(track)),
                    ),
                    discriminator=port.id,
                )
            )
            k = exit_at + 1 if exit_at is not None else index.size
    return rows


def _iso(track: Track, i: int | None) -> str | None:
    from portintel.domain.maritime.behaviour.common import micros_to_datetime

    return None if i is None else micros_to_datetime(int(track.ts[i])).isoformat()

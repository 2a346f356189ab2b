"""The ports gazetteer: ports, anchorages, fishing harbours and landing sites.

Shipped as ``portintel/vocabularies/ports.csv`` (sources and licences in
``ports-SOURCES.md`` beside it); a node adds or corrects entries with
``<data_dir>/ports.csv`` of the same columns (an entry with the id of a
shipped one replaces it). Parsing is pure; each bad row is refused with its
file, line and reason while the good rows still load.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from portintel.domain.maritime.behaviour.common import FloatArray, haversine_km

KINDS = ("port", "anchorage", "fishing_harbour", "landing_site")
COLUMNS = ("id", "name", "country", "kind", "lat", "lon", "source", "licence")


@dataclass(frozen=True, slots=True)
class Port:
    id: str
    name: str
    country: str
    kind: str
    lat: float
    lon: float
    source: str
    licence: str


@dataclass(frozen=True, slots=True)
class Gazetteer:
    ports: tuple[Port, ...]
    refused: tuple[str, ...] = ()
    """``file line N: reason`` of each row that could not be read."""

    @property
    def lat(self) -> FloatArray:
        return _coordinates(self.ports)[0]

    @property
    def lon(self) -> FloatArray:
        return _coordinates(self.ports)[1]

    def nearest(
        self, lat: FloatArray, lon: FloatArray, *, within_km: float | None = None
    ) -> tuple[np.ndarray, FloatArray]:
        """Index of the nearest port of each point and its distance in km.

        With ``within_km``, only ports at most that far are looked for (a
        bounding-box test first, great-circle distances only for the points
        inside it): a point with none gets index -1 and distance inf.
        """
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        index = np.full(lat.shape, -1)
        best = np.full(lat.shape, np.inf)
        if not self.ports or lat.size == 0:
            return index, best
        plat, plon = self.lat, self.lon
        if within_km is None:
            chunk = 4096
            for start in range(0, lat.size, chunk):
                d = haversine_km(
                    lat[start : start + chunk, None],
                    lon[start : start + chunk, None],
                    plat[None, :],
                    plon[None, :],
                )
                index[start : start + chunk] = d.argmin(axis=1)
                best[start : start + chunk] = d.min(axis=1)
            return index, best
        points, near_index, near_km = self.near(lat, lon, within_km)
        index[points] = near_index
        best[points] = near_km
        return index, best

    def near(
        self, lat: FloatArray, lon: FloatArray, within_km: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
        """:meth:`nearest` with ``within_km`` for the points near a port only: those points
        (ascending), their nearest port and its distance. Most points of a fleet are at
        sea: nothing is allocated per point of the whole batch."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        none = np.zeros(0, dtype=np.int64)
        if not self.ports or lat.size == 0:
            return none, none, np.zeros(0)
        plat, plon = self.lat, self.lon
        dlat = within_km / 110.0
        dlon = [
            within_km / (111.32 * max(np.cos(np.radians(abs(plat[k]) + dlat)), 0.01))
            for k in range(plat.size)
        ]
        # only points in some port's box can be near one: a raster of the boxes finds them
        # without sorting every point (most points of a fleet are at sea)
        candidates = _in_boxes(lat, lon, plat, plon, dlat, np.array(dlon))
        index = np.full(candidates.size, -1, dtype=np.int64)
        best = np.full(candidates.size, np.inf)
        cand_lat, cand_lon = lat[candidates], lon[candidates]
        # candidates sorted by latitude once: each port looks only at its latitude band
        order = np.argsort(cand_lat, kind="stable")
        sorted_lat = cand_lat[order]
        for k in range(plat.size):
            low, high = np.searchsorted(sorted_lat, [plat[k] - dlat, plat[k] + dlat + 1e-12])
            if low >= high:
                continue
            band = order[low:high]
            near = band[np.abs(cand_lon[band] - plon[k]) <= dlon[k]]
            if near.size == 0:
                continue
            d = haversine_km(cand_lat[near], cand_lon[near], plat[k], plon[k])
            closer = (d < best[near]) & (d <= within_km)
            best[near[closer]] = d[closer]
            index[near[closer]] = k
        found = index >= 0
        return candidates[found], index[found], best[found]


RASTER_CELLS = 1024
"""Raster side at most, in cells: small enough to build per call, fine enough to prune."""
RASTER_CHUNK = 1 << 18
"""Points looked up in the raster at a time."""


def _in_boxes(
    lat: FloatArray,
    lon: FloatArray,
    plat: FloatArray,
    plon: FloatArray,
    dlat: float,
    dlon: FloatArray,
) -> np.ndarray:
    """Indices of the points that may lie in a port's box (a superset, never fewer)."""
    pad = 1e-9  # beyond the band's own 1e-12 and any rounding of the cell arithmetic
    south, north = float((plat - dlat).min()) - pad, float((plat + dlat).max()) + pad
    west, east = float((plon - dlon).min()) - pad, float((plon + dlon).max()) + pad
    cell = max((north - south) / RASTER_CELLS, (east - west) / RASTER_CELLS, 0.01)
    rows = int((north - south) / cell) + 1
    columns = int((east - west) / cell) + 2
    raster = np.zeros((rows + 1, columns), dtype=bool)
    for k in range(plat.size):
        r0 = max(int((plat[k] - dlat - pad - south) / cell) - 1, 0)
        r1 = min(int((plat[k] + dlat + pad - south) / cell) + 1, rows)
        c0 = max(int((plon[k] - dlon[k] - pad - west) / cell) - 1, 0)
        c1 = min(int((plon[k] + dlon[k] + pad - west) / cell) + 1, columns - 1)
        raster[r0 : r1 + 1, c0 : c1 + 1] = True
    # a point inside the rectangle falls in its own cell; one outside it is near no port
    # and may fall anywhere (its cell is only a candidate, checked exactly by the caller);
    # in chunks, so the work arrays stay small and are reused
    flat_raster = raster.ravel()
    found = []
    size = min(lat.size, RASTER_CHUNK)
    scaled = np.empty(size)
    flat = np.empty(size, dtype=np.int32)
    column = np.empty(size, dtype=np.int32)
    for a in range(0, lat.size, RASTER_CHUNK):
        b = min(a + RASTER_CHUNK, lat.size)
        m = b - a
        np.subtract(lat[a:b], south, out=scaled[:m])
        scaled[:m] *= 1.0 / cell
        with np.errstate(invalid="ignore"):
            np.copyto(flat[:m], scaled[:m], casting="unsafe")
            np.subtract(lon[a:b], west, out=scaled[:m])
            scaled[:m] *= 1.0 / cell
            np.copyto(column[:m], scaled[:m], casting="unsafe")
        flat[:m] *= columns
        flat[:m] += column[:m]
        found.append(np.flatnonzero(flat_raster.take(flat[:m], mode="clip")) + a)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


@functools.lru_cache(maxsize=8)
def _coordinates(ports: tuple[Port, ...]) -> tuple[FloatArray, FloatArray]:
    return (
        np.array([p.lat for p in ports], dtype=float),
        np.array([p.lon for p in ports], dtype=float),
    )


def parse_ports(text: str, *, source: str) -> tuple[list[Port], list[str]]:
    """Ports of one CSV text and the refusals (``source line N: reason``)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"{source} line 1: missing columns {', '.join(missing)}"]
    ports: list[Port] = []
    refused: list[str] = []
    for number, row in enumerate(reader, start=2):
        where = f"{source} line {number}"
        try:
            lat = float(row["lat"])
            lon = float(row["lon"])
        except (TypeError, ValueError):
            refused.append(f"{where}: lat/lon must be numbers, got {row['lat']!r}, {row['lon']!r}")
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            refused.append(f"{where}: lat/lon out of range ({lat}, {lon})")
            continue
        if row["kind"] not in KINDS:
            refused.append(f"{where}: kind must be one of {', '.join(KINDS)}, got {row['kind']!r}")
            continue
        if not (row["id"] or "").strip() or not (row["name"] or "").strip():
            refused.append(f"{where}: id and name are required")
            continue
        if not (row["source"] or "").strip() or not (row["licence"] or "").strip():
            refused.append(f"{where}: every entry records its source and licence")
            continue
        ports.append(
            Port(
                id=row["id"].strip(),
                name=row["name"].strip(),
                country=(row["country"] or "").strip(),
                kind=row["kind"],
                lat=lat,
                lon=lon,
                source=row["source"].strip(),
                licence=row["licence"].strip(),
            )
        )
    return ports, refused


def build_gazetteer(*texts: tuple[str, str]) -> Gazetteer:
    """One gazetteer from ``(text, source)`` pairs; a later entry replaces an earlier id."""
    by_id: dict[str, Port] = {}
    refused: list[str] = []
    for text, source in texts:
        ports, bad = parse_ports(text, source=source)
        refused.extend(bad)
        for port in ports:
            by_id[port.id] = port
    return Gazetteer(tuple(by_id.values()), tuple(refused))

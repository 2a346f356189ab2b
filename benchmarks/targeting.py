"""Risk scoring at the size issue #14 asks for: 5,000 vessels with a week of events.

Run: ``python3 benchmarks/targeting.py`` (``--quick``: 300 vessels, nothing written to
``results/``; ``--postgres URL`` scores on PostgreSQL instead of SQLite).

Builds a node: N vessels in the registry (AIS statements: MMSI, name, a type,
Fishing for a third of them), a week of positions for each (one fix every 10
minutes: the behaviour benchmark's generated tracks, ``behaviours.tracks``, re-timed)
written with the track store's writer, and a week of behaviour events in the
event store (port visits every two to three days, gaps, loitering, identity
changes, encounters between pairs), so every shipped indicator has something
to look at. Then, in one run:

* **scoring throughput**: ``score_vessels`` over every vessel (facts gathered
  from the stores, the shipped indicator set evaluated for each vessel and
  each voyage, reasons and evidence written): vessels per second;
* **incremental update**: one new encounter is stored, and the job the
  ``behaviour_events_detected`` hook enqueues (``run_scoring(event_ids=[...])``)
  rescores the two vessels it names: seconds;
* **the peer**: what a full rescan costs for that one event (the same full
  scoring), side by side with the incremental update.

Wall and CPU time (this process) are printed with the 1-minute load average
(the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import func, insert, select

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE))

import behaviours as behaviours_bench  # noqa: E402
from portintel.adapters.database import entity_summaries, tables  # noqa: E402
from portintel.adapters.eventstore import EventStore  # noqa: E402
from portintel.domain.maritime.behaviour.common import EVENT_SCHEMA  # noqa: E402
from portintel.domain.maritime.schema import POSITIONS  # noqa: E402
from portintel.services.targeting import score_vessels  # noqa: E402
from portintel.services.targeting.jobs import run_scoring  # noqa: E402
from portintel.services.workspace import Workspace, open_workspace  # noqa: E402
from portintel.settings import Settings  # noqa: E402

RESULTS = HERE / "results"
r = tables.risk_reasons.c
T0 = datetime(2026, 3, 1, tzinfo=UTC)
WEEK = timedelta(days=7)
FIX_SECONDS = 600
LANDING = (6.30, 102.10)  # off Tak Bai, a landing site of the shipped gazetteer


def load() -> float:
    return round(os.getloadavg()[0], 2)


def registry(ws: Workspace, mmsis: list[int]) -> None:
    rows: list[dict[str, Any]] = []
    for index, mmsi in enumerate(mmsis):
        entity = f"ent-bench{mmsi}"
        values = [
            ("mmsi", "identifier", str(mmsi)),
            ("name", "name", f"BENCH {index}"),
            ("type", "string", "Fishing" if index % 3 == 0 else "Cargo"),
        ]
        for prop, prop_type, value in values:
            rows.append(
                {
                    "id": f"st-{mmsi}-{prop}",
                    "entity_id": entity,
                    "canonical_id": entity,
                    "schema": "Vessel",
                    "prop": prop,
                    "prop_type": prop_type,
                    "value": value,
                    "dataset": "ais",
                    "origin": "ais:bench",
                    "external": False,
                    "first_seen": T0,
                    "last_seen": T0 + WEEK,
                    "restrictive": False,
                }
            )
    with ws.engine.begin() as connection:
        for start in range(0, len(rows), 5_000):
            connection.execute(insert(tables.statements), rows[start : start + 5_000])
        entity_summaries.fill(connection)  # what write_statements would have kept (#8)


def positions(vessels: int, seed: int) -> pl.DataFrame:
    fixes = int(WEEK.total_seconds() // FIX_SECONDS)
    frame, _ = behaviours_bench.tracks(vessels, fixes, seed=seed)
    step = np.tile(np.arange(fixes, dtype=np.int64) * FIX_SECONDS * 1_000_000, vessels)
    start = int(T0.timestamp() * 1e6)
    return frame.with_columns(
        pl.Series("ts", start + step).cast(pl.Datetime("us", "UTC")),
    )


def events(mmsis: list[int], seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []

    def add(kind: str, mmsi: int, start: datetime, hours: float, **extra: Any) -> None:
        details = {"hours": hours, **extra.pop("details", {})}
        rows.append(
            {
                "event_id": f"{kind}-{mmsi}-{len(rows)}",
                "type": kind,
                "mmsi": mmsi,
                "other_mmsi": extra.get("other"),
                "start": start,
                "end": start + timedelta(hours=hours),
                "lat": extra.get("lat", 9.0),
                "lon": extra.get("lon", 101.0),
                "parameters": "{}",
                "details": json.dumps(details),
                "evidence": None,
            }
        )

    for index, mmsi in enumerate(mmsis):
        at = T0 + timedelta(hours=float(rng.uniform(0, 24)))
        while at < T0 + WEEK:
            add("port_visit", mmsi, at, float(rng.uniform(6, 20)),
                details={"port_name": "Ranong", "port_kind": "port"})  # fmt: skip
            at += timedelta(hours=float(rng.uniform(48, 72)))
        for _ in range(int(rng.integers(0, 3))):
            near = rng.random() < 0.2
            lat, lon = LANDING if near else (9.5, 102.0)
            add("gap", mmsi, T0 + timedelta(hours=float(rng.uniform(0, 160))),
                float(rng.uniform(6, 14)), lat=lat, lon=lon)  # fmt: skip
        if rng.random() < 0.3:
            add("loitering", mmsi, T0 + timedelta(hours=float(rng.uniform(0, 160))),
                float(rng.uniform(4, 8)), lat=LANDING[0], lon=LANDING[1])  # fmt: skip
        if rng.random() < 0.05:
            add("identity_change", mmsi, T0 + timedelta(hours=float(rng.uniform(0, 160))), 0,
                details={"kind": "field", "field": "name"})  # fmt: skip
        if index % 20 == 1:
            add("encounter", mmsis[index - 1], T0 + timedelta(hours=float(rng.uniform(0, 160))),
                3.0, other=mmsi)  # fmt: skip
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)


def build(data_dir: Path, url: str | None, vessels: int, seed: int) -> tuple[Workspace, list[int]]:
    settings = Settings(
        data_dir=data_dir, database_url=url or f"sqlite:///{data_dir.parent}/bench.sqlite"
    )
    ws = open_workspace(settings)
    mmsis = [behaviours_bench.FIRST_MMSI + i for i in range(vessels)]
    registry(ws, mmsis)
    ws.tracks.write(POSITIONS, positions(vessels, seed))  # type: ignore[attr-defined]
    store = EventStore(settings.tracks_dir, settings.data_dir / "behaviours")
    store.save(events(mmsis, seed), pl.DataFrame(schema=dict(store.load_state().schema)))
    return ws, mmsis


def timed(function: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 vessels, no results written")
    parser.add_argument("--vessels", type=int, default=None)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--postgres", default=None, help="score on this PostgreSQL URL")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    vessels = args.vessels or (300 if args.quick else 5_000)
    now = T0 + WEEK
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory) / "data"
        started = time.perf_counter()
        ws, mmsis = build(data_dir, args.postgres, vessels, args.seed)
        build_s = time.perf_counter() - started
        try:
            stored = ws.tracks.count(POSITIONS)
            before = load()
            wall, cpu, summary = timed(lambda: score_vessels(ws, mmsis, now=now))
            # one new event: an encounter of two vessels, stored as detection stores it
            store = EventStore(ws.settings.tracks_dir, ws.settings.data_dir / "behaviours")
            new = pl.DataFrame(
                [
                    {
                        "event_id": "encounter-new",
                        "type": "encounter",
                        "mmsi": mmsis[2],
                        "other_mmsi": mmsis[3],
                        "start": now - timedelta(hours=5),
                        "end": now - timedelta(hours=2),
                        "lat": 9.0,
                        "lon": 101.0,
                        "parameters": "{}",
                        "details": json.dumps({"hours": 3.0}),
                        "evidence": None,
                    }
                ],
                schema=EVENT_SCHEMA,
            )
            store.save(pl.concat([store.load(), new]), store.load_state())
            ws.clock = lambda: now  # the job scores "now", as the worker would
            load_incremental = load()
            inc_wall, inc_cpu, _ = timed(lambda: run_scoring(ws, event_ids=["encounter-new"]))
            peer_wall, peer_cpu, _ = timed(lambda: score_vessels(ws, mmsis, now=now))
            with ws.engine.connect() as connection:
                fired = dict(
                    connection.execute(
                        select(r.indicator_id, func.count())
                        .where(r.voyage_id == "")
                        .group_by(r.indicator_id)
                        .order_by(r.indicator_id)
                    ).all()
                )
        finally:
            ws.close()
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "backend": "postgresql" if args.postgres else "sqlite",
        "vessels": summary.vessels,
        "positions": stored,
        "scores_written": summary.subjects,
        "reasons_written": summary.reasons,
        "build_s (not counted)": round(build_s, 1),
        "full_scoring_s": round(wall, 2),
        "full_scoring_cpu_s": round(cpu, 2),
        "vessels_per_s": round(summary.vessels / wall, 1),
        "vessels_per_cpu_s": round(summary.vessels / cpu, 1) if cpu else None,
        "load_average_full": before,
        "incremental_one_event_s": round(inc_wall, 3),
        "incremental_one_event_cpu_s": round(inc_cpu, 3),
        "load_average_incremental": load_incremental,
        "peer_full_rescan_for_one_event_s": round(peer_wall, 2),
        "peer_full_rescan_cpu_s": round(peer_cpu, 2),
        "incremental_speedup": round(peer_wall / inc_wall, 1) if inc_wall else None,
        "vessels_per_indicator": fired,
    }
    table = "\n".join(f"| {key} | {value} |" for key, value in figures.items())
    text = (
        "# Risk scoring (issue #14)\n\n"
        f"`python3 benchmarks/targeting.py{' --quick' if args.quick else ''}`; "
        "incremental = the job one new event enqueues; peer = a full rescan.\n\n"
        "| figure | value |\n| --- | --- |\n" + table + "\n"
    )
    print(text)
    if not args.quick:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = "targeting" if not args.postgres else "targeting_postgresql"
        (args.out / f"{stem}.json").write_text(json.dumps(figures, indent=2) + "\n")
        (args.out / f"{stem}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

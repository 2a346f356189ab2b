"""The demo's maritime picture: two weeks of AIS in the Gulf of Thailand and the Andaman Sea.

A few hundred vessels on the sea lanes (``scenario.ais_tracks``), some under
the identities of the case's vessels so that their AIS and the reports about
them meet on the vessel page, and the smuggling run of the case
(``scenario.ais_story``): a fishing boat of the cast that goes dark near Koh
Kong, meets a freighter of the cast at sea and loiters off a landing beach in
southern Thailand. The AIS is written as an NMEA log into
``<data_dir>/incoming/`` and taken through ``ingest_paths`` and
``detect_behaviours`` like any feed; the watch areas (a landing beach among
them) go to ``<data_dir>/areas/``, and the beach itself to the node's
``<data_dir>/ports.csv`` as a landing site (a unit knows where boats land
people; the shipped gazetteer does not know this fictional beach). Risk
scores are then computed as of the end of the picture, so the pre-arrival
list shows the boat, on its way back to Koh Kong, with the reasons that
explain why it tops the list. Idempotent: the log is written once, the
ingest manifest skips it when it is in, and detection and scoring change
nothing then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import polars as pl

from portintel.adapters.behaviour_config import add_node_port, load_gazetteer
from portintel.domain.maritime.behaviour.ports import Gazetteer, Port
from portintel.domain.maritime.schema import POSITIONS
from portintel.scenario import scenario_cast
from portintel.scenario.ais_story import BEACH_AREA, SmugglingRun, smuggling_run
from portintel.scenario.ais_tracks import AisScenario, FleetSpec, generate_fleet
from portintel.scenario.generator import PERIOD_DAYS, PERIOD_START
from portintel.scenario.model import Vessel
from portintel.scenario.sea_lanes import AREAS
from portintel.services.maritime import IngestProgress, detect_behaviours, ingest_paths
from portintel.services.targeting import registry_mmsis, score_vessels
from portintel.services.training.ais_accuracy import write_scenario_inputs
from portintel.services.workspace import Workspace

Step = Callable[[str], None]
DEMO_DAYS = 14.0
DEMO_VESSELS = 180
LANDING_SITE = Port(
    id="DEMO-TH-PKP-BEACH",
    name=BEACH_AREA.name,
    country="TH",
    kind="landing_site",
    lat=8.05,
    lon=100.45,
    source="portintel demo scenario (a fictional case; the beach is the scenario's)",
    licence="CC0-1.0",
)
"""The landing beach of the smuggling run, as the demo unit knows it."""


@dataclass(frozen=True, slots=True)
class DemoTracksSummary:
    vessels: int
    lines: int
    positions: int
    events: int
    by_type: dict[str, int]
    boat_mmsi: int
    boat_name: str
    freighter_mmsi: int
    scored: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def demo_spec(vessels: int = DEMO_VESSELS, days: float = DEMO_DAYS) -> FleetSpec:
    """The demo's fleet: the last ``days`` of the case's period, thinned as archives keep it."""
    end = PERIOD_START + timedelta(days=PERIOD_DAYS)
    return FleetSpec(
        vessels=vessels,
        days=days,
        start=end - timedelta(days=days),
        min_interval=300.0,
        static_interval=1800.0,
        # a voyage in ten with a hold at sea or a dark stretch, one in thirty with a meeting
        loitering_share=0.1,
        encounter_share=0.03,
        gap_share=0.1,
        rename_share=0.1,
        spoofed=2,
        areas=(*AREAS, BEACH_AREA),
    )


def smuggling_cast(seed: int, reports: int) -> tuple[Vessel, Vessel, list[Vessel]]:
    """The boat (a wooden fishing boat with AIS), the freighter, and the other AIS vessels."""
    vessels = [v for v in scenario_cast(seed, reports).vessels if v.mmsi]
    boat = next(v for v in vessels if v.vessel_type == "wooden fishing boat")
    freighter = next(v for v in vessels if v.vessel_type == "general cargo")
    return boat, freighter, [v for v in vessels if v not in (boat, freighter)]


def plan_demo_tracks(
    seed: int,
    reports: int,
    gazetteer: Gazetteer,
    vessels: int = DEMO_VESSELS,
    days: float = DEMO_DAYS,
) -> tuple[AisScenario, SmugglingRun]:
    """The demo's fleet and its smuggling run (pure planning, nothing written)."""
    boat, freighter, others = smuggling_cast(seed, reports)
    runs: list[SmugglingRun] = []
    # planned without the beach the demo adds, so a second run plans the same fleet
    planned = Gazetteer(tuple(p for p in gazetteer.ports if p.id != LANDING_SITE.id))
    scenario = generate_fleet(
        seed,
        demo_spec(vessels, days),
        planned,
        with_truth=False,
        cast=others,
        story=lambda planner: runs.append(smuggling_run(planner, boat, freighter)),
    )
    return scenario, runs[0]


def build_demo_tracks(
    ws: Workspace,
    *,
    seed: int = 7,
    reports: int = 240,
    vessels: int = DEMO_VESSELS,
    days: float = DEMO_DAYS,
    step: Step | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
) -> DemoTracksSummary:
    """Write, ingest and detect the demo's AIS (skipped parts that are done already)."""
    seconds: dict[str, float] = {}
    data_dir = ws.settings.data_dir
    name = f"demo-ais-seed{seed}-{vessels}x{days:g}d"
    path = data_dir / "incoming" / f"{name}.nmea"
    started = time.perf_counter()
    scenario, run = plan_demo_tracks(seed, reports, load_gazetteer(data_dir), vessels, days)
    lines = 0
    if not path.exists():
        if step:
            step(f"writing two weeks of AIS for {len(scenario.vessels)} vessels")
        written, lines = write_scenario_inputs(scenario, data_dir, name + ".partial")
        written.replace(path)
    seconds["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    if step:
        step("ingesting the AIS log")
    ingest = ingest_paths(ws, [path], progress=progress, source=name)
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    if step:
        step("detecting behaviours")
    add_node_port(data_dir, LANDING_SITE)
    detection = detect_behaviours(ws)
    seconds["detect"] = time.perf_counter() - started
    started = time.perf_counter()
    if step:
        step("scoring risk")
    # as of the end of the picture: the demo's "now" (the map and the lists read it so too)
    end = ws.tracks.scan(POSITIONS).select(pl.col("ts").max()).collect().item()
    scoring = score_vessels(ws, registry_mmsis(ws), now=end) if end is not None else None
    seconds["score"] = time.perf_counter() - started
    return DemoTracksSummary(
        vessels=len(scenario.vessels),
        lines=lines or ingest.sentences,
        positions=ingest.positions,
        events=detection.events,
        by_type=dict(sorted(detection.by_type.items())),
        boat_mmsi=run.boat.mmsi,
        boat_name=run.boat.name,
        freighter_mmsi=run.freighter.mmsi,
        scored=scoring.vessels if scoring else 0,
        seconds={k: round(v, 1) for k, v in seconds.items()},
    )

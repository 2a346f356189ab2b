"""How well behaviour detection finds what the scenario put in: precision and recall per type.

For each seed: the scenario plans a fleet with injected behaviours and their
truth (``scenario.ais_tracks``), writes what its receivers would log as an
NMEA file, and the node takes it through the real path: ``ingest_paths``
(decode, merge receptions, quality checks, track store) then
``detect_behaviours`` (the local executor), with the scenario's watch areas
in the data directory's ``areas/``. The stored events are scored against the
truth (``scenario.ais_scoring``). Each seed runs in a fresh data directory.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from portintel.adapters.behaviour_config import load_behaviour_settings, load_gazetteer
from portintel.domain.maritime.behaviour.common import EVENTS
from portintel.scenario.ais_scoring import GOAL, Detected, TypeScore, detected_events, score
from portintel.scenario.ais_tracks import AisScenario, FleetSpec, TruthEvent, generate_fleet
from portintel.scenario.sea_lanes import areas_geojson
from portintel.services.maritime import detect_behaviours, ingest_paths
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings

Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SeedResult:
    seed: int
    scores: tuple[TypeScore, ...]
    vessels: int
    lines: int
    positions: int
    seconds: dict[str, float]
    missed: tuple[TruthEvent, ...] = ()
    spurious: tuple[Detected, ...] = ()

    def meets(self, goal: float = GOAL) -> bool:
        return all(s.meets(goal) for s in self.scores)


@dataclass(frozen=True, slots=True)
class AccuracyReport:
    spec: FleetSpec
    results: tuple[SeedResult, ...] = field(default=())

    def meets(self, goal: float = GOAL) -> bool:
        return bool(self.results) and all(r.meets(goal) for r in self.results)


def write_scenario_inputs(scenario: AisScenario, data_dir: Path, name: str) -> tuple[Path, int]:
    """The scenario's areas into ``<data_dir>/areas/`` and its NMEA log into
    ``<data_dir>/incoming/<name>.nmea``; returns the log's path and line count."""
    areas = data_dir / "areas"
    areas.mkdir(parents=True, exist_ok=True)
    (areas / "scenario.geojson").write_text(
        json.dumps(areas_geojson(scenario.areas)), encoding="utf-8"
    )
    incoming = data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / f"{name}.nmea"
    count = 0
    with path.open("w", encoding="ascii", newline="\n") as out:
        for line in scenario.nmea_lines():
            out.write(line)
            out.write("\n")
            count += 1
    return path, count


def evaluate_seed(
    ws: Workspace, seed: int, spec: FleetSpec, step: Step | None = None
) -> SeedResult:
    """Generate, ingest, detect and score one seed in the (fresh) workspace ``ws``."""
    seconds: dict[str, float] = {}
    data_dir = ws.settings.data_dir
    settings = load_behaviour_settings(data_dir)
    started = time.perf_counter()
    if step:
        step(f"seed {seed}: generating {spec.vessels} vessels over {spec.days:g} days")
    scenario = generate_fleet(seed, spec, load_gazetteer(data_dir), settings=settings)
    path, lines = write_scenario_inputs(scenario, data_dir, f"fleet-{seed}")
    seconds["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    if step:
        step(f"seed {seed}: ingesting {lines:,} NMEA lines")
    summary = ingest_paths(ws, [path])
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    if step:
        step(f"seed {seed}: detecting behaviours in {summary.positions:,} positions")
    detect_behaviours(ws)
    seconds["detect"] = time.perf_counter() - started
    with ws.tracks.reading():
        events = ws.tracks.scan(EVENTS).collect()
    scores, missed, spurious = score(scenario.truth, detected_events(events))
    return SeedResult(
        seed=seed,
        scores=scores,
        vessels=len(scenario.vessels),
        lines=lines,
        positions=summary.positions,
        seconds={k: round(v, 2) for k, v in seconds.items()},
        missed=tuple(missed),
        spurious=tuple(spurious),
    )


def evaluate_accuracy(
    seeds: Sequence[int],
    spec: FleetSpec,
    *,
    work_dir: Path | None = None,
    base: Settings | None = None,
    step: Step | None = None,
) -> AccuracyReport:
    """Every seed in a data directory of its own under ``work_dir`` (a temporary one by default)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="portintel-accuracy-") as scratch:
        root = work_dir or Path(scratch)
        for seed in seeds:
            data_dir = root / f"seed-{seed}"
            settings = (
                replace_settings(base, data_dir)
                if base is not None
                else Settings(data_dir=data_dir, database_url=None)
            )
            ws = open_workspace(settings)
            try:
                results.append(evaluate_seed(ws, seed, spec, step))
            finally:
                ws.close()
    return AccuracyReport(spec, tuple(results))


def replace_settings(base: Settings, data_dir: Path) -> Settings:
    """``base`` with another data directory and its own SQLite database there."""
    return base.model_copy(update={"data_dir": data_dir, "database_url": None})


__all__ = [
    "AccuracyReport",
    "FleetSpec",
    "SeedResult",
    "TypeScore",
    "evaluate_accuracy",
    "evaluate_seed",
    "write_scenario_inputs",
]

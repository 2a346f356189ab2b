"""Behaviour detection against the scenario's truth, and the time the demo's AIS takes.

Run: ``python3 benchmarks/ais_accuracy.py`` (``--quick``: 12 vessels over one
day on two seeds and a small demo fleet, nothing written to ``results/``).

1. Accuracy (issue #11 item 6): ``evaluate_accuracy`` (the work of
   ``portintel ais evaluate``) on several seeds: the scenario's fleet written
   as NMEA, ingested and detected in a fresh data directory each, precision
   and recall per event type against the truth (boundaries within 10 min).
   No peer: the goal is 0.95 for every type.
2. The demo's AIS (issue #11 item 10): ``build_demo_tracks`` into a fresh
   data directory (its land and shore cache built first, not counted):
   writing two weeks of AIS for the demo's fleet, ingesting it, detecting.

Wall time, this process's CPU time and the 1-minute load average are
printed side by side (the machine is shared). Results go to
``results/ais_accuracy.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portintel.adapters.ais.land import LandMask
from portintel.services.training.ais_accuracy import FleetSpec, evaluate_accuracy
from portintel.services.training.demo_tracks import DEMO_DAYS, DEMO_VESSELS, build_demo_tracks
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def accuracy(seeds: list[int], spec: FleetSpec, root: Path) -> dict[str, Any]:
    load, cpu, started = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
    report = evaluate_accuracy(seeds, spec, work_dir=root)
    return {
        "vessels": spec.vessels,
        "days": spec.days,
        "meets_goal": report.meets(),
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(cpu_seconds() - cpu, 1),
        "load_1min_before": round(load, 2),
        "load_1min_after": round(os.getloadavg()[0], 2),
        "seeds": [
            {
                "seed": r.seed,
                "vessels": r.vessels,
                "nmea_lines": r.lines,
                "positions": r.positions,
                "seconds": r.seconds,
                "types": {
                    s.type: [s.truth, s.detected, round(s.precision, 3), round(s.recall, 3)]
                    for s in r.scores
                },
            }
            for r in report.results
        ],
    }


def demo(vessels: int, days: float, root: Path) -> dict[str, Any]:
    data_dir = root / "demo"
    LandMask(data_dir / "cache").load()  # the one-time cache, not counted
    ws = open_workspace(Settings(data_dir=data_dir, database_url=None))
    try:
        load, cpu, started = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
        summary = build_demo_tracks(ws, vessels=vessels, days=days)
        wall = time.perf_counter() - started
    finally:
        ws.close()
    return {
        "vessels_asked": vessels,
        "vessels": summary.vessels,
        "days": days,
        "nmea_lines": summary.lines,
        "positions": summary.positions,
        "events": summary.events,
        "by_type": summary.by_type,
        "stages_s": summary.seconds,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu_seconds() - cpu, 1),
        "load_1min_before": round(load, 2),
        "load_1min_after": round(os.getloadavg()[0], 2),
    }


def markdown(figures: dict[str, Any]) -> str:
    acc, dem = figures["accuracy"], figures["demo"]
    lines = [
        "# Behaviour detection against the truth, and the demo's AIS (issue #11)",
        "",
        f"`python3 benchmarks/ais_accuracy.py`, {figures['when']}, {figures['machine']}.",
        "",
        f"## Accuracy: {acc['vessels']} vessels (freighters that meet them on top) over "
        f"{acc['days']:g} days, {len(acc['seeds'])} seeds",
        "",
        f"Every type at precision and recall 0.95 or more on every seed: "
        f"**{'met' if acc['meets_goal'] else 'not met'}**. Wall {acc['wall_s']} s, CPU "
        f"{acc['cpu_s']} s, load (1 min) {acc['load_1min_before']} -> {acc['load_1min_after']}.",
        "",
        "| seed | type | truth | detected | precision | recall |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for seed in acc["seeds"]:
        for kind, (truth, detected, precision, recall) in seed["types"].items():
            lines.append(
                f"| {seed['seed']} | {kind} | {truth} | {detected} | {precision} | {recall} |"
            )
    lines += [
        "",
        "Per seed (seconds: generate and write the NMEA log, ingest, detect): "
        + "; ".join(
            f"seed {s['seed']}: {s['vessels']} vessels, {s['nmea_lines']:,} lines, "
            f"{s['positions']:,} positions, {s['seconds']}"
            for s in acc["seeds"]
        ),
        "",
        f"## The demo's AIS: {dem['vessels']} vessels over {dem['days']:g} days",
        "",
        "| figure | value |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in dem.items()),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--out", type=Path, default=RESULTS)
    arguments = parser.parse_args(argv)
    seeds = [int(s) for s in arguments.seeds.split(",")]
    spec = FleetSpec(vessels=12, days=1.0) if arguments.quick else FleetSpec()
    with tempfile.TemporaryDirectory(prefix="portintel-ais-accuracy-") as scratch:
        root = Path(scratch)
        figures = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "accuracy": accuracy(seeds[:2] if arguments.quick else seeds, spec, root),
            "demo": demo(
                20 if arguments.quick else DEMO_VESSELS, 2.0 if arguments.quick else DEMO_DAYS, root
            ),
        }
    text = markdown(figures)
    print(text)
    if not arguments.quick:
        arguments.out.mkdir(parents=True, exist_ok=True)
        (arguments.out / "ais_accuracy.json").write_text(json.dumps(figures, indent=2) + "\n")
        (arguments.out / "ais_accuracy.md").write_text(text + "\n")
    return 0 if figures["accuracy"]["meets_goal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

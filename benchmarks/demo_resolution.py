"""Collation on the demo against the scenario's truth (issue #12), on several seeds.

Run: ``python3 benchmarks/demo_resolution.py`` (``--quick``: 60 reports on one
seed, nothing written to ``results/``).

For each seed: ``build_demo`` into a fresh data directory (SQLite; the
automatic merges are applied and the truth file written as ``portintel
demo`` does), then ``evaluate_demo_resolution`` (the work of ``portintel xref
evaluate-demo``), read as the system (every entity) and as the demo analyst
(their scope). No peer: the goal is pairwise precision and recall of at
least 0.95 for the merges plus the pairs sent to review, and precision of
0.95 for the merges alone. Wall time, CPU time and the load average are
printed beside the figures (the machine is shared). Results go to
``results/demo_resolution.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.services import admin
from portintel.services.training.demo import build_demo
from portintel.services.training.demo_resolution import (
    GOAL,
    ResolutionReport,
    evaluate_demo_resolution,
)
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def figures(report: ResolutionReport) -> dict[str, Any]:
    return {
        "reader": report.reader,
        "out_of_scope": report.out_of_scope,
        "meets_goal": report.meets(),
        "schemata": {
            s.schema: {
                "entities": s.entities,
                "after_merges": s.after_merges,
                "after_review": s.after_review,
                "cast": s.cast,
                "review_pairs": s.review_pairs,
                "merges": [round(s.merges.precision, 4), round(s.merges.recall, 4)],
                "merges_and_review": [
                    round(s.merges_and_review.precision, 4),
                    round(s.merges_and_review.recall, 4),
                ],
            }
            for s in report.schemata
        },
    }


def run_seed(seed: int, reports: int, root: Path) -> dict[str, Any]:
    ws = open_workspace(Settings(data_dir=root / f"seed-{seed}"))
    try:
        load, cpu, started = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
        build_demo(ws, seed=seed, reports=reports)
        built = (time.perf_counter() - started, cpu_seconds() - cpu)
        load_eval, cpu, started = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
        everything = evaluate_demo_resolution(ws)
        evaluated = (time.perf_counter() - started, cpu_seconds() - cpu)
        with ws.engine.connect() as connection:
            analyst_id = connection.execute(
                select(tables.users.c.id).where(tables.users.c.username == "demo-analyst")
            ).scalar_one()
        analyst = evaluate_demo_resolution(ws, admin.get_actor(ws, analyst_id))
    finally:
        ws.close()
    return {
        "seed": seed,
        "reports": reports,
        "build": {"wall_s": round(built[0], 1), "cpu_s": round(built[1], 1), "load": load},
        "evaluate": {
            "wall_s": round(evaluated[0], 2),
            "cpu_s": round(evaluated[1], 2),
            "load": load_eval,
        },
        "system": figures(everything),
        "analyst": figures(analyst),
    }


def _row(result: dict[str, Any], view: str, schema: str) -> str:
    s = result[view]["schemata"][schema]
    merges, both = s["merges"], s["merges_and_review"]
    return (
        f"| {result['seed']} | {result[view]['reader']} | {schema} | {s['entities']} | "
        f"{s['after_merges']} | {s['after_review']} | {s['cast']} | {merges[0]} | {merges[1]} | "
        f"{both[0]} | {both[1]} |"
    )


def write_markdown(record: dict[str, Any]) -> None:
    lines = [
        "# Collation on the demo against the scenario's truth",
        "",
        f"Run {record['at']} on {record['machine']['cpus']} cores (shared: load average beside "
        f"each time), Python {record['machine']['python']}; goal {GOAL} "
        "(merge precision; merge + review precision and recall).",
        "",
        "| seed | read as | schema | entities | after merges | if review accepted | cast "
        "| merges P | merges R | merges + review P | merges + review R |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in record["results"]:
        for view in ("system", "analyst"):
            for schema in ("Person", "Vessel"):
                lines.append(_row(result, view, schema))
    lines += [
        "",
        "| seed | reports | build wall s | CPU s | load | evaluate wall s | CPU s | load |",
    ]
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in record["results"]:
        b, e = r["build"], r["evaluate"]
        lines.append(
            f"| {r['seed']} | {r['reports']} | {b['wall_s']} | {b['cpu_s']} | {b['load']:.2f} | "
            f"{e['wall_s']} | {e['cpu_s']} | {e['load']:.2f} |"
        )
    met = all(r[v]["meets_goal"] for r in record["results"] for v in ("system", "analyst"))
    lines += ["", f"Goal met on every seed and reader: {'yes' if met else 'NO'}.", ""]
    (RESULTS / "demo_resolution.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 reports, one seed, no results")
    parser.add_argument("--seeds", default="7,3,11", help="comma-separated seeds")
    parser.add_argument("--reports", type=int, default=240)
    args = parser.parse_args(argv)
    seeds = [7] if args.quick else [int(part) for part in args.seeds.split(",")]
    reports = 60 if args.quick else args.reports
    results = []
    with tempfile.TemporaryDirectory(prefix="demo-resolution-") as tmp:
        for seed in seeds:
            result = run_seed(seed, reports, Path(tmp))
            results.append(result)
            for view in ("system", "analyst"):
                person = result[view]["schemata"]["Person"]
                vessel = result[view]["schemata"]["Vessel"]
                print(
                    f"seed {seed} as {result[view]['reader']:<12} persons "
                    f"{person['entities']} -> {person['after_merges']} (cast {person['cast']}) "
                    f"merges P/R {person['merges']}, merges+review P/R "
                    f"{person['merges_and_review']}; vessels merges+review P/R "
                    f"{vessel['merges_and_review']}"
                )
            print(f"  build {result['build']}, evaluate {result['evaluate']}")
    if args.quick:
        return 0
    record = {
        "benchmark": "demo_resolution",
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "demo_resolution.json").write_text(
        json.dumps(record, indent=2) + "\n", encoding="utf-8"
    )
    write_markdown(record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

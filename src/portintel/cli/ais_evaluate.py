"""CLI: ``portintel ais evaluate``: behaviour detection against the scenario's truth.

Heavy modules are imported inside the command: ``--help`` stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.errors import InvalidInput

if TYPE_CHECKING:
    from portintel.services.training.ais_accuracy import AccuracyReport


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise InvalidInput(
            f"--seeds {text!r} is not a list of numbers", hint="e.g. --seeds 1,2,3", field="--seeds"
        ) from exc
    if not seeds:
        raise InvalidInput("--seeds names no seed", hint="e.g. --seeds 1,2,3", field="--seeds")
    return seeds


def _as_json(report: AccuracyReport) -> str:
    return json.dumps(
        {
            "vessels": report.spec.vessels,
            "days": report.spec.days,
            "meets_goal": report.meets(),
            "seeds": [
                {
                    "seed": result.seed,
                    "vessels": result.vessels,
                    "nmea_lines": result.lines,
                    "positions": result.positions,
                    "seconds": result.seconds,
                    "types": {
                        s.type: {
                            "truth": s.truth,
                            "detected": s.detected,
                            "precision": round(s.precision, 4),
                            "recall": round(s.recall, 4),
                        }
                        for s in result.scores
                    },
                }
                for result in report.results
            ],
        },
        indent=2,
    )


def evaluate_command(
    ctx: typer.Context,
    seeds: Annotated[
        str, typer.Option("--seeds", help="Seeds of the generated fleets, comma separated.")
    ] = "1,2,3",
    vessels: Annotated[
        int,
        typer.Option(
            "--vessels", min=1, help="Vessels per fleet (freighters they meet come on top)."
        ),
    ] = 40,
    days: Annotated[float, typer.Option("--days", min=0.5, help="Days of AIS per fleet.")] = 3.0,
    work_dir: Annotated[
        Path | None,
        typer.Option(
            "--work-dir",
            help="Keep each seed's data directory here (default: a temporary one, removed).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Generate fleets with injected behaviours, ingest and detect them, score against the truth.

    For each seed: the scenario writes AIS as receivers log it (NMEA with tag
    blocks, GPS noise, reception holes, duplicate receptions, class B,
    spoofed MMSIs), ``ais ingest`` and ``ais detect`` run on it in a fresh
    data directory, and precision and recall per event type are printed. An
    event counts as found when its start and end are within 10 minutes of
    the truth. Exit status 1 when a type is below 0.95.
    """
    from rich.table import Table

    from portintel.services.training.ais_accuracy import FleetSpec, evaluate_accuracy

    context = context_of(ctx)
    spec = FleetSpec(vessels=vessels, days=days)
    report = evaluate_accuracy(
        _seeds(seeds),
        spec,
        work_dir=work_dir,
        base=context.settings,
        step=None if as_json else (lambda text: console.print(text, highlight=False)),
    )
    if as_json:
        typer.echo(_as_json(report))
    else:
        for result in report.results:
            title = f"seed {result.seed}: {result.vessels} vessels, {result.positions:,} positions"
            table = Table(title=title)
            for column in ("event type", "truth", "detected", "precision", "recall"):
                table.add_column(column, justify="left" if column == "event type" else "right")
            for score in result.scores:
                table.add_row(
                    score.type,
                    f"{score.truth:,}",
                    f"{score.detected:,}",
                    f"{score.precision:.3f}",
                    f"{score.recall:.3f}",
                )
            console.print(table)
        verdict = "met" if report.meets() else "NOT met"
        console.print(f"Precision and recall of every type at least 0.95 on every seed: {verdict}.")
    if not report.meets():
        raise typer.Exit(1)

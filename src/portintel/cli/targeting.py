"""CLI: ``portintel targeting scores``, ``rescore`` and ``list`` (the pre-arrival list).

``scores`` ranks vessels by their risk score, or shows one vessel's score
and its voyages' with every reason and its evidence (``--vessel MMSI``), as
the acting user may see them: a reason whose evidence they may not read is
absent, and the score is the sum of the reasons shown. ``rescore``
recomputes every vessel after the indicators changed (administrators and
supervisors); jobs keep scores up to date otherwise. ``list`` prints the
vessels expected at a port in the next hours, ranked by risk as the acting
user may see it, with how each arrival was predicted.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from portintel.cli.context import built, console, context_of
from portintel.cli.help_format import FlagHelpGroup
from portintel.cli.reports import AsUser, acting_user

if TYPE_CHECKING:
    from portintel.services.targeting import PrearrivalLine, PrearrivalList, SubjectView

app = typer.Typer(
    cls=FlagHelpGroup,
    help="Risk scores of vessels and voyages, with their reasons.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _subject_json(subject: SubjectView) -> dict[str, Any]:
    return {
        "voyage_id": subject.voyage_id or None,
        "from_port": subject.from_port,
        "to_port": subject.to_port,
        "departed_at": subject.departed_at.isoformat() if subject.departed_at else None,
        "arrived_at": subject.arrived_at.isoformat() if subject.arrived_at else None,
        "score": subject.score,
        "computed_at": subject.computed_at.isoformat(),
        "reasons": [
            {
                "indicator": r.indicator_id,
                "description": r.description,
                "weight": r.weight,
                "fired_at": r.fired_at.isoformat(),
                "observed_at": r.observed_at.isoformat() if r.observed_at else None,
                "cause_key": r.cause_key,
                "evidence": [{"kind": e.kind, "id": e.id, "label": e.label} for e in r.evidence],
            }
            for r in subject.reasons
        ],
    }


@app.command("scores")
def scores_command(
    ctx: typer.Context,
    as_user: AsUser = "",
    vessel: Annotated[
        int | None, typer.Option("--vessel", help="One vessel's MMSI: its reasons and voyages.")
    ] = None,
    min_score: Annotated[float, typer.Option(help="Leave out vessels scoring below this.")] = 0.0,
    limit: Annotated[int, typer.Option(help="At most this many vessels.")] = 50,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """Vessels ranked by risk, or one vessel's score with its reasons (--vessel)."""
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")
    from portintel.services.targeting import list_risk, vessel_risk

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    if vessel is not None:
        risk = vessel_risk(ws, actor, vessel)
        if output_format is OutputFormat.JSON:
            document = {"mmsi": risk.mmsi, "subjects": [_subject_json(s) for s in risk.subjects]}
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
            return
        for subject in risk.subjects:
            if subject.is_voyage:
                title = f"voyage {subject.from_port or '?'} -> {subject.to_port or 'at sea'}"
            else:
                title = f"vessel {risk.mmsi}, last {subject.window_start:%Y-%m-%d} to now"
            console.print(f"[bold]{title}[/]: score {subject.score:g}")
            for r in subject.reasons:
                evidence = ", ".join(f"{e.kind} {e.id}" for e in r.evidence)
                console.print(
                    f"  +{r.weight:g}  {r.description}  "
                    f"(fired {r.fired_at:%Y-%m-%d %H:%M}; {evidence})",
                    highlight=False,
                )
        return
    lines = list_risk(ws, actor, min_score=min_score, limit=limit)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        "mmsi": x.mmsi,
                        "score": x.score,
                        "reasons": x.reasons,
                        "computed_at": x.computed_at.isoformat(),
                    }
                    for x in lines
                ],
                indent=2,
            )
            + "\n"
        )
        return
    if output_format is OutputFormat.CSV:
        writer = csv.writer(sys.stdout)
        writer.writerow(["mmsi", "score", "reasons", "computed_at"])
        for x in lines:
            writer.writerow([x.mmsi, x.score, x.reasons, x.computed_at.isoformat()])
        return
    from rich.table import Table

    table = Table("MMSI", "Score", "Reasons", "Computed")
    for x in lines:
        table.add_row(
            str(x.mmsi), f"{x.score:g}", str(x.reasons), f"{x.computed_at:%Y-%m-%d %H:%M}"
        )
    console.print(table)


@app.command("rescore")
def rescore_command(ctx: typer.Context, as_user: AsUser = "") -> None:
    """Recompute every vessel's score (after the indicators changed; jobs do it otherwise)."""
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from portintel.services.targeting import rescore_all

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    columns = (TextColumn("[bold]vessels"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=built(console), transient=False) as bar:
        task = bar.add_task("rescore", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = rescore_all(ws, actor, progress=on_progress)
    console.print(
        f"scored {summary.vessels} vessels: {summary.subjects} scores (vessels and voyages), "
        f"{summary.reasons} reasons, {len(summary.new_causes)} new"
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def prearrival_json(listed: PrearrivalList) -> dict[str, Any]:
    """The list as JSON: the same document as ``GET /api/v1/targeting/prearrival``."""

    def line(x: PrearrivalLine) -> dict[str, Any]:
        a = x.arrival
        return {
            "mmsi": x.mmsi,
            "name": x.name,
            "score": x.score,
            "scored": x.scored,
            "expected_at": a.expected_at.isoformat(),
            "method": a.method,
            "how": a.explanation,
            "distance_km": a.distance_km,
            "speed_knots": a.speed_knots,
            "course": a.course,
            "destination": a.destination,
            "last_fix_at": _iso(a.last_fix_at),
            "reasons": [
                {
                    "indicator": r.indicator_id,
                    "description": r.description,
                    "weight": r.weight,
                    "fired_at": r.fired_at.isoformat(),
                    "evidence": [
                        {"kind": e.kind, "id": e.id, "label": e.label} for e in r.evidence
                    ],
                }
                for r in x.reasons
            ],
        }

    return {
        "port": {"id": listed.port.id, "name": listed.port.name},
        "hours": listed.hours,
        "as_of": listed.as_of.isoformat(),
        "behind_hours": round(listed.behind.total_seconds() / 3600, 1),
        "vessels": [line(x) for x in listed.lines],
    }


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser = "",
    port: Annotated[
        str, typer.Option("--port", help="The port: its id (KHKOS), name or another name.")
    ] = "",
    hours: Annotated[
        float, typer.Option(help="Vessels expected within this many hours (up to 168).")
    ] = 48,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """The pre-arrival list: vessels expected at a port, ranked by risk, with their reasons."""
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")
    if not port:
        raise typer.BadParameter("name the port: --port KHKOS (or its name)")
    from portintel.services.targeting import csv_rows, prearrival_list

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    listed = prearrival_list(ws, actor, port, hours=hours)
    if output_format is OutputFormat.JSON:
        document = prearrival_json(listed)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    if output_format is OutputFormat.CSV:
        csv.writer(sys.stdout).writerows(csv_rows(listed))
        return
    from rich.table import Table

    title = (
        f"{listed.port.name} ({listed.port.id}): expected in the next {listed.hours:g} h "
        f"from {listed.as_of:%Y-%m-%d %H:%M} UTC"
    )
    if listed.behind > timedelta(hours=1):
        title += f" (the last AIS heard is {listed.behind.total_seconds() / 3600:.0f} h old)"
    table = Table("Vessel", "Score", "Expected (UTC)", "How", "Reasons", title=title)
    for x in listed.lines:
        reasons = "\n".join(f"+{r.weight:g} {r.description}" for r in x.reasons)
        table.add_row(
            f"{x.name or ''} {x.mmsi}".strip(),
            f"{x.score:g}" if x.scored else "not scored",
            f"{x.arrival.expected_at:%Y-%m-%d %H:%M}",
            x.arrival.explanation,
            reasons,
        )
    console.print(table)
    if not listed.lines:
        console.print("no vessel is expected in that window")

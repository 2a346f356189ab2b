"""CLI: ``portintel ais areas import FILE.geojson`` (analyst areas from a file).

Each valid polygon is stored as an area of the acting user's agency and used
by detection from its next run; each feature that is not one is printed with
its index and reason, and the command then exits with status 2 (as
``portintel report import`` does for refused rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import command_group
from portintel.cli.reports import AsUser, acting_user
from portintel.errors import InvalidInput

app = command_group("Analyst areas (territorial seas, landing beaches, restricted zones).")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="GeoJSON file: Polygon or MultiPolygon features.")],
    as_user: AsUser,
) -> None:
    """Import areas from a GeoJSON file; bad features are listed, the good ones still go in."""
    from portintel.services import maritime

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror}", field="file") from exc
    ws = context_of(ctx).workspace()
    result = maritime.import_areas(ws, acting_user(ws, as_user), content, source=file.name)
    console.print(
        f"{result.source}: [green]{len(result.imported)} areas imported[/], "
        f"[red]{len(result.refused)} features refused[/]"
    )
    for area in result.imported:
        console.print(f"  {area.id}  {area.name}", markup=False, highlight=False)
    for refusal in result.refused:
        console.print(
            f"  feature {refusal.feature}: {refusal.reason}", markup=False, highlight=False
        )
    if result.refused:
        raise typer.Exit(code=2)

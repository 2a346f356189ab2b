"""Imports: good rows go in, bad rows are quarantined with their line, re-import adds nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.files.import_readers import TableRow
from portintel.domain.actors import Actor, Role
from portintel.errors import InvalidInput
from portintel.services.collation.entities import EntityView, get_entity
from portintel.services.intake.import_rows import (
    IMPORTED_FIELDS,
    REPORT_COLUMNS,
    column_of,
    row_draft,
)
from portintel.services.intake.imports import FtmDefaults, import_reports
from portintel.services.intake.reports import get_report
from portintel.services.intake.sources import create_source
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user

HEADER = (
    "title,text,occurred_at,reliability,credibility,handling,handling_conditions,"
    "source,vessel.name,vessel.imoNumber,person:captain.name,person:captain.phone,"
    "person:crew.name\n"
)
GOOD = (
    'Boarding,"Boarded the boat; crew of three.",2026-02-27T22:00Z,B,2,uk-3x5x2:P,,'
    ",SEA DRAGON 7,IMO 9074729,Sok Dara,012 345 678,Chea Vuthy|Kim Sopheap\n"
)
BAD_GRADE = "Sighting,Boat seen.,2026-02-28,Q,2,uk-3x5x2:P,,,,,,,\n"
BAD_DATE = "Tip,A tip.,yesterday,B,3,tlp:GREEN,,,,,,,\n"
MULTILINE = (
    'Second boarding,"Line one\nline two, IMO 9074728 seen",2026-03-01,C,3,uk-3x5x2:C,'
    '"share with CAU only",HARBOUR-7,,,,,\n'
)
NO_TITLE = ",Text without title,,B,2,uk-3x5x2:P,,,,,,,\n"


def _count(ws: Workspace, table: object) -> int:
    with ws.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _entities(
    ws: Workspace, actor: Actor, entity_ids: Iterable[str], schema: str
) -> list[EntityView]:
    found = [get_entity(ws, actor, entity_id) for entity_id in entity_ids]
    return [entity for entity in found if entity.schema == schema]


def test_csv_import_quarantines_bad_rows_and_is_idempotent(
    workspace: Workspace, tmp_path: Path
) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER, Role.SOURCE_HANDLER)
    create_source(workspace, officer, kind="informant", reference="HARBOUR-7", reliability="C")
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + GOOD + BAD_GRADE + BAD_DATE + MULTILINE + NO_TITLE, encoding="utf-8")
    seen: list[tuple[int, int]] = []
    summary = import_reports(workspace, officer, path, progress=lambda d, t: seen.append((d, t)))
    assert summary.rows_total == 5
    assert summary.imported == 2
    assert [(r.line, r.reason.split(" ")[0]) for r in summary.rejected] == [
        (3, "'Q'"),
        (4, "'yesterday'"),
        (7, "the"),
    ]
    assert "reliability" in summary.rejected[0].reason
    assert "occurred_at" in summary.rejected[1].reason
    assert "title" in summary.rejected[2].reason
    assert seen[-1] == (5, 5)
    with workspace.engine.connect() as connection:
        quarantined = connection.execute(
            select(tables.quarantine.c.line, tables.quarantine.c.raw).order_by(
                tables.quarantine.c.line
            )
        ).all()
        batch = connection.execute(select(tables.import_batches)).one()
    assert [row.line for row in quarantined] == [3, 4, 7]
    assert "yesterday" in quarantined[1].raw
    assert (batch.rows_total, batch.rows_imported, batch.rows_rejected) == (5, 2, 3)

    first = get_report(workspace, officer, summary.report_ids[0])
    assert first.status.value == "submitted"
    (vessel,) = _entities(workspace, officer, first.entity_ids, "Vessel")
    assert vessel.values("name") == ["SEA DRAGON 7"] and vessel.id.startswith("ent-")
    second = get_report(workspace, officer, summary.report_ids[1])
    assert second.grading.label == "C3" and second.source_reference == "HARBOUR-7"
    assert second.handling_conditions == "share with CAU only"
    statements = _count(workspace, tables.statements)
    crew = [e for e in first.entity_ids if get_entity(workspace, officer, e).schema == "Person"]
    assert len(crew) == 2  # captain and crew are two entities of one row

    again = import_reports(workspace, officer, path)
    assert (again.imported, again.already_present, len(again.rejected)) == (0, 2, 3)
    assert _count(workspace, tables.statements) == statements
    assert _count(workspace, tables.reports) == 2
    assert _count(workspace, tables.quarantine) == 3
    assert _count(workspace, tables.import_batches) == 1


def test_unknown_column_is_a_rejected_row(workspace: Workspace, tmp_path: Path) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    path = tmp_path / "odd.csv"
    path.write_text(
        "title,text,credibility,reliability,handling,notes,vessel.wingspan\n"
        "A,b,2,B,tlp:GREEN,remember this,\n"
        "C,d,2,B,tlp:GREEN,,40m\n",
        encoding="utf-8",
    )
    summary = import_reports(workspace, officer, path)
    assert summary.imported == 0
    assert "unknown column 'notes'" in summary.rejected[0].reason
    assert "wingspan" in summary.rejected[1].reason


def test_xlsx_import(workspace: Workspace, tmp_path: Path) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["title", "text", "reliability", "credibility", "handling", "vessel.mmsi"])
    sheet.append(["Boat", "Seen at the pier", "B", "2", "tlp:GREEN", 514123456])
    sheet.append(["Bad", "Bad grade", "B", "77", "tlp:GREEN", None])
    path = tmp_path / "reports.xlsx"
    workbook.save(path)
    summary = import_reports(workspace, officer, path)
    assert summary.imported == 1
    assert [r.line for r in summary.rejected] == [3]
    report = get_report(workspace, officer, summary.report_ids[0])
    (vessel,) = _entities(workspace, officer, report.entity_ids, "Vessel")
    assert vessel.values("mmsi") == ["514123456"] and "514123456" not in vessel.id


def test_ftm_json_lines(workspace: Workspace, tmp_path: Path) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    lines = [
        {"id": "p-1", "schema": "Person", "properties": {"name": ["Sok Dara"]}},
        {"id": "c-1", "schema": "Company", "properties": {"name": ["Koh Kong Fish Co"]}},
        {"id": "o-1", "schema": "Ownership", "properties": {"owner": ["p-1"], "asset": ["c-1"]}},
        {"id": "x-1", "schema": "Spaceship", "properties": {"name": ["nope"]}},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n"
    path = tmp_path / "entities.jsonl"
    path.write_text(text, encoding="utf-8")
    summary = import_reports(
        workspace, officer, path, ftm_defaults=FtmDefaults(reliability="C", credibility="3")
    )
    assert summary.imported == 1
    assert [r.line for r in summary.rejected] == [5, 4]
    report = get_report(workspace, officer, summary.report_ids[0])
    (ownership,) = _entities(workspace, officer, report.entity_ids, "Ownership")
    (person,) = _entities(workspace, officer, report.entity_ids, "Person")
    (company,) = _entities(workspace, officer, report.entity_ids, "Company")
    # the file's ids stay in the file: its entities get opaque ids, links follow them
    assert ownership.values("owner") == [person.id] and ownership.values("asset") == [company.id]
    assert person.caption == "Sok Dara" and not {"p-1", "c-1", "o-1"} & set(report.entity_ids)
    again = import_reports(workspace, officer, path)
    assert again.imported == 0 and again.already_present == 1


def test_unknown_file_kind(workspace: Workspace, tmp_path: Path) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    path = tmp_path / "reports.docx"
    path.write_bytes(b"x")
    with pytest.raises(InvalidInput, match="cannot import"):
        import_reports(workspace, officer, path)


def test_the_documented_example_imports(workspace: Workspace, tmp_path: Path) -> None:
    docs = Path(__file__).parents[2] / "docs" / "import-format.md"
    example = docs.read_text(encoding="utf-8").split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    summary = import_reports(workspace, officer, path)
    assert (summary.imported, summary.rejected) == (1, ())
    report = get_report(workspace, officer, summary.report_ids[0])
    schemas = sorted(get_entity(workspace, officer, e).schema for e in report.entity_ids)
    assert schemas == ["Address", "Person", "Person", "Vessel"]
    (vessel,) = _entities(workspace, officer, report.entity_ids, "Vessel")
    assert vessel.values("mmsi") == ["514123456"]


def test_another_agency_importing_the_same_file_files_its_own(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "shared.csv"
    path.write_text(
        "title,text,reliability,credibility,handling\nBoat,Seen,B,2,tlp:GREEN\n",
        encoding="utf-8",
    )
    ours = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    theirs = make_user(workspace, "other", "maritime-police", Role.OFFICER)
    first = import_reports(workspace, ours, path)
    second = import_reports(workspace, theirs, path)
    assert first.imported == second.imported == 1
    assert first.report_ids != second.report_ids


def test_the_documented_report_columns_are_the_declared_fields() -> None:
    docs = Path(__file__).parents[2] / "docs" / "import-format.md"
    section = docs.read_text(encoding="utf-8").split("### Report columns", 1)[1]
    table = section.split("###", 1)[0]
    documented: dict[str, str] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        for column in cells[0].split(","):
            documented[column.strip().strip("`")] = cells[1]
    assert set(documented) == set(REPORT_COLUMNS)
    for field in IMPORTED_FIELDS:
        assert (documented[column_of(field)] == "yes") == field.required, field.name


def test_a_row_is_read_by_the_declared_types() -> None:
    row = TableRow(
        line=2,
        cells={
            "title": "Boat",
            "text": "Seen",
            "credibility": "2",
            "handling": "tlp:GREEN",
            "source": "FALCON",
            "occurred_at": "2026-02-27T22:00",
            "latitude": "10,6",
            "longitude": "103.5",
            "releasable_to": "navy| security",
        },
        raw="",
    )
    draft = row_draft(row, "R-1", resolve_source=lambda reference: f"S-{reference}")
    assert draft.source_id == "S-FALCON" and draft.reliability is None
    assert draft.occurred_at == datetime(2026, 2, 27, 22, tzinfo=UTC)
    assert (draft.latitude, draft.longitude) == (10.6, 103.5)
    assert draft.releasable_to == ("navy", "security")
    missing = TableRow(line=3, cells={"title": "Boat", "text": "Seen", "credibility": "2"}, raw="")
    with pytest.raises(InvalidInput, match="the handling column is empty") as caught:
        row_draft(missing, "R-2", resolve_source=str)
    assert caught.value.field == "handling"

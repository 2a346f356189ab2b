"""Import reports from CSV, Excel and followthemoney JSON lines.

Each good row becomes a report (submitted, authored by the importing user)
with its facts; each bad row is rejected with its line number and reason into
the ``quarantine`` table, and the rest still goes in. Report ids are derived
from the node, the importer's agency and the row's content, so importing the
same file again adds nothing. The columns are documented in ``docs/import-format.md``; the
parsing of one row is :mod:`portintel.services.intake.import_rows`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from portintel.adapters.database import tables
from portintel.adapters.files.import_readers import (
    FtmEntity,
    RowProblem,
    TableRow,
    open_import_file,
    read_csv_rows,
    read_ftm_entities,
    read_xlsx_rows,
)
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor
from portintel.domain.reports import ReportAction, ReportDraft
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.intake.filing import file_report
from portintel.services.intake.import_rows import FtmDefaults, ftm_draft, row_draft, row_report_id
from portintel.services.intake.reports import apply_transition
from portintel.services.intake.sources import find_source_id
from portintel.services.workspace import Workspace

Progress = Callable[[int, int], None]

__all__ = ["FtmDefaults", "ImportSummary", "Rejection", "import_reports"]


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    batch_id: str
    filename: str
    kind: str
    rows_total: int
    imported: int
    already_present: int
    rejected: tuple[Rejection, ...]
    report_ids: tuple[str, ...]


def _quarantine(
    ws: Workspace, batch_id: str, kind: str, location: str, problem: Rejection, raw: str
) -> None:
    q = tables.quarantine.c
    with ws.engine.begin() as connection:
        present = connection.execute(
            select(q.id).where(
                q.batch_id == batch_id, q.line == problem.line, q.reason == problem.reason
            )
        ).first()
        if present is None:
            connection.execute(
                insert(tables.quarantine).values(
                    batch_id=batch_id,
                    kind=kind,
                    location=location,
                    line=problem.line,
                    reason=problem.reason,
                    raw=raw,
                    created_at=ws.clock(),
                )
            )


def _file(ws: Workspace, actor: Actor, draft: ReportDraft, report_id: str) -> bool:
    """File one report as submitted; False when it is there already (re-import)."""
    now = ws.clock()
    with transaction(ws) as connection:
        exists = connection.execute(
            select(tables.reports.c.id).where(tables.reports.c.id == report_id)
        ).first()
        if exists is not None:
            return False
        file_report(connection, ws.settings, actor, draft, report_id=report_id, now=now)
        apply_transition(
            connection,
            actor,
            report_id,
            ReportAction.SUBMIT,
            now=now,
            note="imported",
            workflow=ws.workflow,
        )
    return True


def import_reports(
    ws: Workspace,
    actor: Actor,
    path: Path,
    *,
    ftm_defaults: FtmDefaults | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ``path``; rows are independent: one bad row never stops the others."""
    if not may_work_with_intelligence(actor) or actor.is_system:
        raise PermissionDenied("only officers, analysts, supervisors and source handlers import")
    file = open_import_file(path)
    batch_id = "IB-" + hashlib.sha256(f"{file.sha256}:{actor.user_id}".encode()).hexdigest()[:20]
    started = ws.clock()
    # ids are scoped to the importer's agency: another agency importing the same
    # file files its own reports and learns nothing about ours
    scope = f"{ws.settings.node_id}/{actor.agency_id}"
    b = tables.import_batches.c
    with ws.engine.begin() as connection:
        if connection.execute(select(b.id).where(b.id == batch_id)).first() is None:
            connection.execute(
                insert(tables.import_batches).values(
                    id=batch_id,
                    kind=f"reports-{file.kind}",
                    filename=path.name,
                    sha256=file.sha256,
                    actor_id=actor.user_id,
                    started_at=started,
                )
            )
    rejected: list[Rejection] = []
    report_ids: list[str] = []
    imported = present = 0
    if file.kind == "ftm":
        items: list[TableRow | FtmEntity | RowProblem] = list(read_ftm_entities(file))
    elif file.kind == "xlsx":
        items = list(read_xlsx_rows(file))
    else:
        items = list(read_csv_rows(file))
    total = len(items)

    def reject(line: int, reason: str, raw: str) -> None:
        problem = Rejection(line, reason)
        rejected.append(problem)
        _quarantine(ws, batch_id, f"reports-{file.kind}", f"{path.name}:{line}", problem, raw)

    def take(draft: ReportDraft, report_id: str) -> None:
        nonlocal imported, present
        if _file(ws, actor, draft, report_id):
            imported += 1
        else:
            present += 1
        report_ids.append(report_id)

    def resolve_source(reference: str) -> str:
        with ws.engine.connect() as connection:
            return find_source_id(connection, reference)

    entities: list[FtmEntity] = []
    for done, item in enumerate(items, start=1):
        if isinstance(item, RowProblem):
            reject(item.line, item.reason, item.raw)
        elif isinstance(item, FtmEntity):
            entities.append(item)
        else:
            try:
                report_id = row_report_id(scope, item)
                take(row_draft(item, report_id, resolve_source), report_id)
            except (InvalidInput, NotFound) as exc:
                where = f" ({exc.field})" if isinstance(exc, InvalidInput) and exc.field else ""
                reject(item.line, f"{exc.message}{where}", item.raw)
        if progress is not None and file.kind != "ftm":
            progress(done, total)
    if entities:
        draft, problems = ftm_draft(
            entities, ftm_defaults or FtmDefaults(), file.sha256, scope, path.name
        )
        for entity, reason in problems:
            reject(entity.line, reason, entity.raw)
        if draft is not None:
            try:
                assert draft.report_id is not None  # set by ftm_draft
                take(draft, draft.report_id)
            except (InvalidInput, NotFound) as exc:
                for entity in entities:
                    reject(entity.line, f"the import report was refused: {exc}", entity.raw)
        if progress is not None:
            progress(total, total)
    finished = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(
            update(tables.import_batches)
            .where(b.id == batch_id)
            .values(
                finished_at=finished,
                rows_total=total,
                rows_imported=imported + present,
                rows_rejected=len(rejected),
            )
        )
        audit.record(
            connection,
            actor,
            "report.import",
            object_type="import_batch",
            object_id=batch_id,
            detail={
                "file": path.name,
                "sha256": file.sha256,
                "rows": total,
                "imported": imported,
                "already_present": present,
                "rejected": len(rejected),
            },
            at=finished,
        )
    return ImportSummary(
        batch_id=batch_id,
        filename=path.name,
        kind=file.kind,
        rows_total=total,
        imported=imported,
        already_present=present,
        rejected=tuple(rejected),
        report_ids=tuple(dict.fromkeys(report_ids)),
    )

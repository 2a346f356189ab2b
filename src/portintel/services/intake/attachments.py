"""Attachments of reports: bytes in the content-addressed store, metadata in the database.

Adding one needs the right to edit the report (its author while draft or
submitted, a supervisor while submitted); reading one needs the right to
read the report. Both are audited.
"""

from __future__ import annotations

import mimetypes
import re
import secrets

from sqlalchemy import insert, select, update

from portintel.adapters.database import tables
from portintel.adapters.database.scope import readable_reports, report_condition
from portintel.adapters.files import sanitise_filename
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.reports import ReportStatus, may_edit
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.intake.views import AttachmentView, attachment_of
from portintel.services.workspace import Workspace

_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def _media_type(media_type: str | None, filename: str) -> str:
    if media_type and media_type.strip():
        cleaned = media_type.split(";", 1)[0].strip().lower()
        if not _MEDIA_TYPE.match(cleaned):
            raise InvalidInput(
                f"{media_type!r} is not a media type",
                field="media_type",
                hint="e.g. image/jpeg or application/pdf",
            )
        return cleaned
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def add_attachment(
    ws: Workspace,
    actor: Actor,
    report_id: str,
    filename: str,
    media_type: str | None,
    content: bytes,
) -> AttachmentView:
    """Attach a file to a report the actor may edit; the same bytes are stored once."""
    name = sanitise_filename(filename)
    kind = _media_type(media_type, name)
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = connection.execute(
            readable_reports(reader_scope(actor).reports).where(tables.reports.c.id == report_id)
        ).first()
        if row is None:
            raise NotFound(f"report {report_id} not found")
        if not may_edit(actor, ReportStatus(row.status), row.author_id):
            raise PermissionDenied(
                f"you may not add attachments to report {report_id} while it is {row.status}"
            )
        stored = ws.attachments.put(content)
        attachment_id = "A-" + secrets.token_hex(6)
        values = {
            "id": attachment_id,
            "report_id": report_id,
            "sha256": stored.sha256,
            "filename": name,
            "media_type": kind,
            "size": stored.size,
            "created_at": now,
            "created_by": None if actor.is_system else actor.user_id,
        }
        connection.execute(insert(tables.attachments).values(**values))
        connection.execute(
            update(tables.reports).where(tables.reports.c.id == report_id).values(updated_at=now)
        )
        audit.record(
            connection,
            actor,
            "report.attach",
            object_type="report",
            object_id=report_id,
            detail={"attachment": attachment_id, "sha256": stored.sha256, "size": stored.size},
            at=now,
        )
        created = connection.execute(
            select(tables.attachments).where(tables.attachments.c.id == attachment_id)
        ).one()
    return attachment_of(created)


@audit.audits_denial("attachment", id_parameter="attachment_id")
def read_attachment(
    ws: Workspace, actor: Actor, attachment_id: str
) -> tuple[AttachmentView, bytes]:
    """An attachment's metadata and bytes, if the actor may read its report. Audited."""
    with ws.engine.begin() as connection:
        found = connection.execute(
            select(tables.attachments)
            .join(tables.reports, tables.reports.c.id == tables.attachments.c.report_id)
            .where(
                tables.attachments.c.id == attachment_id,
                report_condition(reader_scope(actor).reports),
            )
        ).first()
        if found is None:
            raise NotFound(f"attachment {attachment_id} not found")
        audit.record(
            connection,
            actor,
            "attachment.read",
            object_type="attachment",
            object_id=attachment_id,
            detail={"report": found.report_id},
            at=ws.clock(),
        )
    return attachment_of(found), ws.attachments.read(found.sha256)

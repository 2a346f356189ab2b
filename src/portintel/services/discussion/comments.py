"""Comment threads under reports and entities, scoped like what they discuss."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
from portintel.domain.storable_text import refuse_nul
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit, notices
from portintel.services.events import transaction
from portintel.services.workspace import Workspace

COMMENT_MAX_CHARS = 5_000
SUBJECTS = ("report", "entity")

_C = tables.comments.c
_U = tables.users.c


@dataclass(frozen=True, slots=True)
class CommentView:
    id: str
    author_name: str
    body: str
    created_at: datetime


def _check_readable(connection: Connection, actor: Actor, kind: str, subject_id: str) -> None:
    """NotFound, exactly as for an absent one, when the actor may not read the subject."""
    if kind not in SUBJECTS:
        raise InvalidInput(f"cannot comment on a {kind!r}", field="kind", hint="report or entity")
    readable = (
        notices.may_read_report(connection, actor, subject_id)
        if kind == "report"
        else notices.may_read_entity(connection, actor, subject_id)
    )
    if not readable:
        raise NotFound(f"{kind} {subject_id} not found", hint="check the id, or search")


def list_comments(ws: Workspace, actor: Actor, kind: str, subject_id: str) -> list[CommentView]:
    """The thread under a report or entity the actor may read, oldest first."""
    with ws.engine.connect() as connection:
        _check_readable(connection, actor, kind, subject_id)
        rows = connection.execute(
            select(_C.id, _C.body, _C.created_at, _U.display_name, _U.username)
            .join(tables.users, _U.id == _C.author_id)
            .where(_C.subject_kind == kind, _C.subject_id == subject_id)
            .order_by(_C.created_at, _C.id)
        ).all()
    return [
        CommentView(row.id, row.display_name or row.username, row.body, row.created_at)
        for row in rows
    ]


def add_comment(ws: Workspace, actor: Actor, kind: str, subject_id: str, body: str) -> str:
    """Add the actor's comment under a report or entity they may read; its id. Audited.

    The report's author and its assignee (for a report), or the earlier
    commenters (for an entity), are notified if they may read it.
    """
    text = body.strip()
    refuse_nul(text, "body")
    if not text:
        raise InvalidInput("a comment needs some text", field="body", hint="write the comment")
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidInput(
            f"a comment holds at most {COMMENT_MAX_CHARS} characters (this one has {len(text)})",
            field="body",
            hint="shorten it, or split it in two comments",
        )
    now = ws.clock()
    comment_id = f"C-{now:%Y%m%d}-{secrets.token_hex(5)}"
    with transaction(ws) as connection:
        _check_readable(connection, actor, kind, subject_id)
        connection.execute(
            insert(tables.comments).values(
                id=comment_id,
                subject_kind=kind,
                subject_id=subject_id,
                author_id=actor.user_id,
                body=text,
                created_at=now,
            )
        )
        audit.record(
            connection,
            actor,
            "comment.add",
            object_type=kind,
            object_id=subject_id,
            detail={"comment": comment_id, "chars": len(text)},
            at=now,
        )
        _notify(connection, ws, actor, kind, subject_id, text, now)
    notices.deliver_mail(ws)
    return comment_id


def _notify(
    connection: Connection,
    ws: Workspace,
    actor: Actor,
    kind: str,
    subject_id: str,
    text: str,
    now: datetime,
) -> None:
    name = notices.name_of(connection, actor.user_id)
    excerpt = text if len(text) <= 200 else f"{text[:199]}…"
    if kind == "report":
        row = connection.execute(
            select(tables.reports.c.author_id, tables.reports.c.title).where(
                tables.reports.c.id == subject_id
            )
        ).one()
        assignee = connection.execute(
            select(tables.report_assignments.c.assignee_id).where(
                tables.report_assignments.c.report_id == subject_id
            )
        ).scalar()
        recipients = {row.author_id, assignee} - {None, actor.user_id}
        message = f"{name} commented on “{row.title}”: {excerpt}"
        for user_id in sorted(r for r in recipients if r):
            notices.notify(
                connection,
                ws,
                user_id=user_id,
                kind="comment",
                text=message,
                now=now,
                report_id=subject_id,
                actor_id=actor.user_id,
            )
        return
    earlier = connection.execute(
        select(_C.author_id)
        .where(_C.subject_kind == "entity", _C.subject_id == subject_id)
        .distinct()
    ).scalars()
    for user_id in sorted(set(earlier) - {actor.user_id}):
        notices.notify(
            connection,
            ws,
            user_id=user_id,
            kind="comment",
            text=f"{name} commented on an entity you discussed: {excerpt}",
            now=now,
            entity_id=subject_id,
            actor_id=actor.user_id,
        )

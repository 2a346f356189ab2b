"""Public tips: receive them from the anonymous page, and triage them in the workspace.

The tip page is the only way in for someone without an account, so the rules
of :mod:`portintel.domain.tips` hold here: the tips of one (hashed) address
are counted in a sliding window stored in the database (every web worker
sees the same count), the challenge is checked against the node's own key,
and the nonce of the challenge is stored with the tip, unique, so a solved
challenge sends one tip only. Tips wait in their own queue (``tips``), apart
from reports: nothing a stranger writes becomes intelligence until an
officer turns it into a report (graded as a public tip) or discards it with
a reason. Both are audited, as is every tip received and read.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_grading_schemes
from portintel.domain import tips as rules
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor, Role
from portintel.domain.grading import Grading
from portintel.domain.reports import ReportDraft
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.intake.filing import file_report
from portintel.services.intake.reports import new_report_id
from portintel.services.intake.sources import SourceKind
from portintel.services.workspace import Workspace

KEY_NAME = "tip_challenge"
"""The node key (``node_keys``) that signs challenges and hashes addresses."""
PUBLIC = Actor(user_id="public", username="public (tip page)", agency_id="")
"""Who the audit log names for a tip received: nobody known."""
PUBLIC_TIP_SOURCE = "Public tip page"
"""The codename of the source every tip turned into a report cites (created on first use)."""
REASON_MAX_CHARS = 1_000


@dataclass(frozen=True, slots=True)
class TipView:
    """A tip as an officer sees it: the text as the stranger wrote it, to show escaped."""

    id: str
    text: str
    language: str
    contact: str | None
    received_at: datetime
    status: str
    triaged_by: str | None
    triaged_at: datetime | None
    report_id: str | None
    discard_reason: str | None


def _view(row: Row[Any]) -> TipView:
    return TipView(
        id=row.id,
        text=row.text,
        language=row.language,
        contact=row.contact,
        received_at=row.received_at,
        status=row.status,
        triaged_by=row.triaged_by,
        triaged_at=row.triaged_at,
        report_id=row.report_id,
        discard_reason=row.discard_reason,
    )


def _key(ws: Workspace) -> bytes:
    """The node's tip key, made on first use (a race between workers keeps the first)."""
    query = select(tables.node_keys.c.value).where(tables.node_keys.c.name == KEY_NAME)
    with ws.engine.begin() as connection:
        found = connection.execute(query).scalar_one_or_none()
    if found is not None:
        return bytes(found)
    try:
        with ws.engine.begin() as connection:
            connection.execute(
                insert(tables.node_keys).values(
                    name=KEY_NAME, value=secrets.token_bytes(32), created_at=ws.clock()
                )
            )
    except IntegrityError:
        pass  # another worker made it first: read theirs
    with ws.engine.begin() as connection:
        return bytes(connection.execute(query).scalar_one())


def new_challenge(ws: Workspace) -> rules.Challenge:
    """A challenge for the tip page, with the node's difficulty."""
    return rules.issue_challenge(_key(ws), ws.clock(), ws.settings.tip_challenge_bits)


def _window(ws: Workspace) -> timedelta:
    return timedelta(minutes=ws.settings.tip_window_minutes)


def _count_attempt(ws: Workspace, address_hash: str, now: datetime) -> None:
    """Record one attempt of ``address_hash``, or raise RateLimited when its window is full.

    Its own transaction: a refused challenge still counts, so guessing costs the
    guesser their window. Attempts older than the window are forgotten here.
    """
    window = _window(ws)
    attempts = tables.tip_attempts
    with ws.engine.begin() as connection:
        connection.execute(delete(attempts).where(attempts.c.attempted_at <= now - window))
        earlier = connection.execute(
            select(attempts.c.attempted_at).where(
                attempts.c.address_hash == address_hash, attempts.c.attempted_at > now - window
            )
        ).scalars()
        wait = rules.retry_after(
            list(earlier), now, limit=ws.settings.tips_per_window, window=window
        )
        if wait is not None:
            raise RateLimited(
                "too many tips from this address",
                retry_after_seconds=wait,
                hint=f"wait {wait} seconds, then send the tip again",
            )
        connection.execute(insert(attempts).values(address_hash=address_hash, attempted_at=now))


def receive_tip(
    ws: Workspace,
    *,
    address: str,
    text: str,
    contact: str,
    language: str,
    token: str,
    counter: str,
    answer: str,
) -> str:
    """Store a tip from the public page; returns its id.

    Raises RateLimited (the address's window is full), ChallengeFailed
    (:mod:`portintel.domain.tips`), InvalidInput (empty or too long) or
    Conflict (the challenge already sent a tip).
    """
    key = _key(ws)
    now = ws.clock()
    hashed = rules.address_hash(key, address)
    _count_attempt(ws, hashed, now)
    nonce = rules.check_challenge(key, token, now, counter=counter, answer=answer)
    body, given_contact, tip_language = rules.clean_tip(text, contact, language)
    tip_id = f"T-{now:%Y%m%d}-{secrets.token_hex(4)}"
    try:
        with ws.engine.begin() as connection:
            connection.execute(
                insert(tables.tips).values(
                    id=tip_id,
                    text=body,
                    language=tip_language,
                    contact=given_contact,
                    received_at=now,
                    address_hash=hashed,
                    challenge_nonce=nonce,
                    status=rules.TipStatus.NEW.value,
                )
            )
            audit.record(
                connection,
                PUBLIC,
                "tip.received",
                object_type="tip",
                object_id=tip_id,
                detail={"language": tip_language, "contact_given": given_contact is not None},
                at=now,
            )
    except IntegrityError as exc:
        raise Conflict(
            "this page already sent a tip", hint="reload the page to send another"
        ) from exc
    return tip_id


def _require_triage(actor: Actor) -> None:
    if not may_work_with_intelligence(actor):
        raise PermissionDenied(
            "public tips are triaged by officers, analysts and supervisors",
            hint="ask an officer of your unit",
        )


def count_new_tips(ws: Workspace, actor: Actor) -> int:
    """How many tips wait for triage (0 for whoever may not triage)."""
    if not may_work_with_intelligence(actor):
        return 0
    with ws.engine.begin() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(tables.tips)
                .where(tables.tips.c.status == rules.TipStatus.NEW.value)
            ).scalar_one()
        )


def list_tips(
    ws: Workspace,
    actor: Actor,
    *,
    status: rules.TipStatus = rules.TipStatus.NEW,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[TipView], int]:
    """One page of the queue, oldest first for new tips (newest first otherwise), and the total."""
    _require_triage(actor)
    table = tables.tips
    order = (
        table.c.received_at.asc() if status is rules.TipStatus.NEW else table.c.triaged_at.desc()
    )
    with ws.engine.begin() as connection:
        rows = connection.execute(
            select(table)
            .where(table.c.status == status.value)
            .order_by(order, table.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
        total = connection.execute(
            select(func.count()).select_from(table).where(table.c.status == status.value)
        ).scalar_one()
    return [_view(row) for row in rows], int(total)


def _row(connection: Connection, tip_id: str, *, lock: bool = False) -> Row[Any]:
    query = select(tables.tips).where(tables.tips.c.id == tip_id)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(f"tip {tip_id} not found", hint="the tip queue lists every tip")
    return row


def get_tip(ws: Workspace, actor: Actor, tip_id: str) -> TipView:
    """One tip, for triage. Audited (a tip may name people)."""
    _require_triage(actor)
    with ws.engine.begin() as connection:
        row = _row(connection, tip_id)
        audit.record(
            connection, actor, "tip.read", object_type="tip", object_id=tip_id, at=ws.clock()
        )
    return _view(row)


def public_tip_grading(ws: Workspace) -> Grading:
    """How a public tip is graded in the node's scheme: reliability and credibility cannot be
    judged (Admiralty F6), read in the node's scheme through the shipped mappings."""
    schemes = load_grading_schemes()
    return schemes.map(Grading("admiralty", "F", "6"), ws.settings.grading_scheme)


def _public_tip_source(connection: Connection, ws: Workspace, grading: Grading) -> str:
    """The id of the node's public-tip source, registered on first use."""
    found = connection.execute(
        select(tables.sources.c.id).where(
            tables.sources.c.kind == SourceKind.PUBLIC_TIP.value,
            tables.sources.c.reference == PUBLIC_TIP_SOURCE,
        )
    ).scalar_one_or_none()
    if found is not None:
        return str(found)
    source_id = "S-" + secrets.token_hex(5)
    connection.execute(
        insert(tables.sources).values(
            id=source_id,
            kind=SourceKind.PUBLIC_TIP.value,
            reference=PUBLIC_TIP_SOURCE,
            grading_scheme=grading.scheme,
            reliability=grading.reliability,
            notes="Anonymous tips sent from the public tip page (the leaflet).",
            active=True,
            created_at=ws.clock(),
        )
    )
    return source_id


def report_from_tip(
    ws: Workspace,
    actor: Actor,
    tip_id: str,
    *,
    title: str,
    text: str,
    handling: str,
    handling_conditions: str | None = None,
    credibility: str | None = None,
) -> str:
    """Turn a new tip into a draft report citing the public-tip source; returns the report id.

    The report is the officer's (they may edit the text before filing); its
    reliability is the public-tip source's, its credibility "cannot be judged"
    unless the officer says otherwise.
    """
    _require_triage(actor)
    grading = public_tip_grading(ws)
    now = ws.clock()
    report_id = new_report_id(now)
    with transaction(ws) as connection:
        row = _row(connection, tip_id, lock=True)
        if row.status != rules.TipStatus.NEW.value:
            raise Conflict(
                f"tip {tip_id} was triaged already ({row.status})",
                hint="open the tip to see the report or the reason",
            )
        source_id = _public_tip_source(connection, ws, grading)
        draft = ReportDraft(
            title=title.strip(),
            text=text.strip(),
            credibility=credibility or grading.credibility,
            handling=handling,
            handling_conditions=(handling_conditions or "").strip() or None,
            grading_scheme=grading.scheme,
            source_id=source_id,
            category="public_tip",
        )
        file_report(connection, ws.settings, actor, draft, report_id=report_id, now=now)
        connection.execute(
            update(tables.tips)
            .where(tables.tips.c.id == tip_id)
            .values(
                status=rules.TipStatus.REPORTED.value,
                triaged_by=actor.user_id,
                triaged_at=now,
                report_id=report_id,
            )
        )
        audit.record(
            connection,
            actor,
            "tip.reported",
            object_type="tip",
            object_id=tip_id,
            detail={"report": report_id},
            at=now,
        )
    return report_id


def discard_tip(ws: Workspace, actor: Actor, tip_id: str, *, reason: str) -> None:
    """Discard a new tip; the reason is required and kept with the tip. Audited."""
    _require_triage(actor)
    given = reason.strip()
    if not given:
        raise InvalidInput(
            "say why the tip is discarded", field="reason", hint="e.g. no usable information"
        )
    if len(given) > REASON_MAX_CHARS:
        raise InvalidInput(
            f"the reason is longer than {REASON_MAX_CHARS} characters", field="reason"
        )
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = _row(connection, tip_id, lock=True)
        if row.status != rules.TipStatus.NEW.value:
            raise Conflict(
                f"tip {tip_id} was triaged already ({row.status})",
                hint="open the tip to see the report or the reason",
            )
        connection.execute(
            update(tables.tips)
            .where(tables.tips.c.id == tip_id)
            .values(
                status=rules.TipStatus.DISCARDED.value,
                triaged_by=actor.user_id,
                triaged_at=now,
                discard_reason=given,
            )
        )
        audit.record(
            connection,
            actor,
            "tip.discarded",
            object_type="tip",
            object_id=tip_id,
            detail={"reason": given},
            at=now,
        )


def require_leaflet_printer(actor: Actor) -> None:
    """Administrators and supervisors print the leaflet (it carries the unit's address)."""
    if not (actor.has(Role.ADMINISTRATOR) or actor.has(Role.SUPERVISOR)):
        raise PermissionDenied(
            "the tip leaflet is printed by administrators and supervisors",
            hint="ask your unit's administrator for the leaflet",
        )


def leaflet_pdf(ws: Workspace, actor: Actor, html: str, title: str) -> bytes:
    """The leaflet printed: its HTML (one language) rendered to PDF with the vendored fonts."""
    from portintel.adapters.pdf import render_pdf

    require_leaflet_printer(actor)
    pdf = render_pdf(html, title=title)
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "tip.leaflet",
            object_type="leaflet",
            detail={"title": title},
            at=ws.clock(),
        )
    return pdf


__all__ = [
    "PUBLIC_TIP_SOURCE",
    "TipView",
    "count_new_tips",
    "discard_tip",
    "get_tip",
    "leaflet_pdf",
    "list_tips",
    "new_challenge",
    "public_tip_grading",
    "receive_tip",
    "report_from_tip",
    "require_leaflet_printer",
]

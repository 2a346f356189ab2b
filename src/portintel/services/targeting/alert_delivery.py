"""Deliver alerts outside the app: to the webhook and by e-mail, as jobs with back-off.

Both read the alert **as their recipient**: the webhook as the user the
``alert_webhook_user`` setting names (or an analyst of no agency: what is
open to every analyst), each e-mail as the user it goes to. An alert the
recipient may not read is withheld from them (recorded, never sent).

Every delivery is recorded per alert, channel and recipient
(``alert_deliveries``): a job that runs again (a retry, a worker killed
mid-run) skips what was sent. A failed send is tried again after
``alert_retry_seconds``, then twice as long each time, up to
``alert_webhook_attempts`` attempts, by enqueueing the job again with a delay.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portintel.adapters import alert_transports
from portintel.adapters.database import tables
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor, Role
from portintel.errors import NotFound, PortintelError, UpstreamFailure
from portintel.services import admin
from portintel.services.jobs import enqueue
from portintel.services.targeting.alerts import AlertView, get_alert
from portintel.services.workspace import Workspace
from portintel.settings import Settings

logger = logging.getLogger("portintel.alerts")

WEBHOOK_JOB = "targeting.deliver_alert_webhook"
EMAIL_JOB = "targeting.deliver_alert_email"

WEBHOOK_READER = Actor("webhook", "webhook", "", frozenset({Role.ANALYST}))
"""Whom the webhook reads as when ``alert_webhook_user`` is unset: open to every analyst."""

_D = tables.alert_deliveries.c
_P = tables.alert_preferences.c
_U = tables.users.c
_UR = tables.user_roles.c


def alert_link(settings: Settings, alert_id: int) -> str:
    """The alert's page: a full link under ``public_url`` when the node has one, else its path."""
    path = f"/alerts/{alert_id}"
    return f"{settings.public_url.rstrip('/')}{path}" if settings.public_url else path


def alert_payload(alert: AlertView, settings: Settings | None = None) -> dict[str, Any]:
    """The JSON an alert is delivered as (the webhook's body); ``url`` is full under
    ``public_url`` (otherwise the same as ``path``)."""
    return {
        "event": "alert.raised",
        "alert": {
            "id": alert.id,
            "kind": alert.kind,
            "kind_label": alert.kind_label,
            "title": alert.title,
            "reason": alert.reason,
            "entity_id": alert.entity_id,
            "mmsi": alert.mmsi,
            "score": alert.score,
            "reasons": [
                {"indicator_id": r.indicator_id, "description": r.description, "weight": r.weight}
                for r in alert.reasons
            ],
            "handling": alert.handling,
            "raised_at": alert.raised_at.isoformat(),
            "status": alert.status,
            "path": f"/alerts/{alert.id}",
            "url": alert_link(settings, alert.id) if settings else f"/alerts/{alert.id}",
        },
    }


def _sent(ws: Workspace, alert_id: int, channel: str, recipient: str) -> bool:
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(_D.status).where(
                _D.alert_id == alert_id, _D.channel == channel, _D.recipient == recipient
            )
        ).first()
    return row is not None and row.status in ("sent", "withheld")


def _record(
    ws: Workspace,
    alert_id: int,
    channel: str,
    recipient: str,
    status: str,
    attempts: int,
    error: str | None = None,
) -> None:
    now: datetime = ws.clock()
    values = {
        "alert_id": alert_id,
        "channel": channel,
        "recipient": recipient[:320],
        "status": status,
        "attempts": attempts,
        "last_error": error,
        "updated_at": now,
    }
    with ws.engine.begin() as connection:
        builder = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = builder(tables.alert_deliveries).values(**values)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["alert_id", "channel", "recipient"],
                set_={
                    "status": status,
                    "attempts": attempts,
                    "last_error": error,
                    "updated_at": now,
                },
            )
        )


def _read_as(ws: Workspace, actor: Actor, alert_id: int) -> AlertView | None:
    if not (actor.is_system or may_work_with_intelligence(actor)):
        return None
    try:
        return get_alert(ws, actor, alert_id)
    except NotFound:
        return None


def _webhook_reader(ws: Workspace) -> Actor:
    username = ws.settings.alert_webhook_user
    if not username:
        return WEBHOOK_READER
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(_U.id).where(_U.username == username.strip().lower(), _U.active.is_(True))
        ).first()
    if row is None:
        raise UpstreamFailure(
            f"alert_webhook_user names {username!r}, who is not an active user",
            hint="name an active user whose need-to-know the webhook should have",
        )
    return admin.get_actor(ws, row.id)


def _retry(ws: Workspace, job: str, alert_id: int, attempt: int, error: str) -> bool:
    """Queue the next attempt after the back-off; False when the attempts are used up."""
    if attempt >= ws.settings.alert_webhook_attempts:
        return False
    delay = ws.settings.alert_retry_seconds * 2 ** (attempt - 1)
    logger.warning(
        "alert %s: attempt %s failed (%s); next in %.0f s", alert_id, attempt, error, delay
    )
    enqueue(ws, job, {"alert_id": alert_id, "attempt": attempt + 1}, delay_seconds=delay)
    return True


def deliver_webhook(
    ws: Workspace,
    alert_id: int,
    attempt: int = 1,
    *,
    post: Callable[..., int] = alert_transports.post_webhook,
) -> str:
    """POST the alert to the webhook (if its reader may read it); the delivery's status."""
    url = ws.settings.alert_webhook_url
    if not url:
        return "off"
    recipient = url.split("?", 1)[0]  # a token in the query string is not kept
    if _sent(ws, alert_id, "webhook", recipient):
        return "sent"
    alert = _read_as(ws, _webhook_reader(ws), alert_id)
    if alert is None:
        _record(ws, alert_id, "webhook", recipient, "withheld", attempt)
        return "withheld"
    body = json.dumps(alert_payload(alert, ws.settings), sort_keys=True).encode()
    try:
        post(url, body, secret=ws.settings.alert_webhook_secret, event_id=f"{alert_id}-{attempt}")
    except PortintelError as exc:
        retrying = _retry(ws, WEBHOOK_JOB, alert_id, attempt, exc.message)
        _record(
            ws,
            alert_id,
            "webhook",
            recipient,
            "retrying" if retrying else "failed",
            attempt,
            exc.message,
        )
        if retrying:
            return "retrying"
        raise
    _record(ws, alert_id, "webhook", recipient, "sent", attempt)
    return "sent"


def email_recipients(ws: Workspace) -> list[tuple[str, str]]:
    """(user id, address) of active users who opted in, or whose role receives alerts."""
    roles = list(ws.settings.alert_email_roles)
    with ws.engine.connect() as connection:
        query = (
            select(_U.id, _P.email, _P.by_email)
            .select_from(tables.users.join(tables.alert_preferences, _P.user_id == _U.id))
            .where(_U.active.is_(True), _P.email.is_not(None))
            .order_by(_U.id)
        )
        rows = connection.execute(query).all()
        by_role = (
            {
                row.user_id
                for row in connection.execute(select(_UR.user_id).where(_UR.role.in_(roles))).all()
            }
            if roles
            else set()
        )
    return [(row.id, row.email) for row in rows if row.by_email or row.id in by_role]


def _mail_text(alert: AlertView, settings: Settings) -> str:
    lines = [alert.title, "", alert.kind_label, "", alert.reason, ""]
    if alert.reasons:
        lines.append("Reasons:")
        lines.extend(f"  {r.weight:g}  {r.description}" for r in alert.reasons)
        lines.append("")
    lines.append(f"Open it in portintel: Alerts, alert #{alert.id}:")
    lines.append(alert_link(settings, alert.id))
    return "\n".join(lines)


def deliver_email(
    ws: Workspace,
    alert_id: int,
    attempt: int = 1,
    *,
    send: Callable[..., None] = alert_transports.send_mail,
) -> dict[str, str]:
    """E-mail the alert to each recipient who may read it; each recipient's status."""
    settings = ws.settings
    if not settings.alert_smtp_host:
        return {}
    statuses: dict[str, str] = {}
    failures: list[str] = []
    for user_id, address in email_recipients(ws):
        if _sent(ws, alert_id, "email", user_id):
            statuses[user_id] = "sent"
            continue
        try:
            reader = admin.get_actor(ws, user_id)
        except PortintelError:
            continue
        alert = _read_as(ws, reader, alert_id)
        if alert is None:
            _record(ws, alert_id, "email", user_id, "withheld", attempt)
            statuses[user_id] = "withheld"
            continue
        try:
            send(
                host=settings.alert_smtp_host,
                port=settings.alert_smtp_port,
                starttls=settings.alert_smtp_starttls,
                user=settings.alert_smtp_user,
                password=settings.alert_smtp_password,
                sender=settings.alert_mail_from,
                recipient=address,
                subject=f"[portintel] {alert.title}",
                text=_mail_text(alert, settings),
            )
        except PortintelError as exc:
            failures.append(exc.message)
            _record(ws, alert_id, "email", user_id, "retrying", attempt, exc.message)
            statuses[user_id] = "retrying"
            continue
        _record(ws, alert_id, "email", user_id, "sent", attempt)
        statuses[user_id] = "sent"
    if failures and not _retry(ws, EMAIL_JOB, alert_id, attempt, failures[0]):
        for user_id, status in statuses.items():
            if status == "retrying":
                _record(ws, alert_id, "email", user_id, "failed", attempt, failures[0])
        raise UpstreamFailure(
            f"alert {alert_id} could not be e-mailed to {len(failures)} recipient(s)",
            hint=failures[0],
        )
    return statuses


__all__ = [
    "EMAIL_JOB",
    "WEBHOOK_JOB",
    "WEBHOOK_READER",
    "alert_link",
    "alert_payload",
    "deliver_email",
    "deliver_webhook",
    "email_recipients",
]

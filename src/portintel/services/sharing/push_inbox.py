"""Push into this node: the inbox collection a partner writes to, and who receives it.

A partner whose agreement with this node in force says **push** gets one more
TAXII collection here, its **inbox** (write only: ``can_read`` false,
``can_write`` true). It is the partner's alone: its id is derived from the
partner's id, and another partner asking for it, like anyone asking for an
id that does not exist, gets :class:`NotFound`. A partner without a push
agreement has no inbox, and its sender is told so before it sends anything
(the collection is simply not listed).

What is posted goes through exactly the receiving side of a pull
(:func:`~portintel.services.sharing.receiving.receive_objects`): every
object's signature is verified before anything is imported, a bad or unknown
signature is quarantined with its reason, the same object twice is held
once. Received reports are filed under a person: the analyst or supervisor
an administrator designated for the partner (:func:`set_push_recipient`),
and so under that person's agency. Without one, a push is refused with what
to do (the sender keeps the package and tries again later).

Each push answers with a TAXII status (:class:`PushStatus`), kept in
``push_statuses`` so the partner can read it again: every object is a
success (imported, or held already) or a failure with the reason it was
quarantined. Receiving is synchronous, so nothing is ever pending.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.sharing import Delivery
from portintel.domain.sharing.taxii import collection_id
from portintel.errors import Conflict, InvalidInput, NotFound, PortintelError
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.partner_tokens import PartnerReader
from portintel.services.sharing.partners import (
    current_agreement,
    find_partner,
    require_administrator,
)
from portintel.services.sharing.receiving import Outcome, may_receive, receive_objects
from portintel.services.workspace import Workspace

MAX_OBJECTS = 10_000
"""Objects in one push at most (the body limit comes first: ``max_body_mb``)."""


def inbox_collection_id(partner_id: str) -> str:
    """The partner's inbox collection here: stable, revealing nothing of the partner."""
    return collection_id(f"inbox:{partner_id}")


@dataclass(frozen=True, slots=True)
class InboxCollection:
    """The collection a partner pushes into."""

    id: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class PushRecipient:
    """Who receives what a partner pushes: a person, shown by name."""

    partner: str
    user_id: str
    username: str
    display_name: str
    set_at: datetime
    set_by: str


@dataclass(frozen=True, slots=True)
class PushStatus:
    """The TAXII status resource of one push."""

    id: str
    requested_at: datetime
    successes: tuple[dict[str, str], ...]
    failures: tuple[dict[str, str], ...]
    pending: tuple[dict[str, str], ...] = ()

    @property
    def total(self) -> int:
        return len(self.successes) + len(self.failures) + len(self.pending)


def may_push(ws: Workspace, partner_id: str) -> bool:
    """Whether the partner's agreement with this node, in force now, says push."""
    agreement = current_agreement(ws, partner_id)
    return (
        agreement is not None
        and agreement.delivery is Delivery.PUSH
        and agreement.in_force(ws.clock())
    )


def inbox_of(ws: Workspace, reader: PartnerReader) -> InboxCollection | None:
    """The reader's inbox collection, or None without a push agreement in force."""
    if not may_push(ws, reader.partner_id):
        return None
    code = ws.settings.node_code
    return InboxCollection(
        id=inbox_collection_id(reader.partner_id),
        title=f"{reader.partner_name} to {code} (push)",
        description=f"Where {reader.partner_name} pushes intelligence to {code}: every object "
        "must be signed by your node's key; what does not verify is quarantined, never "
        "imported.",
    )


def is_inbox(ws: Workspace, reader: PartnerReader, wanted: str) -> bool:
    """Whether ``wanted`` is the reader's own inbox (never another partner's)."""
    inbox = inbox_of(ws, reader)
    return inbox is not None and inbox.id == wanted.strip()


# -- the person who receives ------------------------------------------------------------


def _person(ws: Workspace, user_id: str) -> Actor | None:
    """The active analyst or supervisor of this id, else None."""
    from portintel.services import admin

    try:
        actor = admin.get_actor(ws, user_id)
    except PortintelError:  # gone or disabled
        return None
    return actor if may_receive(actor) and not actor.is_system else None


def _recipient_actor(ws: Workspace, partner_id: str) -> Actor | None:
    chosen = tables.push_recipients.c
    with ws.engine.connect() as connection:
        user_id = connection.execute(
            select(chosen.user_id).where(chosen.partner_id == partner_id)
        ).scalar()
    return None if user_id is None else _person(ws, user_id)


def _recipients(ws: Workspace, partner_id: str | None = None) -> list[PushRecipient]:
    users, chosen, partners = tables.users.c, tables.push_recipients.c, tables.partners.c
    query = (
        select(
            partners.name,
            users.id,
            users.username,
            users.display_name,
            chosen.set_at,
            chosen.set_by,
        )
        .join(tables.users, users.id == chosen.user_id)
        .join(tables.partners, partners.id == chosen.partner_id)
        .order_by(partners.name)
    )
    if partner_id is not None:
        query = query.where(chosen.partner_id == partner_id)
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        PushRecipient(
            partner=row.name,
            user_id=row.id,
            username=row.username,
            display_name=row.display_name or row.username,
            set_at=row.set_at,
            set_by=row.set_by,
        )
        for row in rows
    ]


def push_recipient(ws: Workspace, actor: Actor, partner_name: str) -> PushRecipient | None:
    """Who receives what the partner pushes (None: nobody designated yet)."""
    require_administrator_or_receiver(actor)
    partner = find_partner(ws, partner_name)
    found = _recipients(ws, partner.id)
    return found[0] if found else None


def push_recipients(ws: Workspace, actor: Actor) -> list[PushRecipient]:
    """Who receives what each partner pushes, by partner name (the inbox page shows it)."""
    require_administrator_or_receiver(actor)
    return _recipients(ws)


def push_recipient_choices(ws: Workspace, actor: Actor) -> list[tuple[str, str]]:
    """``(username, display name)`` of the active analysts and supervisors, by name."""
    require_administrator(actor, "choose who receives pushed intelligence")
    users, held = tables.users.c, tables.user_roles.c
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(users.username, users.display_name)
            .where(
                users.active.is_(True),
                users.id.in_(
                    select(held.user_id).where(
                        held.role.in_([Role.ANALYST.value, Role.SUPERVISOR.value])
                    )
                ),
            )
            .order_by(users.display_name, users.username)
        ).all()
    return [(row.username, row.display_name or row.username) for row in rows]


def require_administrator_or_receiver(actor: Actor) -> None:
    if actor.is_system or actor.has(Role.ADMINISTRATOR) or may_receive(actor):
        return
    require_administrator(actor, "see who receives pushed intelligence")


def set_push_recipient(
    ws: Workspace, actor: Actor, partner_name: str, username: str | None
) -> PushRecipient | None:
    """Designate the analyst or supervisor who receives what the partner pushes (None or
    an empty name: nobody, pushes are refused); audited as ``partner.push_recipient``."""
    require_administrator(actor, "choose who receives pushed intelligence")
    partner = find_partner(ws, partner_name)
    chosen = tables.push_recipients
    user_id: str | None = None
    if username and username.strip():
        with ws.engine.connect() as connection:
            user_id = connection.execute(
                select(tables.users.c.id).where(tables.users.c.username == username.strip().lower())
            ).scalar()
        if user_id is None:
            raise NotFound(f"no user named {username.strip()!r}", hint="see the users page")
        if _person(ws, user_id) is None:
            raise InvalidInput(
                f"{username.strip()} cannot receive intelligence: only an active analyst "
                "or supervisor can",
                field="recipient",
                hint="choose an analyst or a supervisor",
            )
    at = ws.clock()
    with transaction(ws) as connection:
        connection.execute(delete(chosen).where(chosen.c.partner_id == partner.id))
        if user_id is not None:
            connection.execute(
                insert(chosen).values(
                    partner_id=partner.id, user_id=user_id, set_at=at, set_by=actor.username
                )
            )
        audit.record(
            connection,
            actor,
            "partner.push_recipient",
            object_type="partner",
            object_id=partner.id,
            detail={"partner": partner.name, "recipient": user_id},
            at=at,
        )
    return push_recipient(ws, actor, partner.name)


# -- receiving a push -------------------------------------------------------------------


def _version(obj: object) -> str:
    if not isinstance(obj, dict):
        return ""
    return str(obj.get("modified") or obj.get("created") or "")


def _object_id(obj: object) -> str:
    return str(obj.get("id", "")) if isinstance(obj, dict) else ""


def _quarantined(
    ws: Workspace, partner_id: str, objects: Sequence[object]
) -> dict[tuple[str, str], str]:
    """(id, version) -> reason, for the posted objects whose newest row here from this
    partner is in quarantine: refused now, or refused before for a reason that holds."""
    received = tables.received_objects.c
    ids = sorted({_object_id(obj) for obj in objects} - {""})
    newest: dict[tuple[str, str], tuple[int, str, str | None]] = {}
    with ws.engine.connect() as connection:
        for start in range(0, len(ids), 500):
            for row in connection.execute(
                select(received.id, received.stix_id, received.modified, received.outcome,
                       received.reason)
                .where(received.partner_id == partner_id,
                       received.stix_id.in_(ids[start : start + 500]))
            ):  # fmt: skip
                key = (row.stix_id, row.modified)
                if key not in newest or newest[key][0] < row.id:
                    newest[key] = (row.id, row.outcome, row.reason)
    return {
        key: reason or "quarantined"
        for key, (_, outcome, reason) in newest.items()
        if outcome == Outcome.QUARANTINED.value
    }


def receive_push(
    ws: Workspace, reader: PartnerReader, wanted: str, objects: Sequence[object]
) -> PushStatus:
    """Receive what the reader posted to its inbox ``wanted``: verified, quarantined or
    imported exactly as a pull is, filed under the partner's designated recipient."""
    if not is_inbox(ws, reader, wanted):
        raise NotFound(f"no collection {wanted!r}", hint="list your collections first")
    if len(objects) > MAX_OBJECTS:
        raise InvalidInput(
            f"{len(objects):,} objects in one push; at most {MAX_OBJECTS:,}",
            field="objects",
            hint="push in smaller envelopes",
        )
    recipient = _recipient_actor(ws, reader.partner_id)
    if recipient is None:
        raise Conflict(
            f"{ws.settings.node_code} has not designated who receives what "
            f"{reader.partner_name} pushes",
            hint=f"ask the administrator of {ws.settings.node_code} to choose a recipient on "
            "your partner page; until then keep the package and push again later",
        )
    receipt = receive_objects(ws, recipient, reader.partner_name, objects, source="taxii push")
    refused = _quarantined(ws, reader.partner_id, objects)
    successes: list[dict[str, str]] = []
    failures: list[dict[str, str]] = []
    for obj in objects:
        identifier, version = _object_id(obj), _version(obj)
        if (identifier, version) in refused or not identifier:
            failures.append(
                {
                    "id": identifier,
                    "version": version,
                    "message": refused.get((identifier, version), "not a STIX object"),
                }
            )
        else:
            successes.append({"id": identifier, "version": version})
    status = PushStatus(
        id=str(uuid.uuid4()),
        requested_at=receipt.received_at,
        successes=tuple(successes),
        failures=tuple(failures),
    )
    with transaction(ws) as connection:
        connection.execute(
            insert(tables.push_statuses).values(
                id=status.id,
                partner_id=reader.partner_id,
                receipt_id=receipt.id,
                requested_at=status.requested_at,
                successes=list(status.successes),
                failures=list(status.failures),
                pending=[],
            )
        )
        audit.record(
            connection,
            reader.actor,
            "taxii.push",
            object_type="receipt",
            object_id=receipt.id,
            detail={
                "objects": len(objects),
                "failures": len(failures),
                "recipient": recipient.user_id,
            },
            at=ws.clock(),
        )
    return status


def push_status(ws: Workspace, reader: PartnerReader, status_id: str) -> PushStatus | None:
    """The status of one of the reader's pushes (None: not one of its pushes)."""
    statuses = tables.push_statuses.c
    with ws.engine.connect() as connection:
        row: Any = connection.execute(
            select(tables.push_statuses).where(
                statuses.id == status_id.strip(), statuses.partner_id == reader.partner_id
            )
        ).first()
    if row is None:
        return None
    return PushStatus(
        id=row.id,
        requested_at=row.requested_at,
        successes=tuple(row.successes),
        failures=tuple(row.failures),
        pending=tuple(row.pending),
    )

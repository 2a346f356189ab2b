"""Receiving from a partner: verify every object, quarantine what fails, import the rest.

A partner's intelligence arrives as STIX objects, from a TAXII page or a
package file (:func:`import_package`). :func:`receive_objects` takes them in
one transaction, so a delivery is received whole or not at all:

1. **Verify.** Every object but the fixed vocabulary (official TLP markings,
   portintel's extension definitions) must carry the object signature
   extension (``domain.sharing.stix.signatures``) by the partner's
   registered key or one of its retired keys (``partner_keys``), and be
   created by the partner's node (or be portintel's shared vocabulary). A
   missing or bad signature, an unknown key, another creator, or content
   that does not read (an unknown marking, a malformed grade) puts the
   object in **quarantine with its reason**; it is never imported.
2. **Version.** STIX versioning decides: the same bytes again, or a version
   no newer than the one held, change nothing (exactly once; re-runs are
   no-ops); a newer ``modified`` replaces (the old row becomes
   ``superseded``); ``revoked: true`` withdraws.
3. **Import.** A report becomes a local report, status ``submitted``, filed
   under the receiving user's agency, so an analyst evaluates it like any
   other (``origin_node`` names the sending node; its handling code,
   conditions and TLP are kept, so the policy withholds it from onward
   dissemination when its code forbids it: rule 6 of
   ``domain.sharing.policy``; its grade is kept in the sender's scheme, the
   inbox shows the mapped one beside it). An entity's statements keep their
   provenance: dataset = the sending node, origin = the local report the
   sender's report became (or the sender's report's STIX id if that report
   was not sent). A withdrawn report is archived and its facts removed; a
   withdrawn entity's facts are removed.

Every received object is kept (``received_objects``) with its outcome, and
each delivery is a ``receipts`` row; both are what the inbox shows, through
the reader's scope (:mod:`portintel.services.sharing.inbox`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from followthemoney import model
from sqlalchemy import Connection, and_, delete, insert, select, update

from portintel.adapters.database import entity_summaries, tables
from portintel.adapters.vocabularies import (
    load_grading_schemes,
    load_handling,
    load_stix_vocabulary,
)
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportStatus
from portintel.domain.sharing.stix import BundleReader, stix_id
from portintel.domain.sharing.stix.identifiers import parse_timestamp
from portintel.domain.sharing.stix.records import ReceivedReport, ReceivedStatement
from portintel.domain.sharing.stix.signatures import check_signature, unsigned_objects
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services import audit
from portintel.services.events import announce, transaction
from portintel.services.intake import write_statements
from portintel.services.sharing.node import node_signer
from portintel.services.sharing.packages import PACKAGE_FORMAT, verify_document
from portintel.services.sharing.partners import find_partner
from portintel.services.workspace import Workspace

Obj = Mapping[str, object]
Progress = Callable[[int, int], None]


class Outcome(StrEnum):
    """What became of one received object (``received_objects.outcome``)."""

    IMPORTED = "imported"
    """Verified and in effect: a report, an entity's facts, or a marking later objects use."""
    SUPERSEDED = "superseded"
    """Replaced by a newer version from the same partner."""
    WITHDRAWN = "withdrawn"
    """The sender revoked it: what it had brought in is withdrawn."""
    QUARANTINED = "quarantined"
    """Not trusted (signature, creator) or not readable: kept with the reason, never imported."""
    IGNORED = "ignored"
    """Verified, but nothing in it to import (shared vocabulary, locations, links)."""
    WAITING = "waiting"
    """A verified entity whose facts wait for their report (a TAXII page may bring an
    entity before the report it comes from): imported when that report arrives."""


HELD = (Outcome.IMPORTED.value, Outcome.WITHDRAWN.value, Outcome.IGNORED.value)
"""Outcomes of the version a node holds of an object (the newest not quarantined)."""


@dataclass(frozen=True, slots=True)
class ReceivedItem:
    """One object of a delivery and what became of it."""

    stix_id: str
    stix_type: str
    outcome: Outcome
    reason: str | None = None
    report_id: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """A delivery and what became of it; ``unchanged`` objects were held already."""

    id: str
    partner: str
    source: str
    received_at: datetime
    items: tuple[ReceivedItem, ...]
    unchanged: int
    package_signature: str | None = None
    """For a package file: ``valid`` or why the whole-bundle signature does not hold."""

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome is outcome)

    @property
    def imported(self) -> int:
        return self.count(Outcome.IMPORTED) + self.count(Outcome.WITHDRAWN)

    @property
    def quarantined(self) -> int:
        return self.count(Outcome.QUARANTINED)


def may_receive(actor: Actor) -> bool:
    """Analysts and supervisors take in partners' intelligence (and jobs, as the system)."""
    return actor.is_system or actor.has(Role.ANALYST) or actor.has(Role.SUPERVISOR)


def _require_receiver(actor: Actor) -> None:
    if not may_receive(actor):
        raise PermissionDenied("only an analyst or a supervisor may import partners' intelligence")
    if actor.is_system:
        # a received report is filed under a user and that user's agency (need-to-know)
        raise InvalidInput(
            "received intelligence is filed under a user: run the import as an analyst "
            "or a supervisor",
            field="actor",
        )


def canonical_text(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def local_report_id(partner_id: str, report_stix_id: str) -> str:
    """The id a partner's report gets here: opaque, the same on every re-delivery."""
    digest = hashlib.sha256(f"{partner_id}|{report_stix_id}".encode()).hexdigest()
    return f"RX-{digest[:20]}"


def partner_keys(connection: Connection, partner_id: str) -> dict[str, tuple[str, str]]:
    """fingerprint -> (partner name, public key): its registered key and its retired ones."""
    partner = connection.execute(
        select(
            tables.partners.c.name, tables.partners.c.public_key, tables.partners.c.fingerprint
        ).where(tables.partners.c.id == partner_id)
    ).one()
    keys: dict[str, tuple[str, str]] = {}
    retired = tables.partner_keys.c
    for row in connection.execute(
        select(retired.fingerprint, retired.public_key).where(retired.partner_id == partner_id)
    ):
        keys[row.fingerprint] = (partner.name, row.public_key)
    if partner.public_key and partner.fingerprint:
        keys[partner.fingerprint] = (partner.name, partner.public_key)
    return keys


@dataclass
class _Pending:
    """A verified object, new to this node, waiting for its turn to be applied."""

    index: int
    obj: Obj
    raw: str
    sha256: str
    fingerprint: str | None
    version: str
    previous: list[int] = field(default_factory=list)
    """Row ids of the versions it supersedes."""


_ORDER = {"marking-definition": 0, "identity": 1, "report": 2}


class _Waiting(Exception):
    """An entity's facts need a report not received yet."""

    def __init__(self, reports: list[str]) -> None:
        super().__init__(", ".join(reports))
        self.reports = reports


class _Receiver:
    """One delivery from one partner inside one transaction."""

    def __init__(
        self, ws: Workspace, connection: Connection, actor: Actor, partner: Any, source: str
    ) -> None:
        self.ws = ws
        self.connection = connection
        self.actor = actor
        self.partner = partner
        self.source = source
        self.now = ws.clock()
        self.receipt_id = f"RCV-{secrets.token_hex(8)}"
        self.vocabulary = load_stix_vocabulary()
        self.schemes = load_grading_schemes()
        self.handling = load_handling()
        self.reader = BundleReader(
            self.vocabulary, self.schemes, self.handling, ws.settings.grading_scheme
        )
        self.signature_extension = self.vocabulary.extension("signature").id
        self.unsigned = unsigned_objects(self.vocabulary)
        self.node_identity = stix_id(self.vocabulary.namespace, "identity", partner.name, "node")
        self.creators = {self.node_identity, self.vocabulary.author.id}
        self.keys = partner_keys(connection, partner.id)
        self.items: list[ReceivedItem] = []
        self.rows: list[dict[str, Any]] = []
        self.unchanged = 0
        self.seen: set[str] = set()
        self.retrying: dict[str, int] = {}
        self.released: list[tuple[int, dict[str, Any]]] = []
        self.held_by_sha: dict[str, tuple[int, str]] | None = None
        self.held_by_id: dict[str, list[Any]] | None = None
        """sha256 -> row of bytes quarantined before, checked again in this delivery."""
        self.markings: dict[str, Obj] = {}
        self.reports: dict[str, ReceivedReport] = {}

    # -- bookkeeping -----------------------------------------------------------------------------

    def record(
        self,
        obj_id: str,
        obj_type: str,
        outcome: Outcome,
        *,
        raw: str,
        sha256: str,
        version: str = "",
        reason: str | None = None,
        fingerprint: str | None = None,
        report_id: str | None = None,
        sender_ref: str | None = None,
    ) -> None:
        retried = self.retrying.get(sha256)
        if retried is not None and outcome is Outcome.QUARANTINED:
            self.unchanged += 1  # quarantined before, for a reason that still holds
            return
        self.items.append(ReceivedItem(obj_id, obj_type, outcome, reason, report_id))
        row = {
            "receipt_id": self.receipt_id,
            "partner_id": self.partner.id,
            "stix_id": obj_id[:200],
            "stix_type": obj_type[:100],
            "modified": version[:40],
            "sha256": sha256,
            "outcome": outcome.value,
            "reason": reason,
            "fingerprint": fingerprint,
            "report_id": report_id,
            "sender_ref": sender_ref,
            "raw": raw,
            "received_at": self.now,
        }
        if retried is not None:
            # what was quarantined now verifies (its partner's key was registered since):
            # the same row, released, keeps one row per object's bytes
            self.released.append((retried, row))
            return
        self.rows.append(
            {
                "receipt_id": self.receipt_id,
                "partner_id": self.partner.id,
                "stix_id": obj_id[:200],
                "stix_type": obj_type[:100],
                "modified": version[:40],
                "sha256": sha256,
                "outcome": outcome.value,
                "reason": reason,
                "fingerprint": fingerprint,
                "report_id": report_id,
                "sender_ref": sender_ref,
                "raw": raw,
                "received_at": self.now,
            }
        )

    def quarantine(self, pending: _Pending, reason: str) -> None:
        self.record(
            str(pending.obj.get("id")),
            str(pending.obj.get("type")),
            Outcome.QUARANTINED,
            raw=pending.raw,
            sha256=pending.sha256,
            version=pending.version,
            reason=reason,
            fingerprint=pending.fingerprint,
        )

    # -- checking --------------------------------------------------------------------------------

    def check(self, index: int, item: object) -> _Pending | None:
        """The object if it is verified and new; None when held already or quarantined."""
        try:
            raw = canonical_text(item)
        except (TypeError, ValueError):
            raw = repr(item)
        sha256 = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        if sha256 in self.seen:
            self.unchanged += 1
            return None
        held = self._held_bytes(sha256)
        if held is not None:
            row_id, outcome = held
            if outcome != Outcome.QUARANTINED.value:
                self.unchanged += 1
                return None
            self.retrying[sha256] = row_id  # checked again: the reason may be gone
        self.seen.add(sha256)
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("id"), str)
            or not isinstance(item.get("type"), str)
        ):
            where = f"object {index + 1}"
            self.record(where, "unknown", Outcome.QUARANTINED, raw=raw, sha256=sha256,
                        reason=f"{where} is not a STIX object (no id or no type)")  # fmt: skip
            return None
        version = item.get("modified", item.get("created", ""))
        pending = _Pending(
            index, item, raw, sha256, None, version if isinstance(version, str) else ""
        )
        if pending.obj["id"] in self.unsigned:
            self.record(str(item["id"]), str(item["type"]), Outcome.IGNORED, raw=raw,
                        sha256=sha256, version=pending.version,
                        reason="portintel vocabulary: this node has its own copy")  # fmt: skip
            return None
        verdict = check_signature(item, self.signature_extension, self.keys, self._verify)
        pending.fingerprint = verdict.fingerprint
        if not verdict.valid:
            reason = verdict.reason or "the signature does not hold"
            if verdict.problem is not None and verdict.problem.value == "unknown-key":
                reason += f" (not a key registered for {self.partner.name})"
            self.quarantine(pending, reason)
            return None
        creator = item.get("created_by_ref")
        if creator not in self.creators and item["id"] != self.node_identity:
            self.quarantine(
                pending,
                f"{item['id']} is created by {creator!r}, not by {self.partner.name}: "
                "a node sends only its own objects",
            )
            return None
        if pending.version:
            try:
                parse_timestamp(pending.version)
            except ValueError:
                self.quarantine(
                    pending, f"{item['id']}: {pending.version!r} is not a STIX timestamp"
                )
                return None
        if not self._newer(pending):
            self.unchanged += 1
            return None
        return pending

    def _verify(self, data: bytes, signature: bytes, public_key: str) -> bool:
        return node_signer(self.ws).verify(data, signature, public_key)

    def preload(self, objects: Sequence[object]) -> None:
        """What is held of these objects, in a few queries for the whole delivery rather
        than two per object (a TAXII page of 100 objects costs a bounded number)."""
        shas: list[str] = []
        ids: set[str] = set()
        for item in objects:
            try:
                shas.append(hashlib.sha256(canonical_text(item).encode("utf-8")).hexdigest())
            except (TypeError, ValueError):
                continue
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                ids.add(str(item["id"])[:200])
        received = tables.received_objects.c
        self.held_by_sha = {}
        self.held_by_id = {}
        for chunk in _chunks(shas):
            for row in self.connection.execute(
                select(received.id, received.sha256, received.outcome).where(
                    received.partner_id == self.partner.id, received.sha256.in_(chunk)
                )
            ):
                self.held_by_sha[row.sha256] = (row.id, row.outcome)
        for chunk in _chunks(sorted(ids)):
            for version in self.connection.execute(
                select(received.id, received.stix_id, received.modified, received.outcome).where(
                    received.partner_id == self.partner.id,
                    received.stix_id.in_(chunk),
                    received.outcome.in_(HELD),
                )
            ):
                self.held_by_id.setdefault(version.stix_id, []).append(version)

    def _held_bytes(self, sha256: str) -> tuple[int, str] | None:
        """(row id, outcome) of these exact bytes from this partner, if received before."""
        if self.held_by_sha is not None:
            return self.held_by_sha.get(sha256)
        received = tables.received_objects.c
        row = self.connection.execute(
            select(received.id, received.outcome).where(
                received.partner_id == self.partner.id, received.sha256 == sha256
            )
        ).first()
        return None if row is None else (row.id, row.outcome)

    def _newer(self, pending: _Pending) -> bool:
        """Whether ``pending`` is newer than every version held (and note what it replaces)."""
        received = tables.received_objects.c
        held: Sequence[Any]
        if self.held_by_id is not None:
            held = self.held_by_id.get(str(pending.obj["id"])[:200], [])
        else:
            held = self.connection.execute(
                select(received.id, received.modified, received.outcome).where(
                    received.partner_id == self.partner.id,
                    received.stix_id == str(pending.obj["id"]),
                    received.outcome.in_(HELD),
                )
            ).all()
        for row in held:
            if row.outcome == Outcome.WITHDRAWN.value:
                return False  # a revoked object stays revoked (STIX 2.1, 3.6)
            if not _later(pending.version, row.modified):
                return False
        pending.previous = [row.id for row in held]
        return True

    # -- context: markings and reports received before ------------------------------------------

    def held_objects(self, stix_type: str, ids: Sequence[str] | None = None) -> list[Obj]:
        received = tables.received_objects.c
        query = select(received.raw).where(
            received.partner_id == self.partner.id,
            received.stix_type == stix_type,
            received.outcome == Outcome.IMPORTED.value,
        )
        if ids is not None:
            query = query.where(received.stix_id.in_(list(ids)))
        return [json.loads(raw) for raw in self.connection.execute(query).scalars()]

    def load_markings(self) -> None:
        for obj in self.held_objects("marking-definition"):
            self.markings[str(obj["id"])] = obj

    def report_context(self, refs: set[str]) -> None:
        missing = sorted(ref for ref in refs if ref not in self.reports)
        if not missing:
            return
        for obj in self.held_objects("report", missing):
            try:
                report = self.reader.report(obj, self.markings, self.partner.name)
            except InvalidInput:
                continue
            self.reports[report.stix_id] = report

    def local_report(self, report_stix_id: str) -> str | None:
        """The local report a partner's report became, if it was received."""
        local = local_report_id(self.partner.id, report_stix_id)
        exists = self.connection.execute(
            select(tables.reports.c.id).where(tables.reports.c.id == local)
        ).first()
        return local if exists is not None else None

    # -- applying --------------------------------------------------------------------------------

    def _effect(self, obj: Obj) -> tuple[Outcome, str | None, str | None]:
        """Apply one verified object: (outcome, local report, the sender's own id).

        Raises InvalidInput (quarantine) or _Waiting (kept until what it needs arrives).
        """
        kind = self.reader.kind(obj)
        if kind == "report":
            self._require_markings(obj)
            outcome, report_id, sender_ref = self._report(obj)
        elif kind == "statements":
            outcome, report_id, sender_ref = self._entity(obj)
        elif obj.get("type") in ("marking-definition", "identity"):
            outcome, report_id, sender_ref = Outcome.IMPORTED, None, None
            if obj.get("type") == "marking-definition":
                self.markings[str(obj["id"])] = obj
        else:
            outcome, report_id, sender_ref = Outcome.IGNORED, None, None
        if obj.get("revoked") is True:
            outcome = Outcome.WITHDRAWN
        return outcome, report_id, sender_ref

    def _require_markings(self, obj: Obj) -> None:
        refs = obj.get("object_marking_refs")
        missing = sorted(
            str(ref)
            for ref in (refs if isinstance(refs, list) else [])
            if self.vocabulary.tlp_by_id(str(ref)) is None and str(ref) not in self.markings
        )
        if missing:
            raise _Waiting([f"marking {ref}" for ref in missing])

    def _supersede(self, previous: Sequence[int]) -> None:
        if previous:
            self.connection.execute(
                update(tables.received_objects)
                .where(tables.received_objects.c.id.in_(list(previous)))
                .values(outcome=Outcome.SUPERSEDED.value)
            )

    def apply(self, pending: _Pending) -> None:
        obj = pending.obj
        try:
            outcome, report_id, sender_ref = self._effect(obj)
        except InvalidInput as exc:
            self.quarantine(pending, str(exc))
            return
        except _Waiting as waiting:
            self.record(
                str(obj["id"]), str(obj["type"]), Outcome.WAITING, raw=pending.raw,
                sha256=pending.sha256, version=pending.version, fingerprint=pending.fingerprint,
                reason=f"waits for {waiting} from {self.partner.name}",
            )  # fmt: skip
            return
        self._supersede(pending.previous)
        self.record(
            str(obj["id"]), str(obj["type"]), outcome, raw=pending.raw, sha256=pending.sha256,
            version=pending.version, reason=_why(outcome, self.reader.kind(obj)),
            fingerprint=pending.fingerprint, report_id=report_id, sender_ref=sender_ref,
        )  # fmt: skip

    def _report(self, obj: Obj) -> tuple[Outcome, str | None, str | None]:
        report = self.reader.report(obj, self.markings, self.partner.name)
        return self.write_report(report, obj.get("modified"))

    def write_report(
        self, report: ReceivedReport, modified: object
    ) -> tuple[Outcome, str | None, str | None]:
        """A received report (from STIX or FtM JSON) written as a local report."""
        self.reports[report.stix_id] = report
        local = local_report_id(self.partner.id, report.stix_id)
        reports = tables.reports.c
        exists = self.connection.execute(
            select(reports.id, reports.status).where(reports.id == local)
        ).first()
        code = report.handling.code
        columns = {
            "title": report.title[:300] or report.sender_id,
            "text": report.text,
            "occurred_at": report.occurred_at,
            "place": report.place,
            "latitude": report.latitude,
            "longitude": report.longitude,
            "grading_scheme": report.grading.original.scheme,
            "reliability": report.grading.original.reliability,
            "credibility": report.grading.original.credibility,
            "handling": str(code),
            "handling_conditions": code.conditions,
            "restrictive": self.handling.is_restrictive(code),
            "tlp": report.handling.tlp,
            "category": report.category,
            "origin_node": report.origin_node,
            "updated_at": self.now,
        }
        events = tables.report_events
        if report.revoked:
            if exists is not None:
                self.connection.execute(
                    update(tables.reports)
                    .where(reports.id == local)
                    .values(status=ReportStatus.ARCHIVED.value, updated_at=self.now)
                )
                self._withdraw_statements(tables.statements.c.origin == local)
                entity_summaries.refresh_reports(self.connection, [local])
                self.connection.execute(
                    insert(events).values(
                        report_id=local, action="withdrawn", from_status=exists.status,
                        to_status=ReportStatus.ARCHIVED.value, actor_id=self.actor.user_id,
                        at=self.now, note=f"withdrawn by {self.partner.name}",
                        detail={"stix_id": report.stix_id, "modified": modified},
                    )
                )  # fmt: skip
            return Outcome.WITHDRAWN, local if exists is not None else None, report.sender_id
        if exists is None:
            self.connection.execute(
                insert(tables.reports).values(
                    id=local,
                    author_id=self.actor.user_id,
                    agency_id=self.actor.agency_id,
                    source_id=None,
                    reported_at=report.reported_at,
                    reliability_overridden=False,
                    status=ReportStatus.SUBMITTED.value,
                    created_at=self.now,
                    **columns,
                )
            )
            action, from_status, to_status = "receive", None, ReportStatus.SUBMITTED.value
            announce(
                self.connection,
                "report_submitted",
                report_id=local,
                actor_id=self.actor.user_id,
                at=self.now,
            )
        else:
            self.connection.execute(
                update(tables.reports).where(reports.id == local).values(**columns)
            )
            action, from_status, to_status = "receive-update", exists.status, exists.status
        entity_summaries.refresh_reports(self.connection, [local])  # the list reads it there
        self.connection.execute(
            insert(events).values(
                report_id=local, action=action, from_status=from_status, to_status=to_status,
                actor_id=self.actor.user_id, at=self.now, note=f"received from {self.partner.name}",
                detail={"stix_id": report.stix_id, "sender_report": report.sender_id,
                        "modified": modified},
            )
        )  # fmt: skip
        return Outcome.IMPORTED, local, report.sender_id

    def _entity(self, obj: Obj) -> tuple[Outcome, str | None, str | None]:
        entity_id = str(obj["id"])
        extension = self.reader.extension(obj, "statements") or {}
        items = extension.get("statements")
        refs = {
            str(item.get("origin_ref"))
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, Mapping)
        }
        self.report_context(refs)
        received = self.reader.statements(obj, self.reports, self.partner.name)
        # a fact without its own handling takes its report's: without the report, nobody
        # has said how it may be read, so it waits rather than going in unmarked
        missing = sorted({st.origin for st in received if st.handling is None})
        if missing:
            raise _Waiting([f"report {ref}" for ref in missing])
        records = [self._statement(statement) for statement in received]
        self._withdraw_statements(tables.statements.c.entity_id == entity_id)
        if records:
            write_statements(self.connection, records)
        sender_entity = extension.get("entity_id")
        return Outcome.IMPORTED, None, sender_entity if isinstance(sender_entity, str) else None

    def _statement(self, statement: ReceivedStatement) -> StatementRecord:
        schema = model.get(statement.schema)
        if schema is None or schema.abstract:
            raise InvalidInput(
                f"{statement.entity_id}: unknown entity type {statement.schema!r}", field="schema"
            )
        prop = schema.get(statement.prop)
        if prop is None:
            raise InvalidInput(
                f"{statement.entity_id}: {schema.name} has no property {statement.prop!r}",
                field="prop",
            )
        report = self.reports.get(statement.origin)
        local = self.local_report(statement.origin)
        grading = statement.grading
        own_grading = grading is not None and (
            local is None or report is None or grading != report.grading
        )
        handling = statement.handling
        own_handling = handling is not None and (
            local is None or report is None or handling != report.handling
        )
        return StatementRecord(
            entity_id=statement.entity_id,
            schema=schema.name,
            prop=prop.name,
            prop_type=prop.type.name,
            value=statement.value,
            dataset=self.partner.name,
            origin=local or statement.origin,
            first_seen=statement.first_seen,
            last_seen=statement.last_seen,
            lang=statement.lang,
            grading_scheme=grading.original.scheme if own_grading and grading else None,
            reliability=grading.original.reliability if own_grading and grading else None,
            credibility=grading.original.credibility if own_grading and grading else None,
            handling=str(handling.code) if own_handling and handling else None,
        )

    def _withdraw_statements(self, condition: Any) -> None:
        statements = tables.statements.c
        withdrawn = and_(condition, statements.dataset == self.partner.name)
        pairs = self.connection.execute(
            select(statements.canonical_id, statements.origin).where(withdrawn).distinct()
        ).all()
        self.connection.execute(delete(tables.statements).where(withdrawn))
        entity_summaries.refresh(self.connection, ((row[0], row[1]) for row in pairs))

    def retry_waiting(self) -> None:
        """Objects of earlier deliveries that waited (for a marking, for a report): in,
        once what they need has come; reports first, as their entities need them."""
        received = tables.received_objects.c
        rows = self.connection.execute(
            select(received.id, received.raw, received.modified)
            .where(
                received.partner_id == self.partner.id,
                received.outcome == Outcome.WAITING.value,
            )
            .order_by(received.id)
        ).all()
        waiting = [(row, json.loads(row.raw)) for row in rows]
        waiting.sort(key=lambda item: self.reader.kind(item[1]) != "report")
        for row, obj in waiting:
            pending = _Pending(0, obj, row.raw, "", None, row.modified)
            reason: str | None
            if not self._newer(pending):
                outcome, reason = Outcome.SUPERSEDED, "a newer version arrived meanwhile"
                report_id = sender_ref = None
            else:
                try:
                    outcome, report_id, sender_ref = self._effect(obj)
                except _Waiting:
                    continue
                except InvalidInput as exc:
                    outcome, reason, report_id, sender_ref = (
                        Outcome.QUARANTINED, str(exc), None, None,
                    )  # fmt: skip
                else:
                    reason = _why(outcome, self.reader.kind(obj))
                    self._supersede(pending.previous)
            self.connection.execute(
                update(tables.received_objects)
                .where(received.id == row.id)
                .values(
                    outcome=outcome.value, reason=reason, report_id=report_id,
                    sender_ref=sender_ref,
                )
            )  # fmt: skip
            self.items.append(
                ReceivedItem(str(obj["id"]), str(obj["type"]), outcome, reason, report_id)
            )

    # -- the whole delivery ---------------------------------------------------------------------

    def _turn(self, pending: _Pending) -> tuple[int, int]:
        """Markings, then the node's identity, then reports, then what refers to them."""
        if self.reader.kind(pending.obj) == "statements":
            return (len(_ORDER), pending.index)  # persons are identities too
        return (_ORDER.get(str(pending.obj.get("type")), len(_ORDER)), pending.index)

    def run(self, objects: Sequence[object], progress: Progress | None) -> Receipt:
        pending: list[_Pending] = []
        total = len(objects)
        self.preload(objects)
        for index, item in enumerate(objects):
            found = self.check(index, item)
            if found is not None:
                pending.append(found)
            if progress is not None and (index + 1) % 100 == 0:
                progress(index + 1, total * 2)
        # from here on the delivery writes: what is held is asked afresh
        self.held_by_sha = self.held_by_id = None
        self.load_markings()
        pending.sort(key=self._turn)
        for done, item in enumerate(pending, start=1):
            self.apply(item)
            if progress is not None and done % 100 == 0:
                progress(total + done, total + len(pending))
        self.retry_waiting()
        if progress is not None:
            progress(total + len(pending), total + len(pending))
        return Receipt(
            id=self.receipt_id,
            partner=self.partner.name,
            source=self.source,
            received_at=self.now,
            items=tuple(self.items),
            unchanged=self.unchanged,
        )

    def save(self, receipt: Receipt, package_signature: str | None) -> None:
        self.connection.execute(
            insert(tables.receipts).values(
                id=receipt.id,
                partner_id=self.partner.id,
                source=self.source[:500],
                received_at=self.now,
                received_by=self.actor.user_id,
                objects=len(receipt.items) + receipt.unchanged,
                imported=receipt.imported,
                quarantined=receipt.quarantined,
                unchanged=receipt.unchanged,
            )
        )
        if self.rows:
            self.connection.execute(insert(tables.received_objects), self.rows)
        for row_id, row in self.released:
            self.connection.execute(
                update(tables.received_objects)
                .where(tables.received_objects.c.id == row_id)
                .values(**row)
            )
        audit.record(
            self.connection,
            self.actor,
            "share.received",
            object_type="receipt",
            object_id=receipt.id,
            detail={
                "partner": self.partner.id,
                "source": self.source,
                "imported": receipt.imported,
                "quarantined": receipt.quarantined,
                "ignored": receipt.count(Outcome.IGNORED),
                "unchanged": receipt.unchanged,
                "package_signature": package_signature,
            },
            at=self.now,
        )


def _chunks(values: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def _why(outcome: Outcome, kind: str | None) -> str | None:
    if outcome is not Outcome.IGNORED:
        return None
    if kind == "incident":
        return "incidents are kept as received; the incident register does not take them yet"
    return "nothing to import: what it shows travels in the entities' statements"


def _later(version: str, held: str) -> bool:
    if not held:
        return bool(version)
    if not version:
        return False
    try:
        return parse_timestamp(version) > parse_timestamp(held)
    except ValueError:
        return False


def receive_objects(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    objects: Sequence[object],
    *,
    source: str = "taxii",
    progress: Progress | None = None,
    package_signature: str | None = None,
) -> Receipt:
    """Verify, quarantine and import one delivery of ``partner_name``'s objects (module
    docstring). Idempotent: the same delivery again changes nothing."""
    _require_receiver(actor)
    partner = find_partner(ws, partner_name)
    with transaction(ws) as connection:
        receiver = _Receiver(ws, connection, actor, partner, source)
        receipt = receiver.run(objects, progress)
        receipt = Receipt(
            id=receipt.id,
            partner=receipt.partner,
            source=receipt.source,
            received_at=receipt.received_at,
            items=receipt.items,
            unchanged=receipt.unchanged,
            package_signature=package_signature,
        )
        receiver.save(receipt, package_signature)
    return receipt


def import_package(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    text: str,
    *,
    filename: str = "package.json",
    progress: Progress | None = None,
) -> Receipt:
    """A package file received by other means (``portintel share import``).

    The whole-bundle signature is checked and its verdict kept with the
    receipt, but trust is decided object by object: a package with one
    altered object still brings in the others, the altered one is quarantined.
    """
    _require_receiver(actor)
    partner = find_partner(ws, partner_name)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{filename} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            field="package",
        ) from exc
    bundle = document.get("bundle") if isinstance(document, dict) else None
    if isinstance(document, dict) and document.get("type") == "bundle":
        bundle = document  # a bare STIX bundle: its objects carry their signatures
    if not isinstance(bundle, dict) or not isinstance(bundle.get("objects"), list):
        raise InvalidInput(
            f"{filename} holds no STIX bundle",
            field="package",
            hint=f"expected a {PACKAGE_FORMAT} document or a STIX 2.1 bundle",
        )
    verdict: str | None = None
    if bundle is not document:
        with ws.engine.connect() as connection:
            keys = partner_keys(connection, partner.id)
        try:
            verify_document(text, keys, node_signer(ws))
            verdict = "valid"
        except InvalidInput as exc:
            verdict = str(exc)
    return receive_objects(
        ws,
        actor,
        partner.name,
        bundle["objects"],
        source=PurePath(filename).name,
        progress=progress,
        package_signature=verdict,
    )

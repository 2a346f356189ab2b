"""FtM JSON between portintel nodes: receiving a signed FtM package.

A package is also made as FtM JSON when it is approved, from the very
selection its STIX bundle was made of (same sanitising policy, same items),
and signed by the same key (:func:`~portintel.services.sharing.packages.seal_ftm`;
exported with ``portintel share export --format ftm`` or the dissemination
page). Here the receiving side takes it in:

1. **Verify** the detached signature over the document's canonical text with
   the partner's registered or retired keys *before* anything is read. A bad
   or unknown signature, a document from another node, or one that does not
   read puts the whole document in quarantine with the reason; nothing of it
   is imported.
2. **Import** as a STIX delivery would: each report and each entity is one
   received object, under the STIX id the same item has in the partner's
   STIX package (so the same report received both ways is one report here),
   versioned the same way (the same bytes or an older version change
   nothing), reports filed under the receiving user for evaluation with
   their handling and the sender's grading; statements keep their provenance
   (dataset = the sending node, origin = the local report).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from followthemoney import model

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
from portintel.domain.sharing.stix import stix_id
from portintel.domain.sharing.stix.entity_types import object_type
from portintel.domain.sharing.stix.ftm import read_ftm_document
from portintel.domain.sharing.stix.identifiers import timestamp
from portintel.domain.sharing.stix.records import ReceivedBundle, ReceivedStatement
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.sharing.node import node_signer
from portintel.services.sharing.packages import FTM_PACKAGE_FORMAT, verify_ftm_document
from portintel.services.sharing.partners import find_partner
from portintel.services.sharing.receiving import (
    Outcome,
    Receipt,
    _Pending,
    _Receiver,
    canonical_text,
    may_receive,
    partner_keys,
)
from portintel.services.workspace import Workspace

Effect = Callable[[], tuple[Outcome, str | None, str | None]]


def is_ftm_package(text: str) -> bool:
    """Whether a package file is an FtM package (rather than a STIX one)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(document, dict) and document.get("format") == FTM_PACKAGE_FORMAT


def _sha(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class _FtmReceiver:
    """One FtM document from one partner, inside the receiving side's transaction."""

    def __init__(self, receiver: _Receiver, fingerprint: str) -> None:
        self.receiver = receiver
        self.fingerprint = fingerprint

    def apply(
        self, object_id: str, object_kind: str, raw: str, version: str, effect: Effect
    ) -> None:
        receiver = self.receiver
        sha256 = _sha(raw)
        held = receiver._held_bytes(sha256)
        if sha256 in receiver.seen or (held is not None and held[1] != Outcome.QUARANTINED.value):
            receiver.unchanged += 1
            return
        if held is not None:
            receiver.retrying[sha256] = held[0]
        receiver.seen.add(sha256)
        pending = _Pending(0, {"id": object_id, "type": object_kind}, raw, sha256,
                           self.fingerprint, version)  # fmt: skip
        if not receiver._newer(pending):
            receiver.unchanged += 1
            return
        try:
            outcome, report_id, sender_ref = effect()
        except InvalidInput as exc:
            receiver.quarantine(pending, str(exc))
            return
        receiver._supersede(pending.previous)
        receiver.record(
            object_id, object_kind, outcome, raw=raw, sha256=sha256, version=version,
            fingerprint=self.fingerprint, report_id=report_id, sender_ref=sender_ref,
        )  # fmt: skip

    def run(self, bundle: ReceivedBundle, document: Mapping[str, Any]) -> None:
        receiver = self.receiver
        namespace = receiver.vocabulary.namespace
        node = bundle.sender
        raw_reports = {str(item.get("id")): item for item in document.get("reports", [])}
        for report in bundle.reports:
            report_ref = stix_id(namespace, "report", node, report.sender_id)
            received = replace(report, stix_id=report_ref)
            version = timestamp(max(report.modified, report.reported_at))
            self.apply(
                report_ref, "report", canonical_text(raw_reports.get(report.sender_id)), version,
                lambda received=received, version=version: receiver.write_report(  # type: ignore[misc]
                    received, version
                ),
            )  # fmt: skip
        by_entity: dict[str, list[ReceivedStatement]] = defaultdict(list)
        for statement in bundle.statements:
            by_entity[statement.entity_id].append(statement)
        raw_statements: dict[str, list[object]] = defaultdict(list)
        for item in document.get("statements", []):
            raw_statements[str(item.get("entity_id"))].append(item)
        types = _entity_types(by_entity)
        for entity_id, statements in sorted(by_entity.items()):
            ref = stix_id(namespace, types[entity_id], node, entity_id)
            created = min(st.first_seen for st in statements)
            version = timestamp(max(max(st.last_seen for st in statements), created))
            local = [
                replace(st, entity_id=ref, origin=stix_id(namespace, "report", node, st.origin))
                for st in statements
            ]
            self.apply(
                ref, types[entity_id], canonical_text(raw_statements[entity_id]), version,
                lambda ref=ref, local=local, entity_id=entity_id: self._entity(  # type: ignore[misc]
                    ref, local, entity_id
                ),
            )  # fmt: skip

    def _entity(
        self, ref: str, statements: list[ReceivedStatement], sender_entity: str
    ) -> tuple[Outcome, str | None, str | None]:
        receiver = self.receiver
        missing = sorted({st.origin for st in statements if st.handling is None})
        if missing:
            raise InvalidInput(
                f"{sender_entity}: facts without a handling code whose report was not sent "
                f"({', '.join(missing)})",
                field="statements",
            )
        records = [receiver._statement(statement) for statement in statements]
        receiver._withdraw_statements(tables.statements.c.entity_id == ref)
        if records:
            write_statements(receiver.connection, records)
        return Outcome.IMPORTED, None, sender_entity


def _entity_types(by_entity: Mapping[str, list[ReceivedStatement]]) -> dict[str, str]:
    """The STIX type each entity has in the STIX package (a link between two shared
    entities is a relationship), so both formats name it with the same id."""
    types = {
        entity_id: object_type(statements[0].schema)
        for entity_id, statements in by_entity.items()
        if object_type(statements[0].schema)
    }
    for entity_id, statements in by_entity.items():
        if entity_id in types:
            continue
        schema = model.get(statements[0].schema)
        ends = []
        if schema is not None and schema.source_prop and schema.target_prop:
            for prop in (schema.source_prop.name, schema.target_prop.name):
                ends.append(next((st.value for st in statements if st.prop == prop), None))
        both = len(ends) == 2 and all(end in types for end in ends) and ends[0] != ends[1]
        types[entity_id] = "relationship" if both else "x-portintel-entity"
    return types


def import_ftm_package(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    text: str,
    *,
    filename: str = "package.json",
) -> Receipt:
    """Verify and import a partner's FtM package (module docstring); idempotent."""
    if not may_receive(actor) or actor.is_system:
        raise PermissionDenied("only an analyst or a supervisor may import partners' intelligence")
    partner = find_partner(ws, partner_name)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{filename} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            field="package",
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FTM_PACKAGE_FORMAT:
        raise InvalidInput(f"{filename} is not a {FTM_PACKAGE_FORMAT} document", field="package")
    source = PurePath(filename).name
    with transaction(ws) as connection:
        receiver = _Receiver(ws, connection, actor, partner, source)
        inner = document.get("document")
        raw = canonical_text(inner)
        verdict = "valid"
        try:
            _, fingerprint = verify_ftm_document(
                document, partner_keys(connection, partner.id), node_signer(ws)
            )
            bundle = read_ftm_document(
                inner, receiver.schemes, receiver.handling, ws.settings.grading_scheme
            )
            if bundle.sender != partner.name:
                raise InvalidInput(
                    f"the document is from {bundle.sender}, not from {partner.name}",
                    field="package.document.node",
                )
        except InvalidInput as exc:
            verdict = str(exc)
            sha256 = _sha(raw)
            if receiver._held_bytes(sha256) is not None:
                receiver.unchanged += 1  # quarantined before, for a reason that still holds
            else:
                receiver.record(
                    f"ftm-package:{document.get('package')}"[:200], "ftm-package",
                    Outcome.QUARANTINED, raw=raw, sha256=sha256, reason=verdict,
                )  # fmt: skip
        else:
            assert isinstance(inner, dict)  # verify_ftm_document checked it
            _FtmReceiver(receiver, fingerprint).run(bundle, inner)
        receipt = Receipt(
            id=receiver.receipt_id,
            partner=partner.name,
            source=source,
            received_at=receiver.now,
            items=tuple(receiver.items),
            unchanged=receiver.unchanged,
            package_signature=verdict,
        )
        receiver.save(receipt, verdict)
    return receipt

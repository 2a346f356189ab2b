"""Outgoing packages: the dry run's allowed items, sanitised, as a signed STIX 2.1 bundle.

:func:`selection_of` turns a :class:`SharePreview` into the converter's
records, reading **only** the items the preview allowed (so what is sent is
the dry run, by construction) and only the fields a partner may see: no
source, author, internal notes or recipients (``SANITISED_FIELDS``).
:func:`seal` converts and signs twice with the node's current key, named by
its fingerprint: each object gets its own signature extension
(``domain.sharing.stix.signatures``; TAXII serves objects one by one, so a
receiver verifies each on its own), then a detached Ed25519 signature covers
``bundle_text(bundle)`` (sorted keys, no spaces) as a whole.
:func:`verify_document` checks a package file against the keys this node
knows: its own (current and retired) and its partners'. A package names no
recipient: whoever holds it cannot learn who else received the same
intelligence.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from portintel.adapters.database import tables
from portintel.adapters.node_keys import NodeKeys
from portintel.adapters.vocabularies import (
    load_grading_schemes,
    load_handling,
    load_stix_vocabulary,
)
from portintel.domain.grading import Grading
from portintel.domain.handling import HandlingCode
from portintel.domain.sharing.stix import (
    EntityRecord,
    Handling,
    IncidentRecord,
    ReportRecord,
    Selection,
    StatisticsRecord,
    StatisticsRow,
    build_bundle,
    bundle_text,
)
from portintel.domain.sharing.stix.ftm import ftm_document
from portintel.domain.sharing.stix.signatures import sign_objects, unsigned_objects
from portintel.domain.sharing.stix.statistics import withhold_small_counts
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput
from portintel.services.sharing.preview import SharePreview

PACKAGE_FORMAT = "portintel-package/1"
FTM_PACKAGE_FORMAT = "portintel-ftm-package/1"


@dataclass(frozen=True, slots=True)
class SealedPackage:
    """A bundle and its detached signature, ready to store and make available."""

    bundle_id: str
    text: str
    """``bundle_text`` of the bundle: the exact bytes signed."""
    sha256: str
    fingerprint: str
    signature: str
    """Base64 of the 64-byte Ed25519 signature."""


@dataclass(frozen=True, slots=True)
class Verified:
    """A package whose signature holds: who signed it (a key this node knows)."""

    bundle_id: str
    signer: str
    """``this node`` or the partner's name."""
    fingerprint: str
    objects: int


def _handling(text: str, conditions: str | None, tlp: str | None) -> Handling:
    """The code as stored; a TLP code is its own marking (a disagreeing ``tlp`` column,
    which filing never writes, yields to it rather than failing the whole package)."""
    vocabularies = load_handling()
    vocabulary, _, code = text.partition(":")
    resolved = vocabularies.resolve(HandlingCode(vocabulary, code, conditions))
    return Handling(resolved, None if vocabulary == vocabularies.tlp_vocabulary else tlp)


def _report_record(row: Any) -> ReportRecord:
    return ReportRecord(
        id=row.id,
        title=row.title,
        text=row.text,
        grading=Grading(row.grading_scheme, row.reliability, row.credibility),
        handling=_handling(row.handling, row.handling_conditions, row.tlp),
        reported_at=row.reported_at,
        modified=row.updated_at,
        occurred_at=row.occurred_at,
        place=row.place,
        latitude=row.latitude,
        longitude=row.longitude,
        category=row.category,
        origin_node=row.origin_node,
    )


def _statement_record(row: Any) -> StatementRecord:
    return StatementRecord(
        entity_id=row.canonical_id,
        schema=row.schema,
        prop=row.prop,
        prop_type=row.prop_type,
        value=row.value,
        dataset=row.dataset,
        origin=row.origin,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        lang=row.lang,
        canonical_id=row.canonical_id,
        grading_scheme=row.grading_scheme,
        reliability=row.reliability,
        credibility=row.credibility,
        handling=row.handling,
    )


def selection_of(connection: Connection, node: str, preview: SharePreview) -> Selection:
    """The records of exactly the items ``preview`` allows, sanitised."""
    report_ids = sorted(item.id for item in preview.reports if item.allowed)
    statement_ids = sorted(item.id for item in preview.statements if item.allowed)
    reports: list[ReportRecord] = []
    if report_ids:
        rows = connection.execute(
            select(tables.reports)
            .where(tables.reports.c.id.in_(report_ids))
            .order_by(tables.reports.c.id)
        ).all()
        reports = [_report_record(row) for row in rows]
    grouped: dict[str, list[Any]] = defaultdict(list)
    if statement_ids:
        rows = connection.execute(
            select(tables.statements)
            .where(tables.statements.c.id.in_(statement_ids))
            .order_by(tables.statements.c.canonical_id, tables.statements.c.id)
        ).all()
        for row in rows:
            grouped[row.canonical_id].append(row)
    entities = tuple(
        EntityRecord(
            id=entity_id,
            schema=rows[0].schema,
            statements=tuple(_statement_record(row) for row in rows),
            modified=max(row.last_seen for row in rows),
        )
        for entity_id, rows in sorted(grouped.items())
    )
    incident_ids = sorted(item.id for item in preview.incidents if item.allowed)
    return Selection(
        node=node,
        reports=tuple(reports),
        entities=entities,
        incidents=_incident_records(connection, incident_ids),
        statistics=_statistics(connection, preview),
    )


def _statistics(connection: Connection, preview: SharePreview) -> tuple[StatisticsRecord, ...]:
    """Counts by month and kind over the incidents the allowed statistics item counts, marked
    with the strictest TLP of their reports (each is one the agreement admits), small counts
    withheld."""
    counted = sorted({i for item in preview.statistics if item.allowed for i in item.counted})
    if not counted:
        return ()
    vocabularies = load_handling()
    incidents, reports = tables.incidents, tables.reports
    rows = connection.execute(
        select(incidents, reports.c.handling, reports.c.tlp, reports.c.updated_at)
        .select_from(incidents.join(reports, reports.c.id == incidents.c.report_id))
        .where(incidents.c.id.in_(counted))
    ).all()
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(f"{row.occurred_at:%Y-%m}", row.kind)].append(row)
    order = [d.code for d in vocabularies.codes(vocabularies.tlp_vocabulary)]
    levels = [
        row.tlp
        if row.tlp is not None and not row.handling.startswith(f"{vocabularies.tlp_vocabulary}:")
        else vocabularies.default_tlp(row.handling)
        for row in rows
    ]
    strictest = max(levels, key=order.index)
    return (
        withhold_small_counts(
            StatisticsRecord(
                id="statistics",
                rows=tuple(
                    StatisticsRow(
                        month=month,
                        kind=kind,
                        incidents=len(group),
                        migrants=sum(row.migrants for row in group),
                        minors=sum(row.minors or 0 for row in group),
                        deaths=sum(row.deaths or 0 for row in group),
                        missing=sum(row.missing or 0 for row in group),
                    )
                    for (month, kind), group in sorted(groups.items())
                ),
                handling=Handling(vocabularies.parse(f"{vocabularies.tlp_vocabulary}:{strictest}")),
                modified=max(max(row.created_at, row.updated_at) for row in rows),
            )
        ),
    )


def _incident_records(connection: Connection, ids: list[str]) -> tuple[IncidentRecord, ...]:
    """Allowed incidents with their report's grading and handling (the policy allowed them
    under their report's rules; only non-nominal fields leave)."""
    if not ids:
        return ()
    incidents, reports = tables.incidents, tables.reports
    rows = connection.execute(
        select(
            incidents,
            reports.c.grading_scheme,
            reports.c.reliability,
            reports.c.credibility,
            reports.c.handling,
            reports.c.handling_conditions,
            reports.c.tlp,
            reports.c.updated_at,
        )
        .select_from(incidents.join(reports, reports.c.id == incidents.c.report_id))
        .where(incidents.c.id.in_(ids))
        .order_by(incidents.c.id)
    ).all()
    return tuple(
        IncidentRecord(
            id=row.id,
            kind=row.kind,
            occurred_at=row.occurred_at,
            migrants=row.migrants,
            grading=Grading(row.grading_scheme, row.reliability, row.credibility),
            handling=_handling(row.handling, row.handling_conditions, row.tlp),
            modified=max(row.created_at, row.updated_at),
            report_id=row.report_id,
            minors=row.minors or 0,
            deaths=row.deaths or 0,
            missing=row.missing or 0,
            nationalities=_nationalities(row.nationalities),
            place=row.place,
            latitude=row.latitude,
            longitude=row.longitude,
            vessel_entity_id=row.vessel_entity_id,
            route=row.route,
            departure=row.departure,
            destination=row.destination,
            fee_usd=row.fee_usd,
        )
        for row in rows
    )


def _nationalities(value: Any) -> tuple[str, ...]:
    """The stored nationalities: a list of codes, or codes with counts (the demo's)."""
    if isinstance(value, dict):
        return tuple(sorted(str(code) for code in value))
    if isinstance(value, list):
        return tuple(sorted(str(code) for code in value))
    return ()


def seal(selection: Selection, signer: NodeKeys) -> SealedPackage:
    """Convert ``selection`` to a STIX 2.1 bundle, sign each object (but the fixed
    vocabulary objects, see :func:`unsigned_objects`) and then the bundle's canonical text."""
    vocabulary = load_stix_vocabulary()
    bundle = build_bundle(selection, vocabulary, load_grading_schemes(), load_handling())
    bundle["objects"] = sign_objects(
        bundle["objects"],  # type: ignore[arg-type]
        vocabulary.extension("signature").id,
        signer.sign,
        unsigned=unsigned_objects(vocabulary),
    )
    text = bundle_text(bundle)
    data = text.encode("utf-8")
    fingerprint, signature = signer.sign(data)
    return SealedPackage(
        bundle_id=str(bundle["id"]),
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        fingerprint=fingerprint,
        signature=base64.b64encode(signature).decode("ascii"),
    )


@dataclass(frozen=True, slots=True)
class SealedFtm:
    """The selection as an FtM JSON document, signed by the same key as its STIX bundle."""

    text: str
    """The document's canonical text (sorted keys, no spaces): the exact bytes signed."""
    fingerprint: str
    signature: str


def seal_ftm(selection: Selection, signer: NodeKeys) -> SealedFtm:
    """The same selection the STIX bundle carries, as FtM JSON, with a detached signature."""
    document = ftm_document(selection, load_handling())
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    fingerprint, signature = signer.sign(text.encode("utf-8"))
    return SealedFtm(text, fingerprint, base64.b64encode(signature).decode("ascii"))


def ftm_package_document(package_id: str, text: str, fingerprint: str, signature: str) -> str:
    """The FtM file a partner receives: the document, its signature and the key's fingerprint
    (like :func:`package_document`, no recipient is named)."""
    return json.dumps(
        {
            "format": FTM_PACKAGE_FORMAT,
            "package": package_id,
            "document": json.loads(text),
            "signature": {"algorithm": "ed25519", "fingerprint": fingerprint, "value": signature},
        },
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )


def verify_ftm_document(
    document: Any, known_keys: dict[str, tuple[str, str]], keys: NodeKeys
) -> tuple[str, str]:
    """Check an FtM package's signature over its document's canonical text: ``(signer,
    fingerprint)``, or InvalidInput naming what is wrong (then nothing is imported)."""
    inner = document.get("document") if isinstance(document, dict) else None
    signature = document.get("signature") if isinstance(document, dict) else None
    if not isinstance(inner, dict):
        raise InvalidInput("the FtM package holds no document", field="package.document")
    if not isinstance(signature, dict) or signature.get("algorithm") != "ed25519":
        raise InvalidInput("the package has no Ed25519 signature", field="package.signature")
    fingerprint = str(signature.get("fingerprint", ""))
    try:
        raw = base64.b64decode(str(signature.get("value", "")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("the signature is not base64", field="package.signature.value") from exc
    if fingerprint not in known_keys:
        raise InvalidInput(
            f"the package is signed by an unknown key {fingerprint!r}",
            field="package.signature.fingerprint",
            hint="register the sending partner with its public key (`portintel partner add`)",
        )
    signer, public_key = known_keys[fingerprint]
    text = json.dumps(inner, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if not keys.verify(text.encode("utf-8"), raw, public_key):
        raise InvalidInput(
            f"the signature does not match the document (key of {signer}): "
            "the package was altered or damaged",
            field="package.signature",
        )
    return signer, fingerprint


def package_document(package_id: str, text: str, fingerprint: str, signature: str) -> str:
    """The file a partner receives: the bundle, the signature and the signing key's
    fingerprint; no recipient, partner or agreement is named."""
    return json.dumps(
        {
            "format": PACKAGE_FORMAT,
            "package": package_id,
            "bundle": json.loads(text),
            "signature": {"algorithm": "ed25519", "fingerprint": fingerprint, "value": signature},
        },
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )


def verify_document(text: str, known_keys: dict[str, tuple[str, str]], keys: NodeKeys) -> Verified:
    """Check a package file's signature; ``known_keys`` maps fingerprint to
    ``(signer, public key)``. InvalidInput naming what is wrong otherwise."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"the package is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            field="package",
        ) from exc
    if not isinstance(document, dict) or document.get("format") != PACKAGE_FORMAT:
        raise InvalidInput(f"not a {PACKAGE_FORMAT} document", field="package")
    bundle = document.get("bundle")
    signature = document.get("signature")
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise InvalidInput("the package holds no STIX bundle", field="package.bundle")
    if not isinstance(signature, dict) or signature.get("algorithm") != "ed25519":
        raise InvalidInput("the package has no Ed25519 signature", field="package.signature")
    fingerprint = str(signature.get("fingerprint", ""))
    try:
        raw = base64.b64decode(str(signature.get("value", "")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("the signature is not base64", field="package.signature.value") from exc
    if fingerprint not in known_keys:
        raise InvalidInput(
            f"the package is signed by an unknown key {fingerprint!r}",
            field="package.signature.fingerprint",
            hint="register the sending partner with its public key (`portintel partner add`)",
        )
    signer, public_key = known_keys[fingerprint]
    data = bundle_text(bundle).encode("utf-8")
    if not keys.verify(data, raw, public_key):
        raise InvalidInput(
            f"the signature does not match the bundle (key of {signer}): "
            "the package was altered or damaged",
            field="package.signature",
        )
    objects = bundle.get("objects")
    return Verified(
        bundle_id=str(bundle.get("id")),
        signer=signer,
        fingerprint=fingerprint,
        objects=len(objects) if isinstance(objects, list) else 0,
    )

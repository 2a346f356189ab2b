"""A received STIX 2.1 bundle back into portintel-shaped data, for import.

What the receiver gets: the sending node (from the identity the objects
name as their creator), its reports with grading in the sender's scheme and
the same grade read in the receiver's scheme, handling (TLP and the 3x5x2 or
Europol code, with conditions), incidents, and the statements behind every
entity with their provenance: dataset = the sending node, origin = the
sender's report. A statement without a grading or handling of its own takes
its report's, as it did at the sender.

Refused with InvalidInput naming the object (the sync quarantines the bundle
with that reason): objects from more than one creator, reports or incidents
without a TLP marking or without a portintel grading, markings not sent,
malformed timestamps. Objects of types portintel does not import (an
attack-pattern, say) are ignored: a bundle from a wider STIX world is not an
error, it is just more than we read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix.confidence import read_grading
from portintel.domain.sharing.stix.entity_types import override_handling
from portintel.domain.sharing.stix.identifiers import parse_timestamp
from portintel.domain.sharing.stix.markings import read_handling
from portintel.domain.sharing.stix.records import (
    Handling,
    ReceivedBundle,
    ReceivedGrading,
    ReceivedIncident,
    ReceivedReport,
    ReceivedStatement,
)
from portintel.domain.sharing.stix.vocabulary import StixVocabulary
from portintel.errors import InvalidInput

Obj = Mapping[str, object]


class BundleReader:
    """Reads bundles for one receiving node (its grading scheme)."""

    def __init__(
        self,
        vocabulary: StixVocabulary,
        schemes: GradingSchemes,
        handling: HandlingVocabularies,
        local_scheme: str,
    ) -> None:
        self.vocabulary = vocabulary
        self.schemes = schemes
        self.handling = handling
        self.local_scheme = local_scheme
        schemes.get(local_scheme)

    def read(self, bundle: object) -> ReceivedBundle:
        if not isinstance(bundle, Mapping) or bundle.get("type") != "bundle":
            raise InvalidInput("not a STIX bundle", field="bundle")
        raw = bundle.get("objects")
        if not isinstance(raw, Sequence) or isinstance(raw, str):
            raise InvalidInput("bundle has no objects list", field="bundle")
        objects: list[Obj] = []
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                raise InvalidInput(f"bundle object {index} has no id", field="bundle")
            objects.append(item)
        by_id = {str(obj["id"]): obj for obj in objects}
        markings = {
            key: obj for key, obj in by_id.items() if obj.get("type") == "marking-definition"
        }
        sender = self._sender(objects, by_id)

        reports: dict[str, ReceivedReport] = {}
        for obj in objects:
            if obj.get("type") == "report" and self._ext(obj, "report") is not None:
                report = self._report(obj, markings, sender)
                reports[report.stix_id] = report
        incidents = tuple(
            self._incident(obj, markings)
            for obj in objects
            if obj.get("type") == "incident" and self._ext(obj, "incident") is not None
        )
        statements: list[ReceivedStatement] = []
        revoked: list[str] = []
        for obj in objects:
            if self._ext(obj, "statements") is None:
                continue
            if obj.get("revoked") is True:
                revoked.append(str(obj["id"]))
                continue
            statements += self._statements(obj, reports, sender)
        return ReceivedBundle(
            sender=sender,
            reports=tuple(reports.values()),
            statements=tuple(statements),
            incidents=incidents,
            revoked_entities=tuple(revoked),
        )

    # -- one object at a time (what a TAXII page delivers) --------------------------------------

    def kind(self, obj: Obj) -> str | None:
        """What portintel imports from ``obj``: ``report``, ``statements`` (an entity),
        ``incident``, or None (nothing: locations, sightings, phones and relationships
        only show what the entities' statements carry)."""
        if obj.get("type") == "report" and self._ext(obj, "report") is not None:
            return "report"
        if obj.get("type") == "incident" and self._ext(obj, "incident") is not None:
            return "incident"
        if self._ext(obj, "statements") is not None:
            return "statements"
        return None

    def extension(self, obj: Obj, key: str) -> Mapping[str, object] | None:
        """The portintel extension ``key`` (extensions.yaml) of ``obj``, if it has one."""
        return self._ext(obj, key)

    def report(self, obj: Obj, markings: Mapping[str, Obj], sender: str) -> ReceivedReport:
        """One report object; ``markings`` by id are those received so far."""
        return self._report(obj, markings, sender)

    def incident(self, obj: Obj, markings: Mapping[str, Obj]) -> ReceivedIncident:
        return self._incident(obj, markings)

    def statements(
        self, obj: Obj, reports: Mapping[str, ReceivedReport], sender: str
    ) -> list[ReceivedStatement]:
        """The statements an entity object carries; ``reports`` by STIX id are those
        received so far (a statement without grading or handling of its own takes its
        report's). Empty for a revoked object: it withdraws, it states nothing."""
        if obj.get("revoked") is True:
            return []
        return self._statements(obj, reports, sender)

    # -- parts -----------------------------------------------------------------------------------

    def _sender(self, objects: list[Obj], by_id: Mapping[str, Obj]) -> str:
        """The sending node's name: the one identity every shared object names as creator."""
        # the node's and the extension author's identities name themselves; definitions
        # and markings may come from the extension author or OASIS
        creators = {
            str(obj.get("created_by_ref"))
            for obj in objects
            if obj.get("type") not in ("extension-definition", "marking-definition")
            and obj.get("created_by_ref") != obj.get("id")
        }
        if not creators:
            raise InvalidInput("bundle carries nothing to import", field="bundle")
        if len(creators) != 1:
            raise InvalidInput(
                f"bundle mixes objects of {len(creators)} creators",
                field="bundle",
                hint="a node sends only its own objects, each with created_by_ref",
            )
        creator = creators.pop()
        identity = by_id.get(creator)
        name = identity.get("name") if identity is not None else None
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(f"the creator {creator} is not in the bundle", field="bundle")
        return name.strip()

    def _report(self, obj: Obj, markings: Mapping[str, Obj], sender: str) -> ReceivedReport:
        where = str(obj["id"])
        ext = self._ext(obj, "report") or {}
        refs = obj.get("object_refs")
        return ReceivedReport(
            stix_id=where,
            sender_id=_text(ext, "report_id", where),
            title=_text(obj, "name", where),
            text=_optional(obj, "description") or "",
            grading=self._grading(obj, where),
            handling=self._handling(obj, markings, where),
            reported_at=_moment(obj, "created", where),
            modified=_moment(obj, "modified", where),
            occurred_at=_moment(ext, "occurred_at", where) if "occurred_at" in ext else None,
            place=_optional(ext, "place"),
            latitude=_number(ext, "latitude"),
            longitude=_number(ext, "longitude"),
            category=_optional(ext, "category"),
            origin_node=_optional(ext, "origin_node") or sender,
            revoked=obj.get("revoked") is True,
            object_refs=tuple(str(ref) for ref in refs) if isinstance(refs, list) else (),
        )

    def _incident(self, obj: Obj, markings: Mapping[str, Obj]) -> ReceivedIncident:
        where = str(obj["id"])
        ext = self._ext(obj, "incident") or {}
        nationalities = ext.get("nationalities")
        fee = ext.get("fee_usd")
        return ReceivedIncident(
            stix_id=where,
            sender_id=_text(ext, "incident_id", where),
            kind=_text(ext, "kind", where),
            occurred_at=_moment(ext, "occurred_at", where),
            migrants=_count(ext, "migrants", where),
            minors=_count(ext, "minors", where),
            deaths=_count(ext, "deaths", where),
            missing=_count(ext, "missing", where),
            nationalities=tuple(str(n) for n in nationalities)
            if isinstance(nationalities, list)
            else (),
            place=_optional(ext, "place"),
            latitude=_number(ext, "latitude"),
            longitude=_number(ext, "longitude"),
            vessel_ref=_optional(ext, "vessel_ref"),
            route=_optional(ext, "route"),
            departure=_optional(ext, "departure"),
            destination=_optional(ext, "destination"),
            fee_usd=fee if isinstance(fee, int) and not isinstance(fee, bool) else None,
            grading=self._grading(obj, where),
            handling=self._handling(obj, markings, where),
            modified=_moment(obj, "modified", where),
            revoked=obj.get("revoked") is True,
        )

    def _statements(
        self, obj: Obj, reports: Mapping[str, ReceivedReport], sender: str
    ) -> list[ReceivedStatement]:
        where = str(obj["id"])
        ext = self._ext(obj, "statements") or {}
        schema = _text(ext, "ftm_schema", where)
        items = ext.get("statements")
        if not isinstance(items, list):
            raise InvalidInput(f"{where}: statements extension without statements", field="bundle")
        found: list[ReceivedStatement] = []
        for index, item in enumerate(items):
            place = f"{where} statement {index}"
            if not isinstance(item, Mapping):
                raise InvalidInput(f"{place}: not an object", field="bundle")
            origin = _text(item, "origin_ref", place)
            report = reports.get(origin)
            grading: ReceivedGrading | None
            if "grading" in item:
                grading = read_grading(item["grading"], self.schemes, self.local_scheme, place)
            else:
                grading = report.grading if report is not None else None
            handling: Handling | None
            if "handling" in item:
                code = override_handling(_text(item, "handling", place)).code
                resolved = self.handling.resolve(code)
                handling = Handling(resolved, self.handling.default_tlp(resolved))
            else:
                handling = report.handling if report is not None else None
            found.append(
                ReceivedStatement(
                    entity_id=where,
                    schema=schema,
                    prop=_text(item, "prop", place),
                    value=_text(item, "value", place),
                    dataset=sender,
                    origin=origin,
                    first_seen=_moment(item, "first_seen", place),
                    last_seen=_moment(item, "last_seen", place),
                    lang=_optional(item, "lang"),
                    grading=grading,
                    handling=handling,
                )
            )
        return found

    def _grading(self, obj: Obj, where: str) -> ReceivedGrading:
        return read_grading(self._ext(obj, "grading"), self.schemes, self.local_scheme, where)

    def _handling(self, obj: Obj, markings: Mapping[str, Obj], where: str) -> Handling:
        refs = obj.get("object_marking_refs")
        return read_handling(
            refs if isinstance(refs, list) else [],
            markings,
            self.vocabulary,
            self.handling,
            where,
        )

    def _ext(self, obj: Obj, key: str) -> Mapping[str, object] | None:
        extensions = obj.get("extensions")
        if not isinstance(extensions, Mapping):
            return None
        found = extensions.get(self.vocabulary.extension(key).id)
        return found if isinstance(found, Mapping) else None


def _text(data: Mapping[str, object], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{where}: {key} is missing or not text", field=key)
    return value


def _optional(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _number(data: Mapping[str, object], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _count(data: Mapping[str, object], key: str, where: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{where}: {key} must be a count, found {value!r}", field=key)
    return value


def _moment(data: Mapping[str, object], key: str, where: str) -> datetime:
    value = _text(data, key, where)
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise InvalidInput(f"{where}: {key} {value!r} is not a STIX timestamp", field=key) from exc

"""portintel records as STIX 2.1 objects (pure: dictionaries in, dictionaries out).

Which STIX object a portintel thing becomes, and why:

=================== ================================ ====================================
portintel           STIX 2.1                         why
=================== ================================ ====================================
report              report                           the standard container of analysis
report coordinates  location                         standard, every tool can map it
vessel in a report  sighting (of the vessel, where:     standard; only when the report has
with coordinates    the report's location)             coordinates
incident            incident (+ incident extension)  standard stub, details in extension
Person              identity (individual)            standard fit
organisation        identity (organization)          standard fit
Vessel              x-portintel-vessel (new SDO)     STIX has no vessel
phone value         x-portintel-phone (new SDO)      STIX 2.1 has no phone number object
other FtM schema    x-portintel-entity (new SDO)     lossless carrier of the statements
FtM link (edge)     relationship related-to          both ends shared; the FtM schema
                                                     travels in the statements extension
=================== ================================ ====================================

Every entity object carries its followthemoney statements (the statements
extension), so a portintel receiver rebuilds the facts with provenance while
other tools read the standard properties. Relationships use ``related-to``
and ``derived-from``, the types every STIX object may have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from followthemoney import model

from portintel.domain.entities import entity_caption
from portintel.domain.grading import Grading, GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix.confidence import grading_json, grading_properties
from portintel.domain.sharing.stix.entity_types import (
    Shared,
    first_value,
    is_a,
    override_handling,
)
from portintel.domain.sharing.stix.identifiers import stix_id, timestamp
from portintel.domain.sharing.stix.markings import Markings
from portintel.domain.sharing.stix.records import (
    EntityRecord,
    Handling,
    IncidentRecord,
    ReportRecord,
)
from portintel.domain.sharing.stix.vocabulary import StixVocabulary
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput

Json = dict[str, object]

VESSEL_PROPERTIES = {
    "name": "name",
    "imoNumber": "imo_number",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "flag": "flag",
    "type": "vessel_type",
}


@dataclass(frozen=True, slots=True)
class ObjectFactory:
    """Builds the STIX objects of one sending node."""

    node: str
    vocabulary: StixVocabulary
    schemes: GradingSchemes
    handling: HandlingVocabularies

    @property
    def node_identity(self) -> str:
        return self.id("identity", "node")

    @property
    def markings(self) -> Markings:
        return Markings(self.vocabulary, self.handling, self.node_identity, self.node)

    def id(self, object_type: str, portintel_id: str) -> str:
        return stix_id(self.vocabulary.namespace, object_type, self.node, portintel_id)

    def report_ref(self, report_id: str) -> str:
        return self.id("report", report_id)

    # -- fixed objects ---------------------------------------------------------------------------

    def identities(self) -> list[Json]:
        author = self.vocabulary.author
        return [
            _common("identity", author.id, author.created, author.created)
            | {
                "created_by_ref": author.id,
                "name": author.name,
                "description": author.description,
                "identity_class": author.identity_class,
            },
            _common("identity", self.node_identity, author.created, author.created)
            | {
                "created_by_ref": self.node_identity,
                "name": self.node,
                "identity_class": "organization",
            },
        ]

    def extension_definitions(self) -> list[Json]:
        author = self.vocabulary.author
        found: list[Json] = []
        for definition in self.vocabulary.extensions.values():
            found.append(
                _common("extension-definition", definition.id, author.created, author.created)
                | {
                    "created_by_ref": author.id,
                    "name": definition.name,
                    "description": definition.description,
                    "schema": f"portintel docs/stix.md, extension {definition.key!r}: "
                    + definition.description,
                    "version": definition.version,
                    "extension_types": list(definition.extension_types),
                }
            )
        return found

    # -- reports and incidents -------------------------------------------------------------------

    def report(self, report: ReportRecord, refs: Sequence[str]) -> list[Json]:
        """The report object (and its location); ``refs`` are the shared entities it names."""
        created = timestamp(report.reported_at)
        modified = timestamp(max(report.modified, report.reported_at))
        marking_refs = self.markings.refs([report.handling])
        found: list[Json] = []
        object_refs = list(refs)
        if report.latitude is not None and report.longitude is not None:
            location = self._location(
                f"report:{report.id}", report.latitude, report.longitude, report.place
            )
            meta = self._meta(created, modified, marking_refs, report.revoked)
            found.append(location | meta)
            object_refs.append(str(location["id"]))
            seen = timestamp(report.occurred_at or report.reported_at)
            for ref in refs:
                if ref.startswith("x-portintel-vessel--"):
                    # the report puts this vessel at this place: a sighting, for map views
                    found.append(
                        {
                            "type": "sighting",
                            "spec_version": "2.1",
                            "id": self.id("sighting", f"{report.id}|{ref}"),
                        }
                        | meta
                        | {
                            "first_seen": seen,
                            "last_seen": seen,
                            "count": 1,
                            "sighting_of_ref": ref,
                            "where_sighted_refs": [location["id"]],
                            "description": report.title,
                        }
                    )
                    object_refs.append(str(found[-1]["id"]))
        top, grading_ext = grading_properties(
            report.grading, self.schemes, self.vocabulary.extension("grading").id
        )
        extension: Json = {
            "extension_type": "property-extension",
            "report_id": report.id,
            "origin_node": report.origin_node or self.node,
        }
        _put(extension, "occurred_at", report.occurred_at and timestamp(report.occurred_at))
        _put(extension, "place", report.place)
        _put(extension, "latitude", report.latitude)
        _put(extension, "longitude", report.longitude)
        _put(extension, "category", report.category)
        obj = (
            {"type": "report", "spec_version": "2.1", "id": self.report_ref(report.id)}
            | self._meta(created, modified, marking_refs, report.revoked)
            | {
                "name": report.title,
                "description": report.text,
                # the only fitting value of report-type-ov: intelligence on a threat
                "report_types": ["threat-report"],
                "published": created,
                "object_refs": object_refs or [self.node_identity],
            }
            | top
            | {"extensions": grading_ext | {self.vocabulary.extension("report").id: extension}}
        )
        return [obj, *found]

    def incident(self, incident: IncidentRecord, shared: Shared) -> list[Json]:
        """The incident, its location and its links to a shared vessel and report."""
        created = timestamp(incident.occurred_at)
        modified = timestamp(max(incident.modified, incident.occurred_at))
        marking_refs = self.markings.refs([incident.handling])
        meta = self._meta(created, modified, marking_refs, incident.revoked)
        incident_ref = self.id("incident", incident.id)
        top, grading_ext = grading_properties(
            incident.grading, self.schemes, self.vocabulary.extension("grading").id
        )
        extension: Json = {
            "extension_type": "property-extension",
            "incident_id": incident.id,
            "kind": incident.kind,
            "occurred_at": created,
            "migrants": incident.migrants,
            "minors": incident.minors,
            "deaths": incident.deaths,
            "missing": incident.missing,
        }
        if incident.nationalities:
            extension["nationalities"] = list(incident.nationalities)
        for name in ("place", "latitude", "longitude", "route", "departure", "destination"):
            _put(extension, name, getattr(incident, name))
        _put(extension, "fee_usd", incident.fee_usd)
        vessel_ref: str | None = None
        if incident.vessel_entity_id in shared.entity_types:
            assert incident.vessel_entity_id is not None
            vessel_ref = self.entity_ref(incident.vessel_entity_id, shared)
            extension["vessel_ref"] = vessel_ref
        obj = (
            {"type": "incident", "spec_version": "2.1", "id": incident_ref}
            | meta
            | {
                "name": f"{incident.kind.capitalize()} {created[:10]}: "
                f"{incident.migrants} migrants",
            }
            | top
            | {"extensions": grading_ext | {self.vocabulary.extension("incident").id: extension}}
        )
        found = [obj]
        if vessel_ref is not None:
            found.append(self.relationship(incident_ref, "related-to", vessel_ref, meta))
        if incident.report_id is not None and incident.report_id in shared.reports:
            found.append(
                self.relationship(
                    incident_ref, "derived-from", self.report_ref(incident.report_id), meta
                )
            )
        if incident.latitude is not None and incident.longitude is not None:
            location = (
                self._location(
                    f"incident:{incident.id}", incident.latitude, incident.longitude, incident.place
                )
                | meta
            )
            found.append(location)
            found.append(self.relationship(incident_ref, "related-to", str(location["id"]), meta))
        return found

    # -- entities --------------------------------------------------------------------------------

    def entity_ref(self, entity_id: str, shared: Shared) -> str:
        return self.id(shared.entity_types[entity_id], entity_id)

    def entity(self, entity: EntityRecord, shared: Shared) -> list[Json]:
        """The entity's object (with its statements), its phones and their links."""
        if not entity.statements:
            raise InvalidInput(f"entity {entity.id} has no statements to share", field="entities")
        handlings = [self._statement_handling(st, shared.reports) for st in entity.statements]
        created_at = min(st.first_seen for st in entity.statements)
        created = timestamp(created_at)
        modified = timestamp(max(entity.modified, created_at))
        meta = self._meta(created, modified, self.markings.refs(handlings), entity.revoked)
        values = [(st.prop, st.value) for st in entity.statements if st.valid]
        _, caption = entity_caption(entity.id, [entity.schema], values)
        stix_type = shared.entity_types[entity.id]
        ref = self.id(stix_type, entity.id)
        statements_ext = {
            self.vocabulary.extension("statements").id: {
                "extension_type": "property-extension",
                "ftm_schema": entity.schema,
                "entity_id": entity.id,
                "statements": [self._statement(st) for st in entity.statements],
            }
        }
        body: Json = {"type": stix_type, "spec_version": "2.1", "id": ref} | meta
        found: list[Json] = []
        if stix_type == "relationship":
            schema = model.get(entity.schema)
            assert schema is not None and schema.source_prop and schema.target_prop
            source = first_value(entity.statements, schema.source_prop.name)
            target = first_value(entity.statements, schema.target_prop.name)
            assert source is not None and target is not None
            body |= {
                "relationship_type": "related-to",
                "source_ref": self.entity_ref(source, shared),
                "target_ref": self.entity_ref(target, shared),
                "description": f"{entity.schema}: {caption}",
                "extensions": statements_ext,
            }
        elif stix_type == "identity":
            individual = is_a(entity.schema, "Person")
            body |= {
                "name": caption,
                "identity_class": "individual" if individual else "organization",
                "extensions": statements_ext,
            }
        elif stix_type == "x-portintel-vessel":
            body |= {"name": caption}
            for prop, key in VESSEL_PROPERTIES.items():
                value = first_value(entity.statements, prop)
                if value is not None and key != "name":
                    body[key] = value.upper() if key == "flag" else value
            body["extensions"] = statements_ext | self._new_sdo("vessel")
        else:
            body |= {"name": caption, "ftm_schema": entity.schema}
            body["extensions"] = statements_ext | self._new_sdo("entity")
        found.append(body)
        for phone in sorted({st.value for st in entity.statements if st.prop == "phone"}):
            phone_ref = self.id("x-portintel-phone", f"{entity.id}:{phone}")
            found.append(
                {"type": "x-portintel-phone", "spec_version": "2.1", "id": phone_ref}
                | meta
                | {"name": phone, "number": phone, "extensions": self._new_sdo("phone")}
            )
            found.append(self.relationship(ref, "related-to", phone_ref, meta))
        return found

    def relationship(self, source: str, kind: str, target: str, meta: Mapping[str, object]) -> Json:
        return (
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": self.id("relationship", f"{source}|{kind}|{target}"),
            }
            | dict(meta)
            | {"relationship_type": kind, "source_ref": source, "target_ref": target}
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _statement_handling(
        self, statement: StatementRecord, reports: Mapping[str, ReportRecord]
    ) -> Handling:
        if statement.handling is not None:
            return override_handling(statement.handling)
        report = reports.get(statement.origin)
        if report is None:
            raise InvalidInput(
                f"statement {statement.id} of entity {statement.entity_id}: its report "
                f"{statement.origin} is not shared and it has no handling of its own",
                field="entities",
                hint="share the report too, or give the statement a handling code",
            )
        return report.handling

    def _statement(self, statement: StatementRecord) -> Json:
        data: Json = {
            "prop": statement.prop,
            "value": statement.value,
            "origin_ref": self.report_ref(statement.origin),
            "first_seen": timestamp(statement.first_seen),
            "last_seen": timestamp(statement.last_seen),
        }
        _put(data, "lang", statement.lang)
        if statement.grading_scheme is not None:
            grading = Grading(
                statement.grading_scheme,
                statement.reliability or "",
                statement.credibility or "",
            )
            self.schemes.validate(grading)
            data["grading"] = grading_json(grading)
        _put(data, "handling", statement.handling)
        return data

    def _new_sdo(self, key: str) -> Json:
        return {self.vocabulary.extension(key).id: {"extension_type": "new-sdo"}}

    def _meta(self, created: str, modified: str, markings: list[str], revoked: bool) -> Json:
        meta: Json = {
            "created_by_ref": self.node_identity,
            "created": created,
            "modified": modified,
            "object_marking_refs": markings,
        }
        if revoked:
            meta["revoked"] = True
        return meta

    def _location(self, key: str, latitude: float, longitude: float, place: str | None) -> Json:
        location: Json = {
            "type": "location",
            "spec_version": "2.1",
            "id": self.id("location", key),
            "latitude": latitude,
            "longitude": longitude,
        }
        _put(location, "name", place)
        return location


def _common(object_type: str, object_id: str, created: str, modified: str) -> Json:
    return {
        "type": object_type,
        "spec_version": "2.1",
        "id": object_id,
        "created": created,
        "modified": modified,
    }


def _put(target: Json, key: str, value: object) -> None:
    if value is not None:
        target[key] = value

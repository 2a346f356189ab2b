"""A shared package as a MISP event (JSON), for partners that run MISP.

The event is built from the package's STIX bundle as read back by
:class:`~portintel.domain.sharing.stix.BundleReader`, so it carries exactly
what the signed package carries (the approved dry run, sanitised), nothing
more. How portintel's things become MISP's:

=================== ==========================================================
portintel           MISP
=================== ==========================================================
report              ``report`` object (title, summary, case-number), and a
                    ``geolocation`` object it references when it has a place
entity              ``ftm-<Schema>`` object (followthemoney's templates), the
                    nearest schema up the followthemoney hierarchy that MISP
                    has a template for; its facts as attributes
incident            ``incident`` object (name, type, description of the counts)
TLP 2.0             ``tlp:...`` tag of MISP's tlp taxonomy on every attribute
                    and the event, and the **distribution** level (``misp.yaml``)
3x5x2 / Europol     ``portintel-handling:<vocabulary>="<code>"`` tag; the
                    originator's conditions as the attribute's comment
grading             ``portintel-grading:<scheme>="<reliability><credibility>"``
=================== ==========================================================

The event's distribution is the most restrictive of what it carries, and a
restrictive handling code (3x5x2 C, Europol H2/H3) is always "your
organisation only". Sharing groups (distribution 4) are never used: they
would name other recipients. Ids are UUIDv5 of the bundle id and the item,
so the same package always gives the same event.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from followthemoney import model

from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix.records import (
    Handling,
    ReceivedBundle,
    ReceivedGrading,
    ReceivedIncident,
    ReceivedReport,
    ReceivedStatement,
)
from portintel.errors import ConfigurationError

Json = dict[str, object]

NAMESPACE = uuid.UUID("5b0f2a57-37c5-4f7e-9a55-0d8f6f1a1c13")
"""portintel's UUIDv5 namespace for MISP ids (fixed: the same package, the same event)."""
ANALYSIS_COMPLETED = "2"
THREAT_LEVEL_UNDEFINED = "4"
"""MISP's threat levels rate cyber threats; intelligence on smuggling is not rated there."""


@dataclass(frozen=True, slots=True)
class MispAttributeSpec:
    type: str
    category: str


@dataclass(frozen=True, slots=True)
class MispTemplate:
    name: str
    uuid: str
    version: int
    meta_category: str
    description: str
    required: tuple[str, ...]
    required_one_of: tuple[str, ...]
    attributes: Mapping[str, MispAttributeSpec]

    def accepts(self, relations: set[str]) -> bool:
        if any(name not in relations for name in self.required):
            return False
        return not self.required_one_of or bool(relations & set(self.required_one_of))


@dataclass(frozen=True, slots=True)
class MispProfile:
    """How handling reads in MISP, and the templates filled (vocabularies/misp*.yaml)."""

    distribution: Mapping[str, int]
    restrictive_distribution: int
    tlp_tags: Mapping[str, str]
    handling_namespace: str
    grading_namespace: str
    templates: Mapping[str, MispTemplate]

    @classmethod
    def from_mappings(
        cls, profile: Mapping[str, object], templates: Mapping[str, object]
    ) -> MispProfile:
        try:
            raw_templates = templates["templates"]
            assert isinstance(raw_templates, Mapping)
            built = {
                str(key): MispTemplate(
                    name=str(value["name"]),
                    uuid=str(value["uuid"]),
                    version=int(value["version"]),
                    meta_category=str(value["meta_category"]),
                    description=str(value["description"]),
                    required=tuple(value.get("required") or ()),
                    required_one_of=tuple(value.get("required_one_of") or ()),
                    attributes={
                        str(relation): MispAttributeSpec(str(spec["type"]), str(spec["category"]))
                        for relation, spec in value["attributes"].items()
                    },
                )
                for key, value in raw_templates.items()
            }
            distribution = profile["distribution"]
            tags = profile["tlp_tags"]
            assert isinstance(distribution, Mapping) and isinstance(tags, Mapping)
            return cls(
                distribution={str(k): int(v) for k, v in distribution.items()},
                restrictive_distribution=int(str(profile["restrictive_distribution"])),
                tlp_tags={str(k): str(v) for k, v in tags.items()},
                handling_namespace=str(profile["handling_namespace"]),
                grading_namespace=str(profile["grading_namespace"]),
                templates=built,
            )
        except (KeyError, TypeError, ValueError, AssertionError) as exc:
            raise ConfigurationError(f"the MISP profile is malformed: {exc!r}") from exc


@dataclass(frozen=True, slots=True)
class _Marks:
    """An item's tags, distribution and comment, from its handling and grading."""

    tags: tuple[str, ...]
    distribution: int
    comment: str


class _EventBuilder:
    def __init__(
        self,
        profile: MispProfile,
        handling: HandlingVocabularies,
        bundle_id: str,
        timestamp: str,
    ) -> None:
        self.profile = profile
        self.handling = handling
        self.bundle_id = bundle_id
        self.timestamp = timestamp
        self.distributions: list[int] = []
        self.tlp: set[str] = set()
        self.handling_tags: set[str] = set()

    def uuid(self, *parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, "|".join((self.bundle_id, *parts))))

    def marks(self, handling: Handling | None, grading: ReceivedGrading | None) -> _Marks:
        tags: list[str] = []
        distribution = 0
        comment = ""
        if handling is not None:
            code = handling.code
            tlp = (
                code.code
                if code.vocabulary == self.handling.tlp_vocabulary
                else handling.tlp or self.handling.default_tlp(code)
            )
            tags.append(self.profile.tlp_tags[tlp])
            self.tlp.add(tlp)
            distribution = self.profile.distribution[tlp]
            if code.vocabulary != self.handling.tlp_vocabulary:
                tags.append(f'{self.profile.handling_namespace}:{code.vocabulary}="{code.code}"')
            if self.handling.is_restrictive(code):
                distribution = min(distribution, self.profile.restrictive_distribution)
            if code.conditions:
                comment = f"Handling conditions of the originator: {code.conditions}"
        if grading is not None:
            original = grading.original
            tags.append(
                f"{self.profile.grading_namespace}:{original.scheme}="
                f'"{original.reliability}{original.credibility}"'
            )
        self.distributions.append(distribution)
        self.handling_tags.update(
            tag for tag in tags if tag.startswith(f"{self.profile.handling_namespace}:")
        )
        return _Marks(tuple(tags), distribution, comment)

    def event_tags(self) -> list[str]:
        """The strictest TLP the event carries (the profile lists TLP from wide to strict)
        and every handling code in it."""
        strictest = [code for code in self.profile.tlp_tags if code in self.tlp][-1:]
        return [self.profile.tlp_tags[code] for code in strictest] + sorted(self.handling_tags)

    def attribute(
        self, template: MispTemplate | None, relation: str, value: str, marks: _Marks, *key: str
    ) -> Json:
        spec = template.attributes.get(relation) if template is not None else None
        kind = spec or MispAttributeSpec("text", "Other")
        found: Json = {
            "uuid": self.uuid("attribute", *key, relation, value),
            "object_relation": relation,
            "type": kind.type,
            "category": kind.category,
            "value": value,
            "to_ids": False,
            "distribution": str(marks.distribution),
            "timestamp": self.timestamp,
            "comment": marks.comment,
            "disable_correlation": False,
            "Tag": [{"name": tag} for tag in marks.tags],
        }
        return found

    def misp_object(
        self, template: MispTemplate, key: str, attributes: list[Json], comment: str = ""
    ) -> Json:
        distributions = [int(str(attribute["distribution"])) for attribute in attributes]
        return {
            "uuid": self.uuid("object", key),
            "name": template.name,
            "meta-category": template.meta_category,
            "description": template.description,
            "template_uuid": template.uuid,
            "template_version": str(template.version),
            "distribution": str(min(distributions, default=0)),
            "timestamp": self.timestamp,
            "comment": comment,
            "Attribute": attributes,
        }


def _template_for(schema: str, templates: Mapping[str, MispTemplate]) -> MispTemplate | None:
    """The template of the schema, else of its nearest parent that has one."""
    found = model.get(schema)
    if found is None:
        return templates.get(schema)
    # breadth-first up the hierarchy: the nearest parent wins (Company before LegalEntity)
    queue = [found]
    seen: set[str] = set()
    while queue:
        schema_model = queue.pop(0)
        if schema_model.name in seen:
            continue
        seen.add(schema_model.name)
        if schema_model.name in templates:
            return templates[schema_model.name]
        queue.extend(schema_model.extends)
    return None


def _report(builder: _EventBuilder, report: ReceivedReport) -> list[Json]:
    templates = builder.profile.templates
    template = templates["report"]
    marks = builder.marks(report.handling, report.grading)
    key = ("report", report.stix_id)
    attributes = [
        builder.attribute(template, "title", report.title, marks, *key),
        builder.attribute(template, "summary", report.text, marks, *key),
        builder.attribute(template, "case-number", report.stix_id, marks, *key),
    ]
    if report.category:
        attributes.append(builder.attribute(template, "type", report.category, marks, *key))
    found = builder.misp_object(template, report.stix_id, attributes, marks.comment)
    objects = [found]
    if report.latitude is not None and report.longitude is not None:
        place = templates["geolocation"]
        place_key = ("place", report.stix_id)
        place_attributes = [
            builder.attribute(place, "latitude", f"{report.latitude}", marks, *place_key),
            builder.attribute(place, "longitude", f"{report.longitude}", marks, *place_key),
        ]
        if report.place:
            place_attributes.append(
                builder.attribute(place, "text", report.place, marks, *place_key)
            )
        location = builder.misp_object(place, f"place|{report.stix_id}", place_attributes)
        found["ObjectReference"] = [
            {
                "uuid": builder.uuid("reference", report.stix_id),
                "object_uuid": found["uuid"],
                "referenced_uuid": location["uuid"],
                "relationship_type": "located-at",
                "timestamp": builder.timestamp,
            }
        ]
        objects.append(location)
    return objects


def _entity(
    builder: _EventBuilder, entity_id: str, statements: Sequence[ReceivedStatement]
) -> tuple[Json | None, list[Json]]:
    """The entity's object, or (when no template fits) its facts as loose attributes."""
    schema = statements[0].schema
    template = _template_for(schema, builder.profile.templates)
    relations = {statement.prop for statement in statements}
    if template is not None and not template.accepts(relations & set(template.attributes)):
        template = None
    attributes = []
    for statement in statements:
        marks = builder.marks(statement.handling, statement.grading)
        attribute = builder.attribute(
            template, statement.prop, statement.value, marks, "entity", entity_id
        )
        if template is None or statement.prop not in template.attributes:
            attribute["comment"] = " ".join(
                part for part in (f"{schema}.{statement.prop}", marks.comment) if part
            )
        attributes.append(attribute)
    if template is None:
        for attribute in attributes:
            attribute.pop("object_relation")
        return None, attributes
    return builder.misp_object(template, f"entity|{entity_id}", attributes), []


def _incident(builder: _EventBuilder, incident: ReceivedIncident) -> Json:
    template = builder.profile.templates["incident"]
    marks = builder.marks(incident.handling, incident.grading)
    key = ("incident", incident.stix_id)
    day = incident.occurred_at.date().isoformat()
    description = (
        f"{incident.kind} on {day}: {incident.migrants} migrants, {incident.minors} minors, "
        f"{incident.deaths} deaths, {incident.missing} missing"
    )
    if incident.nationalities:
        description += f"; nationalities {', '.join(incident.nationalities)}"
    if incident.route:
        description += f"; route {incident.route}"
    if incident.fee_usd is not None:
        description += f"; fee {incident.fee_usd} USD"
    attributes = [
        builder.attribute(template, "name", f"{incident.kind} {day}", marks, *key),
        builder.attribute(template, "incident_type", incident.kind, marks, *key),
        builder.attribute(template, "description", description, marks, *key),
    ]
    return builder.misp_object(template, incident.stix_id, attributes, marks.comment)


def misp_event(
    received: ReceivedBundle,
    *,
    bundle_id: str,
    created_at: datetime,
    profile: MispProfile,
    handling: HandlingVocabularies,
) -> Json:
    """The MISP event (``{"Event": ...}``) of a package's bundle as read back."""
    timestamp = str(int(created_at.timestamp()))
    builder = _EventBuilder(profile, handling, bundle_id, timestamp)
    objects: list[Json] = []
    loose: list[Json] = []
    for report in sorted(received.reports, key=lambda item: item.stix_id):
        objects += _report(builder, report)
    grouped: dict[str, list[ReceivedStatement]] = defaultdict(list)
    for statement in received.statements:
        grouped[statement.entity_id].append(statement)
    for entity_id, statements in sorted(grouped.items()):
        found, attributes = _entity(builder, entity_id, statements)
        if found is not None:
            objects.append(found)
        loose += attributes
    for incident in sorted(received.incidents, key=lambda item: item.stix_id):
        objects.append(_incident(builder, incident))
    counts = (
        f"{len(received.reports)} report(s), {len(grouped)} entit"
        f"{'y' if len(grouped) == 1 else 'ies'}, {len(received.incidents)} incident(s)"
    )
    return {
        "Event": {
            "uuid": builder.uuid("event"),
            "info": f"portintel package from {received.sender}: {counts}",
            "date": created_at.date().isoformat(),
            "timestamp": timestamp,
            "published": False,
            "analysis": ANALYSIS_COMPLETED,
            "threat_level_id": THREAT_LEVEL_UNDEFINED,
            "distribution": str(min(builder.distributions, default=0)),
            "Orgc": {
                "name": received.sender,
                "uuid": str(uuid.uuid5(NAMESPACE, f"organisation|{received.sender}")),
            },
            "Tag": [{"name": tag} for tag in builder.event_tags()],
            "Attribute": loose,
            "Object": objects,
        }
    }

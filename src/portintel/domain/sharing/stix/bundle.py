"""A bundle for a selection: every object a receiver needs to read it, once.

The bundle carries the node's identity, portintel's extension definitions
(and the identity that authored them), the marking definitions used (the
official TLP 2.0 objects and the handling codes), then the reports,
entities and incidents. The same selection always gives the same bundle,
byte for byte (ids are deterministic and the bundle id is derived from the
ids and versions it holds), so a re-send is recognisably the same package.
"""

from __future__ import annotations

import hashlib
import json

from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix.entity_types import Shared, override_handling
from portintel.domain.sharing.stix.identifiers import SEPARATOR, stix_id
from portintel.domain.sharing.stix.objects import ObjectFactory
from portintel.domain.sharing.stix.records import Handling, Selection
from portintel.domain.sharing.stix.statistics import statistics_note
from portintel.domain.sharing.stix.vocabulary import StixVocabulary

Json = dict[str, object]


def build_bundle(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> Json:
    """The STIX 2.1 bundle of ``selection`` as sent by ``selection.node``."""
    factory = ObjectFactory(selection.node, vocabulary, schemes, handling)
    shared = Shared.of(selection.entities, selection.reports)
    handlings: list[Handling] = [report.handling for report in selection.reports]
    handlings += [incident.handling for incident in selection.incidents]
    handlings += [statistics.handling for statistics in selection.statistics]
    handlings += [
        override_handling(statement.handling)
        for entity in selection.entities
        for statement in entity.statements
        if statement.handling is not None
    ]
    data: list[Json] = []
    for entity in selection.entities:
        data += factory.entity(entity, shared)
    for report in selection.reports:
        named = sorted(
            {
                factory.entity_ref(entity.id, shared)
                for entity in selection.entities
                if any(statement.origin == report.id for statement in entity.statements)
            }
        )
        data += factory.report(report, named)
    for incident in selection.incidents:
        data += factory.incident(incident, shared)
    for statistics in selection.statistics:
        data.append(statistics_note(factory, statistics))
    objects = [
        *factory.identities(),
        *factory.extension_definitions(),
        *factory.markings.objects(handlings),
        *_unique(data),
    ]
    versions = sorted(f"{obj['id']}{SEPARATOR}{obj.get('modified', '')}" for obj in objects)
    digest = hashlib.sha256("\n".join(versions).encode("utf-8")).hexdigest()
    return {
        "type": "bundle",
        "id": stix_id(vocabulary.namespace, "bundle", selection.node, digest),
        "objects": objects,
    }


def bundle_text(bundle: Json) -> str:
    """The bundle as JSON text, keys sorted so the same bundle is the same bytes (for signing)."""
    return json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _unique(objects: list[Json]) -> list[Json]:
    """Each id once (a location or relationship may be reached twice)."""
    seen: dict[object, Json] = {}
    for obj in objects:
        seen.setdefault(obj["id"], obj)
    return list(seen.values())

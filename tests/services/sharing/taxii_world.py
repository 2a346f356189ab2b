"""A node with partners, an approved package each, and TAXII tokens: the TAXII tests' world.

Built through the real services (filing, agreements, a dissemination
approved by a supervisor), so what the collections hold is what publishing
made of a signed package. :func:`synthetic_objects` adds many more objects to
a collection without building reports for each (the paging tests need
thousands).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from portintel.domain.actors import SYSTEM, Role
from portintel.domain.sharing.taxii import PublishedObject, collection_id
from portintel.services import sharing
from portintel.services.workspace import Workspace
from tests.services.sharing.test_preview import _file
from tests.services.staff import IMMIGRATION, make_user

PARTNERS = ("KH-CAU", "TH-PIU-RNG")


@dataclass(frozen=True)
class TaxiiWorld:
    tokens: dict[str, str]
    """Partner name to its TAXII token."""
    collections: dict[str, str]
    """Partner name to the id of its (one) collection."""
    agreements: dict[str, str]
    packages: dict[str, str]
    """Partner name to the id of the package approved for it."""
    partner_ids: dict[str, str]
    bundles: dict[str, str]
    """Partner name to the signed bundle text of its package."""


def build_world(ws: Workspace) -> TaxiiWorld:
    filed = _file(ws)
    sharing.init_node(ws, SYSTEM)
    analyst = make_user(ws, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(ws, "bea", IMMIGRATION, Role.SUPERVISOR)
    tokens, collections, agreements, packages, partner_ids, bundles = {}, {}, {}, {}, {}, {}
    for name in PARTNERS:
        partner = sharing.add_partner(ws, SYSTEM, name=name, kind="PIU", country=name[:2])
        agreement = sharing.add_agreement(
            ws,
            SYSTEM,
            name,
            handling_codes=["uk-3x5x2:P"],
            tlp_levels=["GREEN"],
            categories=["reports", "entities"],
        )
        request = sharing.request_dissemination(ws, analyst, name, [filed["shared"]])
        packages[name] = sharing.approve_dissemination(ws, boss, request)
        document = json.loads(sharing.package_file(ws, boss, packages[name]))
        bundles[name] = json.dumps(
            document["bundle"], ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        tokens[name] = sharing.issue_partner_token(ws, SYSTEM, name).secret.reveal()
        collections[name] = collection_id(agreement.id)
        agreements[name] = agreement.id
        partner_ids[name] = partner.id
    return TaxiiWorld(tokens, collections, agreements, packages, partner_ids, bundles)


def synthetic_objects(count: int, *, start: int = 0, versions: int = 1) -> list[PublishedObject]:
    """``count`` notes (each in ``versions`` versions), ids derived from their number."""
    base = datetime(2026, 3, 1, tzinfo=UTC)
    found = []
    for number in range(start, start + count):
        object_id = f"note--{uuid.uuid5(uuid.NAMESPACE_URL, f'note-{number}')}"
        for version in range(versions):
            modified = base + timedelta(seconds=version)
            stamp = modified.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            obj = {
                "type": "note",
                "spec_version": "2.1",
                "id": object_id,
                "created": base.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "modified": stamp,
                "content": f"note {number} version {version}",
                "object_refs": ["identity--5b1a4a8e-3c1f-5f6a-9a3e-0c9d7b2f4e11"],
            }
            found.append(
                PublishedObject(
                    id=object_id,
                    type="note",
                    spec_version="2.1",
                    version=stamp,
                    version_at=modified,
                    text=json.dumps(obj, sort_keys=True, separators=(",", ":")),
                )
            )
    return found


def publish_synthetic(
    ws: Workspace, world: TaxiiWorld, partner: str, objects: list[PublishedObject]
) -> int:
    """Publish ``objects`` into the partner's collection, as part of its package."""
    with ws.engine.begin() as connection:
        return sharing.publish_objects(
            connection,
            package_id=world.packages[partner],
            partner_id=world.partner_ids[partner],
            agreement_id=world.agreements[partner],
            objects=objects,
            at=ws.clock(),
        )

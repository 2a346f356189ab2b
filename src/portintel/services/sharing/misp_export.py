"""A dissemination's package exported as a MISP event, for partners that run MISP.

The event is made from the package's stored, signed STIX bundle read back
(``BundleReader``), so it carries exactly what the package carries and no
more: the approved dry run, sanitised. Handling becomes MISP distribution
levels and tags (``portintel.domain.sharing.misp``, data in
``vocabularies/misp.yaml``). Exporting is audited like the package file
(``share.exported``, format ``misp``): it leaves the node.
"""

from __future__ import annotations

import json

from portintel.adapters.vocabularies import (
    load_grading_schemes,
    load_handling,
    load_misp_profile,
    load_stix_vocabulary,
)
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor
from portintel.domain.sharing.misp import misp_event
from portintel.domain.sharing.stix import BundleReader
from portintel.errors import PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.dissemination import visible_package_row
from portintel.services.workspace import Workspace


def package_misp_event(ws: Workspace, actor: Actor, package_id: str) -> str:
    """The package as MISP event JSON (``{"Event": ...}``); NotFound unless visible."""
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only those who work with intelligence may export a package")
    at = ws.clock()
    with transaction(ws) as connection:
        row = visible_package_row(connection, actor, package_id)
        audit.record(
            connection,
            actor,
            "share.exported",
            object_type="package",
            object_id=package_id,
            detail={"sha256": row.sha256, "format": "misp"},
            at=at,
        )
    reader = BundleReader(
        load_stix_vocabulary(), load_grading_schemes(), load_handling(), ws.settings.grading_scheme
    )
    event = misp_event(
        reader.read(json.loads(row.bundle)),
        bundle_id=row.bundle_id,
        created_at=row.created_at,
        profile=load_misp_profile(),
        handling=load_handling(),
    )
    return json.dumps(event, ensure_ascii=False, indent=2, sort_keys=True)

"""The node's area and port files brought in line with the database before detection.

Detection (both executors) reads analysts' areas and gazetteer entries from
files in the data directory, written after each change in the app. A node
whose areas were drawn before those files existed, or whose file was lost or
edited by hand, is repaired here at the start of every detection run: the
database is the record, the files its copy. Writing an unchanged file is a
no-op (same content, same modification time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace


def export_node_files(ws: Workspace) -> None:
    """Write the areas and port entries stored in the database where detection reads them."""
    from portintel.services.maritime.areas import export_areas
    from portintel.services.maritime.port_edits import export_ports

    export_areas(ws)
    export_ports(ws)

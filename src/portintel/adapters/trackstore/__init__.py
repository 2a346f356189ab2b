"""The track store: AIS positions, statics and quarantine as day-partitioned Parquet.

Writes are atomic (temporary file, then rename) and idempotent (rows carry a
deterministic key and a key already stored is never written again); a
manifest of ingested inputs lets an interrupted ingest resume.
"""

from portintel.adapters.trackstore.manifest import IngestManifest, ManifestEntry
from portintel.adapters.trackstore.store import TrackStore

__all__ = ["IngestManifest", "ManifestEntry", "TrackStore"]

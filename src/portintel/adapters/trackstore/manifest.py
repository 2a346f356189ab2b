"""What has been ingested: one small JSON file per input, named by the input's SHA-256.

An entry records how far an input got (lines or rows, and bytes) after the
last batch that reached the track store, and whether it completed. A re-run
skips completed inputs and resumes a partial one where it stopped; the
store's row keys absorb the one batch that may have been written but not
recorded when the process died.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from portintel.errors import UpstreamFailure


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """Progress of one input file, identified by its content hash (not its name)."""

    sha256: str
    path: str
    size: int
    format: str
    source: str
    completed_units: int = 0
    completed_bytes: int = 0
    complete: bool = False
    options: str = ""
    """The options the input was read with (layout, time format, id column, source, engine
    settings) as text; empty in entries written before options were recorded."""

    def advanced(self, units: int, byte_offset: int) -> ManifestEntry:
        return replace(self, completed_units=units, completed_bytes=byte_offset)

    def finished(self) -> ManifestEntry:
        return replace(self, complete=True)

    def restarted(self, options: str) -> ManifestEntry:
        """The entry for reading the input again from its start with ``options``."""
        return replace(self, completed_units=0, completed_bytes=0, complete=False, options=options)


class IngestManifest:
    """Manifest entries under ``<tracks_dir>/manifest``; each save is atomic."""

    def __init__(self, root: Path) -> None:
        self.directory = root / "manifest"

    def _path(self, sha256: str) -> Path:
        return self.directory / f"{sha256}.json"

    def get(self, sha256: str) -> ManifestEntry | None:
        path = self._path(sha256)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return ManifestEntry(**data)
        except (ValueError, TypeError) as exc:
            raise UpstreamFailure(
                f"manifest entry {path} is damaged: {exc}",
                hint="delete it to re-ingest that input from the start (adds no duplicates)",
            ) from exc

    def save(self, entry: ManifestEntry) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._path(entry.sha256)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(asdict(entry), sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)

    def entries(self) -> list[ManifestEntry]:
        if not self.directory.exists():
            return []
        return [
            entry
            for path in sorted(self.directory.glob("*.json"))
            if (entry := self.get(path.stem)) is not None
        ]

"""The track store opened on first use, so a process that reads no track imports no Polars.

Opening a workspace plugs a track reader into its ports; most commands
(``portintel xref``, ``report``, ``entity``) never read a track, and importing
the store (Polars, PyArrow, the AIS kernel) costs more than the rest of their
start-up. This stand-in builds :class:`~portintel.adapters.trackstore.TrackStore`
the first time anything asks it for something, then hands every call on.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from portintel.adapters.trackstore import TrackStore
    from portintel.domain.maritime.schema import Dataset


class LazyTrackStore:
    """A :class:`~portintel.ports.TrackReader` over the track store at ``root``, built lazily."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._store: TrackStore | None = None

    @property
    def store(self) -> TrackStore:
        if self._store is None:
            from portintel.adapters.trackstore import TrackStore

            self._store = TrackStore(self.root)
        return self._store

    def scan(
        self,
        dataset: Dataset,
        *,
        days: str | date | tuple[str | date, str | date] | None = None,
        mmsi: int | Sequence[int] | None = None,
        track_id: str | Sequence[str] | None = None,
    ) -> pl.LazyFrame:
        return self.store.scan(dataset, days=days, mmsi=mmsi, track_id=track_id)

    def count(self, dataset: Dataset) -> int:
        return self.store.count(dataset)

    def reading(self) -> AbstractContextManager[None]:
        return self.store.reading()

    def days(self, dataset: Dataset) -> list[str]:
        return self.store.days(dataset)

    def __getattr__(self, name: str) -> Any:
        # the store's writing side (write, update), for the ingest paths and tests
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.store, name)

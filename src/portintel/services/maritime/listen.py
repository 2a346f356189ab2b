"""Listen to a live AIS feed and flush micro-batches to the track store every few seconds.

Nothing a feed sends stops the loop: refused lines go to quarantine, the
decoder keeps half multipart groups until their other half arrives (or the
listener stops, when they are quarantined as incomplete), and the TCP
source reconnects by itself. Ctrl-C (KeyboardInterrupt) or the ``stop``
event ends the loop after a final flush, so nothing received is lost.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from portintel.adapters.ais.land import LandMask
from portintel.adapters.ais.live import (
    LiveSource,
    ReceivedLine,
    TcpSource,
    UdpSource,
    parse_address,
)
from portintel.adapters.trackstore import TrackStore
from portintel.ais import DecodedBatch, StreamDecoder
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.maritime.quality import QualityThresholds
from portintel.errors import InvalidInput
from portintel.services.maritime.pipeline import (
    BatchCounts,
    TrackPipeline,
    merge_decoded,
    with_arrival_times,
)
from portintel.services.maritime.registry import VesselRegistry
from portintel.services.workspace import Workspace

POLL_SECONDS = 0.2
SWITCH_INTERVAL_SECONDS = 0.0005
COMPACT_AFTER_FILES = 100
"""A flush every 2 s writes a file per partition; merge them before readers slow down."""


@dataclass(slots=True)
class ListenSummary:
    """Counts since the listener started; passed to ``on_flush`` after every flush."""

    address: str
    lines: int = 0
    flushes: int = 0
    messages: int = 0
    positions: int = 0
    statics: int = 0
    vessels: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())


class _Listener:
    def __init__(
        self,
        ws: Workspace,
        source: LiveSource,
        name: str,
        store: TrackStore,
        thresholds: QualityThresholds | None,
    ) -> None:
        self.ws, self.source, self.name = ws, source, name
        self.land = LandMask(ws.settings.data_dir / "cache")
        self.pipeline = TrackPipeline(
            store,
            thresholds=thresholds,
            land_check=self.land.shore,
            on_accepted=VesselRegistry(ws).observe,
        )
        self.decoder = StreamDecoder()
        self.pending: list[tuple[int, ReceivedLine]] = []
        self.next_line = 1
        self.summary = ListenSummary(source.address)
        self.counts = BatchCounts()

    def receive(self, lines: list[ReceivedLine]) -> None:
        for line in lines:
            self.pending.append((self.next_line, line))
            self.next_line += 1
        self.summary.lines += len(lines)

    def _context(self, at: datetime) -> InputContext:
        return InputContext(self.name, self.source.address, at, fallback_is_estimate=False)

    def flush(self, *, final: bool = False) -> None:
        pending, self.pending = self.pending, []
        batches = []
        refused = [(n, line.text, line.reason) for n, line in pending if line.reason is not None]
        run: list[tuple[int, ReceivedLine]] = []
        good = [(n, line) for n, line in pending if line.reason is None]
        # the decoder needs consecutive line numbers: feed each run of accepted lines apart
        for item in good:
            if run and item[0] != run[-1][0] + 1:
                batches.append(self.decoder.feed([ln.text for _, ln in run], run[0][0]))
                run = []
            run.append(item)
        if run:
            batches.append(self.decoder.feed([ln.text for _, ln in run], run[0][0]))
        if final:
            batches.append(self.decoder.flush())
        if not batches and not refused:
            return
        now = self.ws.clock()
        arrivals = pl.DataFrame(
            {"line": [n for n, _ in good], "arrived_at": [ln.received_at for _, ln in good]},
            schema={"line": pl.Int64, "arrived_at": pl.Datetime("us", "UTC")},
        )
        decoded = with_arrival_times(merge_decoded(batches), arrivals) if batches else None
        refused_rows = [(n, text, reason) for n, text, reason in refused if reason is not None]
        counts = self.pipeline.decoded(
            decoded or DecodedBatch(), self._context(now), refused=refused_rows
        )
        self.counts.add(counts)
        self.pipeline.store.compact_busy_partitions(min_files=COMPACT_AFTER_FILES)
        summary = self.summary
        summary.flushes += 1
        summary.messages, summary.positions = self.counts.messages, self.counts.positions
        summary.statics, summary.vessels = self.counts.statics, len(self.counts.mmsis)
        summary.quarantined = Counter(self.counts.quarantined)


def open_feed(*, udp: str | None = None, tcp: str | None = None) -> LiveSource:
    """The live feed named by exactly one of ``udp`` (bind HOST:PORT) or ``tcp`` (connect)."""
    if (udp is None) == (tcp is None):
        raise InvalidInput("give exactly one of --udp or --tcp", field="address")
    if udp is not None:
        return UdpSource(*parse_address(udp))
    assert tcp is not None
    return TcpSource(*parse_address(tcp))


def receive_buffer_note(source: LiveSource) -> str | None:
    """A UDP feed's receive buffer, and what to do when the kernel capped it; else None."""
    return source.buffer_note() if isinstance(source, UdpSource) else None


def listen(
    ws: Workspace,
    source: LiveSource,
    *,
    name: str | None = None,
    flush_seconds: float = 2.0,
    stop: threading.Event | None = None,
    on_flush: Callable[[ListenSummary], None] | None = None,
    thresholds: QualityThresholds | None = None,
    store: TrackStore | None = None,
) -> ListenSummary:
    """Run until ``stop`` is set or Ctrl-C; flush at least every ``flush_seconds``."""
    listener = _Listener(
        ws, source, name or source.address, store or TrackStore(ws.settings.tracks_dir), thresholds
    )
    stop = stop or threading.Event()
    listener.land.load()
    # the UDP receiver thread needs the GIL for a moment after each system call of up to 64
    # datagrams; at the default 5 ms hand-over it drains about 13,000 datagrams a second
    # while a flush runs Python, so the kernel buffer fills at higher rates
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, SWITCH_INTERVAL_SECONDS))
    last_flush = time.monotonic()
    try:
        while not stop.is_set():
            remaining = flush_seconds - (time.monotonic() - last_flush)
            listener.receive(source.poll(max(0.0, min(POLL_SECONDS, remaining))))
            if time.monotonic() - last_flush >= flush_seconds:
                listener.flush()
                last_flush = time.monotonic()
                if on_flush is not None:
                    on_flush(listener.summary)
    except KeyboardInterrupt:
        pass
    finally:
        sys.setswitchinterval(switch_interval)
        listener.receive(source.close())
        listener.flush(final=True)
        if on_flush is not None:
            on_flush(listener.summary)
    return listener.summary

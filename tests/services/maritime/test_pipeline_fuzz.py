"""Random bytes, truncated lines and wrong checksums: no crash, every bad line in quarantine."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portintel.adapters.ais.nmea_reader import read_nmea_chunks
from portintel.adapters.trackstore import TrackStore
from portintel.ais import StreamDecoder
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.maritime.schema import POSITIONS, QUARANTINE
from portintel.services.maritime.pipeline import TrackPipeline, merge_decoded
from tests.adapters.ais.nmea_samples import SEA, T0, corrupt_checksum, position

GOOD = [position(574000001 + i, SEA[0], SEA[1] + i / 100, seconds=i) for i in range(20)]

garbage = st.binary(min_size=1, max_size=300).filter(
    lambda b: b"\n" not in b and b"\r" not in b and b.strip() != b""
)
truncated = st.sampled_from(GOOD).flatmap(
    lambda s: st.integers(1, len(s) - 1).map(lambda n: s[:n].encode())
)
bad_checksum = st.sampled_from(GOOD).map(lambda s: corrupt_checksum(s).encode())
line = st.one_of(
    st.sampled_from(GOOD).map(lambda s: (True, s.encode())),
    garbage.map(lambda b: (False, b)),
    truncated.map(lambda b: (False, b)),
    bad_checksum.map(lambda b: (False, b)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=40), st.integers(1, 15))
def test_nothing_is_lost(lines: list[tuple[bool, bytes]], chunk_lines: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.nmea"
        path.write_bytes(b"\n".join(raw for _good, raw in lines) + b"\n")
        store = TrackStore(Path(folder) / "tracks")
        pipeline = TrackPipeline(store)
        context = InputContext("fuzz", str(path), T0, fallback_is_estimate=True)
        decoder = StreamDecoder()
        for chunk in read_nmea_chunks(path, chunk_lines=chunk_lines):
            batch = merge_decoded([decoder.feed(r.lines, r.first_line) for r in chunk.runs] or [])
            pipeline.decoded(batch, context, refused=chunk.rejects)
        pipeline.decoded(decoder.flush(), context)
        stored_lines = set(store.scan(POSITIONS).collect()["line"].to_list())
        refused_lines = set(store.scan(QUARANTINE).collect()["line"].to_list())
    good_numbers = {n for n, (good, _raw) in enumerate(lines, start=1) if good}
    bad_numbers = {n for n, (good, _raw) in enumerate(lines, start=1) if not good}
    # a good sentence is stored unless the same sentence came earlier (same key: a duplicate)
    first_seen: dict[bytes, int] = {}
    for n, (good, raw) in enumerate(lines, start=1):
        if good:
            first_seen.setdefault(raw, n)
    assert set(first_seen.values()) <= stored_lines
    assert bad_numbers <= refused_lines
    assert not (stored_lines & bad_numbers)
    assert stored_lines <= good_numbers

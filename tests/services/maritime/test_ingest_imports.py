"""The ingest and listen path imports what it uses: not followthemoney, not the map layers.

Start-up is part of every ``portintel ais ingest``: the followthemoney model
alone parses 71 YAML schemata at import (a second or more), and the maritime
picture pulls in the behaviours. Held by what the process imports, not by a
stopwatch (``benchmarks/ais_ingest.py`` measures the time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import portintel

PROBE = """
import json, sys
import portintel.cli.ais
from portintel.services.maritime import ingest_paths, listen, open_feed
from portintel.services.maritime.registry import VesselRegistry
from portintel.services.intake import new_entity_id, write_statements
assert new_entity_id().startswith("ent-") and callable(write_statements)
print(json.dumps(sorted(sys.modules)))
"""

NOT_NEEDED = (
    "followthemoney",
    "portintel.services.maritime.picture",
    "portintel.services.maritime.areas",
    "portintel.services.maritime.vessels",
    "portintel.domain.maritime.behaviour",
    "portintel.services.intake.imports",
)


def test_the_ingest_path_does_not_import_followthemoney_or_the_picture() -> None:
    source = Path(portintel.__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(source)},
        check=True,
    )
    modules = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "portintel.services.maritime.ingest" in modules  # the probe did import the path
    loaded = [name for name in NOT_NEEDED if name in modules]
    assert loaded == []


def test_the_lazy_public_names_are_the_same_objects() -> None:
    """A name read through the package is its module's own (PEP 562 loading)."""
    import portintel.services.intake as intake
    import portintel.services.maritime as maritime
    from portintel.services.intake.fact_statements import resolve_entity_ids
    from portintel.services.maritime.listen import listen
    from portintel.services.maritime.picture import latest_positions

    assert maritime.latest_positions is latest_positions
    assert maritime.listen is listen
    assert intake.resolve_entity_ids is resolve_entity_ids
    for package in (maritime, intake):
        assert all(getattr(package, name) is not None for name in package.__all__)


BATCH_PROBE = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from portintel.adapters.trackstore import TrackStore
from portintel.ais import StreamDecoder
from portintel.domain.maritime.normalise import InputContext
from portintel.services.maritime.pipeline import TrackPipeline

def at_sea(latitudes, longitudes):
    return pl.DataFrame({
        "on_land": [False] * latitudes.len(),
        "distance_to_shore_km": [10.0] * latitudes.len(),
        "inland_water": [False] * latitudes.len(),
    })

lines = Path(sys.argv[1]).read_text().splitlines()
pipeline = TrackPipeline(TrackStore(Path(sys.argv[2])), land_check=at_sea)
context = InputContext("rx", "rx", datetime.now(UTC), False)
decoder = StreamDecoder()
counts = pipeline.decoded(decoder.feed(lines, 1), context)
counts.add(pipeline.decoded(decoder.flush(), context))
assert (counts.positions, counts.statics, counts.quarantined.total()) == (3, 1, 1), counts
print(json.dumps(sorted(sys.modules)))
"""


def test_a_batch_from_decoding_to_the_store_does_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (half a second) on its first ``pa.array`` or ``empty_table``."""
    from tests.adapters.ais.nmea_samples import SEA, position, static

    feed = tmp_path / "feed.nmea"
    lines = [
        position(574000001, *SEA, seconds=0),
        position(574000001, SEA[0] + 0.001, SEA[1], seconds=60),
        *static(574000001, "SEA STAR", 9074729, seconds=30),
        "\\c:1700000000*00\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24",  # bad tag checksum
        "not AIS at all",  # quarantined
    ]
    feed.write_text("\n".join(lines) + "\n")
    source = Path(portintel.__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", BATCH_PROBE, str(feed), str(tmp_path / "tracks")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(source)},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    modules = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "portintel.services.maritime.pipeline" in modules
    assert "pandas" not in modules

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

"""Smoke test of benchmarks/taxii.py: both servers serve the same objects (no timing asserted).

The benchmark runs end to end on 60 objects: portintel (``portintel serve``)
and medallion on 127.0.0.1, both pulled with taxii2-client; it fails by
itself when the two return different objects or orders. Its figures are not
looked at.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.append(str(BENCHMARKS))

taxii = pytest.importorskip("taxii", reason="benchmarks/taxii.py")
pytest.importorskip("medallion", reason="the bench extra installs medallion")


def test_medallion_gets_exactly_the_objects_portintel_serves(tmp_path: Path) -> None:
    built = taxii.build_portintel(tmp_path / "node", None, 60)
    data = taxii.medallion_data(built, 5000)
    collection = data["api1"]["collections"][0]
    assert collection["id"] == built["collection"]
    assert [o["id"] for o in collection["objects"]] == [i for i, _, _ in built["objects"]]
    assert [
        json.dumps(o, sort_keys=True, separators=(",", ":")) for o in collection["objects"]
    ] == [text for _, _, text in built["objects"]]
    assert {m["date_added"] for m in collection["manifest"]} == {built["date_added"]}


def test_the_benchmark_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert taxii.main(["--objects", "60", "--runs", "1", "--page", "25"]) == 0
    printed = capsys.readouterr().out
    assert "medallion / portintel" in printed and "60 objects" in printed

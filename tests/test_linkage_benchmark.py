"""Smoke tests of benchmarks/linkage.py's own logic (no timing; the run is the benchmark)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.append(str(BENCHMARKS))

import linkage  # noqa: E402


def test_birth_dates_become_iso_only_when_they_are_calendar_dates() -> None:
    assert linkage.birth_date("19560412") == "1956-04-12"
    assert linkage.birth_date("19560231") == "19560231"  # kept as written: import marks it
    assert linkage.birth_date("1956041") == "1956041"


def test_febrl_records_become_person_entities() -> None:
    row = SimpleNamespace(
        given_name="michaela", surname="neumann", date_of_birth="19151111",
        street_number="8", address_1="stanley street", address_2=None, suburb="miami",
        postcode="4220", state="vic", soc_sec_id="5304218",
    )  # fmt: skip
    frame = SimpleNamespace(iterrows=lambda: iter([("rec-1-org", row)]))
    (entity,) = linkage.febrl_entities(frame)
    assert entity["id"] == "rec-1-org" and entity["schema"] == "Person"
    props = entity["properties"]
    assert props["name"] == ["michaela neumann"] and props["birthDate"] == ["1915-11-11"]
    assert props["address"] == ["8 stanley street miami 4220 vic"]
    assert props["idNumber"] == ["5304218"]


def test_quality_counts_pairs_against_the_truth() -> None:
    truth = {("a", "b"), ("c", "d")}
    found = {("a", "b"), ("e", "f")}
    assert linkage.quality(found, truth) == {
        "pairs": 2,
        "true_positives": 1,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
    }

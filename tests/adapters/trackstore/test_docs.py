"""docs/track-store.md documents every column, quarantine reason and map field."""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.adapters.ais.files import CORRUPT_GZIP, TRUNCATED_GZIP
from portintel.adapters.ais.layouts import CANONICAL_FIELDS
from portintel.adapters.ais.tabular import MISSING_VESSEL_ID, NOT_WHOLE_NUMBER
from portintel.domain.maritime import quality
from portintel.domain.maritime.normalise import NO_POSITION_NO_IDENTITY
from portintel.domain.maritime.schema import DATASETS

DOC = Path(__file__).resolve().parents[3] / "docs" / "track-store.md"
TEXT = DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("dataset", "column"),
    [(d.name, c.name) for d in DATASETS for c in d.columns],
)
def test_every_column_is_documented_with_its_type(dataset: str, column: str) -> None:
    section = TEXT.split(f"### `{dataset}`", 1)[1].split("###", 1)[0]
    (match,) = [d for d in DATASETS if d.name == dataset]
    (col,) = [c for c in match.columns if c.name == column]
    assert f"| `{column}` | {col.type} |" in section


@pytest.mark.parametrize("reason", quality.REASONS)
def test_every_quality_reason_is_documented(reason: str) -> None:
    assert reason in TEXT


@pytest.mark.parametrize("field", CANONICAL_FIELDS)
def test_every_map_field_is_documented(field: str) -> None:
    assert f"`{field}`" in TEXT


@pytest.mark.parametrize(
    "text",
    [
        "--id-column",
        "--reingest",
        "receiver",
        "archive",
        "arrival",
        "vessel_id",
        TRUNCATED_GZIP,
        CORRUPT_GZIP,
        MISSING_VESSEL_ID,
        NOT_WHOLE_NUMBER,
        NO_POSITION_NO_IDENTITY,
        ".ingest.lock",
        "_retired.json",
        "store.reading()",
        "duplicate rows in the input",
        "same message from another receiver",
        "already stored by an earlier run",
    ],
)
def test_options_values_reasons_and_locks_are_documented(text: str) -> None:
    assert text in TEXT

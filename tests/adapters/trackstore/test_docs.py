"""docs/track-store.md documents every column, quarantine reason and map field."""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.adapters.ais.layouts import CANONICAL_FIELDS
from portintel.domain.maritime import quality
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

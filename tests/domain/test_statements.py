"""Statement ids: deterministic over exactly (dataset, entity, property, value, origin)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.statements import StatementRecord, statement_id

T0 = datetime(2026, 3, 1, tzinfo=UTC)
parts = st.text(min_size=1, max_size=30)


@given(parts, parts, parts, parts, parts)
def test_id_is_deterministic_sha1(d: str, e: str, p: str, v: str, o: str) -> None:
    first = statement_id(d, e, p, v, o)
    assert first == statement_id(d, e, p, v, o)
    assert len(first) == 40 and int(first, 16) >= 0


@given(st.lists(parts, min_size=5, max_size=5), st.integers(0, 4), parts)
def test_changing_any_part_changes_the_id(values: list[str], index: int, other: str) -> None:
    changed = list(values)
    changed[index] = other
    if changed == values:
        return
    assert statement_id(*values) != statement_id(*changed)


def test_parts_cannot_be_shifted_into_each_other() -> None:
    assert statement_id("ab", "c", "p", "v", "o") != statement_id("a", "bc", "p", "v", "o")


def _record(**changes: object) -> StatementRecord:
    base: dict[str, object] = {
        "entity_id": "e", "schema": "Person", "prop": "name", "prop_type": "name",
        "value": "Sok", "dataset": "piu", "origin": "R-1", "first_seen": T0, "last_seen": T0,
    }  # fmt: skip
    base.update(changes)
    return StatementRecord(**base)  # type: ignore[arg-type]


def test_record_id_ignores_provenance_columns() -> None:
    plain = _record()
    graded = _record(reliability="A", credibility="1", handling="tlp:RED", lang="khm")
    later = _record(last_seen=T0 + timedelta(days=1))
    assert plain.id == graded.id == later.id == statement_id("piu", "e", "name", "Sok", "R-1")
    assert _record(origin="R-2").id != plain.id  # corroboration stays two statements
    assert plain.resolved_canonical_id == "e"
    assert _record(canonical_id="c").resolved_canonical_id == "c"


def test_record_refuses_empty_value_and_reversed_time() -> None:
    with pytest.raises(ValueError, match="empty"):
        _record(value="")
    with pytest.raises(ValueError, match="before"):
        _record(last_seen=T0 - timedelta(seconds=1))

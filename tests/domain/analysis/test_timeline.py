"""Timelines as data: identity changes, ordering, the limit and the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portintel.domain.analysis.timeline import (
    IdentityValue,
    ItemKind,
    Lane,
    TimelineItem,
    assemble,
    identity_changes,
    within,
)

DAY = datetime(2026, 3, 1, tzinfo=UTC)


def _value(n: int, prop: str, value: str, days: int) -> IdentityValue:
    return IdentityValue(f"s{n}", prop, value, DAY + timedelta(days=days), f"R-{n}")


def _item(n: int, lane: str = "a", days: int = 0) -> TimelineItem:
    return TimelineItem(
        id=f"i{n}", lane=lane, kind=ItemKind.REPORT, label=f"item {n}",
        start=DAY + timedelta(days=days), end=None, evidence_kind="report", evidence_id=f"R-{n}",
    )  # fmt: skip


def test_a_new_value_after_another_is_a_change_and_the_first_value_is_not() -> None:
    changes = identity_changes(
        "v1",
        [
            _value(1, "name", "SINAR JAYA", 0),
            _value(2, "name", "SINAR JAYA", 3),  # the same name again: no change
            _value(3, "name", "LAUT BIRU", 5),
            _value(4, "flag", "id", 1),
            _value(5, "flag", "kh", 9),
            _value(6, "notes", "anything", 2),  # not an identity property
        ],
    )
    assert sorted((c.label, c.start.day, c.evidence_id) for c in changes) == [
        ("Flag: id → kh", 10, "s5"),
        ("Name: SINAR JAYA → LAUT BIRU", 6, "s3"),
    ]
    assert {c.kind for c in changes} == {ItemKind.IDENTITY}
    assert {c.link for c in changes} == {"/reports/R-3", "/reports/R-5"}


def test_items_sort_by_time_and_only_known_lanes_count_once() -> None:
    lanes = [Lane("a", "Vessel", "Boat"), Lane("b", "Person", "Sok")]
    found = assemble(
        lanes, [_item(3, "b", 2), _item(1, "a", 1), _item(1, "a", 1), _item(9, "zz", 0)], limit=10
    )
    assert [(i.id, i.lane) for i in found.items] == [("i1", "a"), ("i3", "b")]
    assert found.start == DAY + timedelta(days=1) and found.end == DAY + timedelta(days=2)
    assert not found.truncated


def test_the_limit_keeps_the_newest_and_says_so() -> None:
    found = assemble([Lane("a", "Vessel", "Boat")], [_item(n, days=n) for n in range(5)], limit=2)
    assert [i.id for i in found.items] == ["i3", "i4"] and found.truncated
    with pytest.raises(ValueError):
        assemble([], [], limit=0)


def test_the_window_keeps_what_overlaps_it() -> None:
    spanning = TimelineItem(
        id="gap", lane="a", kind=ItemKind.AIS_EVENT, label="AIS gap", start=DAY,
        end=DAY + timedelta(days=3), evidence_kind="event", evidence_id="e1",
    )  # fmt: skip
    assert within(spanning, DAY + timedelta(days=2), None)
    assert not within(spanning, DAY + timedelta(days=4), None)
    assert not within(_item(1, days=5), None, DAY + timedelta(days=4))
    assert within(_item(1, days=5), None, None)

"""The hash chain, pure: canonical entries, hashes, breaks and their kinds."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.actors import Role
from portintel.domain.audit import (
    GENESIS_HASH,
    BreakKind,
    ChainHead,
    EntryContent,
    StoredEntry,
    canonical_json,
    classify_break,
    entry_hash,
    find_chain_break,
    normalise_detail,
    seal,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _content(seq: int, **changes: object) -> EntryContent:
    base = EntryContent(
        seq=seq,
        at=T0 + timedelta(seconds=seq),
        actor="mali",
        action="report.read",
        object_type="report",
        object_id=f"R-{seq}",
        detail={"n": seq},
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _chain(length: int) -> list[StoredEntry]:
    entries: list[StoredEntry] = []
    previous = GENESIS_HASH
    for seq in range(1, length + 1):
        entry = seal(_content(seq), previous)
        entries.append(entry)
        previous = entry.hash
    return entries


def _head(entries: list[StoredEntry]) -> ChainHead:
    return ChainHead(entries[-1].seq, entries[-1].hash)


def test_canonical_json_is_sorted_compact_and_utc() -> None:
    text = canonical_json(_content(1, detail={"b": 1, "a": "ក"}))
    assert text == (
        '{"action":"report.read","actor":"mali","at":"2026-03-01T08:00:01.000000Z",'
        '"detail":{"a":"ក","b":1},"object_id":"R-1","object_type":"report","seq":1}'
    )
    bangkok = timezone(timedelta(hours=7))
    same_instant = _content(1, at=(T0 + timedelta(seconds=1)).astimezone(bangkok))
    naive_utc = _content(1, at=datetime(2026, 3, 1, 8, 0, 1))
    assert canonical_json(same_instant) == canonical_json(_content(1)) == canonical_json(naive_utc)


def test_hash_is_sha256_of_previous_hash_and_canonical_entry() -> None:
    content = _content(1)
    expected = hashlib.sha256((GENESIS_HASH + canonical_json(content)).encode()).hexdigest()
    assert entry_hash(GENESIS_HASH, content) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 2},
        {"at": T0},
        {"actor": "nok"},
        {"action": "report.create"},
        {"object_type": "entity"},
        {"object_id": "R-9"},
        {"detail": {"n": 2}},
    ],
)
def test_every_field_is_covered_by_the_hash(change: dict[str, object]) -> None:
    changed = dataclasses.replace(_content(1), **change)  # type: ignore[arg-type]
    assert entry_hash(GENESIS_HASH, _content(1)) != entry_hash(GENESIS_HASH, changed)


def test_detail_is_normalised_and_secrets_are_refused() -> None:
    assert normalise_detail(
        {"when": T0, "role": Role.ANALYST, "ids": {"b", "a"}, "pair": (1, 2)}
    ) == {
        "when": "2026-03-01T08:00:00.000000Z",
        "role": "analyst",
        "ids": ["a", "b"],
        "pair": [1, 2],
    }
    for key in ("password", "Token", "totp_code", "secret"):
        with pytest.raises(ValueError, match="secrets"):
            normalise_detail({key: "x"})
    with pytest.raises(TypeError, match="not JSON"):
        normalise_detail({"blob": object()})


def test_an_intact_chain_with_its_anchor_is_ok() -> None:
    entries = _chain(5)
    check = find_chain_break(entries, _head(entries))
    assert (check.ok, check.checked) == (True, 5)
    assert find_chain_break([], None).ok


def test_an_altered_entry_is_named() -> None:
    entries = _chain(5)
    entries[2] = dataclasses.replace(entries[2], content=_content(3, detail={"n": 99}))
    found = find_chain_break(entries, _head(entries)).first_break
    assert found is not None and (found.seq, found.kind) == (3, BreakKind.ALTERED)
    assert classify_break(found, entries).kind is BreakKind.ALTERED


def test_a_removed_middle_entry_is_named() -> None:
    entries = _chain(6)
    del entries[2:4]
    found = find_chain_break(entries, _head(entries)).first_break
    assert found is not None and (found.seq, found.kind) == (3, BreakKind.REMOVED)
    assert "entries 3 to 4 are missing" in found.reason


def test_removed_newest_entries_are_caught_only_by_the_anchor() -> None:
    entries = _chain(5)
    anchor = _head(entries)
    shortened = entries[:3]
    assert find_chain_break(shortened, None).first_break is not None  # anchor missing
    found = find_chain_break(shortened, anchor).first_break
    assert found is not None and (found.seq, found.kind) == (4, BreakKind.REMOVED)
    assert "last 2 entries were removed" in found.reason


def test_anchor_behind_or_different_is_a_break() -> None:
    entries = _chain(4)
    behind = find_chain_break(entries, ChainHead(3, entries[2].hash)).first_break
    assert behind is not None and (behind.seq, behind.kind) == (4, BreakKind.BROKEN_LINK)
    rewritten = find_chain_break(entries, ChainHead(4, "f" * 64)).first_break
    assert rewritten is not None and (rewritten.seq, rewritten.kind) == (4, BreakKind.ALTERED)


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link() -> None:
    entries = _chain(5)
    entries[2] = seal(_content(3, detail={"n": 99}), entries[1].hash)
    found = find_chain_break(entries, _head(entries)).first_break
    assert found is not None and (found.seq, found.kind) == (4, BreakKind.BROKEN_LINK)
    assert classify_break(found, entries).kind is BreakKind.BROKEN_LINK


def test_swapped_entries_are_named_reordered() -> None:
    entries = _chain(6)
    whole = list(entries)
    whole[2] = dataclasses.replace(entries[4], content=_content(3, **_fields(entries[4])))
    whole[4] = dataclasses.replace(entries[2], content=_content(5, **_fields(entries[2])))
    content_only = list(entries)
    content_only[2] = dataclasses.replace(entries[2], content=whole[2].content)
    content_only[4] = dataclasses.replace(entries[4], content=whole[4].content)
    for tampered in (whole, content_only):
        found = find_chain_break(tampered, _head(entries)).first_break
        assert found is not None and found.seq == 3
        assert classify_break(found, tampered).kind is BreakKind.REORDERED


def _fields(entry: StoredEntry) -> dict[str, object]:
    content = entry.content
    return {
        "at": content.at,
        "actor": content.actor,
        "action": content.action,
        "object_type": content.object_type,
        "object_id": content.object_id,
        "detail": content.detail,
    }


@given(
    length=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_any_single_field_change_is_detected(length: int, data: st.DataObject) -> None:
    entries = _chain(length)
    anchor = _head(entries)
    index = data.draw(st.integers(min_value=0, max_value=length - 1))
    field = data.draw(st.sampled_from(["actor", "action", "object_id", "detail", "at"]))
    replacement: object = {
        "actor": "intruder",
        "action": "report.delete",
        "object_id": "R-x",
        "detail": {"n": -1},
        "at": T0 - timedelta(days=1),
    }[field]
    tampered = list(entries)
    tampered[index] = dataclasses.replace(
        entries[index], content=dataclasses.replace(entries[index].content, **{field: replacement})
    )
    found = find_chain_break(tampered, anchor).first_break
    assert found is not None and found.seq == index + 1

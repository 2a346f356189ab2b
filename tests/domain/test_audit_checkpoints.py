"""Signed checkpoints, pure: signatures that break on any change, and what they show."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.domain.audit import GENESIS_HASH, BreakKind, ChainBreak, ChainHead
from portintel.domain.audit_checkpoints import (
    Checkpoint,
    WitnessedCheckpoint,
    checkpoint_break,
    first_checkpoint_break,
    key_id,
    parse_checkpoint,
    sign_checkpoint,
    signature_valid,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HASH_6 = "6" * 64


def _checkpoint(seq: int = 6, digest: str = HASH_6, key: bytes = KEY) -> Checkpoint:
    return sign_checkpoint(key, node="piu-test", head=ChainHead(seq, digest), entries=seq, at=AT)


def _break(
    checkpoint: Checkpoint, hash_at: dict[int, str], last_seq: int, key: bytes | None = KEY
) -> ChainBreak | None:
    witnessed = WitnessedCheckpoint(checkpoint, "w.jsonl line 1")
    return checkpoint_break(key, witnessed, hash_at=hash_at, last_seq=last_seq)


def test_a_checkpoint_round_trips_through_its_witness_line() -> None:
    checkpoint = _checkpoint()
    line = checkpoint.to_json()
    assert "\n" not in line
    assert parse_checkpoint(json.loads(line)) == checkpoint
    assert signature_valid(KEY, parse_checkpoint(json.loads(line)))


def test_an_empty_log_is_checkpointed_at_the_genesis_hash() -> None:
    empty = sign_checkpoint(KEY, node="n", head=None, entries=0, at=AT)
    assert (empty.seq, empty.hash, empty.entries) == (0, GENESIS_HASH, 0)
    assert _break(empty, {}, 0) is None


@settings(deadline=None)  # no timing in pass/fail tests
@given(
    field=st.sampled_from(["node", "seq", "hash", "entries", "at", "key_id"]),
    salt=st.integers(min_value=1, max_value=10_000),
)
def test_any_change_to_a_signed_field_breaks_the_signature(field: str, salt: int) -> None:
    checkpoint = _checkpoint()
    changed: object = {
        "node": f"piu-{salt}",
        "seq": checkpoint.seq + salt,
        "hash": f"{salt:064x}",
        "entries": checkpoint.entries + salt,
        "at": AT.replace(microsecond=salt),
        "key_id": f"{salt:016x}",
    }[field]
    assert not signature_valid(KEY, dataclasses.replace(checkpoint, **{field: changed}))


def test_another_key_neither_signs_nor_names_alike() -> None:
    assert key_id(KEY) != key_id(OTHER_KEY)
    assert not signature_valid(OTHER_KEY, _checkpoint())
    found = _break(_checkpoint(key=OTHER_KEY), {6: HASH_6}, 6)
    assert found is not None and found.kind is BreakKind.FORGED


def test_a_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        key_id(b"short")


@pytest.mark.parametrize(
    "hash_at, last_seq, kind, seq",
    [
        ({6: HASH_6}, 6, None, None),
        ({6: HASH_6}, 9, None, None),
        ({}, 4, BreakKind.REMOVED, 5),
        ({}, 0, BreakKind.REMOVED, 1),
        ({6: "f" * 64}, 9, BreakKind.REWRITTEN, 6),
    ],
    ids=["agrees", "log grew", "truncated", "erased", "recomputed"],
)
def test_what_a_checkpoint_shows(
    hash_at: dict[int, str], last_seq: int, kind: BreakKind | None, seq: int | None
) -> None:
    found = _break(_checkpoint(), hash_at, last_seq)
    assert (found and found.kind, found and found.seq) == (kind, seq)


def test_without_the_key_a_checkpoint_is_unverifiable() -> None:
    found = _break(_checkpoint(), {6: HASH_6}, 6, key=None)
    assert found is not None and found.kind is BreakKind.UNVERIFIABLE


def test_the_first_break_puts_a_forged_checkpoint_before_entry_breaks() -> None:
    forged = dataclasses.replace(_checkpoint(seq=2, digest="2" * 64), signature="0" * 64)
    checkpoints = [
        WitnessedCheckpoint(_checkpoint(), "line 1"),
        WitnessedCheckpoint(forged, "line 2"),
    ]
    checked, found = first_checkpoint_break(KEY, checkpoints, hash_at={}, last_seq=4)
    assert checked == 2
    assert found is not None and found.kind is BreakKind.FORGED and "line 2" in found.reason


@pytest.mark.parametrize(
    "document, message",
    [
        ({"seq": 1}, "missing"),
        ({**json.loads(_checkpoint().to_json()), "seq": -1}, "whole number"),
        ({**json.loads(_checkpoint().to_json()), "entries": "6"}, "whole number"),
        ({**json.loads(_checkpoint().to_json()), "at": "tuesday"}, "isoformat"),
    ],
)
def test_a_damaged_line_is_refused_with_its_reason(
    document: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_checkpoint(document)

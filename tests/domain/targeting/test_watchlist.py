"""Watchlist matching: exact on identifiers however written, fuzzy on names across scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portintel.adapters.name_data import name_variants
from portintel.domain.names import prepare_name
from portintel.domain.targeting import Candidate, WatchEntry, clean_identifier, match_entry
from portintel.errors import InvalidInput

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def entry(
    kind: str, names: tuple[str, ...] = (), identifiers: tuple[tuple[str, str], ...] = ()
) -> WatchEntry:
    return WatchEntry(
        "watch-1",
        kind,
        names,
        identifiers,
        "reason",
        "U-1",
        "immigration",
        "tlp:GREEN",
        NOW + timedelta(days=1),
        NOW,
    )


def prepared(*names: str) -> tuple:  # type: ignore[type-arg]
    return tuple(prepare_name(n, name_variants()) for n in names)


def test_identifiers_are_cleaned_as_intake_cleans_them() -> None:
    assert clean_identifier("imo", "IMO 9074729", region="KH") == "IMO9074729"
    assert clean_identifier("phone", "012 345 678", region="KH") == "+85512345678"
    assert clean_identifier("mmsi", "574000001", region="KH") == "574000001"
    with pytest.raises(InvalidInput) as raised:
        clean_identifier("imo", "9074720", region="KH")
    assert raised.value.field == "identifiers.imo"
    with pytest.raises(InvalidInput):
        clean_identifier("pin", "1", region="KH")


def test_an_identifier_matches_exactly_on_any_schema_that_states_it() -> None:
    phone = entry("phone", identifiers=(("phone", "+85512345678"),))
    holder = Candidate(
        "ent-p", "Person", {"phone": frozenset({"+85512345678"})}, prepared("Sok Dara")
    )
    found = match_entry(phone, holder, ())
    assert found is not None and found.method == "identifier" and found.score == 1.0
    other = Candidate("ent-q", "Person", {"phone": frozenset({"+85512345679"})})
    assert match_entry(phone, other, ()) is None


def test_a_name_matches_across_scripts_and_word_order() -> None:
    person = entry("person", names=("Sok Chanthy",))
    khmer = Candidate("ent-k", "Person", {}, prepared("សុខ ចាន់ធី"))
    found = match_entry(person, khmer, prepared("Sok Chanthy"))
    assert found is not None and found.method == "name" and found.score >= 0.9
    swapped = Candidate("ent-s", "Person", {}, prepared("CHANTHY SOK"))
    assert match_entry(person, swapped, prepared("Sok Chanthy")) is not None
    stranger = Candidate("ent-x", "Person", {}, prepared("Nguyen Van An"))
    assert match_entry(person, stranger, prepared("Sok Chanthy")) is None
    # a person entry's name does not hit a vessel of that name
    boat = Candidate("ent-v", "Vessel", {}, prepared("Sok Chanthy"))
    assert match_entry(person, boat, prepared("Sok Chanthy")) is None


def test_a_hit_has_one_cause_key_however_often_it_is_found() -> None:
    vessel = entry("vessel", names=("Ocean Star",), identifiers=(("imo", "IMO9074729"),))
    candidate = Candidate(
        "ent-v", "Vessel", {"imoNumber": frozenset({"IMO9074729"})}, prepared("OCEAN STAR")
    )
    first = match_entry(vessel, candidate, prepared("Ocean Star"))
    again = match_entry(vessel, candidate, prepared("Ocean Star"))
    assert first is not None and again is not None and first.cause_key == again.cause_key
    assert first.method == "identifier"  # identifiers first: the strongest reason


def test_an_entry_is_active_until_it_expires_or_is_removed() -> None:
    watched = entry("person", names=("Sok Chanthy",))
    assert watched.active(NOW)
    assert not watched.active(NOW + timedelta(days=2))

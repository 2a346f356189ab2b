"""Extraction of identifiers from free text, and facts turned into statements losing nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.identifiers import imo_check_digit
from portintel.domain.reports import FactDraft
from portintel.errors import InvalidInput, NotFound
from portintel.services.intake.extraction import extract_facts
from portintel.services.intake.fact_statements import Identifier, strong_identifiers
from portintel.services.intake.statements import make_fact_statements

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _values(text: str, prop: str) -> list[str]:
    return [f.value for f in extract_facts(text, region="KH") if f.prop == prop]


def test_identifiers_in_a_boarding_report() -> None:
    text = (
        "Boarded KOH RONG STAR, IMO 9074729, MMSI: 514123456. Captain's phone 012 345 678, "
        "owner WhatsApp +66 81 234 5678. Passport no. N1234567 held by the cook."
    )
    assert _values(text, "imoNumber") == ["IMO9074729"]
    assert _values(text, "mmsi") == ["514123456"]
    assert _values(text, "number") == ["N1234567"]
    assert _values(text, "phone") == ["012 345 678", "+66 81 234 5678"]


def test_numbers_of_identifiers_are_not_phones() -> None:
    text = "IMO 9074729 and MMSI 514123456 at 10.6283, 103.5033"
    assert _values(text, "phone") == []


@pytest.mark.parametrize(
    ("text", "latitude", "longitude"),
    [
        ("position 10°37.7'N 103°30.2'E", "10.62833", "103.50333"),
        ("at 10.6283, 103.5033 at dusk", "10.62830", "103.50330"),
        ("seen at 9.5N 102.25E", "9.50000", "102.25000"),
        ("drift to 5°30'15\"S 120°10'30\"E", "-5.50417", "120.17500"),
        ("10 37.7N 103 30.2E", "10.62833", "103.50333"),
    ],
)
def test_coordinates(text: str, latitude: str, longitude: str) -> None:
    assert _values(text, "latitude") == [latitude]
    assert _values(text, "longitude") == [longitude]


def test_native_digits_are_digits() -> None:
    assert _values("IMO ៩០៧៤៧២៩", "imoNumber") == ["IMO9074729"]


@given(st.integers(100000, 999999))
def test_any_imo_in_text_is_kept_valid_or_not(six: int) -> None:
    digits = f"{six}{imo_check_digit(str(six))}"
    wrong = f"{six}{(imo_check_digit(str(six)) + 1) % 10}"
    facts = extract_facts(f"IMO {digits} met IMO {wrong}", region="KH")
    records = make_fact_statements(facts, origin="R-1", dataset="piu", seen_at=T0, region="KH")
    by_value = {r.value: r for r in records}
    assert by_value[f"IMO{digits}"].invalid_reason is None
    assert digits not in by_value[f"IMO{digits}"].entity_id
    kept = next(r for r in records if r.value != f"IMO{digits}")
    assert kept.invalid_reason and wrong in kept.value


def test_no_value_is_silently_dropped() -> None:
    facts = [
        FactDraft("boat", "Vessel", "imoNumber", "IMO 9074728"),  # bad check digit
        FactDraft("boat", "Vessel", "mmsi", "12345"),  # too short
        FactDraft("boat", "Vessel", "name", "SEA STAR"),
        FactDraft("boat", "Vessel", "buildDate", "sometime in the nineties"),
        FactDraft("p", "Person", "phone", "call me maybe"),
        FactDraft("p", "Person", "passportNumber", "??"),
        FactDraft("p", "Person", "nationality", "Atlantis"),
    ]
    records = make_fact_statements(facts, origin="R-1", dataset="piu", seen_at=T0, region="KH")
    assert len(records) == len(facts)
    for fact, record in zip(facts, records, strict=True):
        if record.invalid_reason:
            assert record.value == fact.value and record.original_value == fact.value
    invalid = {r.prop for r in records if r.invalid_reason}
    assert invalid == {"imoNumber", "mmsi", "buildDate", "phone", "passportNumber", "nationality"}


def test_entity_ids_are_opaque_and_references_resolve_within_the_report() -> None:
    facts = [
        FactDraft("boat", "Vessel", "name", "SEA STAR"),
        FactDraft("boat", "Vessel", "mmsi", "514123456"),
        FactDraft("crew", "Person", "name", "Sok"),
        FactDraft("link", "Ownership", "owner", "crew"),
        FactDraft("link", "Ownership", "asset", "boat"),
    ]
    once = make_fact_statements(facts, origin="R-1", dataset="piu", seen_at=T0, region="KH")
    again = make_fact_statements(facts, origin="R-1", dataset="piu", seen_at=T0, region="KH")
    ids = {r.entity_id for r in once}
    assert len(ids) == 3 and all(re.fullmatch(r"ent-[0-9a-f]{32}", i) for i in ids)
    assert not ids & {r.entity_id for r in again}, "a new filing mints new ids"
    person = once[2].entity_id
    owner = next(r for r in once if r.prop == "owner")
    asset = next(r for r in once if r.prop == "asset")
    assert owner.value == person and asset.value == once[0].entity_id


def test_a_named_entity_must_be_readable() -> None:
    fact = FactDraft("entity:ent-known", "Person", "alias", "Dara")
    (record,) = make_fact_statements(
        [fact], origin="R-9", dataset="piu", seen_at=T0, region="KH", readable={"ent-known"}
    )
    assert record.entity_id == "ent-known"
    link = FactDraft("link", "Ownership", "owner", "ent-hidden")
    for refused, name in ((fact, "ent-known"), (link, "ent-hidden")):
        with pytest.raises(NotFound) as caught:
            make_fact_statements([refused], origin="R-9", dataset="piu", seen_at=T0, region="KH")
        assert caught.value.message == f"entity {name} not found"


def test_strong_identifiers_meet_within_the_report_and_on_namesakes() -> None:
    facts = [
        FactDraft("a", "Vessel", "imoNumber", "IMO 9074729"),
        FactDraft("b", "Vessel", "imoNumber", "9074729"),
        FactDraft("c", "Passport", "number", "N1234567"),
        FactDraft("d", "Vessel", "imoNumber", "IMO 9074729", handling="tlp:RED"),
    ]
    records = make_fact_statements(facts, origin="R-1", dataset="piu", seen_at=T0, region="KH")
    by_key = dict(zip((f.entity_key for f in facts), records, strict=True))
    assert by_key["a"].entity_id == by_key["b"].entity_id
    assert by_key["d"].entity_id != by_key["a"].entity_id, "a restricted number joins nothing"
    namesake = Identifier("Passport", "number", "N1234567")
    records = make_fact_statements(
        facts,
        origin="R-2",
        dataset="piu",
        seen_at=T0,
        region="KH",
        namesakes={namesake: "ent-passport"},
    )
    assert records[2].entity_id == "ent-passport"
    assert strong_identifiers(facts, region="KH") == {
        "a": [Identifier("Vessel", "imoNumber", "IMO9074729")],
        "b": [Identifier("Vessel", "imoNumber", "IMO9074729")],
        "c": [namesake],
    }


def test_phone_cleaned_with_the_region_hint() -> None:
    (record,) = make_fact_statements(
        [FactDraft("p", "Person", "phone", "012 345 678")],
        origin="R-1",
        dataset="piu",
        seen_at=T0,
        region="KH",
    )
    assert record.value == "+85512345678" and record.original_value == "012 345 678"


@pytest.mark.parametrize(
    ("fact", "field"),
    [
        (FactDraft("x", "Thing", "name", "abstract"), "schema"),
        (FactDraft("x", "Nope", "name", "y"), "schema"),
        (FactDraft("x", "Person", "imoNumber", "y"), "prop"),
    ],
)
def test_unknown_schema_or_property_is_refused(fact: FactDraft, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_fact_statements([fact], origin="R-1", dataset="piu", seen_at=T0, region="KH")
    assert caught.value.field == field

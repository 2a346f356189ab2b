"""ICAO 9303 MRZ: the 7-3-1 check digit, TD3 and TD1 parsing, the composite check."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portintel.domain.identifiers import mrz_check_digit, parse_mrz
from portintel.domain.identifiers.mrz import WEIGHTS
from portintel.errors import InvalidInput

# ICAO Doc 9303 specimens (part 4, TD3; part 5, TD1).
TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
TD1_SPECIMEN = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=30)
mrz_text = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=1, max_size=30)


def test_specimen_check_digits() -> None:
    assert mrz_check_digit("L898902C3") == 6
    assert mrz_check_digit("740812") == 2
    assert mrz_check_digit("120415") == 9
    assert mrz_check_digit("ZE184226B<<<<<") == 1
    assert mrz_check_digit("<<<<<<<<<") == 0


def test_characters_outside_the_mrz_alphabet_are_refused() -> None:
    with pytest.raises(ValueError):
        mrz_check_digit("ab1")


def test_td3_specimen_parses_with_every_check() -> None:
    zone = parse_mrz(TD3_SPECIMEN)
    assert zone.valid and zone.errors == ()
    assert zone.format == "TD3"
    assert (zone.document_code, zone.issuing_state, zone.nationality) == ("P", "UTO", "UTO")
    assert (zone.surname, zone.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert zone.document_number == "L898902C3"
    assert (zone.birth_date, zone.sex, zone.expiry_date) == ("740812", "F", "120415")
    assert zone.optional_data == "ZE184226B"
    assert [check.field for check in zone.checks] == [
        "document number",
        "birth date",
        "expiry date",
        "personal number",
        "composite",
    ]


def test_td1_specimen_parses_with_every_check() -> None:
    zone = parse_mrz(TD1_SPECIMEN)
    assert zone.valid
    assert zone.format == "TD1"
    assert zone.document_number == "D23145890"
    assert (zone.surname, zone.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert [check.field for check in zone.checks][-1] == "composite"


def test_td1_long_document_number_continues_in_the_optional_data() -> None:
    number = "D23145890123"
    optional = (number[9:] + str(mrz_check_digit(number))).ljust(15, "<")
    first = f"I<UTO{number[:9]}<{optional}"
    second_body = "7408122F1204159UTO<<<<<<<<<<<"
    composite = first[5:30] + second_body[0:7] + second_body[8:15] + second_body[18:29]
    second = second_body + str(mrz_check_digit(composite))
    zone = parse_mrz(f"{first}\n{second}\nERIKSSON<<ANNA<<<<<<<<<<<<<<<<")
    assert zone.valid, zone.errors
    assert zone.document_number == number


def test_one_line_of_88_characters_is_read_as_two() -> None:
    assert parse_mrz(TD3_SPECIMEN.replace("\n", "")).valid


def test_a_wrong_digit_names_the_field_and_both_digits() -> None:
    # 740813 -> 7*7 + 4*3 + 0 + 8*7 + 1*3 + 3*1 = 123 -> 3; the changed digit sits at
    # composite index 15 (weight 7), so the composite moves from 0 to 7.
    zone = parse_mrz(TD3_SPECIMEN.replace("7408122F", "7408132F"))
    assert not zone.valid
    assert zone.errors == (
        "MRZ birth date check digit is 2, expected 3",
        "MRZ composite check digit is 0, expected 7",
    )


def test_unused_personal_number_may_have_a_filler_check_digit() -> None:
    line2 = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<<"
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    zone = parse_mrz(
        f"P<UTOERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<\n{line2[:43]}{mrz_check_digit(composite)}"
    )
    assert zone.valid, zone.errors
    assert "personal number" not in [check.field for check in zone.checks]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "lines of nothing"),
        ("P<UTO\nL898", "lines of 5 x 4 characters"),
        (TD3_SPECIMEN.replace("ERIKSSON", "ERIKSSÖN"), "line 1 contains 'Ö'"),
    ],
)
def test_a_zone_of_the_wrong_shape_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mrz(text)
    assert caught.value.field == "mrz"
    assert message in str(caught.value)


# --- properties of the 7-3-1 check digit ---------------------------------------------


@given(digits, st.data())
def test_any_single_digit_change_is_caught(text: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(text) - 1))
    shift = data.draw(st.integers(1, 9))
    changed = text[:position] + str((int(text[position]) + shift) % 10) + text[position + 1 :]
    assert mrz_check_digit(changed) != mrz_check_digit(text)


@given(st.text(alphabet="0123456789", min_size=2, max_size=30), st.data())
def test_adjacent_transposition_is_caught_unless_the_digits_differ_by_five(
    text: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(text) - 2))
    a, b = int(text[position]), int(text[position + 1])
    assume(a != b)
    swapped = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    weight_gap = WEIGHTS[position % 3] - WEIGHTS[(position + 1) % 3]
    caught = (weight_gap * (a - b)) % 10 != 0
    assert (mrz_check_digit(swapped) != mrz_check_digit(text)) is caught
    assert caught is (abs(a - b) != 5)


TEN_APART = {"0": "A", "A": "K", "K": "U", "1": "B", "9": "J", "<": "A"}


@given(mrz_text, st.sampled_from(sorted(TEN_APART)), mrz_text)
def test_a_character_ten_values_away_is_the_documented_blind_spot(
    before: str, char: str, after: str
) -> None:
    original = before + char + after
    changed = before + TEN_APART[char] + after
    assert mrz_check_digit(changed) == mrz_check_digit(original)


# --- generated passports: every check, and the composite -----------------------------

number_field = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=9)
date_field = st.text(alphabet="0123456789", min_size=6, max_size=6)
optional_field = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=14)


def td3_line2(number: str, birth: str, sex: str, expiry: str, optional: str) -> str:
    number = number.ljust(9, "<")
    optional = optional.ljust(14, "<")
    body = (
        f"{number}{mrz_check_digit(number)}KHM{birth}{mrz_check_digit(birth)}{sex}"
        f"{expiry}{mrz_check_digit(expiry)}{optional}{mrz_check_digit(optional)}"
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return body + str(mrz_check_digit(composite))


TD3_LINE1 = "P<KHMSOK<<DARA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
COMPOSITE_SPAN = [*range(0, 10), *range(13, 20), *range(21, 43), 43]

passports = st.builds(
    td3_line2, number_field, date_field, st.sampled_from("MFX<"), date_field, optional_field
)


@given(passports)
def test_generated_passports_validate(line2: str) -> None:
    zone = parse_mrz(f"{TD3_LINE1}\n{line2}")
    assert zone.valid, zone.errors
    assert zone.document_number == line2[:9].rstrip("<")


@given(passports, st.data())
def test_the_composite_catches_any_single_digit_change_it_covers(
    line2: str, data: st.DataObject
) -> None:
    positions = [p for p in COMPOSITE_SPAN if line2[p].isdigit()]
    position = data.draw(st.sampled_from(positions))
    shift = data.draw(st.integers(1, 9))
    changed = line2[:position] + str((int(line2[position]) + shift) % 10) + line2[position + 1 :]
    zone = parse_mrz(f"{TD3_LINE1}\n{changed}")
    failed = {check.field for check in zone.checks if not check.valid}
    assert "composite" in failed
    assert not zone.valid

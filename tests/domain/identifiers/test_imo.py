"""IMO numbers: shapes accepted, reasons given, and what the check digit can catch."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portintel.domain.identifiers import check_imo, imo_check_digit
from portintel.domain.identifiers.imo import WEIGHTS

six_digits = st.text(alphabet="0123456789", min_size=6, max_size=6)


def with_check_digit(six: str) -> str:
    return six + str(imo_check_digit(six))


@pytest.mark.parametrize(
    "raw",
    ["9074729", "IMO9074729", "imo 9074729", "IMO: 907 4729", "IMO No. 9074729", "IMO ៩០៧៤៧២៩"],
)
def test_accepted_spellings_normalise_to_imo_and_seven_digits(raw: str) -> None:
    check = check_imo(raw)
    assert check.valid, check.reason
    assert check.value == "IMO9074729"
    assert check.raw == raw
    assert check.kind == "imo"
    assert check.reason is None


def test_a_wrong_check_digit_is_kept_with_a_human_reason() -> None:
    check = check_imo("IMO 9074723")
    assert not check.valid
    assert check.reason == "IMO check digit is 3, expected 9"
    assert check.value == "IMO9074723"
    assert check.raw == "IMO 9074723"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "IMO number is empty"),
        ("907472", "an IMO number has 7 digits, '907472' has 6"),
        ("IMO 90747290", "an IMO number has 7 digits, 'IMO 90747290' has 8"),
        ("MMSI 9074729", "is not an IMO number"),
        ("9O74729", "is not an IMO number"),
    ],
)
def test_bad_shapes_are_kept_with_a_reason(raw: str, reason: str) -> None:
    check = check_imo(raw)
    assert not check.valid
    assert check.value is None
    assert check.raw == raw
    assert check.reason is not None and reason in check.reason


def test_check_digit_needs_six_digits() -> None:
    with pytest.raises(ValueError):
        imo_check_digit("12345")
    with pytest.raises(ValueError):
        imo_check_digit("12345a")


@given(six_digits)
def test_generated_numbers_validate(six: str) -> None:
    assume(six.strip("0"))
    number = with_check_digit(six)
    assert check_imo(number).valid
    assert check_imo(f"IMO {number}").value == f"IMO{number}"


@given(six_digits, st.integers(0, 6), st.integers(1, 9))
def test_single_digit_change_is_caught_exactly_where_the_weights_allow(
    six: str, position: int, shift: int
) -> None:
    number = with_check_digit(six)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    # The check digit itself is always caught; in the body a change is missed
    # exactly when weight x difference is a multiple of ten (e.g. weight 2, off by 5).
    caught = position == 6 or (WEIGHTS[position] * shift) % 10 != 0
    assert check_imo(changed).valid is not caught


def test_the_documented_blind_spot_exists() -> None:
    # weight 2 on the sixth digit: 2 -> 7 moves the sum by 10, the check digit stays 9
    assert check_imo("9074779").valid


@given(six_digits, st.integers(0, 5))
def test_adjacent_transposition_of_differing_digits_is_always_caught(
    six: str, position: int
) -> None:
    number = with_check_digit(six)
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    check = check_imo(swapped)
    assert not check.valid
    assert check.reason is not None and check.reason.startswith("IMO check digit is")


@given(st.text(max_size=30))
def test_any_text_gives_a_result_that_keeps_the_raw_value(raw: str) -> None:
    check = check_imo(raw)
    assert check.raw == raw
    assert check.valid is (check.reason is None)


@pytest.mark.parametrize("raw", ["0", "IMO 0", "0000000"])
def test_the_ais_placeholder_zero_is_not_an_imo_number(raw: str) -> None:
    check = check_imo(raw)
    assert not check.valid
    assert check.reason is not None and "not available" in check.reason


def test_a_company_number_is_recognised_in_the_reason() -> None:
    # IMO company numbers: weights 8, 6, 4, 2, 9, 7, then (11 - sum mod 11) mod 10.
    six = "022865"  # 0 + 12 + 8 + 16 + 54 + 35 = 125; 125 mod 11 = 4; 11 - 4 = 7
    assert imo_check_digit(six) != 7
    check = check_imo(six + "7")
    assert not check.valid
    assert check.reason is not None and "valid IMO company number" in check.reason


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_agrees_with_the_independent_rigour_implementation(number: str) -> None:
    # rigour (followthemoney's identifier library) implements the same ship check.
    from rigour.ids import IMO

    assume(number.strip("0"))
    assert check_imo(number).valid is IMO.is_valid_vessel(number)

"""Passport numbers: normalised without an MRZ, checked against it with one."""

from __future__ import annotations

import pytest

from portintel.domain.identifiers import check_passport

TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


@pytest.mark.parametrize("raw", ["N1234567", " n 123-4567 ", "N1234567"])
def test_without_mrz_the_number_is_normalised(raw: str) -> None:
    check = check_passport(raw)
    assert check.valid
    assert check.value == "N1234567"
    assert check.raw == raw
    assert check.kind == "passport"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("", "passport number is empty"), ("AB1", "4 to 20"), ("N12345#7", "4 to 20")],
)
def test_bad_numbers_are_kept_with_a_reason(raw: str, reason: str) -> None:
    check = check_passport(raw)
    assert not check.valid
    assert check.raw == raw
    assert check.reason is not None and reason in check.reason


def test_a_number_matching_a_valid_mrz_is_valid() -> None:
    check = check_passport("l898902c3", mrz=TD3_SPECIMEN)
    assert check.valid
    assert check.value == "L898902C3"


def test_a_number_differing_from_the_mrz_is_flagged_not_corrected() -> None:
    check = check_passport("L898902C8", mrz=TD3_SPECIMEN)
    assert not check.valid
    assert check.value == "L898902C8"
    assert check.reason == (
        "passport number L898902C8 differs from the MRZ document number L898902C3"
    )


def test_every_failed_check_digit_is_reported() -> None:
    # expiry 130415 -> 7 + 9 + 0 + 28 + 3 + 5 = 52 -> 2; the changed digit sits at
    # composite index 18 (weight 7), so the composite moves from 0 to 7.
    tampered = TD3_SPECIMEN.replace("1204159", "1304159")
    check = check_passport("L898902C3", mrz=tampered)
    assert not check.valid
    assert check.reason == (
        "MRZ expiry date check digit is 9, expected 2; MRZ composite check digit is 0, expected 7"
    )


def test_an_unreadable_mrz_is_a_reason_not_an_exception() -> None:
    check = check_passport("L898902C3", mrz="P<UTO")
    assert not check.valid
    assert check.value == "L898902C3"
    assert check.reason is not None and check.reason.startswith("MRZ unreadable:")


def test_a_blank_mrz_is_no_mrz() -> None:
    assert check_passport("L898902C3", mrz="  ").valid

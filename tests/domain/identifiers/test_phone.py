"""Phones: E.164 with the node's country as region hint; raw always kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.identifiers import check_phone


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("012 345 678", "KH", "+85512345678"),
        ("012-345-678", "kh", "+85512345678"),
        ("០១២ ៣៤៥ ៦៧៨", "KH", "+85512345678"),
        ("081 234 5678", "TH", "+66812345678"),
        ("+66 81 234 5678", "KH", "+66812345678"),  # foreign, with its country code
        ("+84 91 234 56 78", "KH", "+84912345678"),
        ("+880 1712-345678", "TH", "+8801712345678"),
    ],
)
def test_valid_numbers_become_e164(raw: str, region: str, e164: str) -> None:
    check = check_phone(raw, region)
    assert check.valid, check.reason
    assert check.value == e164
    assert check.raw == raw
    assert check.kind == "phone"


def test_a_national_number_of_another_country_is_flagged_with_a_suggestion() -> None:
    check = check_phone("081 234 5678", "KH")
    assert not check.valid
    assert check.raw == "081 234 5678"
    assert check.reason is not None
    assert "not a valid phone number of KH (+855)" in check.reason
    assert "TH (+66812345678)" in check.reason


@pytest.mark.parametrize(
    ("raw", "region", "reason"),
    [
        ("", "KH", "phone number is empty"),
        ("call me", "KH", "is not a phone number"),
        ("12", "KH", "wrong length"),
        ("012345678", "", "no country code and no region hint"),
        ("012345678", "XX", "region hint 'XX' is not a known region"),
        ("+999 123 456", "KH", "country code that is not assigned"),
    ],
)
def test_bad_numbers_are_kept_with_a_reason(raw: str, region: str, reason: str) -> None:
    check = check_phone(raw, region)
    assert not check.valid
    assert check.raw == raw
    assert check.reason is not None and reason in check.reason


@given(st.text(max_size=25), st.sampled_from(["KH", "TH", "ID", "", "XX"]))
def test_any_text_gives_a_result_that_keeps_the_raw_value(raw: str, region: str) -> None:
    check = check_phone(raw, region)
    assert check.raw == raw
    assert check.valid is (check.reason is None)
    if check.valid:
        assert check.value is not None and check.value.startswith("+")
        assert check_phone(check.value, "KH").value == check.value  # E.164 is a fixed point

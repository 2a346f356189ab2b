"""MMSI: nine digits, the kind its pattern says, the country its MID says."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.identifiers import MID_COUNTRY, check_mmsi, mmsi_country, mmsi_kind

# Southeast, South and East Asia, and the common flags of convenience.
REGION_AND_FLAGS_OF_CONVENIENCE = {
    "514": "KH", "515": "KH", "567": "TH", "574": "VN", "533": "MY", "525": "ID",
    "548": "PH", "563": "SG", "564": "SG", "565": "SG", "566": "SG", "506": "MM",
    "508": "BN", "531": "LA", "550": "TL", "405": "BD", "419": "IN", "417": "LK",
    "463": "PK", "455": "MV", "459": "NP", "410": "BT", "412": "CN", "413": "CN",
    "414": "CN", "416": "TW", "431": "JP", "432": "JP", "440": "KR", "441": "KR",
    "445": "KP", "477": "HK", "453": "MO", "457": "MN",
    "351": "PA", "352": "PA", "353": "PA", "354": "PA", "355": "PA", "356": "PA",
    "357": "PA", "370": "PA", "371": "PA", "372": "PA", "373": "PA", "374": "PA",
    "636": "LR", "637": "LR", "538": "MH", "215": "MT", "229": "MT", "248": "MT",
    "249": "MT", "256": "MT", "308": "BS", "309": "BS", "311": "BS", "209": "CY",
    "210": "CY", "212": "CY", "667": "SL", "671": "TG", "616": "KM", "620": "KM",
    "572": "TV", "511": "PW", "312": "BZ", "341": "KN", "375": "VC", "376": "VC",
    "377": "VC", "577": "VU", "576": "VU",
}  # fmt: skip


@pytest.mark.parametrize(("mid", "country"), sorted(REGION_AND_FLAGS_OF_CONVENIENCE.items()))
def test_ship_mmsi_gives_the_flag_of_its_mid(mid: str, country: str) -> None:
    mmsi = f"{mid}123456"
    check = check_mmsi(mmsi)
    assert check.valid, check.reason
    assert mmsi_kind(mmsi) == "ship"
    assert mmsi_country(mmsi) == country


def test_the_table_covers_all_allocated_regions_and_only_ship_mid_range() -> None:
    assert len(MID_COUNTRY) > 280
    assert all(201 <= int(mid) <= 775 for mid in MID_COUNTRY)
    assert all(len(country) == 2 and country.isupper() for country in MID_COUNTRY.values())


@pytest.mark.parametrize(
    ("mmsi", "kind", "country"),
    [
        ("514123456", "ship", "KH"),
        ("051412345", "group", "KH"),
        ("005671234", "coast_station", "TH"),
        ("111574123", "sar_aircraft", "VN"),
        ("992251234", "aton", "ES"),
        ("985141234", "craft_associated", "KH"),
        ("856712345", "handheld", "TH"),
        ("970123456", "sart", None),
        ("972123456", "mob", None),
        ("974123456", "epirb", None),
        ("123456789", "unknown", None),
        ("912345678", "unknown", None),
        ("12345", "unknown", None),
    ],
)
def test_kinds_and_countries(mmsi: str, kind: str, country: str | None) -> None:
    assert mmsi_kind(mmsi) == kind
    assert mmsi_country(mmsi) == country


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("", None, "MMSI is empty"),
        ("51412345", None, "an MMSI has 9 digits, '51412345' has 8"),
        ("5141234567", None, "an MMSI has 9 digits, '5141234567' has 10"),
        ("51412345X", None, "only digits"),
        ("123456789", "123456789", "matches no ITU format"),
        ("000000000", "000000000", "MID 000 of coast or port station MMSI"),
        ("200123456", "200123456", "MID 200 of ship station MMSI 200123456 is not allocated"),
        ("799123456", "799123456", "MID 799"),
        ("990001234", "990001234", "MID 000 of aid to navigation"),
    ],
)
def test_bad_mmsis_are_kept_with_a_reason(raw: str, value: str | None, reason: str) -> None:
    check = check_mmsi(raw)
    assert not check.valid
    assert check.raw == raw
    assert check.value == value
    assert check.reason is not None and reason in check.reason


@pytest.mark.parametrize("raw", ["514 123 456", "MMSI 514123456", "mmsi:514123456", "៥១៤១២៣៤៥៦"])
def test_spellings_normalise_to_nine_digits(raw: str) -> None:
    check = check_mmsi(raw)
    assert check.valid
    assert check.value == "514123456"
    assert mmsi_country(raw) == "KH"


@given(st.sampled_from(sorted(MID_COUNTRY)), st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_every_allocated_mid_makes_valid_ship_mmsis(mid: str, rest: str) -> None:
    mmsi = mid + rest
    assert check_mmsi(mmsi).valid
    assert mmsi_kind(mmsi) == "ship"
    assert mmsi_country(mmsi) == MID_COUNTRY[mid]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nine_digit_string_has_a_kind_and_a_consistent_verdict(mmsi: str) -> None:
    check = check_mmsi(mmsi)
    assert check.value == mmsi
    kind = mmsi_kind(mmsi)
    if kind == "unknown":
        assert not check.valid
    if check.valid and kind not in {"sart", "mob", "epirb"}:
        assert mmsi_country(mmsi) is not None


@given(st.text(max_size=20))
def test_any_text_gives_a_result_that_keeps_the_raw_value(raw: str) -> None:
    check = check_mmsi(raw)
    assert check.raw == raw
    assert check.valid is (check.reason is None)

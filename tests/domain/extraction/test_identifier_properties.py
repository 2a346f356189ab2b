"""Property tests: every identifier kind is found where it is written, with the right
value; a near miss (wrong check digit, unallocated MID, 75 minutes of arc, 31 April)
is proposed flagged with its reason, never accepted and never dropped."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portintel.domain.extraction import Kind, Suggestion, extract
from portintel.domain.identifiers import MID_COUNTRY, imo_check_digit, mrz_check_digit
from tests.domain.extraction.strategies import digit_script, embedded, in_script

REGIONS = ("KH", "TH", "VN", "LA", "MY", "ID", "MM", "BD", "LK", "PH")


def at(text: str, kind: Kind, start: int) -> Suggestion:
    """The one suggestion of ``kind`` starting at ``start``; fails the test if none."""
    matches = [s for s in extract(text) if s.kind is kind and s.start == start]
    assert len(matches) == 1, (text, extract(text))
    return matches[0]


# -- IMO ----------------------------------------------------------------------

imo_six = st.text(alphabet="0123456789", min_size=6, max_size=6).filter(lambda s: s != "000000")
imo_form = st.sampled_from(["IMO{}", "IMO {}", "IMO: {}", "IMO no. {}", "imo {}", "IMO#{}"])


@given(imo_six, imo_form, digit_script, st.data())
def test_a_valid_imo_number_is_found_with_its_normalised_value(
    six: str, form: str, script: str, data: st.DataObject
) -> None:
    number = six + str(imo_check_digit(six))
    token = in_script(form.format(number), script)
    text, start = data.draw(embedded(token))
    found = at(text, Kind.IMO, start)
    assert (found.value, found.valid, found.raw) == (f"IMO{number}", True, token)
    assert found.rule_id == "imo.prefixed" and found.rule_version >= 1


@given(imo_six, st.integers(1, 9), imo_form, st.data())
def test_an_imo_number_with_a_wrong_check_digit_is_flagged(
    six: str, shift: int, form: str, data: st.DataObject
) -> None:
    expected = imo_check_digit(six)
    wrong = (expected + shift) % 10
    text, start = data.draw(embedded(form.format(f"{six}{wrong}")))
    found = at(text, Kind.IMO, start)
    assert not found.valid
    assert found.value == f"IMO{six}{wrong}"
    assert f"expected {expected}" in (found.reason or "")


# -- MMSI ---------------------------------------------------------------------

ship_mids = st.sampled_from(sorted(mid for mid in MID_COUNTRY if mid[0] in "234567"))
unallocated_mids = st.sampled_from(
    sorted(str(mid) for mid in range(201, 776) if str(mid) not in MID_COUNTRY)
)
six_digits = st.text(alphabet="0123456789", min_size=6, max_size=6)


@given(
    ship_mids,
    six_digits,
    st.sampled_from(["MMSI {}", "MMSI: {}", "mmsi{}"]),
    digit_script,
    st.data(),
)
def test_a_ship_mmsi_is_found_with_its_flag(
    mid: str, rest: str, form: str, script: str, data: st.DataObject
) -> None:
    token = in_script(form.format(mid + rest), script)
    text, start = data.draw(embedded(token))
    found = at(text, Kind.MMSI, start)
    assert (found.value, found.valid) == (mid + rest, True)
    assert found.detail["country"] == MID_COUNTRY[mid]


@given(unallocated_mids, six_digits, st.data())
def test_an_mmsi_with_an_unallocated_mid_is_flagged(
    mid: str, rest: str, data: st.DataObject
) -> None:
    text, start = data.draw(embedded(f"MMSI {mid}{rest}"))
    found = at(text, Kind.MMSI, start)
    assert not found.valid and "not allocated" in (found.reason or "")


# -- phones -------------------------------------------------------------------


@st.composite
def valid_phone(draw: st.DrawFn, region: str) -> phonenumbers.PhoneNumber:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    tail = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    number = phonenumbers.parse(national[:-3] + tail, region)
    assume(phonenumbers.is_valid_number(number))
    return number


def e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@given(st.sampled_from(REGIONS), st.data())
def test_a_phone_with_its_country_code_is_read_in_its_country(
    region: str, data: st.DataObject
) -> None:
    number = data.draw(valid_phone(region))
    token = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    text, start = data.draw(embedded(token))
    found = at(text, Kind.PHONE, start)
    assert (found.value, found.valid, found.raw) == (e164(number), True, token)


@given(digit_script, st.data())
def test_a_national_number_is_read_in_the_nodes_country_first(
    script: str, data: st.DataObject
) -> None:
    number = data.draw(valid_phone("KH"))
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    text, start = data.draw(embedded("phone " + in_script(national, script)))
    found = at(text, Kind.PHONE, start + len("phone "))
    assert (found.value, found.valid) == (e164(number), True)
    assert found.detail["region"] == "KH"


@given(st.text(alphabet="0123456789", min_size=4, max_size=4), st.data())
def test_a_number_too_long_after_a_phone_word_is_flagged_not_dropped(
    extra: str, data: st.DataObject
) -> None:
    number = data.draw(valid_phone("KH"))
    digits = "0" + str(number.national_number) + extra
    text, start = data.draw(embedded("tel " + digits))
    found = at(text, Kind.PHONE, start + len("tel "))
    assert not found.valid and found.reason


# -- passports and machine-readable zones -------------------------------------

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=12)
yymmdd = st.dates().map(lambda d: d.strftime("%y%m%d"))


def pad(value: str, width: int) -> str:
    return (value + "<" * width)[:width]


@st.composite
def td3(draw: st.DrawFn) -> tuple[list[str], str]:
    """A valid TD3 zone (two lines of 44) and its document number."""
    number = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=6, max_size=9))
    state = draw(st.sampled_from(["KHM", "THA", "IDN", "MMR", "VNM", "BGD"]))
    name = pad(f"{draw(letters)}<<{draw(letters)}", 39)
    first = f"P<{state}{name}"
    document = pad(number, 9)
    birth, expiry = draw(yymmdd), draw(yymmdd)
    sex = draw(st.sampled_from("MF<"))
    personal = "<" * 14
    second = (
        f"{document}{mrz_check_digit(document)}{state}{birth}{mrz_check_digit(birth)}{sex}"
        f"{expiry}{mrz_check_digit(expiry)}{personal}<"
    )
    composite = second[0:10] + second[13:20] + second[21:43]
    return [first, second + str(mrz_check_digit(composite))], number


@st.composite
def td1(draw: st.DrawFn) -> tuple[list[str], str]:
    """A valid TD1 zone (three lines of 30) and its document number."""
    number = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=6, max_size=9))
    state = draw(st.sampled_from(["KHM", "THA", "IDN"]))
    document = pad(number, 9)
    first = f"I<{state}{document}{mrz_check_digit(document)}" + "<" * 15
    birth, expiry = draw(yymmdd), draw(yymmdd)
    second = f"{birth}{mrz_check_digit(birth)}M{expiry}{mrz_check_digit(expiry)}{state}" + "<" * 11
    composite = first[5:30] + second[0:7] + second[8:15] + second[18:29]
    second += str(mrz_check_digit(composite))
    third = pad(f"{draw(letters)}<<{draw(letters)}", 30)
    return [first, second, third], number


@given(st.one_of(td3(), td1()), st.sampled_from(["\n", "\r\n", " "]), st.data())
def test_a_valid_machine_readable_zone_is_found_with_its_document_number(
    zone: tuple[list[str], str], joiner: str, data: st.DataObject
) -> None:
    lines, number = zone
    text, start = data.draw(embedded(joiner.join(lines)))
    found = at(text, Kind.MRZ, start)
    assert (found.value, found.valid) == (number, True)
    assert found.detail["format"] == ("TD3" if len(lines) == 2 else "TD1")


TD3_CHECKS = ((1, 9), (1, 19), (1, 27), (1, 43))
TD1_CHECKS = ((0, 14), (1, 6), (1, 14), (1, 29))


@given(st.one_of(td3(), td1()), st.integers(0, 3), st.integers(1, 9), st.data())
def test_a_zone_with_a_wrong_check_digit_is_flagged(
    zone: tuple[list[str], str], which: int, shift: int, data: st.DataObject
) -> None:
    lines, _ = zone
    line, position = (TD3_CHECKS if len(lines) == 2 else TD1_CHECKS)[which]
    right = lines[line][position]
    wrong = str((int(right) + shift) % 10)
    lines[line] = lines[line][:position] + wrong + lines[line][position + 1 :]
    text, start = data.draw(embedded("\n".join(lines)))
    found = at(text, Kind.MRZ, start)
    assert not found.valid
    assert f"check digit is {wrong}, expected {right}" in (found.reason or "")


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=8),
    st.sampled_from(
        ["passport {}", "Passport No. {}", "paspor: {}", "หนังสือเดินทาง {}", "លិខិតឆ្លងដែន {}"]
    ),
    st.data(),
)
def test_a_passport_number_after_its_keyword_is_found(
    prefix: str, digits: str, form: str, data: st.DataObject
) -> None:
    token = form.format(prefix + digits)
    text, start = data.draw(embedded(token))
    offset = token.index(prefix + digits)
    found = at(text, Kind.PASSPORT, start + offset)
    assert (found.value, found.valid) == (prefix + digits, True)


# -- coordinates --------------------------------------------------------------

degrees_minutes_seconds = st.tuples(
    st.integers(0, 89),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from("NS"),
    st.integers(0, 179),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from("EW"),
)


def signed(d: int, m: float, s: float, hemisphere: str) -> float:
    value = d + m / 60 + s / 3600
    return -value if hemisphere in "SW" else value


@given(degrees_minutes_seconds, st.sampled_from(["dms", "dm", "prefix"]), digit_script, st.data())
def test_sexagesimal_coordinates_are_found_with_their_decimal_value(
    parts: tuple[int, int, int, str, int, int, int, str],
    form: str,
    script: str,
    data: st.DataObject,
) -> None:
    lat_d, lat_m, lat_s, ns, lon_d, lon_m, lon_s, ew = parts
    if form == "dms":
        token = f"{lat_d}°{lat_m}'{lat_s}\"{ns} {lon_d}°{lon_m}'{lon_s}\"{ew}"
    elif form == "dm":
        lat_s = lon_s = 0
        token = f"{lat_d} {lat_m}.0{ns} {lon_d} {lon_m}.0{ew}"
    else:
        lat_s = lon_s = 0
        token = f"{ns} {lat_d}°{lat_m}' {ew} {lon_d}°{lon_m}'"
    token = in_script(token, script)
    text, start = data.draw(embedded(token))
    found = at(text, Kind.COORDINATES, start)
    latitude, longitude = (float(part) for part in found.value.split(","))
    assert found.valid and found.raw == token
    assert latitude == pytest.approx(signed(lat_d, lat_m, lat_s, ns), abs=1e-5)
    assert longitude == pytest.approx(signed(lon_d, lon_m, lon_s, ew), abs=1e-5)


@given(
    st.floats(-89.9999, 89.9999),
    st.floats(-179.9999, 179.9999),
    st.sampled_from(["hemispheres", "signed"]),
    st.data(),
)
def test_decimal_coordinates_are_found(
    latitude: float, longitude: float, form: str, data: st.DataObject
) -> None:
    if form == "hemispheres":
        ns, ew = "S" if latitude < 0 else "N", "W" if longitude < 0 else "E"
        token = f"{abs(latitude):.4f}{ns} {abs(longitude):.4f}{ew}"
    else:
        token = f"{latitude:.4f}, {longitude:.4f}"
    text, start = data.draw(embedded(token))
    found = at(text, Kind.COORDINATES, start)
    value = tuple(float(part) for part in found.value.split(","))
    assert value == (
        pytest.approx(float(f"{latitude:.4f}"), abs=1e-5),
        pytest.approx(float(f"{longitude:.4f}"), abs=1e-5),
    )


@given(st.integers(0, 89), st.integers(60, 99), st.integers(0, 179), st.integers(0, 59), st.data())
def test_coordinates_with_sixty_minutes_or_more_are_flagged(
    lat_d: int, lat_m: int, lon_d: int, lon_m: int, data: st.DataObject
) -> None:
    text, start = data.draw(embedded(f"{lat_d}°{lat_m}'N {lon_d}°{lon_m}'E"))
    found = at(text, Kind.COORDINATES, start)
    assert not found.valid and "not below 60" in (found.reason or "")


# -- dates --------------------------------------------------------------------

ENGLISH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
INDONESIAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
THAI = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]
KHMER = [
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
]


@given(
    st.dates(
        min_value=__import__("datetime").date(1980, 1, 1),
        max_value=__import__("datetime").date(2060, 12, 31),
    ),
    st.sampled_from(["iso", "numeric", "english", "indonesian", "thai_be", "khmer"]),
    st.data(),
)
def test_a_date_is_found_in_every_form_and_calendar(
    day: object, form: str, data: st.DataObject
) -> None:
    d = day  # a datetime.date
    assert hasattr(d, "year")
    year, month, dom = d.year, d.month, d.day  # type: ignore[attr-defined]
    token = {
        "iso": f"{year:04d}-{month:02d}-{dom:02d}",
        "numeric": f"{dom:02d}/{month:02d}/{year}",
        "english": f"{dom} {ENGLISH[month - 1]} {year}",
        "indonesian": f"{dom} {INDONESIAN[month - 1]} {year}",
        "thai_be": f"{dom} {THAI[month - 1]} {year + 543}",
        "khmer": in_script(f"{dom} {KHMER[month - 1]} {year}", "khmer"),
    }[form]
    text, start = data.draw(embedded(token))
    found = at(text, Kind.DATE, start)
    assert (found.value, found.valid, found.raw) == (
        f"{year:04d}-{month:02d}-{dom:02d}",
        True,
        token,
    )
    if form == "thai_be":
        assert found.detail["calendar"] == "buddhist_era"


@given(st.sampled_from([(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (2, 29)]), st.data())
def test_a_date_that_does_not_exist_is_flagged(
    month_day: tuple[int, int], data: st.DataObject
) -> None:
    month, day = month_day
    text, start = data.draw(embedded(f"{day:02d}/{month:02d}/2027"))
    found = at(text, Kind.DATE, start)
    assert not found.valid and "is not a date" in (found.reason or "")


# -- call signs ---------------------------------------------------------------


@given(
    st.sampled_from(
        [
            ("XUA", "KH"),
            ("HSB", "TH"),
            ("3WK", "VN"),
            ("9MQ", "MY"),
            ("YBZ", "ID"),
            ("XYZ", "MM"),
            ("H3R", "PA"),
        ]
    ),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=3),
    st.sampled_from(["call sign {}", "Callsign: {}", "C/S {}"]),
    st.data(),
)
def test_a_call_sign_is_found_with_its_flag(
    prefix_country: tuple[str, str], rest: str, form: str, data: st.DataObject
) -> None:
    prefix, country = prefix_country
    token = form.format(prefix + rest)
    text, start = data.draw(embedded(token))
    found = at(text, Kind.CALL_SIGN, start + token.index(prefix))
    assert (found.value, found.valid, found.detail.get("country")) == (prefix + rest, True, country)


@given(st.text(alphabet="0123456789", min_size=3, max_size=7), st.data())
def test_a_call_sign_of_digits_only_is_flagged(digits: str, data: st.DataObject) -> None:
    text, start = data.draw(embedded(f"call sign {digits}"))
    found = at(text, Kind.CALL_SIGN, start + len("call sign "))
    assert not found.valid


# -- every suggestion, whatever the text --------------------------------------


@given(st.text(max_size=300))
def test_every_suggestion_points_at_its_raw_text(text: str) -> None:
    for suggestion in extract(text):
        assert text[suggestion.start : suggestion.end] == suggestion.raw
        assert suggestion.valid == (suggestion.reason is None)

"""Short reports as officers of the five languages write them, with what must be found.

Each report states its expected suggestions as (kind, normalised value); the
test also asserts what must *not* be proposed valid (near misses flagged) and
that the text no rule matched stays as text.
"""

from __future__ import annotations

from importlib import resources

import pytest

from portintel.domain.extraction import (
    ExtractionContext,
    Kind,
    extract,
    index_places,
    parse_places,
    unmatched_text,
)


@pytest.fixture(scope="module")
def context() -> ExtractionContext:
    shipped = resources.files("portintel.vocabularies").joinpath("places.csv").read_text("utf-8")
    table = parse_places(shipped, source="places.csv")
    assert table.refused == ()
    return ExtractionContext(
        country="KH",
        places=index_places(table.places),
        known_names=("Sok Chanthy", "Wahyudi Saputra"),
    )


ENGLISH = """\
Boarding report, Sihanoukville, 29 Nov 2026. Boarded MV KOH RONG STAR (IMO 9074729,
MMSI 514123456, call sign XUAB7) at 10°37.7'N 103°30.2'E. Master Mr Sok Chanthy,
phone 012 345 678, passport N01234567. A second number, IMO 9074728, was painted on
the stern. Crew said they would sail to Koh Kood on 02/12/2026.
"""

KHMER = """\
របាយការណ៍ថ្ងៃទី២៩ វិច្ឆិកា ២០២៦៖ នាវា MV SEA DRAGON 7 (IMO ៩០៧៤៧២៩) ចតនៅកោះរ៉ុង។
លោក សុខ ចាន់ធី ជាមេការ ទូរស័ព្ទ ០១២ ៣៤៥ ៦៧៨ ។ ទីតាំង ១០.៦២៨N ១០៣.៥០៣E ។
"""

THAI = """\
วันที่ 29 พ.ย. 2569 เจ้าหน้าที่ตรวจเรือประมง FB LUCKY STAR 2 ที่ท่าเรือระนอง
นายสมชาย ใจดี ไต๋เรือ โทร 081 234 5678 หนังสือเดินทาง AA1234567
เรือแล่นไปเกาะช้าง ตำแหน่ง 12°03'N 102°20'E
"""

INDONESIAN = """\
Laporan 29 Nopember 2026: KM Sinar Jaya 88 berangkat dari Kupang menuju Pulau Pasir
dengan 40 penumpang. Nakhoda Bapak Wahyudi Saputra, HP +62 812 3456 7890, paspor B 1234567.
Posisi terakhir 10°15'S 123°05'E. MMSI 525012345.
"""

BURMESE = """\
၂၉ နိုဝင်ဘာ ၂၀၂၆ ရက်နေ့ ကော့သောင်း ဆိပ်ကမ်းတွင် ငါးဖမ်းလှေ MV GOLDEN MOON ကို စစ်ဆေးခဲ့သည်။
ဦးအောင်မင်း သည် လှေပိုင်ရှင် ဖြစ်သည်။ ဖုန်း ၀၉ ၄၂၁ ၂၃၄ ၅၆၇ ။ IMO ၉၀၇၄၇၂၉
"""

CASES = {
    "english": (
        ENGLISH,
        {
            (Kind.DATE, "2026-11-29"),
            (Kind.VESSEL_NAME, "KOH RONG STAR"),
            (Kind.IMO, "IMO9074729"),
            (Kind.MMSI, "514123456"),
            (Kind.CALL_SIGN, "XUAB7"),
            (Kind.COORDINATES, "10.62833,103.50333"),
            (Kind.PERSON_NAME, "Sok Chanthy"),
            (Kind.PHONE, "+85512345678"),
            (Kind.PASSPORT, "N01234567"),
            (Kind.PLACE, "Preah Sihanouk"),
            (Kind.PLACE, "Koh Kood"),
            (Kind.DATE, "2026-12-02"),
        },
        {(Kind.IMO, "IMO9074728")},
    ),
    "khmer": (
        KHMER,
        {
            (Kind.DATE, "2026-11-29"),
            (Kind.VESSEL_NAME, "SEA DRAGON 7"),
            (Kind.IMO, "IMO9074729"),
            (Kind.PLACE, "Koh Rong"),
            (Kind.PERSON_NAME, "សុខ ចាន់ធី"),
            (Kind.PHONE, "+85512345678"),
            (Kind.COORDINATES, "10.62800,103.50300"),
        },
        set(),
    ),
    "thai": (
        THAI,
        {
            (Kind.DATE, "2026-11-29"),
            (Kind.VESSEL_NAME, "LUCKY STAR 2"),
            (Kind.PLACE, "Ranong"),
            (Kind.PERSON_NAME, "สมชาย ใจดี"),
            (Kind.PHONE, "+66812345678"),
            (Kind.PASSPORT, "AA1234567"),
            (Kind.PLACE, "Koh Chang"),
            (Kind.COORDINATES, "12.05000,102.33333"),
        },
        set(),
    ),
    "indonesian": (
        INDONESIAN,
        {
            (Kind.DATE, "2026-11-29"),
            (Kind.VESSEL_NAME, "SINAR JAYA 88"),
            (Kind.PLACE, "Kupang"),
            (Kind.PLACE, "Pulau Pasir"),
            (Kind.PERSON_NAME, "Wahyudi Saputra"),
            (Kind.PHONE, "+6281234567890"),
            (Kind.PASSPORT, "B1234567"),
            (Kind.COORDINATES, "-10.25000,123.08333"),
            (Kind.MMSI, "525012345"),
        },
        set(),
    ),
    "burmese": (
        BURMESE,
        {
            (Kind.DATE, "2026-11-29"),
            (Kind.PLACE, "Kawthaung"),
            (Kind.VESSEL_NAME, "GOLDEN MOON"),
            (Kind.PERSON_NAME, "အောင်မင်း"),
            (Kind.PHONE, "+959421234567"),
            (Kind.IMO, "IMO9074729"),
        },
        set(),
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_report_yields_what_an_officer_would_mark(
    language: str, context: ExtractionContext
) -> None:
    text, expected_valid, expected_flagged = CASES[language]
    suggestions = extract(text, context)
    valid = {(s.kind, s.value) for s in suggestions if s.valid}
    flagged = {(s.kind, s.value) for s in suggestions if not s.valid}
    assert expected_valid - valid == set(), suggestions
    assert expected_flagged <= flagged
    for suggestion in suggestions:
        assert text[suggestion.start : suggestion.end] == suggestion.raw


def test_a_burmese_particle_is_not_a_title(context: ExtractionContext) -> None:
    names = [s.value for s in extract(BURMESE, context) if s.kind is Kind.PERSON_NAME]
    assert names == ["အောင်မင်း"]


def test_the_near_miss_says_which_check_digit_was_expected(context: ExtractionContext) -> None:
    (near_miss,) = [s for s in extract(ENGLISH, context) if s.value == "IMO9074728"]
    assert near_miss.reason == "IMO check digit is 8, expected 9"
    assert near_miss.confidence <= 0.5


def test_the_mmsi_says_its_flag(context: ExtractionContext) -> None:
    (mmsi,) = [s for s in extract(INDONESIAN, context) if s.kind is Kind.MMSI]
    assert mmsi.detail["country"] == "ID"


def test_a_known_name_is_found_in_any_case_and_spacing(context: ExtractionContext) -> None:
    text = "crew list: SOK  CHANTHY, WAHYUDI SAPUTRA"
    names = [
        (s.raw, s.value, s.rule_id) for s in extract(text, context) if s.kind is Kind.PERSON_NAME
    ]
    assert names == [
        ("SOK  CHANTHY", "Sok Chanthy", "person_name.dictionary"),
        ("WAHYUDI SAPUTRA", "Wahyudi Saputra", "person_name.dictionary"),
    ]


def test_what_no_rule_matches_stays_as_text(context: ExtractionContext) -> None:
    text = "ចាប់បាន IMO 9074729 ហើយ"
    suggestions = extract(text, context)
    assert [s.raw for s in suggestions] == ["IMO 9074729"]
    assert unmatched_text(text, suggestions) == "ចាប់បាន ហើយ"


def test_thai_buddhist_era_year_is_converted(context: ExtractionContext) -> None:
    (found,) = [s for s in extract("วันที่ 1 มกราคม พ.ศ. 2570", context) if s.kind is Kind.DATE]
    assert (found.value, found.detail["calendar"]) == ("2027-01-01", "buddhist_era")


def test_the_node_country_decides_a_national_number() -> None:
    text = "phone 081 234 5678"
    (in_thailand,) = extract(text, ExtractionContext(country="TH"))
    (in_indonesia,) = extract(text, ExtractionContext(country="ID"))
    assert (in_thailand.value, in_indonesia.value) == ("+66812345678", "+62812345678")
    assert "ID" in in_thailand.detail["also_valid_in"].split()


def test_every_suggestion_records_its_rule_and_version(context: ExtractionContext) -> None:
    for suggestion in extract(ENGLISH, context):
        assert suggestion.rule_id.startswith(suggestion.kind.value.split("_")[0])
        assert suggestion.rule_version >= 1


def test_a_bad_gazetteer_row_is_refused_with_its_line_while_the_rest_loads() -> None:
    text = (
        "id,name,aliases,country,kind,lat,lon,source,licence\n"
        "A,Alpha,,KH,island,10,103,s,CC0-1.0\n"
        "B,Beta,,KH,volcano,10,103,s,CC0-1.0\n"
        "C,Gamma,,KH,island,north,103,s,CC0-1.0\n"
    )
    table = parse_places(text, source="places.csv")
    assert [place.id for place in table.places] == ["A"]
    assert table.refused[0].startswith("places.csv line 3: kind 'volcano'")
    assert table.refused[1].startswith("places.csv line 4:")

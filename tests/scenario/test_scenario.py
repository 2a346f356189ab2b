"""The training scenario: deterministic, believable, valid identifiers except
the traps it plants on purpose, and a size that scales."""

from __future__ import annotations

import unicodedata
from collections import Counter
from itertools import islice

import phonenumbers
import pytest
from global_land_mask import globe

from portintel.domain.identifiers import (
    check_imo,
    check_mmsi,
    check_passport,
    check_phone,
    mmsi_country,
    mrz_check_digit,
    parse_mrz,
)
from portintel.scenario import build_scenario, iter_report_batches
from portintel.scenario.geography import PORTS, SEA_POINTS
from portintel.scenario.identities import MIDS


@pytest.fixture(scope="module")
def scenario():
    return build_scenario(seed=7, reports=240)


def test_same_seed_gives_the_identical_scenario(scenario) -> None:
    assert build_scenario(seed=7, reports=240) == scenario


def test_another_seed_gives_another_scenario(scenario) -> None:
    other = build_scenario(seed=8, reports=240)
    assert [r.text for r in other.reports] != [r.text for r in scenario.reports]
    assert [p.name for p in other.cast.persons] != [p.name for p in scenario.cast.persons]


def test_batches_equal_the_whole_scenario(scenario) -> None:
    batched = [r for batch in iter_report_batches(7, 240, batch_size=37) for r in batch]
    assert tuple(batched) == scenario.reports


def test_has_at_least_200_reports_from_every_kind_of_source(scenario) -> None:
    assert len(scenario.reports) >= 200
    kinds = {s.key: s.kind for s in scenario.sources}
    used = {kinds[r.source_key] for r in scenario.reports}
    assert used == {
        "informant",
        "officer",
        "ais_receiver",
        "partner_node",
        "open_source",
        "public_tip",
    }


def test_one_demo_account_per_role_with_an_agency(scenario) -> None:
    roles = [role for user in scenario.users for role in user.roles]
    assert sorted(roles) == sorted(
        ["officer", "analyst", "supervisor", "source_handler", "administrator"]
    )
    assert all(user.agency in scenario.agencies for user in scenario.users)
    assert all(user.password.startswith("demo-") for user in scenario.users)


def test_every_imo_and_mmsi_is_valid_except_the_flagged_traps(scenario) -> None:
    traps = {(t.report_key, t.prop, t.value) for t in scenario.traps}
    flags = {vessel.key: vessel.flag for vessel in scenario.cast.vessels}
    checked = 0
    for report in scenario.reports:
        for fact in report.facts:
            if fact.prop == "imoNumber":
                checked += 1
                trap = (report.key, fact.prop, fact.value) in traps
                assert check_imo(fact.value).valid != trap, fact.value
            if fact.prop == "mmsi":
                assert check_mmsi(fact.value).valid, fact.value
                assert mmsi_country(fact.value) == flags[fact.entity_key]
    assert checked > 10
    for vessel in scenario.cast.vessels:
        if vessel.imo:
            assert check_imo(vessel.imo).valid
        if vessel.mmsi:
            assert vessel.mmsi[:3] in MIDS[vessel.flag]
            assert mmsi_country(vessel.mmsi) == vessel.flag


def test_a_flag_of_convenience_is_present(scenario) -> None:
    assert {"TG", "SL"} & {vessel.flag for vessel in scenario.cast.vessels}


def _mrz_ok(line: str) -> bool:
    """An independent reading of the TD3 second line's check digits."""
    number, born, expires = line[0:10], line[13:20], line[21:28]
    composite = line[0:10] + line[13:20] + line[21:43]
    return (
        len(line) == 44
        and all(mrz_check_digit(f[:-1]) == int(f[-1]) for f in (number, born, expires))
        and mrz_check_digit(composite) == int(line[43])
    )


def test_every_passport_has_a_valid_machine_readable_zone(scenario) -> None:
    holders = [p for p in scenario.cast.persons if p.passport is not None]
    assert len(holders) > 20
    for person in holders:
        document = person.passport
        first, second = document.mrz
        assert len(first) == 44 and first.startswith("P<")
        assert _mrz_ok(second), second
        assert check_passport(document.number, mrz="\n".join(document.mrz)).valid
        zone = parse_mrz("\n".join(document.mrz))
        assert zone.birth_date == person.birth_date.strftime("%y%m%d")
        assert zone.document_number == document.number


def test_mrz_check_digit_matches_icao_example() -> None:
    # ICAO 9303 part 4 specimen: document L898902C3, check digit 6
    assert mrz_check_digit("L898902C3") == 6
    assert mrz_check_digit("740812") == 2


def test_every_phone_is_valid_e164_except_the_flagged_traps(scenario) -> None:
    traps = {(t.report_key, t.value) for t in scenario.traps if t.prop == "phone"}
    assert traps
    for person in scenario.cast.persons:
        for phone in person.phones:
            assert phonenumbers.is_valid_number(phonenumbers.parse(phone)), phone
            assert check_phone(phone, "KH").value == phone
    for report in scenario.reports:
        for fact in report.facts:
            if fact.prop == "phone":
                assert fact.value.startswith("+") != ((report.key, fact.value) in traps)
    for trap in scenario.traps:
        if trap.prop == "phone":
            # read with the node's region (KH), the foreign number is not the right one
            truth = trap.reason.rsplit(" ", 1)[-1]
            assert check_phone(trap.value, "KH").value != truth


def test_phones_of_every_country_of_the_region(scenario) -> None:
    regions = {
        phonenumbers.region_code_for_number(phonenumbers.parse(phone))
        for person in scenario.cast.persons
        for phone in person.phones
    }
    assert {"KH", "TH", "MM", "VN", "BD", "ID", "MY"} <= regions


def test_traps_of_each_kind_are_flagged(scenario) -> None:
    assert {t.kind for t in scenario.traps} == {
        "imo_check_digit",
        "phone_without_country_code",
        "name_typo",
    }
    for trap in scenario.traps:
        report = next(r for r in scenario.reports if r.key == trap.report_key)
        assert any(f.value == trap.value and f.prop == trap.prop for f in report.facts)


SCRIPTS = {"km": "KHMER", "th": "THAI", "my": "MYANMAR", "bn": "BENGALI"}


def test_names_in_native_scripts_and_several_romanisations(scenario) -> None:
    langs = {p.name.native_lang for p in scenario.cast.persons}
    assert {"km", "th", "my", "bn", "vi", "id"} <= langs
    for person in scenario.cast.persons:
        script = SCRIPTS.get(person.name.native_lang)
        if script:
            letters = [c for c in person.name.native if c.isalpha()]
            assert letters and all(script in unicodedata.name(c) for c in letters)
        assert all(
            name.isascii() or person.nationality == "VN" for name in person.name.romanisations[:1]
        )
    khmer = [p for p in scenario.cast.persons if p.nationality == "KH"]
    assert all(len(p.name.romanisations) >= 2 for p in khmer)
    native_facts = {f.lang for r in scenario.reports for f in r.facts if f.lang}
    assert {"km", "th", "my", "bn"} & native_facts


def test_the_same_person_is_spelt_differently_across_reports(scenario) -> None:
    spellings: dict[str, set[str]] = {}
    for report in scenario.reports:
        names = {f.entity_key: f.value for f in report.facts if f.prop == "name"}
        for mention in report.mentions:
            spellings.setdefault(mention.cast_key, set()).add(names[mention.entity_key])
    assert any(len(names) >= 3 for names in spellings.values())


def test_incidents_follow_the_bali_process_figures(scenario) -> None:
    kinds = Counter(i.kind for i in scenario.incidents)
    assert {"detected", "intercepted", "rescued", "capsized"} <= set(kinds)
    for incident in scenario.incidents:
        assert sum(count for _, count in incident.nationalities) == incident.migrants
        assert 0 <= incident.minors <= incident.migrants
        assert incident.route and incident.departure and incident.destination
    capsized = [i for i in scenario.incidents if i.kind == "capsized"]
    assert all(i.deaths + i.missing > 0 for i in capsized)
    assert any(i.fee_usd for i in scenario.incidents)


def test_places_are_on_the_right_side_of_the_shore() -> None:
    for point in SEA_POINTS.values():
        assert globe.is_ocean(point.latitude, point.longitude), point.name
    assert "Sihanoukville" in PORTS and "Cox's Bazar" in PORTS and "Tanjung Pinang" in PORTS


def test_gradings_are_mostly_b2_and_c3_with_some_a1_and_f6(scenario) -> None:
    admiralty = Counter(
        r.reliability + r.credibility for r in scenario.reports if r.grading_scheme == "admiralty"
    )
    assert admiralty["B2"] + admiralty["C3"] >= max(admiralty.values())
    assert admiralty["A1"] and admiralty["F6"]


def test_statuses_cover_the_whole_lifecycle(scenario) -> None:
    assert {r.status for r in scenario.reports} == {
        "draft",
        "submitted",
        "evaluated",
        "disseminated",
        "archived",
    }


def test_handling_codes_mostly_p_some_c_with_conditions(scenario) -> None:
    handling = Counter(r.handling for r in scenario.reports)
    assert handling.most_common(1)[0][0] == "uk-3x5x2:P"
    assert all(r.handling_conditions for r in scenario.reports if r.handling == "uk-3x5x2:C")
    assert handling["uk-3x5x2:C"]


def test_partner_reports_keep_their_own_scheme() -> None:
    scenario = build_scenario(seed=7, reports=600)
    schemes = {r.grading_scheme for r in scenario.reports}
    assert {"admiralty", "europol", "uk-3x5x2"} <= schemes
    assert any(r.handling.startswith("europol:H") for r in scenario.reports)


def test_facts_per_report_scale_linearly() -> None:
    def facts(reports: int) -> int:
        return sum(len(r.facts) for batch in iter_report_batches(3, reports) for r in batch)

    small, large = facts(500), facts(2000)
    assert 3.4 < large / small < 4.6


def test_scale_path_is_lazy() -> None:
    batches = iter_report_batches(7, 10_000_000, batch_size=100)
    first = list(islice(batches, 2))
    assert [len(batch) for batch in first] == [100, 100]


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="reports"):
        list(iter_report_batches(7, -1))

"""Reports from outside the unit and from its systems: partner nodes (graded
in their own scheme), open source, public tips, AIS and port immigration."""

from __future__ import annotations

import random
from datetime import datetime

from portintel.scenario.cast_index import CaseIndex
from portintel.scenario.facts import FactSheet, mention_person, mention_vessel
from portintel.scenario.geography import PORTS, place, where
from portintel.scenario.identities import national_format
from portintel.scenario.model import DataQualityTrap
from portintel.scenario.narratives import Draft


def partner_exchange(sheet: FactSheet, case: CaseIndex, rng: random.Random) -> Draft:
    """A partner node shares what it holds on a vessel and its organiser."""
    source_key = rng.choice(("src-piu-ranong", "src-piu-ranong", "src-europol", "src-uk-liaison"))
    route = case.route(rng)
    vessel = case.vessel_for(route, rng)
    mention_vessel(sheet, vessel, rng, full=rng.random() < 0.3)
    subject = case.pick(
        rng.choice(("broker", "money_collector", "boat_owner")), ("TH", "MY", "KH", "ID"), rng
    )
    _, name = mention_person(sheet, subject, rng, style="western")
    partner = {
        "src-piu-ranong": "PIU Ranong",
        "src-europol": "Europol",
        "src-uk-liaison": "UK liaison, Bangkok",
    }[source_key]
    text = (
        f"{partner} reports that {name} arranges boats on the route {route.name}; the "
        f"vessel {vessel.name} was used at least twice in the last quarter. "
        f"Shared for information and collation."
    )
    return Draft(
        "partner",
        f"{partner}: {name} and {vessel.name}",
        text,
        source_key,
        "demo-analyst",
        PORTS[route.departure],
        "partner_exchange",
    )


def open_source(sheet: FactSheet, case: CaseIndex, rng: random.Random) -> Draft:
    """A press item about a boat, as the analyst recorded it."""
    route = case.route(rng)
    vessel = case.vessel_for(route, rng)
    mention_vessel(sheet, vessel, rng)
    location = place(rng.choice(route.sea_points))
    where_text = where(location)
    outlet = rng.choice(
        (
            "Khmer Times",
            "Bangkok Post",
            "The Irrawaddy",
            "The Daily Star",
            "Kompas",
            "The Star (Malaysia)",
        )
    )
    text = (
        f"{outlet} reports that the boat {vessel.name} was seen {where_text} with "
        f"migrants on board heading for {route.destination}. No names are given; numbers "
        f"are the journalist's estimate."
    )
    return Draft(
        "open_source",
        f"{outlet}: migrant boat {vessel.name}",
        text,
        "src-news",
        "demo-analyst",
        location,
        "open_source",
    )


def public_tip(
    sheet: FactSheet,
    case: CaseIndex,
    rng: random.Random,
    *,
    report_key: str,
    trap_phone: bool = False,
) -> Draft:
    """An anonymous tip from the leaflet: a phone number and a first name, untested."""
    # the trap: a Thai or Vietnamese number written the local way, read in Cambodia
    if trap_phone:
        subject = case.pick("broker", ("TH",), rng)
    else:
        subject = case.pick(rng.choice(("recruiter", "broker")), ("KH", "VN", "TH"), rng)
    key, name = mention_person(sheet, subject, rng, style="spoken", details=False)
    phone = subject.phones[0] if subject.phones else None
    trap = None
    if phone is not None:
        written = national_format(phone) if trap_phone else phone
        sheet.add(key, "Person", "phone", written)
        if trap_phone:
            trap = DataQualityTrap(
                report_key,
                key,
                "phone",
                written,
                "phone_without_country_code",
                f"{written} has no country code; it is {phone}",
            )
    text = (
        f"Caller says a man called {name} offers jobs in Thailand and Malaysia and takes "
        f"people by boat from {subject.home}"
        + (f". Number given: {written}" if phone is not None else "")
        + ". Caller did not leave a name."
    )
    return Draft(
        "tip",
        f"Public tip about {name}",
        text,
        "src-tips",
        "demo-officer",
        PORTS[subject.home],
        "public_tip",
        None,
        trap,
    )


def ais_observation(sheet: FactSheet, case: CaseIndex, rng: random.Random, when: datetime) -> Draft:
    """The port's AIS receiver saw a vessel switch off or loiter near the coast."""
    vessel = case.vessel_with_ais(rng)
    mention_vessel(sheet, vessel, rng, full=False)
    if vessel.mmsi:
        sheet.add(vessel.key, "Vessel", "mmsi", vessel.mmsi)
    location = place(
        rng.choice(
            ("12 NM west of Koh Rong", "off Koh Tang", "Gulf of Thailand, 40 NM west of Koh Kong")
        )
    )
    where_text = where(location)
    behaviour = rng.choice(
        (
            "stopped transmitting for 14 hours",
            "loitered for 6 hours at 1 kn",
            "met an unidentified boat for 2 hours",
        )
    )
    text = (
        f"AIS: {vessel.name} (MMSI {vessel.mmsi}) {behaviour} {where_text} on "
        f"{when:%d %b %Y}. Pattern matches earlier pick-ups at sea."
    )
    return Draft(
        "ais",
        f"AIS: {vessel.name} {behaviour}",
        text,
        "src-ais",
        "demo-analyst",
        location,
        "ais_observation",
    )


def immigration_check(sheet: FactSheet, case: CaseIndex, rng: random.Random) -> Draft:
    """A traveller's passport scanned at the port checkpoint, MRZ included."""
    traveller = case.pick_with_passport(rng)
    _, name = mention_person(sheet, traveller, rng, style="document")
    document = traveller.passport
    assert document is not None  # pick_with_passport only returns holders
    text = (
        f"Checked at the Sihanoukville port checkpoint: {name}, passport {document.number} "
        f"({document.country}), travelling with two others who left before questioning. "
        f"MRZ as scanned:\n{document.mrz[0]}\n{document.mrz[1]}"
    )
    return Draft(
        "immigration",
        f"Port check of {name}",
        text,
        "src-port-immigration",
        "demo-officer",
        PORTS["Sihanoukville"],
        "immigration_check",
    )

"""The people, boats and organisations of the case, and how they are linked.

A facilitator network in the shape PIUs describe: recruiters in the camps
and villages, brokers and money collectors in transit countries, boat owners
behind front companies, captains and crews, and the migrants they carry.
Sizes grow with the number of reports but are capped, so the scale path's
memory stays flat.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from portintel.scenario.identities import (
    call_sign,
    imo_number,
    mmsi,
    mobile_number,
    passport,
)
from portintel.scenario.model import Cast, Organization, Person, Relation, Vessel
from portintel.scenario.names import person_name

TODAY = date(2026, 3, 1)

HOMES = {
    "KH": ("Sihanoukville", "Koh Kong", "Kampot"),
    "TH": ("Ranong", "Satun", "Songkhla", "Trat"),
    "MM": ("Kawthaung", "Teknaf"),
    "BD": ("Cox's Bazar", "Teknaf"),
    "VN": ("Ha Tien", "Phu Quoc"),
    "ID": ("Belawan", "Lhokseumawe", "Batam", "Tanjung Pinang"),
    "MY": ("Penang", "Langkawi", "Johor Bahru"),
}

FACILITATOR_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("recruiter", ("BD", "MM", "KH", "VN", "ID")),
    ("broker", ("TH", "MY", "KH")),
    ("boat_owner", ("KH", "TH", "ID", "MM")),
    ("captain", ("KH", "TH", "MM", "ID", "VN")),
    ("money_collector", ("MY", "TH", "BD")),
)

FISHING_NAMES = (
    "Kampot Star",
    "Sok Meanchey",
    "Ocean Fortune",
    "Sea Dragon",
    "Jaya Abadi",
    "Sinar Laut",
    "Phet Samut",
    "Mitr Samut",
    "Aung Myitta",
    "Shwe Pyi",
    "Tien Phong",
    "Hai Dang",
    "Koh Rong Pearl",
    "Chok Chai",
    "Bintang Timur",
)
FREIGHTER_NAMES = (
    "Golden Lotus",
    "Mekong Trader",
    "Andaman Pride",
    "Asia Harmony",
    "Sunrise Glory",
    "Eastern Venture",
)
MOTHER_SHIP_NAMES = ("Ocean Star 8", "Hai Feng 168", "Blue Horizon", "Lucky Bright")
REGISTRATION_FORMATS = {
    "KH": "KK-{n:04d}",
    "TH": "RN-{n:04d}",
    "MM": "KTG-{n:04d}",
    "VN": "KG-9{n:04d}-TS",
    "ID": "GT.18 No.{n:04d}/Ha",
    "MY": "PKN {n:04d}",
}
HOME_PORTS = {
    "KH": "Sihanoukville",
    "TH": "Ranong",
    "MM": "Kawthaung",
    "VN": "Ha Tien",
    "ID": "Belawan",
    "MY": "Penang",
    "TG": "Lome",
    "SL": "Freetown",
}

ORGANIZATIONS = (
    ("Koh Kong Ocean Transport Co., Ltd.", "KH", "front company"),
    ("Andaman Blue Fisheries Co., Ltd.", "TH", "boat operator"),
    ("Teknaf boat syndicate", "BD", "criminal network"),
    ("Satun Marine Supply", "TH", "front company"),
    ("PT Samudera Jaya Abadi", "ID", "shipping company"),
    ("Golden Coast Remittance Sdn Bhd", "MY", "money service business"),
    ("Kawthaung Jetty Brokers", "MM", "criminal network"),
    ("Ha Tien Seafood Trading", "VN", "front company"),
)


def _birth_date(rng: random.Random, youngest: int, oldest: int) -> date:
    return TODAY - timedelta(days=rng.randint(youngest * 365, oldest * 365))


NAME_DRAWS = 30
"""Draws for a name no one else in the cast bears (the name pools are small: a real
case of a few hundred people has far fewer exact namesakes than blind draws give)."""


def _person(
    key: str,
    nationality: str,
    role: str,
    rng: random.Random,
    *,
    minor: bool = False,
    taken: set[str] | None = None,
) -> Person:
    gender = "female" if rng.random() < (0.35 if role == "migrant" else 0.12) else "male"
    name = person_name(nationality, gender, rng)
    if taken is not None:
        for _ in range(NAME_DRAWS):
            if name.native not in taken:
                break
            name = person_name(nationality, gender, rng)
        taken.add(name.native)
    birth = _birth_date(rng, 8, 17) if minor else _birth_date(rng, 19, 58)
    stateless = role == "migrant" and nationality == "MM" and rng.random() < 0.7
    has_passport = not stateless and (role != "migrant" or rng.random() < 0.4)
    document = (
        passport(nationality, name.canonical, birth, gender, rng, TODAY) if has_passport else None
    )
    phone_count = 0 if minor else (2 if role != "migrant" and rng.random() < 0.4 else 1)
    phone_countries = [
        nationality if nationality in {"KH", "TH", "MM", "VN", "BD", "ID", "MY"} else "TH"
    ]
    if role in {"broker", "money_collector"}:
        phone_countries.append("MY" if nationality != "MY" else "TH")
    phones = tuple(
        mobile_number(phone_countries[i % len(phone_countries)], rng) for i in range(phone_count)
    )
    return Person(
        key=key,
        name=name,
        nationality=nationality,
        gender=gender,
        birth_date=birth,
        role=role,
        passport=document,
        phones=phones,
        home=rng.choice(HOMES[nationality]),
    )


def _vessel(key: str, kind: str, rng: random.Random, number: int) -> Vessel:
    if kind == "mother ship":
        flag = rng.choice(("TG", "SL"))
        base = MOTHER_SHIP_NAMES[number % len(MOTHER_SHIP_NAMES)]
        return Vessel(
            key=key,
            name=base.upper(),
            vessel_type="fishing trawler (mother ship)",
            flag=flag,
            imo=imo_number(rng),
            mmsi=mmsi(flag, rng),
            call_sign=call_sign(flag, rng),
            registration=None,
            home_port=HOME_PORTS[flag],
            tonnage=rng.randint(380, 1400),
            build_year=rng.randint(1986, 2004),
            previous_name=f"{rng.choice(FISHING_NAMES).upper()} {rng.randint(1, 99)}",
        )
    if kind == "small freighter":
        flag = rng.choice(("KH", "TH", "ID", "MY", "TG"))
        return Vessel(
            key=key,
            name=f"{FREIGHTER_NAMES[number % len(FREIGHTER_NAMES)].upper()} {rng.randint(1, 9)}",
            vessel_type="general cargo",
            flag=flag,
            imo=imo_number(rng),
            mmsi=mmsi(flag, rng),
            call_sign=call_sign(flag, rng),
            registration=None,
            home_port=HOME_PORTS[flag],
            tonnage=rng.randint(499, 2999),
            build_year=rng.randint(1988, 2012),
        )
    flag = rng.choice(("KH", "KH", "TH", "MM", "VN", "ID"))
    has_ais = rng.random() < 0.45
    return Vessel(
        key=key,
        name=f"{FISHING_NAMES[number % len(FISHING_NAMES)].upper()} {rng.randint(1, 28)}",
        vessel_type="wooden fishing boat",
        flag=flag,
        imo=None,
        mmsi=mmsi(flag, rng) if has_ais else None,
        call_sign=call_sign(flag, rng) if has_ais else None,
        registration=REGISTRATION_FORMATS[flag].format(n=rng.randint(1, 9999)),
        home_port=HOME_PORTS[flag],
        tonnage=rng.randint(12, 95),
        build_year=rng.randint(1995, 2020),
    )


def _relations(
    rng: random.Random,
    facilitators: list[Person],
    vessels: list[Vessel],
    organizations: list[Organization],
) -> list[Relation]:
    relations: list[Relation] = []

    def add(schema: str, subject: str, target: str, role: str) -> None:
        relations.append(Relation(f"rel-{len(relations) + 1:04d}", schema, subject, target, role))

    for person in facilitators:
        organization = rng.choice(organizations)
        add("Membership", person.key, organization.key, person.role.replace("_", " "))
    owners = [p for p in facilitators if p.role == "boat_owner"]
    for vessel in vessels:
        if vessel.vessel_type == "wooden fishing boat" and owners:
            add("Ownership", rng.choice(owners).key, vessel.key, "registered owner")
        else:
            add("Ownership", rng.choice(organizations).key, vessel.key, "beneficial owner")
    by_role: dict[str, list[Person]] = {}
    for person in facilitators:
        by_role.setdefault(person.role, []).append(person)
    links = (
        ("recruiter", "broker", "sends migrants to"),
        ("broker", "money_collector", "pays through"),
        ("captain", "boat_owner", "works for"),
        ("broker", "boat_owner", "charters boats from"),
    )
    for left, right, how in links:
        for person in by_role.get(left, []):
            if by_role.get(right):
                add("Associate", person.key, rng.choice(by_role[right]).key, how)
    for captain in by_role.get("captain", [])[::3]:
        if by_role.get("boat_owner"):
            add("Family", captain.key, rng.choice(by_role["boat_owner"]).key, "brother")
    for broker in by_role.get("broker", [])[::4]:
        if by_role.get("money_collector"):
            add("Family", broker.key, rng.choice(by_role["money_collector"]).key, "spouse")
    return relations


def build_cast(rng: random.Random, reports: int) -> Cast:
    """The cast for ``reports`` reports; the same ``rng`` state gives the same cast."""
    facilitator_count = 30 + min(reports // 40, 300)
    crew_count = 24 + min(reports // 10, 1500)
    migrant_count = 40 + min(reports // 4, 3000)
    vessel_count = 14 + min(reports // 60, 400)
    organization_count = len(ORGANIZATIONS) + min(reports // 2000, 60)

    organizations = [
        Organization(
            key=f"org-{i + 1:02d}",
            name=name if i < len(ORGANIZATIONS) else f"{name} ({i // len(ORGANIZATIONS) + 1})",
            country=country,
            kind=kind,
        )
        for i in range(organization_count)
        for name, country, kind in [ORGANIZATIONS[i % len(ORGANIZATIONS)]]
    ]
    facilitators: list[Person] = []
    taken: set[str] = set()
    for i in range(facilitator_count):
        # every role in every nationality it recruits from, in turn
        role, nationalities = FACILITATOR_ROLES[i % len(FACILITATOR_ROLES)]
        nationality = nationalities[(i // len(FACILITATOR_ROLES)) % len(nationalities)]
        facilitators.append(_person(f"person-{i + 1:04d}", nationality, role, rng, taken=taken))
    crew = [
        _person(
            f"person-{facilitator_count + i + 1:04d}",
            rng.choice(("KH", "KH", "TH", "MM", "MM", "VN", "ID")),
            "crew",
            rng,
            taken=taken,
        )
        for i in range(crew_count)
    ]
    offset = facilitator_count + crew_count
    migrants = [
        _person(
            f"person-{offset + i + 1:04d}",
            rng.choice(("MM", "MM", "MM", "BD", "BD", "KH", "VN", "ID")),
            "migrant",
            rng,
            minor=rng.random() < 0.18,
            taken=taken,
        )
        for i in range(migrant_count)
    ]
    kinds = ["mother ship", "mother ship", "small freighter", "small freighter", "small freighter"]
    vessels = [
        _vessel(
            f"vessel-{i + 1:03d}",
            kinds[i] if i < len(kinds) else "wooden fishing boat",
            rng,
            i,
        )
        for i in range(vessel_count)
    ]
    return Cast(
        persons=tuple(facilitators + crew + migrants),
        vessels=tuple(vessels),
        organizations=tuple(organizations),
        relations=tuple(_relations(rng, facilitators, vessels, organizations)),
    )

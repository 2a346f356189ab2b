"""One report of each kind the unit receives: boardings, patrol sightings,
rescues, informant contacts, partner exchanges, open source, public tips,
AIS observations, immigration checks and network assessments.

Each builder states facts on a :class:`FactSheet` and returns the title,
text and the parts of the report that depend on its kind.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from portintel.scenario.cast_index import CaseIndex
from portintel.scenario.facts import (
    FactSheet,
    mention_person,
    mention_vessel,
    state_relation,
)
from portintel.scenario.geography import PORTS, Route, place, where
from portintel.scenario.identities import bad_imo_number
from portintel.scenario.model import DataQualityTrap, Incident, Place, Vessel
from portintel.scenario.names import with_typo


@dataclass
class Draft:
    """What a builder produced; the generator adds grading, status and times."""

    kind: str
    title: str
    text: str
    source_key: str
    author: str
    place: Place
    category: str
    incident: Incident | None = None
    trap: DataQualityTrap | None = None


def _split(total: int, nationalities: tuple[str, ...], rng: random.Random) -> list[tuple[str, int]]:
    if len(nationalities) == 1:
        return [(nationalities[0], total)]
    first = rng.randint(total // 2, total)
    parts = [(nationalities[0], first)]
    rest = total - first
    for nationality in nationalities[1:-1]:
        share = rng.randint(0, rest)
        parts.append((nationality, share))
        rest -= share
    parts.append((nationalities[-1], rest))
    return [(n, c) for n, c in parts if c > 0]


def _incident(
    key: str,
    report_key: str,
    kind: str,
    when: datetime,
    where: Place,
    vessel_key: str | None,
    route: Route,
    rng: random.Random,
    facilitators: tuple[str, ...],
) -> Incident:
    migrants = rng.randint(*route.group_size)
    minors = round(migrants * rng.uniform(0.05, 0.3))
    deaths = missing = 0
    if kind == "capsized":
        deaths = rng.randint(3, max(4, migrants // 5))
        missing = rng.randint(5, max(6, migrants // 4))
    elif kind == "rescued" and rng.random() < 0.4:
        deaths = rng.randint(1, 6)
    fee = rng.randrange(route.fee_usd[0], route.fee_usd[1] + 1, 50)
    return Incident(
        key=key,
        report_key=report_key,
        kind=kind,
        occurred_at=when,
        place=where,
        vessel_key=vessel_key,
        migrants=migrants,
        minors=minors,
        deaths=deaths,
        missing=missing,
        nationalities=tuple(_split(migrants, route.migrant_nationalities, rng)),
        route=route.name,
        departure=route.departure,
        destination=route.destination,
        fee_usd=fee if rng.random() < 0.85 else None,
        facilitators=facilitators,
    )


def _figures(incident: Incident) -> str:
    split = ", ".join(f"{country} {count}" for country, count in incident.nationalities)
    text = f"{incident.migrants} persons on board ({split}), including {incident.minors} minors"
    if incident.deaths or incident.missing:
        text += f"; {incident.deaths} dead and {incident.missing} missing"
    if incident.fee_usd:
        text += f". Passengers state they paid about USD {incident.fee_usd:,} each"
    return text + "."


def vessel_event(
    sheet: FactSheet,
    case: CaseIndex,
    rng: random.Random,
    *,
    kind: str,
    report_key: str,
    incident_key: str,
    when: datetime,
    trap_imo: bool = False,
) -> Draft:
    """A boarding, interception, rescue or capsizing at sea, with its incident."""
    route = case.route(rng)
    vessel = case.freighter(rng) if trap_imo else case.vessel_for(route, rng)
    location = place(rng.choice(route.sea_points))
    where_text = where(location)
    trap = None
    imo_override = None
    if trap_imo and vessel.imo:
        imo_override = bad_imo_number(vessel.imo)
        trap = DataQualityTrap(
            report_key,
            vessel.key,
            "imoNumber",
            imo_override,
            "imo_check_digit",
            f"check digit of {imo_override} is wrong; the vessel is {vessel.imo}",
        )
    full = kind in {"boarding", "rescue"}
    mention_vessel(sheet, vessel, rng, full=full, imo_override=imo_override)
    captain = case.pick("captain", route.crew_nationalities, rng)
    style = "document" if full else "spoken"
    _, captain_name = mention_person(sheet, captain, rng, style=style)
    crew_names = []
    for member in case.sample(
        "crew", route.crew_nationalities, rng, rng.randint(1, 4) if full else 0
    ):
        crew_names.append(mention_person(sheet, member, rng, style=style)[1])
    passengers = []
    for migrant in case.sample(
        "migrant", route.migrant_nationalities, rng, rng.randint(1, 3) if full else 0
    ):
        passengers.append(mention_person(sheet, migrant, rng, style=style, details=False)[1])
    owner_name = _registered_owner(sheet, case, vessel, rng) if full else None
    incident_kind = {
        "boarding": "intercepted",
        "patrol": "detected",
        "rescue": "rescued",
        "capsizing": "capsized",
    }[kind]
    incident = _incident(
        incident_key,
        report_key,
        incident_kind,
        when,
        location,
        vessel.key,
        route,
        rng,
        (captain.key,),
    )
    figures = _figures(incident)
    if kind == "boarding":
        title = f"Boarding of {vessel.name} {where_text}"
        text = (
            f"At {when:%H%M} on {when:%d %b %Y} the boarding team boarded the "
            f"{vessel.vessel_type} {vessel.name} ({vessel.flag} flag) {where_text} on the "
            f"route {route.name}. Master: {captain_name}. Crew: "
            f"{', '.join(crew_names) or 'not listed'}. {figures} Named passengers: "
            f"{', '.join(passengers) or 'none'}. Passports of the crew were scanned; the "
            f"vessel was escorted to Sihanoukville."
        )
        if owner_name:
            text += f" The registration papers name {owner_name} as registered owner."
    elif kind == "patrol":
        title = f"Patrol sighting of {vessel.name}"
        text = (
            f"Patrol observed {vessel.name} {where_text} heading for {route.destination}, "
            f"low in the water and with tarpaulins over the hold. Skipper believed to be "
            f"{captain_name}. Estimated {figures}"
        )
    elif kind == "rescue":
        title = f"Rescue of persons from {vessel.name}"
        text = (
            f"Distress relayed by a fishing boat; patrol reached {vessel.name} {where_text}. "
            f"Engine failure, no water for three days. {figures} Master {captain_name} and "
            f"crew ({', '.join(crew_names) or 'not listed'}) detained."
        )
        if owner_name:
            text += f" The boat's papers name {owner_name} as its registered owner."
    else:
        title = f"Capsizing of {vessel.name} {where_text}"
        text = (
            f"The {vessel.vessel_type} {vessel.name} capsized in heavy swell {where_text} "
            f"during the night of {when:%d %b %Y}. Survivors were picked up by fishermen. "
            f"{figures} Survivors name the skipper as {captain_name}."
        )
    source = "src-boarding" if kind in {"boarding", "rescue"} else "src-patrol"
    return Draft(
        kind, title, text, source, "demo-officer", location, "interception", incident, trap
    )


def _registered_owner(
    sheet: FactSheet, case: CaseIndex, vessel: Vessel, rng: random.Random
) -> str | None:
    """The owner a boarding reads from the vessel's papers, stated with the ownership.

    Only a person registered as owner (the boat owners of the network) is
    named: a company's beneficial ownership is not on the papers. The name is
    copied from the document, which draws nothing from ``rng``, so the rest
    of the scenario stays as it was.
    """
    for relation in case.owners_of(vessel.key):
        if relation.schema == "Ownership" and case.is_person(relation.subject):
            owner = case.person(relation.subject)
            key, name = mention_person(sheet, owner, rng, style="document", details=False)
            state_relation(sheet, relation, key, vessel.key)
            return name
    return None


def informant_contact(
    sheet: FactSheet,
    case: CaseIndex,
    rng: random.Random,
    *,
    report_key: str,
    incident_key: str,
    when: datetime,
    trap_typo: bool = False,
) -> Draft:
    """An informant reports a planned or past departure, its organisers and the fee."""
    route = case.route(rng)
    source_key = rng.choice(("src-kingfisher", "src-heron", "src-mangrove", "src-monsoon"))
    recruiter = case.pick("recruiter", route.migrant_nationalities, rng)
    broker = case.pick("broker", ("TH", "MY", "KH"), rng)
    override = None
    trap = None
    if trap_typo:
        override = with_typo(recruiter.name.canonical, rng)
        trap = DataQualityTrap(
            report_key,
            "m1",
            "name",
            override,
            "name_typo",
            f"{override!r} is a typo of {recruiter.name.canonical!r}",
        )
    recruiter_key, recruiter_name = mention_person(
        sheet, recruiter, rng, style="native", name_override=override
    )
    broker_key, broker_name = mention_person(sheet, broker, rng, style="spoken")
    relation = case.relation_between(recruiter.key, broker.key)
    if relation is not None:
        state_relation(sheet, relation, recruiter_key, broker_key)
    vessel = case.vessel_for(route, rng)
    mention_vessel(sheet, vessel, rng)
    departure = PORTS[route.departure]
    incident = None
    if rng.random() < 0.45:
        incident = _incident(
            incident_key,
            report_key,
            "detected",
            when,
            departure,
            vessel.key,
            route,
            rng,
            (recruiter.key, broker.key),
        )
    fee = rng.randrange(route.fee_usd[0], route.fee_usd[1] + 1, 50)
    text = (
        f"Source reports that {recruiter_name} is gathering a group at {route.departure} for "
        f"the crossing to {route.destination} on the boat {vessel.name}. Payments of about "
        f"USD {fee:,} per person go to {broker_name}"
        + (f", phone {broker.phones[0]}" if broker.phones else "")
        + ". Source heard this directly from a relative of one of the passengers."
    )
    if incident is not None:
        text += f" The boat left {route.departure} on {when:%d %b}: {_figures(incident)}"
    title = f"Departure from {route.departure} organised by {recruiter_name}"
    return Draft(
        "informant",
        title,
        text,
        source_key,
        "demo-handler",
        departure,
        "informant_contact",
        incident,
        trap,
    )


def network_assessment(sheet: FactSheet, case: CaseIndex, rng: random.Random) -> Draft:
    """An analyst's assessment of who works with whom, stated as FtM relations."""
    organization = rng.choice(case.cast.organizations)
    members = case.members_of(organization.key)[:4] or [case.pick("broker", ("TH",), rng)]
    sheet.add(organization.key, "Organization", "name", organization.name)
    sheet.add(organization.key, "Organization", "country", organization.country.lower())
    names = []
    for person in members:
        key, name = mention_person(sheet, person, rng, style="spoken")
        names.append(name)
        membership = case.relation("Membership", person.key, organization.key)
        if membership is not None:
            state_relation(sheet, membership, key, organization.key)
        for relation in case.relations_of(person.key)[:2]:
            if relation.schema in {"Associate", "Family"}:
                other = case.person(relation.target)
                other_key, _ = mention_person(sheet, other, rng, style="spoken")
                state_relation(sheet, relation, key, other_key)
    for vessel in case.vessels_of(organization.key)[:2]:
        mention_vessel(sheet, vessel, rng)
        ownership = case.relation("Ownership", organization.key, vessel.key)
        if ownership is not None:
            state_relation(sheet, ownership, organization.key, vessel.key)
    text = (
        f"Assessment of {organization.name} ({organization.kind}, {organization.country}). "
        f"Members identified across reporting: {', '.join(names)}. Vessels linked through "
        f"ownership are listed below. Collation of the names is still in progress."
    )
    return Draft(
        "assessment",
        f"Network assessment: {organization.name}",
        text,
        "src-patrol",
        "demo-analyst",
        PORTS["Sihanoukville"],
        "network_assessment",
    )

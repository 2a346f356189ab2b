"""What an accepted suggestion states: the facts of its report it becomes.

Each suggestion becomes the facts of one new entity of its report (key
``suggestion:<id>``), or two for a machine-readable zone (the passport and
its holder). An edited suggestion states the value the person typed instead
of the extracted one; cleaning and checking happen where every fact is
cleaned (``services.intake.fact_statements``), so an edited value that does
not check is kept with its reason like any other.

=============  ==========================================================
kind           facts
=============  ==========================================================
phone          LegalEntity.phone
imo            Vessel.imoNumber
mmsi           Vessel.mmsi
call_sign      Vessel.callSign
vessel_name    Vessel.name
passport       Passport.number
mrz            Passport.number, .country, .holder; Person.name, .firstName,
               .lastName, .nationality, .passportNumber
coordinates    Address.latitude, .longitude, .full (the text as written)
date           Event.date, .name (the text as written)
place          Address.full, .country, .latitude, .longitude
person_name    Person.name
=============  ==========================================================
"""

from __future__ import annotations

from portintel.domain.extraction.suggestion import Kind, Suggestion
from portintel.domain.reports import FactDraft
from portintel.errors import InvalidInput

KEY_PREFIX = "suggestion:"

_SINGLE: dict[Kind, tuple[str, str]] = {
    Kind.PHONE: ("LegalEntity", "phone"),
    Kind.IMO: ("Vessel", "imoNumber"),
    Kind.MMSI: ("Vessel", "mmsi"),
    Kind.CALL_SIGN: ("Vessel", "callSign"),
    Kind.VESSEL_NAME: ("Vessel", "name"),
    Kind.PASSPORT: ("Passport", "number"),
    Kind.PERSON_NAME: ("Person", "name"),
}


def _coordinates(value: str) -> tuple[str, str]:
    latitude, comma, longitude = value.partition(",")
    try:
        if not comma:
            raise ValueError(value)
        lat, lon = float(latitude), float(longitude)
    except ValueError as exc:
        raise InvalidInput(
            f"{value!r} is not a position", field="value", hint="write it as 10.62833,103.50333"
        ) from exc
    return f"{lat:.5f}", f"{lon:.5f}"


def suggestion_facts(suggestion: Suggestion, value: str | None = None) -> tuple[FactDraft, ...]:
    """The facts ``suggestion`` states, with ``value`` (an edit) in place of its own."""
    stated = " ".join((value if value is not None else suggestion.value).split())
    if not stated:
        raise InvalidInput("an accepted suggestion needs a value", field="value")
    key = KEY_PREFIX + suggestion.id
    detail = suggestion.detail
    single = _SINGLE.get(suggestion.kind)
    if single is not None:
        return (FactDraft(key, single[0], single[1], stated),)
    if suggestion.kind is Kind.COORDINATES:
        lat, lon = _coordinates(stated)
        return (
            FactDraft(key, "Address", "latitude", lat),
            FactDraft(key, "Address", "longitude", lon),
            FactDraft(key, "Address", "full", " ".join(suggestion.raw.split())),
        )
    if suggestion.kind is Kind.DATE:
        return (
            FactDraft(key, "Event", "date", stated),
            FactDraft(key, "Event", "name", " ".join(suggestion.raw.split())),
        )
    if suggestion.kind is Kind.PLACE:
        facts = [FactDraft(key, "Address", "full", stated)]
        if value is None:
            facts += [
                FactDraft(key, "Address", name, detail[field])
                for name, field in (
                    ("country", "country"),
                    ("latitude", "lat"),
                    ("longitude", "lon"),
                )
                if detail.get(field)
            ]
        return tuple(facts)
    if suggestion.kind is Kind.MRZ:
        return _zone_facts(key, stated, detail)
    raise InvalidInput(f"suggestions of kind {suggestion.kind} cannot be accepted", field="kind")


def _zone_facts(key: str, number: str, detail: dict[str, str]) -> tuple[FactDraft, ...]:
    holder = key + ":holder"
    facts = [
        FactDraft(key, "Passport", "number", number),
        FactDraft(key, "Passport", "holder", holder),
        FactDraft(holder, "Person", "passportNumber", number),
    ]
    given, surname = detail.get("given_names", ""), detail.get("surname", "")
    if given or surname:
        facts.append(FactDraft(holder, "Person", "name", " ".join(filter(None, (given, surname)))))
    if given:
        facts.append(FactDraft(holder, "Person", "firstName", given))
    if surname:
        facts.append(FactDraft(holder, "Person", "lastName", surname))
    if detail.get("nationality"):
        facts.append(FactDraft(holder, "Person", "nationality", detail["nationality"]))
    if detail.get("issuing_state"):
        facts.append(FactDraft(key, "Passport", "country", detail["issuing_state"]))
    return tuple(facts)


def stated_pairs(suggestion: Suggestion) -> tuple[tuple[str, str], ...]:
    """(property, value) pairs that, stated by the report already, make this suggestion moot."""
    single = _SINGLE.get(suggestion.kind)
    if single is not None:
        return ((single[1], suggestion.value),)
    if suggestion.kind is Kind.MRZ:
        return (("number", suggestion.value),)
    if suggestion.kind is Kind.COORDINATES:
        lat, lon = _coordinates(suggestion.value)
        return (("latitude", lat), ("longitude", lon))
    return ()

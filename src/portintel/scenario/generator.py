"""Build the scenario: the cast from the seed, then reports one by one.

Every report draws from its own ``random.Random(seed, index)``, so report
``n`` is the same whether it is built alone, in a batch of the scale path or
as part of the whole scenario, and batches can be generated lazily: the
1-million-statement path never holds more than one batch of reports.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from portintel.scenario.cast import build_cast
from portintel.scenario.cast_index import CaseIndex
from portintel.scenario.external import (
    ais_observation,
    immigration_check,
    open_source,
    partner_exchange,
    public_tip,
)
from portintel.scenario.facts import FactSheet
from portintel.scenario.model import Cast, Report, Scenario
from portintel.scenario.narratives import (
    Draft,
    informant_contact,
    network_assessment,
    vessel_event,
)
from portintel.scenario.sources import AGENCIES, SOURCES, USERS

PERIOD_START = datetime(2025, 9, 1, tzinfo=UTC)
PERIOD_DAYS = 180

KIND_WEIGHTS = (
    ("boarding", 16),
    ("patrol", 12),
    ("rescue", 4),
    ("capsizing", 1),
    ("informant", 20),
    ("assessment", 4),
    ("partner", 9),
    ("open_source", 6),
    ("tip", 7),
    ("ais", 6),
    ("immigration", 9),
)
KIND_NAMES = tuple(name for name, _ in KIND_WEIGHTS)
KIND_WEIGHT_VALUES = tuple(weight for _, weight in KIND_WEIGHTS)
# planted in every block of this many reports, at fixed positions
TRAP_BLOCK = 500
TRAP_IMO, TRAP_PHONE, TRAP_TYPO, FORCED_CAPSIZING = 3, 7, 11, 21

SOURCE_RELIABILITY = {source.key: source.reliability for source in SOURCES}
SOURCE_SCHEME = {source.key: source.grading_scheme for source in SOURCES}
CREDIBILITY = {
    "boarding": ("2", "2", "1"),
    "patrol": ("2", "2", "3"),
    "rescue": ("1", "2"),
    "capsizing": ("2", "3"),
    "informant": ("2", "3", "3", "2", "4"),
    "assessment": ("2", "3"),
    "open_source": ("3", "3", "4"),
    "tip": ("6", "6", "5"),
    "ais": ("2", "2", "3"),
    "immigration": ("2", "2", "1"),
}
PARTNER_GRADES = {
    "europol": (("A", "B"), ("2", "3")),
    "uk-3x5x2": (("1", "2"), ("B", "C")),
    "admiralty": (("B", "C"), ("2", "3")),
}
SOURCE_CONDITIONS = (
    "Source-sensitive: no dissemination beyond the PIU without the source handler's consent."
)
PARTNER_CONDITIONS = "Not for use in judicial proceedings without the originator's permission."
STATUSES = (
    ("draft", 8),
    ("submitted", 17),
    ("evaluated", 50),
    ("disseminated", 15),
    ("archived", 10),
)
STATUS_NAMES = tuple(name for name, _ in STATUSES)
STATUS_WEIGHTS = tuple(weight for _, weight in STATUSES)


def report_key(seed: int, index: int) -> str:
    return f"R-D{seed}-{index + 1:06d}"


def _kind(index: int, rng: random.Random) -> str:
    position = index % TRAP_BLOCK
    if position == TRAP_IMO:
        return "boarding"
    if position == TRAP_PHONE:
        return "tip"
    if position == TRAP_TYPO:
        return "informant"
    if position == FORCED_CAPSIZING:
        return "capsizing"
    return rng.choices(KIND_NAMES, KIND_WEIGHT_VALUES)[0]


def _draft(
    kind: str,
    sheet: FactSheet,
    case: CaseIndex,
    rng: random.Random,
    *,
    key: str,
    index: int,
    when: datetime,
) -> Draft:
    position = index % TRAP_BLOCK
    incident_key = key.replace("R-", "INC-", 1)
    if kind in {"boarding", "patrol", "rescue", "capsizing"}:
        return vessel_event(
            sheet,
            case,
            rng,
            kind=kind,
            report_key=key,
            incident_key=incident_key,
            when=when,
            trap_imo=position == TRAP_IMO,
        )
    if kind == "informant":
        return informant_contact(
            sheet,
            case,
            rng,
            report_key=key,
            incident_key=incident_key,
            when=when,
            trap_typo=position == TRAP_TYPO,
        )
    if kind == "assessment":
        return network_assessment(sheet, case, rng)
    if kind == "partner":
        return partner_exchange(sheet, case, rng)
    if kind == "open_source":
        return open_source(sheet, case, rng)
    if kind == "tip":
        return public_tip(sheet, case, rng, report_key=key, trap_phone=position == TRAP_PHONE)
    if kind == "ais":
        return ais_observation(sheet, case, rng, when)
    return immigration_check(sheet, case, rng)


def _grading(draft: Draft, rng: random.Random) -> tuple[str, str, str]:
    scheme = SOURCE_SCHEME[draft.source_key]
    if draft.kind == "partner":
        reliabilities, credibilities = PARTNER_GRADES[scheme]
        return scheme, rng.choice(reliabilities), rng.choice(credibilities)
    reliability = SOURCE_RELIABILITY[draft.source_key]
    if draft.kind == "informant" and rng.random() < 0.15:
        reliability = rng.choice(("B", "C"))  # the handler's override for this contact
    if draft.kind == "boarding" and rng.random() < 0.35:
        return scheme, "A", "1"  # seen and documented by the boarding team itself
    return scheme, reliability, rng.choice(CREDIBILITY[draft.kind])


def _handling(draft: Draft, rng: random.Random) -> tuple[str, str | None]:
    if draft.source_key == "src-europol":
        return rng.choice(("europol:H1", "europol:H2", "europol:H0")), None
    if draft.source_key == "src-uk-liaison":
        return "uk-3x5x2:C", PARTNER_CONDITIONS
    if draft.source_key == "src-piu-ranong":
        return rng.choice(("tlp:AMBER", "tlp:GREEN", "uk-3x5x2:P")), None
    if draft.kind == "informant" and rng.random() < 0.35:
        return "uk-3x5x2:C", SOURCE_CONDITIONS
    return "uk-3x5x2:P", None


def _status(kind: str, age_days: float, rng: random.Random) -> str:
    if age_days < 7:
        return rng.choice(("draft", "submitted"))
    status = rng.choices(STATUS_NAMES, STATUS_WEIGHTS)[0]
    if kind == "tip" and status == "disseminated":
        return "evaluated"
    return status


def compose_report(seed: int, index: int, total: int, case: CaseIndex) -> Report:
    """Report ``index`` of ``total``: the same for the same seed, whatever else is built."""
    rng = random.Random(seed * 1_000_003 + index)
    key = report_key(seed, index)
    span = timedelta(days=PERIOD_DAYS)
    when = PERIOD_START + span * (index / max(total, 1)) + timedelta(minutes=rng.randint(0, 600))
    kind = _kind(index, rng)
    sheet = FactSheet()
    draft = _draft(kind, sheet, case, rng, key=key, index=index, when=when)
    delay = timedelta(hours=rng.randint(2, 20 if draft.kind != "partner" else 200))
    reported = when + delay
    scheme, reliability, credibility = _grading(draft, rng)
    handling, conditions = _handling(draft, rng)
    age_days = (PERIOD_START + span - reported).total_seconds() / 86400
    origin = {
        "src-piu-ranong": "piu-ranong",
        "src-europol": "europol",
        "src-uk-liaison": "uk-liaison-bangkok",
    }.get(draft.source_key)
    return Report(
        key=key,
        kind=draft.kind,
        title=draft.title[:300],
        text=draft.text,
        author=draft.author,
        source_key=draft.source_key,
        occurred_at=when,
        reported_at=reported,
        place=draft.place,
        grading_scheme=scheme,
        reliability=reliability,
        credibility=credibility,
        handling=handling,
        handling_conditions=conditions,
        status=_status(draft.kind, age_days, rng),
        category=draft.category,
        origin_node=origin,
        facts=tuple(sheet.facts),
        mentions=tuple(sheet.mentions),
        incident=draft.incident,
        traps=(draft.trap,) if draft.trap is not None else (),
    )


def scenario_cast(seed: int, reports: int) -> Cast:
    """The cast of the scenario of ``reports`` reports built from ``seed``."""
    return build_cast(random.Random(seed), reports)


def iter_report_batches(
    seed: int = 7, reports: int = 240, *, batch_size: int = 500, cast: Cast | None = None
) -> Iterator[tuple[Report, ...]]:
    """Reports in batches, built lazily: memory stays flat however many are asked for."""
    if reports < 0:
        raise ValueError(f"reports must be zero or more, not {reports}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    case = CaseIndex(cast if cast is not None else scenario_cast(seed, reports))
    for start in range(0, reports, batch_size):
        stop = min(start + batch_size, reports)
        yield tuple(compose_report(seed, index, reports, case) for index in range(start, stop))


def build_scenario(seed: int = 7, reports: int = 240) -> Scenario:
    """The whole training case: agencies, demo users, sources, cast, reports, incidents."""
    cast = scenario_cast(seed, reports)
    built = tuple(
        report for batch in iter_report_batches(seed, reports, cast=cast) for report in batch
    )
    return Scenario(
        seed=seed,
        agencies=AGENCIES,
        users=USERS,
        sources=SOURCES,
        cast=cast,
        reports=built,
        incidents=tuple(r.incident for r in built if r.incident is not None),
    )

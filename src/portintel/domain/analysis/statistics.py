"""Non-nominal smuggling statistics: counts over incidents, by period and by one dimension.

The categories follow the Bali Process voluntary reporting system on migrant
smuggling and related conduct (VRS), as far as an incident records them:

============================  =====================================================
VRS category                  counted from the incident's
============================  =====================================================
flows and directions          departure -> destination (:attr:`Dimension.FLOW`)
routes                        route (:attr:`Dimension.ROUTE`)
fees                          fee per person in USD: median, lowest, highest
means and methods             vessel type, when the reader may read it
                              (:attr:`Dimension.VESSEL_TYPE`), and how the
                              event ended: detected, intercepted, rescued,
                              capsized (:attr:`Dimension.KIND`)
profiles of migrants          nationality (:attr:`Dimension.NATIONALITY`); age
                              group: minors and adults
deaths and minors             deaths, missing, minors
============================  =====================================================

Sex and the profiles of smugglers are VRS categories the incident register
does not record; :data:`NOT_RECORDED` names them so the page says so rather
than showing empty columns.

Everything here is pure: :mod:`portintel.services.analysis.statistics` reads
the incidents the reader may read and hands them in. No row names a person,
a vessel or a place: a row is a period, a group label and counts.

**Small cells.** Statistics that leave the unit (exports marked for
sharing, STIX notes to partners) pass through :func:`suppress`: a count
from 1 to ``threshold - 1`` is withheld (shown as "<threshold"), because a
cell of one or two incidents on a route in a month can point at the people
on one boat. Zero stays zero. Totals are computed before suppression and are
themselves suppressed when small. This is primary suppression only: a
reader with the totals and all but one cell of a row could work the missing
cell out, so shared tables carry no row totals beside suppressed cells (the
row is the unit of a table here; a total row is not sent).
"""

from __future__ import annotations

import statistics as math_statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from followthemoney.types import registry


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"
    """One period: the whole time asked for (the overview tables)."""


class Dimension(StrEnum):
    """What a table breaks the counts down by, beside the period."""

    NONE = "none"
    ROUTE = "route"
    FLOW = "flow"
    NATIONALITY = "nationality"
    KIND = "kind"
    VESSEL_TYPE = "vessel_type"


DIMENSION_LABELS = {
    Dimension.NONE: "All incidents",
    Dimension.ROUTE: "Route",
    Dimension.FLOW: "Flow (departure to destination)",
    Dimension.NATIONALITY: "Nationality of migrants",
    Dimension.KIND: "How it ended",
    Dimension.VESSEL_TYPE: "Means of transport (vessel type)",
}

KIND_LABELS = {
    "detected": "Detected",
    "intercepted": "Intercepted",
    "rescued": "Rescued at sea",
    "capsized": "Capsized",
}

NOT_RECORDED = (
    "sex of migrants",
    "age groups other than minors and adults",
    "profiles of smugglers",
)
"""VRS categories the incident register does not record (the page says so)."""

UNKNOWN = "Not recorded"


@dataclass(frozen=True, slots=True)
class IncidentFigures:
    """The non-nominal figures of one incident the reader may read."""

    id: str
    occurred_at: datetime
    kind: str
    migrants: int
    minors: int = 0
    deaths: int = 0
    missing: int = 0
    nationalities: tuple[tuple[str, int], ...] = ()
    """(country code, migrants of that nationality)."""
    route: str | None = None
    departure: str | None = None
    destination: str | None = None
    fee_usd: int | None = None
    vessel_type: str | None = None
    report_id: str | None = None
    """The report that records it: a product's source annex cites it; never counted."""


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    """One period and group: counts (``None`` when withheld as a small cell)."""

    period: str
    group: str
    incidents: int | None
    migrants: int | None
    minors: int | None
    adults: int | None
    deaths: int | None
    missing: int | None
    fee_median: int | None = None
    fee_lowest: int | None = None
    fee_highest: int | None = None
    fees_known: int = 0
    withheld: tuple[str, ...] = ()
    """The columns withheld as small cells ("fee" for the three fee columns)."""

    @property
    def suppressed(self) -> bool:
        return bool(self.withheld)


COUNTS = ("incidents", "migrants", "minors", "adults", "deaths", "missing")
"""The columns :func:`suppress` withholds when small."""


@dataclass(frozen=True, slots=True)
class StatisticsTable:
    period: Period
    dimension: Dimension
    rows: tuple[StatisticsRow, ...]
    total: StatisticsRow
    incidents_counted: int
    suppressed_below: int | None = None
    """The small-cell threshold applied, or None when the table is not suppressed."""

    @property
    def periods(self) -> list[str]:
        return sorted({row.period for row in self.rows})

    @property
    def groups(self) -> list[str]:
        return sorted({row.group for row in self.rows})


def period_of(moment: datetime, period: Period) -> str:
    """``2025-03``, ``2025-Q1``, ``2025`` or ``all``."""
    if period is Period.MONTH:
        return f"{moment:%Y-%m}"
    if period is Period.QUARTER:
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    if period is Period.YEAR:
        return f"{moment.year}"
    return "all"


OVERVIEW = (
    Dimension.ROUTE,
    Dimension.FLOW,
    Dimension.KIND,
    Dimension.VESSEL_TYPE,
    Dimension.NATIONALITY,
)
"""The VRS categories the overview shows, each as one table over the whole period."""


def country_label(code: str) -> str:
    return str(registry.country.caption(code.lower()) or code)


def _groups(incident: IncidentFigures, dimension: Dimension) -> list[tuple[str, int | None]]:
    """The groups an incident falls in, with the migrants it brings to each (None: all)."""
    if dimension is Dimension.NONE:
        return [("All incidents", None)]
    if dimension is Dimension.ROUTE:
        return [(incident.route or UNKNOWN, None)]
    if dimension is Dimension.FLOW:
        if incident.departure or incident.destination:
            flow = f"{incident.departure or UNKNOWN} to {incident.destination or UNKNOWN}"
            return [(flow, None)]
        return [(UNKNOWN, None)]
    if dimension is Dimension.KIND:
        return [(KIND_LABELS.get(incident.kind, incident.kind.capitalize()), None)]
    if dimension is Dimension.VESSEL_TYPE:
        return [(incident.vessel_type.capitalize() if incident.vessel_type else UNKNOWN, None)]
    if not incident.nationalities:
        return [(UNKNOWN, None)]
    return [(country_label(code), count) for code, count in incident.nationalities if count > 0]


def _row(
    period: str, group: str, members: Sequence[tuple[IncidentFigures, int | None]]
) -> StatisticsRow:
    whole = all(share is None for _, share in members)
    migrants = sum(i.migrants if share is None else share for i, share in members)
    fees = sorted(i.fee_usd for i, _ in members if i.fee_usd is not None)
    minors = sum(i.minors for i, _ in members) if whole else None
    return StatisticsRow(
        period=period,
        group=group,
        incidents=len({i.id for i, _ in members}),
        migrants=migrants,
        # a nationality's share of minors, deaths and missing is not recorded
        minors=minors,
        adults=migrants - minors if minors is not None else None,
        deaths=sum(i.deaths for i, _ in members) if whole else None,
        missing=sum(i.missing for i, _ in members) if whole else None,
        fee_median=round(math_statistics.median(fees)) if fees else None,
        fee_lowest=fees[0] if fees else None,
        fee_highest=fees[-1] if fees else None,
        fees_known=len(fees),
    )


def aggregate(
    incidents: Iterable[IncidentFigures], period: Period, dimension: Dimension
) -> StatisticsTable:
    """Counts by period and group; every incident counted once per group it falls in."""
    chosen = list(incidents)
    cells: dict[tuple[str, str], list[tuple[IncidentFigures, int | None]]] = defaultdict(list)
    for incident in chosen:
        key = period_of(incident.occurred_at, period)
        for group, share in _groups(incident, dimension):
            cells[(key, group)].append((incident, share))
    rows = tuple(_row(p, g, members) for (p, g), members in sorted(cells.items()))
    total = _row("all", "All incidents", [(i, None) for i in chosen])
    return StatisticsTable(period, dimension, rows, total, len(chosen))


def _withheld(value: int | None, threshold: int) -> int | None:
    return None if value is not None and 0 < value < threshold else value


def _suppressed_row(row: StatisticsRow, threshold: int) -> StatisticsRow:
    counts = {name: _withheld(getattr(row, name), threshold) for name in COUNTS}
    hidden = [name for name in COUNTS if counts[name] is None and getattr(row, name) is not None]
    few_fees = 0 < row.fees_known < threshold  # a fee paid on one or two boats is theirs
    return replace(
        row,
        incidents=counts["incidents"],
        migrants=counts["migrants"],
        minors=counts["minors"],
        adults=counts["adults"],
        deaths=counts["deaths"],
        missing=counts["missing"],
        fee_median=None if few_fees else row.fee_median,
        fee_lowest=None if few_fees else row.fee_lowest,
        fee_highest=None if few_fees else row.fee_highest,
        fees_known=0 if few_fees else row.fees_known,
        withheld=(*hidden, "fee") if few_fees else tuple(hidden),
    )


def suppress(table: StatisticsTable, threshold: int) -> StatisticsTable:
    """The table with every count from 1 to ``threshold - 1`` withheld (see the module doc)."""
    if threshold < 2:
        return table
    return replace(
        table,
        rows=tuple(_suppressed_row(row, threshold) for row in table.rows),
        total=_suppressed_row(table.total, threshold),
        suppressed_below=threshold,
    )


def cell_text(row: StatisticsRow, column: str, table: StatisticsTable) -> str:
    """A cell as printed: the number, "<3" when withheld, "n/a" when not recorded."""
    value = getattr(row, column)
    if value is not None:
        return f"{value:,}" if column.startswith("fee") else str(value)
    key = "fee" if column.startswith("fee") else column
    if key in row.withheld and table.suppressed_below:
        return f"<{table.suppressed_below}"
    return "n/a"


__all__ = [
    "COUNTS",
    "DIMENSION_LABELS",
    "KIND_LABELS",
    "NOT_RECORDED",
    "OVERVIEW",
    "Dimension",
    "IncidentFigures",
    "Period",
    "StatisticsRow",
    "StatisticsTable",
    "aggregate",
    "cell_text",
    "country_label",
    "period_of",
    "suppress",
]

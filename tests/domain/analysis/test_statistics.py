"""Smuggling statistics: pure aggregation by period and dimension, and small-cell suppression."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.domain.analysis.statistics import (
    COUNTS,
    Dimension,
    IncidentFigures,
    Period,
    aggregate,
    cell_text,
    period_of,
    suppress,
)


def _incident(number: int, when: datetime, **changes: object) -> IncidentFigures:
    values: dict[str, object] = {
        "id": f"i{number}",
        "occurred_at": when,
        "kind": "intercepted",
        "migrants": 40,
        "minors": 6,
        "route": "Koh Kong - Trat",
        "departure": "Koh Kong",
        "destination": "Trat",
        "nationalities": (("KH", 30), ("MM", 10)),
        "fee_usd": 500,
    }
    values.update(changes)
    return IncidentFigures(**values)  # type: ignore[arg-type]


MARCH = datetime(2026, 3, 4, tzinfo=UTC)
MAY = datetime(2026, 5, 20, tzinfo=UTC)


def test_periods_are_months_quarters_and_years() -> None:
    assert period_of(MARCH, Period.MONTH) == "2026-03"
    assert period_of(MARCH, Period.QUARTER) == "2026-Q1"
    assert period_of(MAY, Period.QUARTER) == "2026-Q2"
    assert period_of(MAY, Period.YEAR) == "2026"


def test_counts_by_month_and_route() -> None:
    incidents = [
        _incident(1, MARCH),
        _incident(2, MARCH, route="Kawthaung - Ranong", migrants=12, minors=1, fee_usd=300),
        _incident(3, MAY, kind="capsized", deaths=4, missing=7, fee_usd=None),
    ]
    table = aggregate(incidents, Period.MONTH, Dimension.ROUTE)
    rows = {(row.period, row.group): row for row in table.rows}
    assert set(rows) == {
        ("2026-03", "Koh Kong - Trat"),
        ("2026-03", "Kawthaung - Ranong"),
        ("2026-05", "Koh Kong - Trat"),
    }
    may = rows[("2026-05", "Koh Kong - Trat")]
    assert (may.incidents, may.migrants, may.minors, may.adults) == (1, 40, 6, 34)
    assert (may.deaths, may.missing, may.fees_known, may.fee_median) == (4, 7, 0, None)
    assert table.total.incidents == 3 and table.total.migrants == 92
    assert table.total.fee_lowest == 300 and table.total.fee_highest == 500


def test_nationality_rows_count_that_nationality_only() -> None:
    table = aggregate([_incident(1, MARCH)], Period.YEAR, Dimension.NATIONALITY)
    rows = {row.group: row for row in table.rows}
    assert set(rows) == {"Cambodia", "Myanmar"}
    assert rows["Myanmar"].migrants == 10 and rows["Myanmar"].incidents == 1
    # minors and deaths are recorded per boat, not per nationality: not made up
    assert rows["Myanmar"].minors is None
    assert cell_text(rows["Myanmar"], "minors", table) == "n/a"


def test_flow_kind_and_vessel_type_labels() -> None:
    incidents = [_incident(1, MARCH, vessel_type="wooden fishing boat", kind="rescued")]
    assert aggregate(incidents, Period.YEAR, Dimension.FLOW).rows[0].group == "Koh Kong to Trat"
    assert aggregate(incidents, Period.YEAR, Dimension.KIND).rows[0].group == "Rescued at sea"
    vessel = aggregate(incidents, Period.YEAR, Dimension.VESSEL_TYPE).rows[0]
    assert vessel.group == "Wooden fishing boat"
    unknown = aggregate([_incident(2, MARCH)], Period.YEAR, Dimension.VESSEL_TYPE).rows[0]
    assert unknown.group == "Not recorded"


def test_small_cells_are_withheld_and_say_so() -> None:
    incidents = [_incident(1, MARCH, migrants=2, minors=0), _incident(2, MAY, migrants=30)]
    table = suppress(aggregate(incidents, Period.MONTH, Dimension.NONE), 3)
    march = table.rows[0]
    assert march.incidents is None and march.migrants is None and march.minors == 0
    assert march.suppressed and "incidents" in march.withheld
    assert cell_text(march, "incidents", table) == "<3"
    assert cell_text(march, "fee_median", table) == "<3"  # one boat's fee is that boat's
    assert cell_text(march, "minors", table) == "0"


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 400),
            st.integers(1, 12),
            st.sampled_from(["A", "B", "C"]),
            st.integers(0, 60),
        ),
        max_size=25,
    ),
    st.integers(2, 6),
)
def test_suppressed_tables_hold_no_small_count_and_keep_the_big_ones(
    draws: list[tuple[int, int, str, int]], threshold: int
) -> None:
    incidents = [
        _incident(n, datetime(2026, month, 1, tzinfo=UTC), route=route, migrants=migrants,
                  minors=min(migrants, 3))
        for n, (_, month, route, migrants) in enumerate(draws)
    ]  # fmt: skip
    plain = aggregate(incidents, Period.QUARTER, Dimension.ROUTE)
    shared = suppress(plain, threshold)
    assert sum(row.incidents or 0 for row in plain.rows) == len(incidents)
    for before, after in zip(plain.rows, shared.rows, strict=True):
        for name in COUNTS:
            value, kept = getattr(before, name), getattr(after, name)
            assert kept is None or not 0 < kept < threshold
            if value is not None and (value == 0 or value >= threshold):
                assert kept == value

"""Non-nominal statistics as a STIX 2.1 ``note``: counts, never a person, vessel or place.

A ``note`` is the standard object for added context; its ``content`` is the
table of counts by month and kind of incident (incidents, migrants, minors,
deaths, missing) in plain text any STIX tool shows, its ``abstract`` says what
it is, and it refers to the sending node's identity (a note must refer to
something, and the incidents counted may not be shared). No custom property
is used, so no extension definition is needed.

Small counts are withheld before they leave (:func:`withhold_small_counts`):
a count of 1 or 2 incidents, migrants, minors, deaths or missing in a month
and kind is sent as "<3", because a small count can point at the people on
one boat; the abstract says "fewer than 3" when the whole total is small.
"""

from __future__ import annotations

from dataclasses import replace

from portintel.domain.sharing.stix.identifiers import timestamp
from portintel.domain.sharing.stix.objects import ObjectFactory
from portintel.domain.sharing.stix.records import StatisticsRecord, StatisticsRow

Json = dict[str, object]

COLUMNS = ("month", "kind", "incidents", "migrants", "minors", "deaths", "missing")
COUNTS = COLUMNS[2:]
SMALL_COUNT_THRESHOLD = 3
"""Counts from 1 to 2 are withheld from statistics that leave the node."""


def _withheld(value: int | None, threshold: int) -> int | None:
    return None if value is not None and 0 < value < threshold else value


def withhold_small_counts(
    record: StatisticsRecord, threshold: int = SMALL_COUNT_THRESHOLD
) -> StatisticsRecord:
    """The record with every count from 1 to ``threshold - 1`` withheld (None)."""
    rows = tuple(
        StatisticsRow(
            month=row.month,
            kind=row.kind,
            incidents=_withheld(row.incidents, threshold),
            migrants=_withheld(row.migrants, threshold),
            minors=_withheld(row.minors, threshold),
            deaths=_withheld(row.deaths, threshold),
            missing=_withheld(row.missing, threshold),
        )
        for row in record.rows
    )
    total = sum(row.incidents or 0 for row in record.rows)
    return replace(record, rows=rows, withheld_below=threshold, incidents=total)


def _cell(value: int | None, record: StatisticsRecord) -> str:
    if value is None:
        return f"<{record.withheld_below}" if record.withheld_below else ""
    return str(value)


def statistics_text(record: StatisticsRecord) -> str:
    """The counts as a tab-separated table with a header line."""
    lines = ["\t".join(COLUMNS)]
    for row in record.rows:
        lines.append(
            "\t".join(
                [row.month, row.kind, *(_cell(getattr(row, name), record) for name in COUNTS)]
            )
        )
    return "\n".join(lines)


def statistics_note(factory: ObjectFactory, record: StatisticsRecord) -> Json:
    moment = timestamp(record.modified)
    total = (
        record.incidents
        if record.incidents is not None
        else sum(row.incidents or 0 for row in record.rows)
    )
    threshold = record.withheld_below
    counted = (
        f"fewer than {threshold} incidents" if threshold and total < threshold else
        f"{total} incidents"
    )  # fmt: skip
    months = sorted({row.month for row in record.rows})
    period = f"{months[0]} to {months[-1]}" if months else "no period"
    return {
        "type": "note",
        "spec_version": "2.1",
        "id": factory.id("note", f"statistics:{record.id}"),
        "created_by_ref": factory.node_identity,
        "created": moment,
        "modified": moment,
        "object_marking_refs": factory.markings.refs([record.handling]),
        "abstract": f"Non-nominal statistics: {counted}, {period}",
        "content": statistics_text(record),
        "object_refs": [factory.node_identity],
    }

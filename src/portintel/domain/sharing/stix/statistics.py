"""Non-nominal statistics as a STIX 2.1 ``note``: counts, never a person, vessel or place.

A ``note`` is the standard object for added context; its ``content`` is the
table of counts by month and kind of incident (incidents, migrants, minors,
deaths, missing) in plain text any STIX tool shows, its ``abstract`` says what
it is, and it refers to the sending node's identity (a note must refer to
something, and the incidents counted may not be shared). No custom property
is used, so no extension definition is needed.
"""

from __future__ import annotations

from portintel.domain.sharing.stix.identifiers import timestamp
from portintel.domain.sharing.stix.objects import ObjectFactory
from portintel.domain.sharing.stix.records import StatisticsRecord

Json = dict[str, object]

COLUMNS = ("month", "kind", "incidents", "migrants", "minors", "deaths", "missing")


def statistics_text(record: StatisticsRecord) -> str:
    """The counts as a tab-separated table with a header line."""
    lines = ["\t".join(COLUMNS)]
    for row in record.rows:
        lines.append(
            "\t".join(
                str(value)
                for value in (
                    row.month, row.kind, row.incidents, row.migrants, row.minors, row.deaths,
                    row.missing,
                )
            )
        )  # fmt: skip
    return "\n".join(lines)


def statistics_note(factory: ObjectFactory, record: StatisticsRecord) -> Json:
    moment = timestamp(record.modified)
    total = sum(row.incidents for row in record.rows)
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
        "abstract": f"Non-nominal statistics: {total} incidents, {period}",
        "content": statistics_text(record),
        "object_refs": [factory.node_identity],
    }

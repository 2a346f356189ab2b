"""FtM JSON: the second exchange format between portintel nodes.

STIX is for the wider world; between two portintel nodes the native shape is
followthemoney's, so nothing is squeezed through STIX types. A document is
plain JSON:

- ``entities``: FtM entity JSON (``id``, ``schema``, ``properties``), what
  Aleph, OpenSanctions and ``ftm`` tools read as they are;
- ``statements``: FtM statement JSON (``followthemoney.statement``) with
  ``dataset`` = the sending node and ``origin`` = the report, each with a
  ``portintel`` object for the grading and handling it overrides;
- ``reports``: the reports' text, grading and handling, keyed by id.

The reader returns the same :class:`ReceivedBundle` as the STIX reader, so
import does not care which format arrived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.statement import Statement

from portintel.domain.grading import Grading, GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix.confidence import grading_json, read_grading
from portintel.domain.sharing.stix.entity_types import override_handling
from portintel.domain.sharing.stix.identifiers import parse_timestamp, timestamp
from portintel.domain.sharing.stix.records import (
    Handling,
    ReceivedBundle,
    ReceivedReport,
    ReceivedStatement,
    Selection,
)
from portintel.errors import InvalidInput

FORMAT = "portintel-ftm/1"
Json = dict[str, object]


def ftm_document(selection: Selection, handling: HandlingVocabularies) -> Json:
    """The selection as an FtM JSON document (reports, entities, statements)."""
    entities: list[Json] = []
    statements: list[Json] = []
    for entity in selection.entities:
        properties: dict[str, list[str]] = {}
        for record in entity.statements:
            if record.valid:
                properties.setdefault(record.prop, []).append(record.value)
            statement: Json = dict(
                Statement(
                    entity_id=record.entity_id,
                    prop=record.prop,
                    schema=record.schema,
                    value=record.value,
                    dataset=selection.node,
                    lang=record.lang,
                    original_value=record.original_value,
                    first_seen=timestamp(record.first_seen),
                    last_seen=timestamp(record.last_seen),
                    origin=record.origin,
                ).to_dict()
            )
            extra: Json = {}
            if record.grading_scheme is not None:
                extra["grading"] = grading_json(
                    Grading(
                        record.grading_scheme, record.reliability or "", record.credibility or ""
                    )
                )
            if record.handling is not None:
                extra["handling"] = record.handling
            statement["portintel"] = extra
            statements.append(statement)
        proxy = model.get_proxy(
            {"id": entity.id, "schema": entity.schema, "properties": properties}, cleaned=False
        )
        entities.append(proxy.to_dict())
    reports: list[Json] = []
    for report in selection.reports:
        item: Json = {
            "id": report.id,
            "title": report.title,
            "text": report.text,
            "grading": grading_json(report.grading),
            "handling": {
                "code": str(report.handling.code),
                "conditions": report.handling.code.conditions,
                "tlp": report.handling.tlp or handling.default_tlp(report.handling.code),
            },
            "reported_at": timestamp(report.reported_at),
            "modified": timestamp(max(report.modified, report.reported_at)),
            "revoked": report.revoked,
        }
        reports.append(item)
    return {
        "format": FORMAT,
        "node": selection.node,
        "reports": reports,
        "entities": entities,
        "statements": statements,
    }


def read_ftm_document(
    document: object,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
    local_scheme: str,
) -> ReceivedBundle:
    """An FtM JSON document back to received data; InvalidInput names what is wrong."""
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise InvalidInput(f"not a {FORMAT} document", field="format")
    node = document.get("node")
    if not isinstance(node, str) or not node:
        raise InvalidInput("the document names no sending node", field="node")
    reports: dict[str, ReceivedReport] = {}
    for index, item in enumerate(_list(document, "reports")):
        where = f"reports[{index}]"
        report = _report(item, where, node, schemes, handling, local_scheme)
        reports[report.sender_id] = report
    for index, item in enumerate(_list(document, "entities")):
        try:
            model.get_proxy(dict(item))
        except (InvalidData, TypeError, ValueError) as exc:
            raise InvalidInput(f"entities[{index}]: {exc}", field="entities") from exc
    statements: list[ReceivedStatement] = []
    for index, item in enumerate(_list(document, "statements")):
        where = f"statements[{index}]"
        try:
            statement = Statement.from_dict(cast(Any, dict(item)))
        except (KeyError, TypeError, ValueError, InvalidData) as exc:
            raise InvalidInput(f"{where}: {exc}", field="statements") from exc
        extra = item.get("portintel")
        extra = extra if isinstance(extra, Mapping) else {}
        origin = statement.origin or ""
        origin_report = reports.get(origin)
        grading = (
            read_grading(extra["grading"], schemes, local_scheme, where)
            if "grading" in extra
            else (origin_report.grading if origin_report else None)
        )
        override = extra.get("handling")
        received_handling: Handling | None
        if isinstance(override, str):
            code = handling.resolve(override_handling(override).code)
            received_handling = Handling(code, handling.default_tlp(code))
        else:
            received_handling = origin_report.handling if origin_report else None
        statements.append(
            ReceivedStatement(
                entity_id=statement.entity_id,
                schema=statement.schema,
                prop=statement.prop,
                value=statement.value,
                dataset=node,
                origin=origin,
                first_seen=parse_timestamp(str(statement.first_seen)),
                last_seen=parse_timestamp(str(statement.last_seen)),
                lang=statement.lang,
                grading=grading,
                handling=received_handling,
            )
        )
    return ReceivedBundle(
        sender=node, reports=tuple(reports.values()), statements=tuple(statements)
    )


def _report(
    item: Mapping[str, object],
    where: str,
    node: str,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
    local_scheme: str,
) -> ReceivedReport:
    data = item.get("handling")
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{where}: no handling", field="handling")
    conditions = data.get("conditions")
    code = handling.parse(
        str(data.get("code")), conditions if isinstance(conditions, str) else None
    )
    tlp = str(data.get("tlp"))
    handling.parse(f"{handling.tlp_vocabulary}:{tlp}")
    try:
        reported = parse_timestamp(str(item.get("reported_at")))
        modified = parse_timestamp(str(item.get("modified")))
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}", field="reported_at") from exc
    return ReceivedReport(
        stix_id="",
        sender_id=str(item.get("id")),
        title=str(item.get("title")),
        text=str(item.get("text") or ""),
        grading=read_grading(item.get("grading"), schemes, local_scheme, where),
        handling=Handling(code, tlp),
        reported_at=reported,
        modified=modified,
        occurred_at=None,
        place=None,
        latitude=None,
        longitude=None,
        category=None,
        origin_node=node,
        revoked=item.get("revoked") is True,
        object_refs=(),
    )


def _list(document: Mapping[str, object], key: str) -> Sequence[Mapping[str, object]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidInput(f"{key} must be a list of objects", field=key)
    return value

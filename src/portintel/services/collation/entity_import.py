"""Import followthemoney entities (JSON lines) as statements of their own origin.

``portintel entity import FILE --dataset NAME``: every entity keeps the id it
has in the file (sameness with the node's own entities is a judgement, never
an id); each of its values becomes a statement whose origin is the file
(``import:<file name>``) and whose dataset is ``NAME`` (the node's own by
default). Statements from no report are read under need-to-know rule 5 (by
every intelligence role, restrictive ones by supervisors).

Values are cleaned by the property's type, or by portintel's identifier
checks (IMO, MMSI, passports, phones in the node's region). followthemoney
silently drops what it cannot clean; here such a value is kept raw with the
reason (``invalid_reason``). A line that is not an entity at all (broken
JSON, unknown schema) is rejected with its line number into the quarantine
table, and the rest goes in. Importing the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from followthemoney import model
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.adapters.files.import_readers import (
    FtmEntity,
    RowProblem,
    open_import_file,
    read_ftm_entities,
)
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor
from portintel.domain.identifiers import check_imo, check_mmsi, check_passport, check_phone
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.workspace import Workspace

Progress = Callable[[int, int], None]
ORIGIN_PREFIX = "import:"


@dataclass(frozen=True, slots=True)
class RejectedLine:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class EntityImport:
    """What an import did: entities and statements written, values kept invalid, lines refused."""

    filename: str
    origin: str
    dataset: str
    entities: int
    statements: int
    invalid_values: int
    rejected: tuple[RejectedLine, ...]


def clean_value(schema_name: str, prop_name: str, raw: str, region: str) -> tuple[str, str | None]:
    """(value to store, invalid reason or None) for one raw value of ``schema.prop``."""
    schema = model.get(schema_name)
    assert schema is not None  # checked by the caller
    prop = schema.properties[prop_name]
    check = None
    if prop_name == "imoNumber":
        check = check_imo(raw)
    elif prop_name == "mmsi":
        check = check_mmsi(raw)
    elif prop_name == "passportNumber" or (schema.is_a("Passport") and prop_name == "number"):
        check = check_passport(raw)
    elif prop.type.name == "phone":
        check = check_phone(raw, region)
    if check is not None:
        if check.valid and check.value:
            return check.value, None
        return raw, check.reason or f"not a valid {check.kind}"
    cleaned = prop.type.clean(raw)
    if cleaned is None:
        return raw, f"not a valid {prop.type.name}"
    return str(cleaned), None


def _entity_problem(entity: FtmEntity) -> str | None:
    schema = model.get(entity.schema)
    if schema is None:
        return f"unknown entity type {entity.schema!r}"
    if schema.abstract:
        return f"entity type {entity.schema!r} is abstract"
    if len(entity.entity_id) > 128:
        return "the entity id is longer than 128 characters"
    unknown = sorted(prop for prop in entity.properties if schema.get(prop) is None)
    if unknown:
        return f"{schema.name} has no property {', '.join(map(repr, unknown))}"
    return None


def _records(
    entity: FtmEntity, dataset: str, origin: str, region: str, now: datetime
) -> Iterator[StatementRecord]:
    schema = model.get(entity.schema)
    assert schema is not None
    for prop_name, values in entity.properties.items():
        prop = schema.properties[prop_name]
        for raw in values:
            text = raw.strip()
            if not text:
                continue
            value, reason = clean_value(schema.name, prop_name, text, region)
            yield StatementRecord(
                entity_id=entity.entity_id,
                schema=schema.name,
                prop=prop_name,
                prop_type=prop.type.name,
                value=value,
                dataset=dataset,
                origin=origin,
                first_seen=now,
                last_seen=now,
                original_value=text if text != value else None,
                invalid_reason=reason,
            )


def import_entities(
    ws: Workspace,
    actor: Actor,
    path: Path,
    *,
    dataset: str | None = None,
    progress: Progress | None = None,
) -> EntityImport:
    """Import the FtM entities of ``path``; a bad line never stops the others. Audited."""
    if not may_work_with_intelligence(actor) or actor.is_system:
        raise PermissionDenied("only officers, analysts, supervisors and source handlers import")
    dataset = (dataset or ws.settings.node_id).strip()
    if not dataset or len(dataset) > 100:
        raise InvalidInput("the dataset name must be 1 to 100 characters", field="dataset")
    file = open_import_file(path)
    if file.kind != "ftm":
        raise InvalidInput(
            f"{path.name}: entity import reads followthemoney JSON lines",
            field="file",
            hint="use .jsonl, .ndjson or .ftm; reports in CSV or Excel go to `report import`",
        )
    origin = (ORIGIN_PREFIX + path.name)[:128]
    now = ws.clock()
    items = list(read_ftm_entities(file))
    rejected: list[RejectedLine] = []
    raws: dict[int, str] = {}
    good: list[FtmEntity] = []
    for item in items:
        if isinstance(item, RowProblem):
            rejected.append(RejectedLine(item.line, item.reason))
            raws[item.line] = item.raw
            continue
        problem = _entity_problem(item)
        if problem is not None:
            rejected.append(RejectedLine(item.line, problem))
            raws[item.line] = item.raw
        else:
            good.append(item)
    region = ws.settings.country
    invalid = 0

    def records() -> Iterator[StatementRecord]:
        nonlocal invalid
        for done, entity in enumerate(good, start=1):
            for record in _records(entity, dataset, origin, region, now):
                invalid += record.invalid_reason is not None
                yield record
            if progress is not None and done % 500 == 0:
                progress(done, len(good))

    batch_id = "EB-" + hashlib.sha256(f"{file.sha256}:{dataset}".encode()).hexdigest()[:20]
    with transaction(ws) as connection:
        written = write_statements(connection, records())
        b = tables.import_batches.c
        if connection.execute(select(b.id).where(b.id == batch_id)).first() is None:
            connection.execute(
                insert(tables.import_batches).values(
                    id=batch_id,
                    kind="entities-ftm",
                    filename=path.name,
                    sha256=file.sha256,
                    actor_id=actor.user_id,
                    started_at=now,
                    finished_at=ws.clock(),
                    rows_total=len(items),
                    rows_imported=len(good),
                    rows_rejected=len(rejected),
                )
            )
        q = tables.quarantine.c
        for refused in rejected:
            present = connection.execute(
                select(q.id).where(
                    q.batch_id == batch_id, q.line == refused.line, q.reason == refused.reason
                )
            ).first()
            if present is None:
                connection.execute(
                    insert(tables.quarantine).values(
                        batch_id=batch_id,
                        kind="entities-ftm",
                        location=f"{path.name}:{refused.line}",
                        line=refused.line,
                        reason=refused.reason,
                        raw=raws[refused.line],
                        created_at=now,
                    )
                )
        audit.record(
            connection,
            actor,
            "entity.import",
            object_type="import_batch",
            object_id=batch_id,
            detail={
                "file": path.name,
                "sha256": file.sha256,
                "dataset": dataset,
                "entities": len(good),
                "statements": written,
                "rejected": len(rejected),
            },
            at=ws.clock(),
        )
    if progress is not None:
        progress(len(good), len(good))
    return EntityImport(
        filename=path.name,
        origin=origin,
        dataset=dataset,
        entities=len(good),
        statements=written,
        invalid_values=invalid,
        rejected=tuple(rejected),
    )

"""The demo's truth: which stored entity is which cast member, kept out of the store.

Entity ids are opaque (a report's persons get fresh ids when filed), so the
truth is found the way :func:`~portintel.services.training.demo._remember_entities`
finds vessels: the scenario is regenerated from its seed, and each entity a
report states (:func:`portintel.scenario.truth.stated_entities`) is the
stored entity of that report whose statements carry the most of its values.
It is written as ``demo-truth.json`` in the data directory when the demo is
built: a file for evaluation and for trainers, never statements that a user
of the node could read.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.errors import InvalidInput, NotFound
from portintel.scenario import iter_report_batches, scenario_cast
from portintel.scenario.truth import StatedEntity, stated_entities
from portintel.services.workspace import Workspace

TRUTH_FILE = "demo-truth.json"

_S = tables.statements.c


@dataclass(frozen=True, slots=True)
class DemoTruth:
    """Stored entity id -> the cast member it is, with its schema."""

    seed: int
    reports: int
    cast_of: Mapping[str, str]
    schema_of: Mapping[str, str]
    conflicts: int = 0
    """Entities that two reports' facts tie to two different cast members (kept with the first)."""

    def of_schema(self, schema: str) -> dict[str, str]:
        return {e: cast for e, cast in self.cast_of.items() if self.schema_of[e] == schema}

    def as_json(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "reports": self.reports,
            "conflicts": self.conflicts,
            "entities": {
                entity: {"cast": self.cast_of[entity], "schema": self.schema_of[entity]}
                for entity in sorted(self.cast_of)
            },
        }


def _match(
    stated: Iterable[StatedEntity], rows: Iterable[tuple[str, str, str, str | None]]
) -> dict[str, StatedEntity]:
    """entity id -> the stated entity it holds the values of, within one report."""
    holders: dict[tuple[str, str], set[str]] = {}
    for entity_id, prop, value, original in rows:
        holders.setdefault((prop, value), set()).add(entity_id)
        if original is not None:
            holders.setdefault((prop, original), set()).add(entity_id)
    ranked: list[tuple[int, int, str, StatedEntity]] = []
    for order, entity in enumerate(stated):
        votes: Counter[str] = Counter()
        for prop, value in entity.values:
            votes.update(holders.get((prop, value), ()))
        if not votes:
            continue
        best = max(votes.values())
        for entity_id, count in votes.items():
            if count == best:
                ranked.append((-count, order, entity_id, entity))
    ranked.sort(key=lambda item: (item[0], item[1], item[2]))
    found: dict[str, StatedEntity] = {}
    placed: set[str] = set()
    for _, _, entity_id, entity in ranked:
        if entity.key in placed or entity_id in found:
            continue  # namesakes of one report: each takes its own entity
        found[entity_id] = entity
        placed.add(entity.key)
    return found


def _stored_rows(
    ws: Workspace, origins: list[str]
) -> dict[str, list[tuple[str, str, str, str | None]]]:
    by_origin: dict[str, list[tuple[str, str, str, str | None]]] = {}
    with ws.engine.connect() as connection:
        for origin, entity_id, prop, value, original in connection.execute(
            select(_S.origin, _S.entity_id, _S.prop, _S.value, _S.original_value).where(
                _S.origin.in_(origins)
            )
        ):
            by_origin.setdefault(origin, []).append((entity_id, prop, value, original))
    return by_origin


def demo_truth(ws: Workspace, seed: int, reports: int) -> DemoTruth:
    """The truth of the demo of ``seed`` and ``reports`` built in ``ws``."""
    cast = scenario_cast(seed, reports)
    cast_of: dict[str, str] = {}
    schema_of: dict[str, str] = {}
    conflicts = 0
    for batch in iter_report_batches(seed, reports, batch_size=200, cast=cast):
        rows = _stored_rows(ws, [report.key for report in batch])
        for report in batch:
            for entity_id, entity in _match(
                stated_entities(report), rows.get(report.key, ())
            ).items():
                known = cast_of.setdefault(entity_id, entity.cast_key)
                schema_of.setdefault(entity_id, entity.schema)
                conflicts += known != entity.cast_key
    return DemoTruth(seed, reports, cast_of, schema_of, conflicts)


def stored_demo(ws: Workspace) -> tuple[int, int]:
    """``(seed, reports)`` of the demo stored in ``ws``; NotFound when it holds none."""
    columns = tables.reports.c
    with ws.engine.connect() as connection:
        first = connection.execute(
            select(columns.id).where(columns.id.like("R-D%")).order_by(columns.id).limit(1)
        ).scalar()
        count = connection.execute(select(func.count()).where(columns.id.like("R-D%"))).scalar_one()
    if first is None:
        raise NotFound(
            f"{ws.settings.data_dir} holds no demo",
            hint="build one first: portintel --data-dir DIR demo --no-serve",
        )
    return int(first.removeprefix("R-D").split("-", 1)[0]), count


def write_truth(path: Path, truth: DemoTruth) -> None:
    path.write_text(json.dumps(truth.as_json(), indent=1, sort_keys=True), encoding="utf-8")


def read_truth(path: Path) -> DemoTruth:
    """The truth file at ``path``; InvalidInput naming the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entities = data["entities"]
        return DemoTruth(
            seed=int(data["seed"]),
            reports=int(data["reports"]),
            cast_of={entity: str(value["cast"]) for entity, value in entities.items()},
            schema_of={entity: str(value["schema"]) for entity, value in entities.items()},
            conflicts=int(data.get("conflicts", 0)),
        )
    except FileNotFoundError as exc:
        raise NotFound(f"{path} does not exist", hint="build the demo first") from exc
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"{path} is not a demo truth file: {exc}", field="truth") from exc

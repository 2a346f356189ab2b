"""The entity summaries stay equal to a recomputation from the statements.

After any sequence of writes (new statements, the same ones again, sightings
widened), merges at intake (statements whose canonical id is another entity's)
and withdrawals (a partner's statements deleted, as receiving deletes them),
``entity_summaries``, ``entity_summary_captions`` and ``entity_bounds`` hold
exactly what this module recomputes in Python from the statements left: the
list reads them instead of the statements, so a row wrong here would be a
count or a caption wrong there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, insert, select, update

from portintel.adapters.database import entity_summaries, tables
from portintel.adapters.database.entity_summaries import caption_props
from portintel.domain.actors import Actor, Role
from portintel.domain.statements import StatementRecord
from portintel.services.events import transaction
from portintel.services.intake.statements import widen_statement_spans, write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import MARITIME, make_user

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ENTITIES = ("e-alpha", "e-bravo", "e-charlie")
ORIGINS = ("R-1", "R-2", "ais:receiver-1", "partner:north")
FACTS = (
    ("Vessel", "name", "name", ("SEA STAR", "Sea Star", "NORTH WIND")),
    ("Vessel", "imoNumber", "identifier", ("9074729", "9176187")),
    ("Person", "name", "name", ("Ana Lima", "ana lima", "Bo Chen")),
    ("Person", "passportNumber", "identifier", ("X123", "Y456")),
)


def _file_bare_report(connection: Connection, report_id: str, author: Actor) -> None:
    """A report row (the summaries only look at its id)."""
    connection.execute(
        insert(tables.reports).values(
            id=report_id,
            title="Seen at the pier",
            author_id=author.user_id,
            agency_id=author.agency_id,
            reported_at=T0,
            text="Seen at the pier.",
            grading_scheme="admiralty",
            reliability="B",
            credibility="2",
            reliability_overridden=False,
            handling="3x5x2 A",
            restrictive=False,
            status="submitted",
            created_at=T0,
            updated_at=T0,
        )
    )


@st.composite
def _records(draw: st.DrawFn) -> list[StatementRecord]:
    made = []
    for _ in range(draw(st.integers(1, 6))):
        schema, prop, prop_type, values = draw(st.sampled_from(FACTS))
        entity = draw(st.sampled_from(ENTITIES))
        merged_into = draw(st.sampled_from((None, None, *ENTITIES)))
        seen = T0 + timedelta(hours=draw(st.integers(-48, 48)))
        made.append(
            StatementRecord(
                entity_id=entity,
                canonical_id=merged_into,
                schema=schema,
                prop=prop,
                prop_type=prop_type,
                value=draw(st.sampled_from(values)),
                dataset=draw(st.sampled_from(("piu-test", "north"))),
                origin=draw(st.sampled_from(ORIGINS)),
                first_seen=seen,
                last_seen=seen + timedelta(hours=draw(st.integers(0, 24))),
                handling=draw(st.sampled_from((None, None, "3x5x2 C"))),
                invalid_reason=draw(st.sampled_from((None, None, None, "not a number"))),
            )
        )
    return made


_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), _records()),
        st.tuples(st.just("widen"), st.integers(-72, 72)),
        st.tuples(st.just("withdraw"), st.sampled_from(ENTITIES)),
        st.tuples(st.just("report"), st.sampled_from(("submitted", "evaluated", "archived"))),
    ),
    min_size=1,
    max_size=8,
)


def recomputed(connection: Connection) -> dict[str, set[tuple[Any, ...]]]:
    """The three tables as the statements left say they must be, computed in Python."""
    r = tables.reports.c
    reports = {
        row[0]: (row[1], row[2], row[3], bool(row[4]))
        for row in connection.execute(
            select(r.id, r.status, r.agency_id, r.author_id, r.restrictive)
        )
    }
    sums: dict[tuple[Any, ...], list[Any]] = {}
    firsts: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in connection.execute(select(tables.statements)):
        key = (row.canonical_id, row.schema, row.origin, bool(row.restrictive))
        found = sums.setdefault(key, [0, row.last_seen, None])
        found[0] += 1
        found[1] = max(found[1], row.last_seen)
        if row.prop == "name" and row.invalid_reason is None:
            name = row.value.lower()
            found[2] = name if found[2] is None else min(found[2], name)
        if row.invalid_reason is None and row.prop in caption_props():
            caption_key = (row.canonical_id, row.origin, bool(row.restrictive), row.prop)
            candidate = (row.first_seen, row.id, row.value)
            firsts[caption_key] = min(firsts.get(caption_key, candidate), candidate)
    bounds: dict[str, list[Any]] = {}
    for (entity, _schema, origin, _restrictive), (n, last_seen, name) in sums.items():
        found = bounds.setdefault(entity, [0, set(), last_seen, None])
        found[0] += n
        found[1].add(origin)
        found[2] = max(found[2], last_seen)
        if name is not None:
            found[3] = name if found[3] is None else min(found[3], name)
    return {
        "summaries": {
            (*key, n, last_seen, name, key[2] in reports, *reports.get(key[2], (None,) * 4))
            for key, (n, last_seen, name) in sums.items()
        },
        "captions": {(*key, *first) for key, first in firsts.items()},
        "bounds": {
            (entity, schema, bound[0], len(bound[1]), bound[2], bound[3])
            for entity, bound in bounds.items()
            for (of, schema, _origin, _restrictive) in sums
            if of == entity
        },
    }


def stored(connection: Connection) -> dict[str, set[tuple[Any, ...]]]:
    e, c, b = (
        tables.entity_summaries.c,
        tables.entity_summary_captions.c,
        tables.entity_bounds.c,
    )
    return {
        "summaries": {
            (
                *row[:3],
                bool(row[3]),
                *row[4:7],
                bool(row[7]),
                *row[8:11],
                None if row[11] is None else bool(row[11]),
            )
            for row in connection.execute(
                select(
                    e.entity_id,
                    e.schema,
                    e.origin,
                    e.restrictive,
                    e.statements,
                    e.last_seen,
                    e.sort_name,
                    e.reported,
                    e.report_status,
                    e.report_agency,
                    e.report_author,
                    e.report_restrictive,
                )
            )
        },
        "captions": {
            (row[0], row[1], bool(row[2]), *row[3:])
            for row in connection.execute(
                select(
                    c.entity_id,
                    c.origin,
                    c.restrictive,
                    c.prop,
                    c.first_seen,
                    c.statement_id,
                    c.value,
                )
            )
        },
        "bounds": {
            tuple(row)
            for row in connection.execute(
                select(b.entity_id, b.schema, b.statements, b.reports, b.last_seen, b.sort_name)
            )
        },
    }


def _withdraw(connection: Connection, entity: str) -> None:
    """What receiving does when a partner withdraws an entity: its statements deleted,
    their summaries summed again (``_withdraw_statements``)."""
    statements = tables.statements.c
    withdrawn = (statements.entity_id == entity) & (statements.dataset == "north")
    pairs = connection.execute(
        select(statements.canonical_id, statements.origin).where(withdrawn).distinct()
    ).all()
    connection.execute(delete(tables.statements).where(withdrawn))
    entity_summaries.refresh(connection, ((row[0], row[1]) for row in pairs))


@pytest.fixture
def store(workspace: Workspace) -> Iterator[Workspace]:
    author = make_user(workspace, "officer", MARITIME, Role.OFFICER)
    with workspace.engine.begin() as connection:
        _file_bare_report(connection, "R-1", author)  # R-2 stays a report that does not exist
    yield workspace


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=_OPERATIONS)
def test_the_summaries_equal_a_recomputation_after_any_writes(
    store: Workspace, operations: list[tuple[str, Any]]
) -> None:
    with store.engine.begin() as connection:
        for table in (
            tables.statements,
            tables.entity_summaries,
            tables.entity_summary_captions,
            tables.entity_bounds,
        ):
            connection.execute(delete(table))
    written: list[StatementRecord] = []
    for kind, argument in operations:
        with transaction(store) as connection:
            if kind == "write":
                write_statements(connection, argument, batch_size=3)
                written.extend(argument)
            elif kind == "widen":
                present = set(connection.execute(select(tables.statements.c.id)).scalars())
                moved = T0 + timedelta(hours=argument)
                spans = [(r, moved, moved) for r in written if r.id in present][:4]
                widen_statement_spans(connection, spans)
            elif kind == "withdraw":
                _withdraw(connection, argument)
            else:  # the report moves on, as a transition moves it (apply_transition)
                connection.execute(
                    update(tables.reports)
                    .where(tables.reports.c.id == "R-1")
                    .values(status=argument, restrictive=argument == "archived")
                )
                entity_summaries.refresh_reports(connection, ["R-1"])
    with store.engine.connect() as connection:
        assert stored(connection) == recomputed(connection)

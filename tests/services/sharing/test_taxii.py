"""The TAXII read side through the real services: publishing, paging, filters, scope, tokens."""

from __future__ import annotations

import importlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.domain.secret import Secret
from portintel.domain.sharing.taxii import ObjectQuery, parse_object_query
from portintel.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied
from portintel.services import sharing
from portintel.services.workspace import Workspace
from tests.services.sharing.taxii_world import (
    PARTNERS,
    TaxiiWorld,
    build_world,
    publish_synthetic,
    synthetic_objects,
)


@pytest.fixture
def world(workspace: Workspace) -> TaxiiWorld:
    return build_world(workspace)


def _reader(ws: Workspace, world: TaxiiWorld, partner: str) -> sharing.PartnerReader:
    return sharing.authenticate_partner(ws, Secret(world.tokens[partner]))


def _all(
    ws: Workspace, reader: sharing.PartnerReader, collection: str, query: ObjectQuery
) -> list[sharing.ObjectRecord]:
    found: list[sharing.ObjectRecord] = []
    pages = 0
    while True:
        page = sharing.read_objects(ws, reader, collection, query)
        found += page.records
        pages += 1
        assert pages < 10_000, "paging does not end"
        if not page.more:
            assert page.next is None
            return found
        assert page.next is not None and len(page.records) == query.limit
        query = parse_object_query(limit=str(query.limit), next_value=page.next)


def test_an_approved_package_is_published_exactly_as_signed(
    workspace: Workspace, world: TaxiiWorld
) -> None:
    reader = _reader(workspace, world, "KH-CAU")
    records = _all(workspace, reader, world.collections["KH-CAU"], ObjectQuery())
    bundle = json.loads(world.bundles["KH-CAU"])
    # each object's text is the very substring of the signed bundle text
    assert [r.id for r in records] == [o["id"] for o in bundle["objects"]]
    for record in records:
        assert record.text in world.bundles["KH-CAU"]
        assert json.loads(record.text)["id"] == record.id
    assert len({r.date_added for r in records}) == 1  # one publication, one instant


def test_collections_are_the_partners_own_and_others_are_not_found(
    workspace: Workspace, world: TaxiiWorld
) -> None:
    kh, th = (_reader(workspace, world, name) for name in PARTNERS)
    assert [c.id for c in sharing.list_collections(workspace, kh)] == [world.collections["KH-CAU"]]
    assert "TH-PIU-RNG" not in repr(sharing.list_collections(workspace, kh))
    for wrong in (world.collections["TH-PIU-RNG"], "00000000-0000-5000-8000-000000000000"):
        with pytest.raises(NotFound) as refused:
            sharing.read_objects(workspace, kh, wrong, ObjectQuery())
        assert str(refused.value) == f"no collection {wrong!r} (list your collections first)"
        with pytest.raises(NotFound):
            sharing.get_collection(workspace, kh, wrong)
    assert sharing.get_collection(workspace, th, world.collections["TH-PIU-RNG"]).title


def test_versions_last_first_all_and_by_instant(workspace: Workspace, world: TaxiiWorld) -> None:
    publish_synthetic(workspace, world, "KH-CAU", synthetic_objects(3, versions=1))
    # the same notes again, with two more versions each, later: the last version moves
    publish_synthetic(workspace, world, "KH-CAU", synthetic_objects(3, versions=3))
    reader = _reader(workspace, world, "KH-CAU")
    collection = world.collections["KH-CAU"]
    notes = parse_object_query(match_type="note")
    last = _all(workspace, reader, collection, notes)
    assert len(last) == 3 and all(r.version.endswith(":02.000Z") for r in last)
    first = _all(
        workspace, reader, collection, parse_object_query(match_type="note", match_version="first")
    )
    assert len(first) == 3 and all(r.version.endswith(":00.000Z") for r in first)
    every = _all(
        workspace, reader, collection, parse_object_query(match_type="note", match_version="all")
    )
    assert len(every) == 9
    one = parse_object_query(match_type="note", match_version="2026-03-01T00:00:01Z,first")
    assert len(_all(workspace, reader, collection, one)) == 6
    object_id = last[0].id
    versions = sharing.read_objects(
        workspace,
        reader,
        collection,
        parse_object_query(match_version="all"),
        endpoint="versions",
        object_id=object_id,
    )
    assert [r.version for r in versions.records] == [
        "2026-03-01T00:00:00.000Z",
        "2026-03-01T00:00:01.000Z",
        "2026-03-01T00:00:02.000Z",
    ]
    with pytest.raises(NotFound):
        sharing.read_objects(
            workspace, reader, world.collections["KH-CAU"], ObjectQuery(), endpoint="object",
            object_id="note--00000000-0000-5000-8000-000000000000",
        )  # fmt: skip


def test_filters_by_id_type_spec_version_and_added_after(
    workspace: Workspace, world: TaxiiWorld
) -> None:
    publish_synthetic(workspace, world, "KH-CAU", synthetic_objects(5))
    reader = _reader(workspace, world, "KH-CAU")
    collection = world.collections["KH-CAU"]
    everything = _all(workspace, reader, collection, ObjectQuery())
    notes = [r for r in everything if r.id.startswith("note--")]
    assert len(notes) == 5
    wanted = f"{notes[0].id},{notes[3].id}"
    assert [
        r.id for r in _all(workspace, reader, collection, parse_object_query(match_id=wanted))
    ] == [
        notes[0].id,
        notes[3].id,
    ]
    types = {r.id.split("--")[0] for r in everything}
    assert {
        r.id.split("--")[0]
        for r in _all(workspace, reader, collection, parse_object_query(match_type="report,note"))
    } == types & {"report", "note"}
    assert _all(workspace, reader, collection, parse_object_query(match_spec_version="2.0")) == []
    assert len(
        _all(workspace, reader, collection, parse_object_query(match_spec_version="2.1"))
    ) == len(everything)
    first_instant = min(r.date_added for r in everything)
    after = parse_object_query(added_after=first_instant.isoformat())
    assert [r.id for r in _all(workspace, reader, collection, after)] == [r.id for r in notes]


def test_a_page_costs_one_query_for_its_objects(workspace: Workspace, world: TaxiiWorld) -> None:
    publish_synthetic(workspace, world, "KH-CAU", synthetic_objects(250))
    reader = _reader(workspace, world, "KH-CAU")
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(workspace.engine, "before_cursor_execute", count)
    try:
        for size in ("10", "100", "200"):
            seen.clear()
            sharing.read_objects(
                workspace, reader, world.collections["KH-CAU"], parse_object_query(limit=size)
            )
            object_reads = [s for s in seen if "FROM taxii_objects" in s]
            assert len(object_reads) == 1, object_reads
            # and the whole read is bounded: the collection, the objects, the audit entry
            assert len(seen) <= 8, seen
    finally:
        event.remove(workspace.engine, "before_cursor_execute", count)


def test_reads_are_audited_under_the_partner(workspace: Workspace, world: TaxiiWorld) -> None:
    reader = _reader(workspace, world, "KH-CAU")
    sharing.read_objects(workspace, reader, world.collections["KH-CAU"], ObjectQuery())
    with workspace.engine.connect() as connection:
        entries = connection.execute(
            select(tables.audit_log.c.actor, tables.audit_log.c.object_id).where(
                tables.audit_log.c.action == "taxii.read"
            )
        ).all()
    assert [(e.actor, e.object_id) for e in entries] == [
        ("partner:KH-CAU", world.collections["KH-CAU"])
    ]


def test_tokens_are_the_partners_and_revocable(workspace: Workspace, world: TaxiiWorld) -> None:
    token = Secret(world.tokens["KH-CAU"])
    assert (
        sharing.authenticate_partner(workspace, token, username="kh-cau").partner_name == "KH-CAU"
    )
    with pytest.raises(AuthenticationFailed):
        sharing.authenticate_partner(workspace, token, username="TH-PIU-RNG")
    with pytest.raises(AuthenticationFailed):
        sharing.authenticate_partner(workspace, Secret("not-a-token"))
    views = sharing.list_partner_tokens(workspace, SYSTEM, "KH-CAU")
    assert [v.partner for v in views] == ["KH-CAU"] and views[0].last_used_at is not None
    assert world.tokens["KH-CAU"] not in repr(views)
    sharing.revoke_partner_token(workspace, SYSTEM, views[0].id)
    with pytest.raises(Conflict):
        sharing.revoke_partner_token(workspace, SYSTEM, views[0].id)
    with pytest.raises(AuthenticationFailed):
        sharing.authenticate_partner(workspace, token)
    with workspace.engine.connect() as connection:
        stored = set(connection.execute(select(tables.taxii_tokens.c.token_hash)).scalars())
        api = set(connection.execute(select(tables.api_tokens.c.token_hash)).scalars())
    assert world.tokens["KH-CAU"] not in stored and not stored & api


def test_only_administrators_issue_partner_tokens(workspace: Workspace, world: TaxiiWorld) -> None:
    from portintel.domain.actors import Actor, Role

    analyst = Actor(
        user_id="U-x", username="x", agency_id="immigration", roles=frozenset({Role.ANALYST})
    )
    with pytest.raises(PermissionDenied):
        sharing.issue_partner_token(workspace, analyst, "KH-CAU")
    with pytest.raises(NotFound):
        sharing.issue_partner_token(workspace, SYSTEM, "XX-NOBODY")


def test_a_package_approved_before_the_migration_is_published_by_it(
    workspace: Workspace, world: TaxiiWorld
) -> None:
    """The revision publishes existing packages: replayed here on what the world approved."""
    with workspace.engine.begin() as connection:
        before = connection.execute(
            select(
                tables.taxii_objects.c.agreement_id,
                tables.taxii_objects.c.object_id,
                tables.taxii_objects.c.object,
            ).order_by(tables.taxii_objects.c.seq)
        ).all()
        connection.execute(delete(tables.taxii_objects))
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with workspace.engine.begin() as connection:
        revision = importlib.import_module(
            "portintel.adapters.database.migrations.versions.0022_taxii"
        )
        with Operations.context(MigrationContext.configure(connection)):
            revision._publish_existing_packages()
        after = connection.execute(
            select(
                tables.taxii_objects.c.agreement_id,
                tables.taxii_objects.c.object_id,
                tables.taxii_objects.c.object,
            ).order_by(tables.taxii_objects.c.seq)
        ).all()
    assert after == before


# --- properties --------------------------------------------------------------------------


def _clear_synthetic(ws: Workspace) -> None:
    with ws.engine.begin() as connection:
        connection.execute(
            delete(tables.taxii_objects).where(tables.taxii_objects.c.object_type == "note")
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    batches=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=3),
    limit=st.integers(min_value=1, max_value=120),
)
def test_paging_returns_each_object_exactly_once(
    workspace: Workspace, world: TaxiiWorld, batches: list[int], limit: int
) -> None:
    """Hundreds of objects share one date_added per batch; every page size sees each once."""
    _clear_synthetic(workspace)
    start = 0
    for size in batches:
        publish_synthetic(workspace, world, "KH-CAU", synthetic_objects(size, start=start))
        start += size
    reader = _reader(workspace, world, "KH-CAU")
    records = _all(
        workspace,
        reader,
        world.collections["KH-CAU"],
        parse_object_query(limit=str(limit), match_type="note"),
    )
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)) == start
    assert ids == [o.id for o in synthetic_objects(start)]
    assert [r.seq for r in records] == sorted(r.seq for r in records)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    owners=st.lists(st.sampled_from(PARTNERS), min_size=1, max_size=40),
    reader_name=st.sampled_from(PARTNERS),
    limit=st.integers(min_value=1, max_value=50),
)
def test_no_partner_ever_reads_another_partners_object(
    workspace: Workspace, world: TaxiiWorld, owners: list[str], reader_name: str, limit: int
) -> None:
    _clear_synthetic(workspace)
    notes = synthetic_objects(len(owners))
    for owner, note in zip(owners, notes, strict=True):
        publish_synthetic(workspace, world, owner, [note])
    mine = {n.id for owner, n in zip(owners, notes, strict=True) if owner == reader_name}
    theirs = {n.id for owner, n in zip(owners, notes, strict=True) if owner != reader_name}
    reader = _reader(workspace, world, reader_name)
    readable: set[str] = set()
    for collection in world.collections.values():
        for endpoint in ("objects", "manifest"):
            try:
                query = parse_object_query(limit=str(limit), match_type="note")
                while True:
                    page = sharing.read_objects(
                        workspace, reader, collection, query, endpoint=endpoint
                    )  # type: ignore[arg-type]
                    readable |= {r.id for r in page.records}
                    if not page.more:
                        break
                    query = parse_object_query(
                        limit=str(limit), match_type="note", next_value=page.next
                    )
            except NotFound:
                assert collection != world.collections[reader_name]
        for note_id in theirs:
            with pytest.raises(NotFound):
                sharing.read_objects(
                    workspace,
                    reader,
                    collection,
                    ObjectQuery(),
                    endpoint="object",
                    object_id=note_id,
                )
    assert readable == mine
    assert not readable & theirs

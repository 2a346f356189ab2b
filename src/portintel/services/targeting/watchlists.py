"""Watchlists: add, list and remove entries; match them against entities; record hits.

An entry is matched (:func:`portintel.domain.targeting.match_entry`)

* against the whole entity store when it is added (:func:`sweep_entries`, a job);
* against the entities a transaction wrote, as they arrive: AIS static data
  through the vessel registry and reports as they are filed both write
  statements, and ``statements_written`` enqueues :func:`match_entities`.

Identifiers are matched in the database (``watch_identifiers`` against the
statements' values, one index look-up each way); names are compared in
Python with the collation matcher, only for entities of the entry's schemata
whose names share a search key with the entry's names (the blocking that
collation uses), so the store is never read whole.

Hits are recorded once per cause (entry, entity, what matched:
:func:`~portintel.domain.targeting.watchlist.hit_key`), the input of alerts.
"""

from __future__ import annotations

import functools
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from portintel.adapters.database import tables
from portintel.adapters.database.search import keys_match
from portintel.adapters.name_data import name_variants
from portintel.adapters.vocabularies import load_handling
from portintel.domain.actors import Actor, Role
from portintel.domain.names import PreparedName, prepare_name
from portintel.domain.targeting import KINDS, Candidate, WatchEntry, clean_identifier, match_entry
from portintel.domain.targeting.watchlist import (
    ALLOWED_IDENTIFIERS,
    IDENTIFIER_KINDS,
    SCHEMATA,
    WatchMatch,
)
from portintel.errors import InvalidInput, NotFound, PermissionDenied, PortintelError
from portintel.services import audit
from portintel.services.targeting.visibility import entry_condition
from portintel.services.workspace import Workspace

DEFAULT_EXPIRY = timedelta(days=365)
MAX_NAMES = 20
MAX_REASON = 2_000
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
"""Statement properties compared with an entry's names."""

_W = tables.watch_entries.c
_I = tables.watch_identifiers.c
_H = tables.watch_hits.c
_S = tables.statements.c


def may_keep_watchlists(actor: Actor) -> bool:
    """Analysts and supervisors add and remove entries (officers read them)."""
    return actor.is_system or actor.has(Role.ANALYST) or actor.has(Role.SUPERVISOR)


def _require_reader(actor: Actor) -> None:
    from portintel.services.maritime import require_picture

    require_picture(actor)


@dataclass(frozen=True, slots=True)
class WatchEntryView:
    entry: WatchEntry
    kind_label: str
    handling_label: str
    hits: int

    @property
    def id(self) -> str:
        return self.entry.id


@dataclass(frozen=True, slots=True)
class WatchHitView:
    cause_key: str
    entry_id: str
    entity_id: str
    schema: str
    method: str
    matched: str
    score: float
    found_by: str
    origin: str | None
    hit_at: datetime


def _handling_label(code: str) -> str:
    try:
        return load_handling().label(code)
    except PortintelError:
        return code


def _entry_of(row: Any, identifiers: Sequence[tuple[str, str]]) -> WatchEntry:
    return WatchEntry(
        id=row.id,
        kind=row.kind,
        names=tuple(row.names or ()),
        identifiers=tuple(sorted(identifiers)),
        reason=row.reason,
        owner_id=row.owner_id,
        agency_id=row.agency_id,
        handling=row.handling,
        expires_at=row.expires_at,
        created_at=row.created_at,
        removed_at=row.removed_at,
    )


def _clean_names(names: Iterable[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(" ".join(n.split()) for n in names if n and n.strip()))
    if len(cleaned) > MAX_NAMES:
        raise InvalidInput(f"at most {MAX_NAMES} names per entry", field="names")
    for name in cleaned:
        if len(name) > 300:
            raise InvalidInput(
                f"name {name[:40]!r}... is longer than 300 characters", field="names"
            )
    return cleaned


def add_entry(
    ws: Workspace,
    actor: Actor,
    *,
    kind: str,
    names: Iterable[str] = (),
    identifiers: Iterable[tuple[str, str]] = (),
    reason: str,
    handling: str,
    expires_at: datetime | None = None,
) -> WatchEntryView:
    """Put something on the watchlist; every bad value is refused naming its field."""
    if not may_keep_watchlists(actor):
        raise PermissionDenied(
            "watchlists are kept by analysts and supervisors", hint="ask an analyst to add it"
        )
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}, got {kind!r}", field="kind")
    cleaned_names = _clean_names(names)
    region = ws.settings.country
    cleaned_ids: list[tuple[str, str]] = []
    for id_kind, raw in identifiers:
        if id_kind not in ALLOWED_IDENTIFIERS[kind]:
            raise InvalidInput(
                f"a {kind} entry takes {', '.join(ALLOWED_IDENTIFIERS[kind])}, not {id_kind}",
                field=f"identifiers.{id_kind}",
            )
        cleaned_ids.append((id_kind, clean_identifier(id_kind, raw, region=region)))
    cleaned_ids = sorted(set(cleaned_ids))
    if not cleaned_names and not cleaned_ids:
        raise InvalidInput("give at least a name or an identifier", field="names")
    if kind == "phone" and not cleaned_ids:
        raise InvalidInput("a phone entry needs its number", field="identifiers.phone")
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("say why it is watched", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters", field="reason")
    try:
        code = load_handling().parse(handling)
    except PortintelError as exc:
        raise InvalidInput(f"handling: {exc.message}", field="handling", hint=exc.hint) from exc
    now = ws.clock()
    expires = expires_at or now + DEFAULT_EXPIRY
    if expires <= now:
        raise InvalidInput("the expiry must be in the future", field="expires_at")
    entry_id = "watch-" + secrets.token_hex(8)
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.watch_entries).values(
                id=entry_id,
                kind=kind,
                names=list(cleaned_names),
                reason=reason,
                owner_id=actor.user_id,
                agency_id=actor.agency_id or "system",
                handling=str(code),
                restrictive=load_handling().is_restrictive(code),
                expires_at=expires,
                created_at=now,
            )
        )
        if cleaned_ids:
            connection.execute(
                insert(tables.watch_identifiers),
                [{"entry_id": entry_id, "kind": k, "value": v} for k, v in cleaned_ids],
            )
        audit.record(
            connection,
            actor,
            "watchlist.add",
            object_type="watch_entry",
            object_id=entry_id,
            detail={"kind": kind, "names": len(cleaned_names), "identifiers": len(cleaned_ids)},
            at=now,
        )
    return get_entry(ws, actor, entry_id)


def _identifiers(
    connection: Connection, entry_ids: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if entry_ids:
        for row in connection.execute(
            select(_I.entry_id, _I.kind, _I.value).where(_I.entry_id.in_(list(entry_ids)))
        ).all():
            found[row.entry_id].append((row.kind, row.value))
    return found


def list_entries(
    ws: Workspace,
    actor: Actor,
    *,
    kind: str | None = None,
    include_inactive: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[WatchEntryView]:
    """The entries ``actor`` may read, newest first (active ones only unless asked)."""
    _require_reader(actor)
    counts = select(_H.entry_id, func.count().label("hits")).group_by(_H.entry_id).subquery()
    query = (
        select(tables.watch_entries, func.coalesce(counts.c.hits, 0).label("hits"))
        .select_from(tables.watch_entries.outerjoin(counts, counts.c.entry_id == _W.id))
        .where(entry_condition(actor))
    )
    if kind is not None:
        query = query.where(_W.kind == kind)
    if not include_inactive:
        now = ws.clock()
        query = query.where(
            _W.removed_at.is_(None), or_(_W.expires_at.is_(None), _W.expires_at > now)
        )
    query = (
        query.order_by(_W.created_at.desc(), _W.id)
        .limit(max(1, min(limit, 1000)))
        .offset(max(0, offset))
    )
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
        identifiers = _identifiers(connection, [row.id for row in rows])
    return [
        WatchEntryView(
            _entry_of(row, identifiers.get(row.id, ())),
            KINDS[row.kind],
            _handling_label(row.handling),
            int(row.hits),
        )
        for row in rows
    ]


def get_entry(ws: Workspace, actor: Actor, entry_id: str) -> WatchEntryView:
    """One entry ``actor`` may read; NotFound for one they may not, as for one that is not."""
    _require_reader(actor)
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(tables.watch_entries).where(_W.id == entry_id, entry_condition(actor))
        ).first()
        if row is None:
            raise NotFound(f"watchlist entry {entry_id} not found")
        hits = connection.execute(
            select(func.count()).select_from(tables.watch_hits).where(_H.entry_id == entry_id)
        ).scalar_one()
        identifiers = _identifiers(connection, [entry_id])
    return WatchEntryView(
        _entry_of(row, identifiers.get(entry_id, ())),
        KINDS[row.kind],
        _handling_label(row.handling),
        int(hits),
    )


def remove_entry(ws: Workspace, actor: Actor, entry_id: str) -> WatchEntryView:
    """Take an entry off the watchlist (kept, with its hits, as removed)."""
    if not may_keep_watchlists(actor):
        raise PermissionDenied("watchlists are kept by analysts and supervisors")
    entry = get_entry(ws, actor, entry_id)
    if entry.entry.removed_at is not None:
        return entry
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(
            update(tables.watch_entries)
            .where(_W.id == entry_id, _W.removed_at.is_(None))
            .values(removed_at=now, removed_by=actor.user_id)
        )
        audit.record(
            connection,
            actor,
            "watchlist.remove",
            object_type="watch_entry",
            object_id=entry_id,
            at=now,
        )
    return get_entry(ws, actor, entry_id)


def list_hits(ws: Workspace, actor: Actor, entry_id: str) -> list[WatchHitView]:
    """The hits of one entry ``actor`` may read (the entities are shown through their pages)."""
    get_entry(ws, actor, entry_id)
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(tables.watch_hits).where(_H.entry_id == entry_id).order_by(_H.hit_at.desc())
        ).all()
    return [
        WatchHitView(
            r.cause_key,
            r.entry_id,
            r.entity_id,
            r.schema,
            r.method,
            r.matched,
            r.score,
            r.found_by,
            r.origin,
            r.hit_at,
        )
        for r in rows
    ]


# -- matching ---------------------------------------------------------------------------


def _active_entries(
    connection: Connection, now: datetime, entry_ids: Sequence[str] | None = None
) -> list[WatchEntry]:
    query = select(tables.watch_entries).where(
        _W.removed_at.is_(None), or_(_W.expires_at.is_(None), _W.expires_at > now)
    )
    if entry_ids is not None:
        query = query.where(_W.id.in_(list(entry_ids)))
    rows = connection.execute(query.order_by(_W.id)).all()
    identifiers = _identifiers(connection, [row.id for row in rows])
    return [_entry_of(row, identifiers.get(row.id, ())) for row in rows]


@functools.lru_cache(maxsize=4096)
def _prepared(name: str) -> PreparedName:
    return prepare_name(name, name_variants())


def _identifier_candidates(
    connection: Connection, entries: Sequence[WatchEntry], canonical: Sequence[str] | None
) -> set[str]:
    """Canonical ids of entities stating one of the entries' identifiers (valid values)."""
    by_prop: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for kind, value in entry.identifiers:
            for prop in IDENTIFIER_KINDS[kind]:
                by_prop[prop].add(value)
    found: set[str] = set()
    for prop, values in by_prop.items():
        query = (
            select(_S.canonical_id)
            .distinct()
            .where(_S.prop == prop, _S.value.in_(sorted(values)), _S.invalid_reason.is_(None))
        )
        if canonical is not None:
            query = query.where(_S.canonical_id.in_(list(canonical)))
        found.update(row.canonical_id for row in connection.execute(query).all())
    return found


def _name_candidates(
    connection: Connection, entries: Sequence[WatchEntry], canonical: Sequence[str] | None
) -> set[str]:
    """Canonical ids of entities of the entries' schemata that may match a name."""
    schemata = sorted({s for e in entries if e.names for s in SCHEMATA[e.kind]})
    if not schemata:
        return set()
    if canonical is not None:
        rows = connection.execute(
            select(_S.canonical_id)
            .distinct()
            .where(
                _S.canonical_id.in_(list(canonical)),
                _S.schema.in_(schemata),
                _S.prop.in_(NAME_PROPS),
            )
        ).all()
        return {row.canonical_id for row in rows}
    # a sweep: block on the search keys every name statement already has (every word
    # of one romanisation of the name, as written or by its key: collation's search)
    found: set[str] = set()
    dialect = connection.dialect.name
    for name in sorted({n for e in entries for n in e.names}):
        matching = keys_match(dialect, name)
        if matching is None:
            continue
        rows = connection.execute(
            select(_S.canonical_id)
            .distinct()
            .where(
                _S.id.in_(matching),
                _S.schema.in_(schemata),
                _S.prop.in_(NAME_PROPS),
            )
        ).all()
        found.update(row.canonical_id for row in rows)
    return found


def _candidates(connection: Connection, canonical: Sequence[str]) -> list[Candidate]:
    props = (*NAME_PROPS, *(p for props in IDENTIFIER_KINDS.values() for p in props))
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    schemata: dict[str, str] = {}
    for start in range(0, len(canonical), 500):
        rows = connection.execute(
            select(_S.canonical_id, _S.schema, _S.prop, _S.value).where(
                _S.canonical_id.in_(list(canonical[start : start + 500])),
                _S.prop.in_(props),
                _S.invalid_reason.is_(None),
            )
        ).all()
        for row in rows:
            values[row.canonical_id][row.prop].add(row.value)
            schemata.setdefault(row.canonical_id, row.schema)
    candidates = []
    for entity, by_prop in sorted(values.items()):
        names = sorted({n for p in NAME_PROPS for n in by_prop.get(p, ())})
        candidates.append(
            Candidate(
                entity,
                schemata[entity],
                {p: frozenset(v) for p, v in by_prop.items() if p not in NAME_PROPS},
                tuple(_prepared(n) for n in names[:50]),
            )
        )
    return candidates


def _record(
    connection: Connection,
    matches: Sequence[tuple[WatchMatch, str]],
    found_by: str,
    origin: str | None,
    now: datetime,
) -> list[str]:
    if not matches:
        return []
    keys = [m.cause_key for m, _ in matches]
    existing = {
        row.cause_key
        for row in connection.execute(select(_H.cause_key).where(_H.cause_key.in_(keys))).all()
    }
    unique = {m.cause_key: (m, schema) for m, schema in matches}
    fresh = [key for key in unique if key not in existing]
    rows: list[dict[str, Any]] = [
        {
            "cause_key": m.cause_key,
            "entry_id": m.entry_id,
            "entity_id": m.entity_id,
            "schema": schema,
            "method": m.method,
            "matched": m.matched,
            "score": m.score,
            "found_by": found_by,
            "origin": origin,
            "hit_at": now,
        }
        for m, schema in (unique[key] for key in fresh)
    ]
    if rows:
        connection.execute(insert(tables.watch_hits), rows)
    return fresh


def _match(
    ws: Workspace,
    entries: Sequence[WatchEntry],
    canonical: Sequence[str] | None,
    *,
    found_by: str,
    origin: str | None,
) -> list[str]:
    now = ws.clock()
    with ws.engine.begin() as connection:
        wanted = _identifier_candidates(connection, entries, canonical) | _name_candidates(
            connection, entries, canonical
        )
        candidates = _candidates(connection, sorted(wanted))
        prepared = {e.id: [_prepared(n) for n in e.names] for e in entries}
        matches = [
            (found, candidate.schema)
            for candidate in candidates
            for entry in entries
            if (found := match_entry(entry, candidate, prepared[entry.id])) is not None
        ]
        return _record(connection, matches, found_by, origin, now)


def match_entities(
    ws: Workspace,
    entity_ids: Sequence[str],
    *,
    found_by: str = "entities",
    origin: str | None = None,
) -> list[str]:
    """Match the entities a change touched against every active entry; new hits' cause keys."""
    if not entity_ids:
        return []
    with ws.engine.connect() as connection:
        entries = _active_entries(connection, ws.clock())
        rows = connection.execute(
            select(_S.canonical_id)
            .distinct()
            .where(or_(_S.canonical_id.in_(list(entity_ids)), _S.entity_id.in_(list(entity_ids))))
        ).all()
    if not entries:
        return []
    canonical = sorted({row.canonical_id for row in rows})
    return _match(ws, entries, canonical, found_by=found_by, origin=origin)


def sweep_entries(ws: Workspace, entry_ids: Sequence[str] | None = None) -> list[str]:
    """Match entries (all active ones by default) against the whole entity store."""
    with ws.engine.connect() as connection:
        entries = _active_entries(connection, ws.clock(), entry_ids)
    if not entries:
        return []
    return _match(ws, entries, None, found_by="entities", origin=None)


def hit_entities(ws: Workspace, cause_keys: Sequence[str]) -> list[str]:
    """The entity ids of the given hits (to rescore the vessels linked to them)."""
    if not cause_keys:
        return []
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(_H.entity_id).distinct().where(_H.cause_key.in_(list(cause_keys)))
        ).all()
    return sorted(row.entity_id for row in rows)


def parse_identifiers(values: Mapping[str, Sequence[str]] | Iterable[str]) -> list[tuple[str, str]]:
    """``{"imo": [...]}`` or ``["imo:9074729", ...]`` as (kind, value) pairs."""
    pairs: list[tuple[str, str]] = []
    if isinstance(values, Mapping):
        for kind, items in values.items():
            pairs.extend((kind, item) for item in items)
        return pairs
    for text in values:
        kind, sep, value = text.partition(":")
        if not sep or not value.strip():
            raise InvalidInput(
                f"identifier {text!r} must read KIND:VALUE, e.g. imo:9074729",
                field="identifiers",
                hint=", ".join(IDENTIFIER_KINDS),
            )
        pairs.append((kind.strip().lower(), value.strip()))
    return pairs

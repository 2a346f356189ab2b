"""Judgements: an analyst (or a versioned rule) says two entities are the same, or not.

:func:`judge` records a judgement, resolves the clusters again and audits the
change as ``entity.merge``, ``entity.split`` or ``entity.judge`` (nothing
moved), all in one transaction; :func:`undo` retracts the judgement in force
on a pair (the judgement stays as history). :func:`apply_rule_merges` turns
the cross-referencing rules' ``merge`` decisions into judgements by the
system, each naming its rule (``id@version``) and reason; a pair anybody
ever judged is left alone, so an analyst's split is never merged again.
Names alone never merge: only a pair decided ``merge`` by a strong-identifier
rule reaches it.

A reader only judges entities they may read, and only sees the judgements
whose both entities they may read (:func:`entity_judgements`): an entity
outside their scope is not found, as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, update

from portintel.adapters.database import tables
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.resolution import (
    SYSTEM_JUDGE,
    Judgement,
    Resolution,
    Verdict,
    in_force,
    ordered_pair,
    resolve,
    system_may_judge,
)
from portintel.domain.xref import CandidatePair, Decision
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.collation import resolver
from portintel.services.collation.canonical import (
    CanonicalEntity,
    canonical_entities,
    cluster_members,
    readable_ids,
)
from portintel.services.events import announce, transaction
from portintel.services.workspace import Workspace

_J = tables.judgements.c


@dataclass(frozen=True, slots=True)
class JudgementOutcome:
    """A judgement made or undone, and what it did to the two entities' clusters."""

    judgement: Judgement
    change: str
    """``merge`` (two clusters became one), ``split`` (one became two) or ``none``."""
    left: CanonicalEntity
    right: CanonicalEntity


def _new_id() -> str:
    return f"jdg-{uuid.uuid4().hex}"


def _check(actor: Actor) -> None:
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only officers, analysts, supervisors and source handlers judge")


def _change(before: dict[str, str], resolution: Resolution, left: str, right: str) -> str:
    was_one = before.get(left, left) == before.get(right, right)
    is_one = resolution.canonical_id(left) == resolution.canonical_id(right)
    if was_one == is_one:
        if was_one:
            return "none"
        # the pair stays apart, but a cluster of either side may have split
        for entity in (left, right):
            old = {m for m, c in before.items() if c == before.get(entity, entity)}
            if old and set(resolution.members(entity)) != old:
                return "split"
        return "none"
    return "merge" if is_one else "split"


def _settle(
    connection: Connection,
    actor: Actor,
    judgement: Judgement,
    action: str,
    ws: Workspace,
) -> JudgementOutcome:
    """Resolve again after ``judgement`` was stored or retracted; audit; announce."""
    resolution, before = resolver.rebuild(connection)
    if judgement.id in resolution.blocked and action == "judge":
        raise Conflict(
            f"{judgement.left} and {judgement.right} cannot be merged: an entity of one is "
            "judged different from an entity of the other",
            hint="see portintel entity history for both, and undo that judgement first",
        )
    change = _change(before, resolution, judgement.left, judgement.right)
    touched = set(before) | set(resolution.canonical) | {judgement.left, judgement.right}
    moved = sorted(e for e in touched if before.get(e, e) != resolution.canonical_id(e))
    audit.record(
        connection,
        actor,
        {"merge": "entity.merge", "split": "entity.split"}.get(change, "entity.judge"),
        object_type="entity",
        object_id=resolution.canonical_id(judgement.left),
        detail={
            "judgement": judgement.id,
            "action": action,
            "left": judgement.left,
            "right": judgement.right,
            "verdict": judgement.verdict.value,
            "rule": judgement.rule,
            "reason": judgement.reason,
            "moved": moved,
        },
        at=ws.clock(),
    )
    if moved:
        announce(connection, "entity_changed", entity_ids=tuple(moved), change=change)
    shown = canonical_entities(connection, actor, [judgement.left, judgement.right])
    return JudgementOutcome(
        judgement=judgement,
        change=change,
        left=shown[judgement.left],
        right=shown[judgement.right],
    )


def _readable_pair(connection: Connection, actor: Actor, left: str, right: str) -> None:
    readable = readable_ids(connection, actor, [left, right])
    for entity in (left, right):
        if entity not in readable:
            raise NotFound(f"entity {entity} not found", hint="check the id, or search")


def judge(
    ws: Workspace,
    actor: Actor,
    left: str,
    right: str,
    verdict: Verdict,
    *,
    reason: str | None = None,
) -> JudgementOutcome:
    """Record ``verdict`` on the pair, in force from now on; resolve; audit. NotFound when
    the actor may not read either entity; Conflict when a *different* judgement between
    the two clusters blocks a *same*."""
    _check(actor)
    left, right = ordered_pair(left, right)
    if reason is not None and len(reason) > 2000:
        raise InvalidInput("the reason is longer than 2000 characters", field="reason")
    with transaction(ws) as connection:
        resolver.lock(connection)
        _readable_pair(connection, actor, left, right)
        judgement = Judgement(
            id=_new_id(),
            left=left,
            right=right,
            verdict=verdict,
            judged_by=SYSTEM_JUDGE if actor.is_system else actor.user_id,
            judged_at=ws.clock(),
            reason=(reason or "").strip() or None,
        )
        resolver.store_judgement(connection, judgement)
        return _settle(connection, actor, judgement, "judge", ws)


def undo(ws: Workspace, actor: Actor, left: str, right: str) -> JudgementOutcome:
    """Retract the judgement in force on the pair (kept as history); resolve; audit.
    Undoing a *same* splits what it merged; NotFound when no judgement is in force."""
    _check(actor)
    left, right = ordered_pair(left, right)
    with transaction(ws) as connection:
        resolver.lock(connection)
        _readable_pair(connection, actor, left, right)
        history = resolver.load_judgements(connection, [left, right])
        current = [j for j in in_force(history) if j.pair == (left, right)]
        if not current:
            raise NotFound(f"no judgement in force on {left} and {right}")
        judgement = replace(
            current[0],
            retracted_at=ws.clock(),
            retracted_by=SYSTEM_JUDGE if actor.is_system else actor.user_id,
        )
        connection.execute(
            update(tables.judgements)
            .where(_J.id == judgement.id)
            .values(retracted_at=judgement.retracted_at, retracted_by=judgement.retracted_by)
        )
        return _settle(connection, actor, judgement, "undo", ws)


def apply_rule_merges(connection: Connection, pairs: Iterable[CandidatePair], ws: Workspace) -> int:
    """Record a *same* judgement by the system for each pair a rule decided ``merge`` that
    nobody ever judged, in the caller's transaction (opened with ``transaction``); resolve
    once and audit each. Returns how many were recorded (blocked ones count, and stay
    blocked while a *different* judgement stands)."""
    merges = [p for p in pairs if p.decision is Decision.MERGE and p.rule is not None]
    if not merges:
        return 0
    resolver.lock(connection)
    ids = {entity for pair in merges for entity in (pair.left, pair.right)}
    history = resolver.load_judgements(connection, ids)
    judged = {j.pair for j in history}
    made: list[Judgement] = []
    for pair in merges:
        key = ordered_pair(pair.left, pair.right)
        if not system_may_judge(key, history) or key in judged:
            continue
        judged.add(key)
        judgement = Judgement(
            id=_new_id(),
            left=key[0],
            right=key[1],
            verdict=Verdict.SAME,
            judged_by=SYSTEM_JUDGE,
            judged_at=ws.clock(),
            rule=pair.rule,
            reason=pair.reason,
        )
        resolver.store_judgement(connection, judgement)
        made.append(judgement)
    if not made:
        return 0
    resolution, before = resolver.rebuild(connection)
    for judgement in made:
        audit.record(
            connection,
            SYSTEM,
            "entity.merge",
            object_type="entity",
            object_id=resolution.canonical_id(judgement.left),
            detail={
                "judgement": judgement.id,
                "action": "rule",
                "left": judgement.left,
                "right": judgement.right,
                "verdict": judgement.verdict.value,
                "rule": judgement.rule,
                "reason": judgement.reason,
                "blocked": judgement.id in resolution.blocked,
            },
            at=judgement.judged_at,
        )
    touched = set(before) | set(resolution.canonical)
    moved = sorted(e for e in touched if before.get(e, e) != resolution.canonical_id(e))
    if moved:
        announce(connection, "entity_changed", entity_ids=tuple(moved), change="merge")
    return len(made)


@dataclass(frozen=True, slots=True)
class JudgementView:
    """A judgement as shown in an entity's history, with whether it is in force."""

    judgement: Judgement
    in_force: bool
    blocked: bool


def entity_judgements(ws: Workspace, actor: Actor, entity_id: str) -> list[JudgementView]:
    """The merge history of ``entity_id``'s cluster, oldest first: every judgement touching
    a member (undone ones included) whose both entities the actor may read. Audited."""
    _check(actor)
    with ws.engine.begin() as connection:
        entity = canonical_entities(connection, actor, [entity_id]).get(entity_id)
        if entity is None:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        members = cluster_members(connection, [entity_id])[entity_id]
        history = resolver.load_judgements(connection, set(members) | {entity_id})
        readable = readable_ids(connection, actor, {e for j in history for e in j.pair})
        shown = [j for j in history if j.left in readable and j.right in readable]
        everything = resolver.load_judgements(connection)
        current = {j.id for j in in_force(everything)}
        blocked = resolve(everything).blocked
        audit.record(
            connection,
            actor,
            "entity.history",
            object_type="entity",
            object_id=entity_id,
            detail={"shown": len(shown)},
            at=ws.clock(),
        )
    return [JudgementView(j, j.id in current, j.id in blocked) for j in shown]


def settled_pairs(connection: Connection, entity_ids: Iterable[str]) -> set[tuple[str, str]]:
    """The pairs among ``entity_ids`` (in id order) the review queue leaves out: those with
    a judgement in force (same, different or unsure) and those already one entity."""
    wanted = sorted(set(entity_ids))
    settled = {
        judgement.pair
        for judgement in in_force(resolver.load_judgements(connection, wanted))
        if judgement.left in wanted and judgement.right in wanted
    }
    clusters = cluster_members(connection, wanted)
    for entity, members in clusters.items():
        for other in members:
            if other != entity and other in clusters:
                settled.add((entity, other) if entity < other else (other, entity))
    return settled

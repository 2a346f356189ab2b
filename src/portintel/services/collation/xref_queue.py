"""The review queue: candidate pairs kept by the cross-referencing job, read in scope.

:func:`refresh_candidates` runs as the system over every entity (in full, or
incrementally for the entities a write touched) and keeps the pairs decided
``merge`` or ``review`` in ``xref_candidates``, ids and scores only.
:func:`review_queue` reads them for one reader: each pair is decided again
from the values that reader may read (their scoped view), and a pair one of
whose entities the reader cannot read at all is not shown. So the queue
never tells a reader that an entity exists, nor how it scored on a value,
beyond what the reader may read: the stored score only orders the work.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, or_, select

from portintel.adapters.database import tables
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.xref import CandidatePair, Decision, XrefPolicy, cross_reference, decide
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services import audit
from portintel.services.collation.judgements import apply_rule_merges, settled_pairs
from portintel.services.collation.xref import load_profiles, policy_of
from portintel.services.events import transaction
from portintel.services.workspace import Workspace

JOB_NAME = "collation.cross_reference"
_C = tables.xref_candidates.c


def refresh_candidates(
    ws: Workspace, entity_ids: Sequence[str] | None = None, *, policy: XrefPolicy | None = None
) -> int:
    """Propose pairs again (all, or those involving ``entity_ids``) and keep them.

    Idempotent: the pairs of the entities concerned are replaced as one
    transaction, so running twice (a retried job) leaves the same rows.
    Returns how many pairs are kept.
    """
    profiles = load_profiles(ws, SYSTEM)
    only = frozenset(entity_ids) if entity_ids is not None else None
    if only is not None:
        known = {profile.id for profile in profiles}
        only = frozenset(only & known)
    policy = policy or policy_of(ws.settings)
    pairs = [
        pair
        for pair in cross_reference(profiles, policy, only=only)
        if pair.decision is not Decision.NONE
    ]
    now = ws.clock()
    with transaction(ws) as connection:
        # the strong-identifier rules' merges become judgements by the system (reversible)
        merged = apply_rule_merges(connection, pairs, ws)
        if only is None:
            connection.execute(delete(tables.xref_candidates))
        else:
            ids = sorted(only)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                connection.execute(
                    delete(tables.xref_candidates).where(
                        or_(_C.left_id.in_(chunk), _C.right_id.in_(chunk))
                    )
                )
        if pairs:
            connection.execute(
                insert(tables.xref_candidates),
                [
                    {
                        "left_id": pair.left,
                        "right_id": pair.right,
                        "score": pair.score,
                        "decision": pair.decision.value,
                        "rule": pair.rule,
                        "version": pair.version,
                        "computed_at": now,
                    }
                    for pair in pairs
                ],
            )
        audit.record(
            connection,
            SYSTEM,
            "xref.refresh",
            object_type="entity",
            detail={
                "entities": len(profiles),
                "incremental": only is not None,
                "changed": len(only) if only is not None else None,
                "pairs": len(pairs),
                "judged": merged,
            },
            at=now,
        )
    return len(pairs)


def review_queue(
    ws: Workspace, actor: Actor, *, limit: int = 50, policy: XrefPolicy | None = None
) -> list[CandidatePair]:
    """The next ``limit`` kept pairs as ``actor`` sees them, best first. Audited.

    Each pair is decided again from what the actor may read; pairs the actor
    cannot read both sides of, or that fall to ``none`` on what they may
    read, are left out.
    """
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only officers, analysts, supervisors and source handlers review")
    if limit < 1 or limit > 1000:
        raise InvalidInput("limit must be 1 to 1000", field="limit")
    policy = policy or policy_of(ws.settings)
    shown: list[CandidatePair] = []
    offset, page = 0, max(limit * 4, 200)
    with ws.engine.connect() as connection:
        while len(shown) < limit:
            rows = connection.execute(
                select(_C.left_id, _C.right_id)
                .order_by((_C.decision == "merge").desc(), _C.score.desc(), _C.left_id, _C.right_id)
                .limit(page)
                .offset(offset)
            ).all()
            if not rows:
                break
            offset += len(rows)
            wanted = {entity_id for row in rows for entity_id in row}
            profiles = {
                p.id: p
                for p in load_profiles(ws, actor, entity_ids=sorted(wanted), clustered=False)
            }
            settled = settled_pairs(connection, wanted)
            for left_id, right_id in rows:
                if (left_id, right_id) in settled:
                    continue  # judged already, or one entity already: not work for review
                left, right = profiles.get(left_id), profiles.get(right_id)
                if left is None or right is None or left.family != right.family:
                    continue
                pair = decide(left, right, policy)
                if pair.decision is not Decision.NONE:
                    shown.append(pair)
                if len(shown) >= limit:
                    break
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "xref.queue",
            object_type="entity",
            detail={"shown": len(shown)},
            at=ws.clock(),
        )
    return shown

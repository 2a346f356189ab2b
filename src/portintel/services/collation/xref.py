"""Cross-referencing the node's entities: candidate pairs, within the reader's scope.

The statements are read through the reader's scoped view (need-to-know rule
5 compiled into the query), so a pair is proposed only between entities the
reader may read, on values the reader may read: cross-referencing never
reveals a statement outside the reader's scope, not even as a score. Each
entity is its canonical id (an entity merged into another counts as that
one). The blocking, scoring and decisions are the pure domain's
(:mod:`portintel.domain.xref`); why it does not call nomenklatura's matcher
is said there (blocking.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.adapters.name_data import name_variants
from portintel.domain.access import may_work_with_intelligence, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.xref import (
    RULES,
    SCHEMA_FAMILY,
    CandidatePair,
    Decision,
    Profile,
    XrefPolicy,
    build_profile,
    cross_reference,
)
from portintel.domain.xref.evaluation import NamePairsReport, parse_name_pairs
from portintel.domain.xref.evaluation import evaluate_name_pairs as score_name_pairs
from portintel.errors import ConfigurationError, InvalidInput, PermissionDenied
from portintel.services import audit
from portintel.services.collation.resolver import stored_mapping
from portintel.services.workspace import Workspace
from portintel.settings import Settings

_S = tables.statements.c

COMPARED_PROPS = (
    "name", "alias", "weakAlias", "previousName", "firstName", "lastName", "birthDate",
    "nationality", "gender", "passportNumber", "idNumber", "taxNumber", "registrationNumber",
    "phone", "email", "address", "country", "imoNumber", "mmsi", "callSign", "flag",
)  # fmt: skip
"""The properties cross-referencing reads; the rest of an entity plays no part."""

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class XrefRun:
    """One run: the entities compared and the pairs proposed, best first."""

    entities: int
    pairs: tuple[CandidatePair, ...]

    def count(self, decision: Decision) -> int:
        return sum(1 for pair in self.pairs if pair.decision is decision)


def _readable_values(actor: Actor, entity_ids: Sequence[str] | None) -> Select[Any]:
    scope = reader_scope(actor)
    query = (
        select(_S.canonical_id, _S.schema, _S.prop, _S.value, _S.invalid_reason)
        .select_from(statements_with_reports())
        .where(
            statement_condition(scope.statements),
            _S.schema.in_(sorted(SCHEMA_FAMILY)),
            _S.prop.in_(COMPARED_PROPS),
        )
    )
    if entity_ids is not None:
        query = query.where(_S.canonical_id.in_(sorted(set(entity_ids))))
    return query


def _clusters(connection: Connection, entity_ids: Sequence[str] | None) -> dict[str, str]:
    """Entity id -> its cluster's key, for every entity merged with another (judgements);
    with ``entity_ids``, only those ids' clusters."""
    mapping = stored_mapping(connection)
    if entity_ids is None:
        return mapping
    wanted = {mapping.get(entity, entity) for entity in entity_ids}
    return {member: key for member, key in mapping.items() if key in wanted}


def load_profiles(
    ws: Workspace,
    actor: Actor,
    *,
    entity_ids: Sequence[str] | None = None,
    clustered: bool = True,
) -> list[Profile]:
    """The profile of every entity (or of ``entity_ids``' clusters) the actor may read
    something of, from readable values only.

    Entities merged by judgements are one profile, named as the reader sees the
    cluster (:mod:`~portintel.services.collation.canonical`): by its smallest member
    of which they may read a statement, so no id they could not see is shown. With
    ``clustered`` false, each of ``entity_ids`` is a profile of its own (the review
    queue judges the pairs it kept, member by member).
    """
    variants = name_variants()
    by_cluster: dict[str, tuple[set[str], set[str], list[tuple[str, str, bool]]]] = {}
    with ws.engine.connect() as connection:
        clusters = _clusters(connection, entity_ids) if clustered else {}
        wanted = None if entity_ids is None else sorted({*entity_ids, *clusters})
        for canonical_id, schema, prop, value, invalid in connection.execute(
            _readable_values(actor, wanted)
        ):
            key = clusters.get(canonical_id, canonical_id)
            members, schemata, values = by_cluster.setdefault(key, (set(), set(), []))
            members.add(canonical_id)
            schemata.add(schema)
            values.append((prop, value, invalid is None))
    profiles = []
    for members, schemata, values in by_cluster.values():
        # an entity stated as Person by one report and LegalEntity by another is a Person
        schema = sorted(schemata, key=lambda name: (name == "LegalEntity", name))[0]
        profiles.append(build_profile(min(members), schema, values, variants))
    profiles.sort(key=lambda profile: profile.id)
    return profiles


def policy_of(settings: Settings, **changes: Any) -> XrefPolicy:
    """The node's cross-referencing policy (settings ``xref_*``), with ``changes`` applied."""
    unknown = sorted(set(settings.xref_merge_rules) - set(RULES))
    if unknown:
        raise ConfigurationError(
            f"unknown cross-referencing rule {', '.join(unknown)}",
            hint=f"xref_merge_rules names rules among {', '.join(sorted(RULES))}",
        )
    policy = XrefPolicy(
        review_threshold=settings.xref_review_threshold,
        rules=frozenset(settings.xref_merge_rules),
    )
    return replace(policy, **changes)


def cross_reference_entities(
    ws: Workspace,
    actor: Actor,
    *,
    policy: XrefPolicy | None = None,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> XrefRun:
    """Candidate pairs among the entities ``actor`` may read, best first. Audited.

    With ``only``, just the pairs that involve one of those entity ids (the
    incremental run after statements were written); without, every pair.
    """
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only officers, analysts, supervisors and source handlers xref")
    if progress is not None:
        progress("reading entities")
    profiles = load_profiles(ws, actor)
    if progress is not None:
        progress(f"comparing {len(profiles)} entities")
    policy = policy or policy_of(ws.settings)
    pairs = sorted(
        cross_reference(profiles, policy, only=frozenset(only) if only is not None else None),
        key=lambda pair: (-pair.score, pair.left, pair.right),
    )
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "xref",
            object_type="entity",
            detail={
                "entities": len(profiles),
                "pairs": len(pairs),
                "merge": sum(1 for p in pairs if p.decision is Decision.MERGE),
                "review": sum(1 for p in pairs if p.decision is Decision.REVIEW),
                "incremental": only is not None,
            },
            at=ws.clock(),
        )
    return XrefRun(entities=len(profiles), pairs=tuple(pairs))


def evaluate_name_pairs(path: Path | None = None) -> NamePairsReport:
    """Decide the labelled name pairs (the shipped set, or the CSV file at ``path``)."""
    from portintel.adapters.name_data import NAME_PAIRS_FILE, package_text

    if path is None:
        text, source = package_text(NAME_PAIRS_FILE), NAME_PAIRS_FILE
    else:
        try:
            text, source = path.read_text(encoding="utf-8"), path.name
        except FileNotFoundError as exc:
            raise InvalidInput(f"{path} does not exist", field="file") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read {path}: {exc}", field="file") from exc
    return score_name_pairs(parse_name_pairs(text, source=source), name_variants())

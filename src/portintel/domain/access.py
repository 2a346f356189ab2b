"""Need-to-know: who may read which report, statement and source identity.

One table, :data:`READ_RULES`, says who may read a report by role and
status; services filter every read (get, list, search, counts, exports)
through :func:`may_read_report` and :func:`may_read_statement`, and the
faces only show what the services return.

The rules, and why:

1. **Authors** always read their own reports, drafts included: they wrote them.
2. **Drafts** are read by their author only: a draft is not yet intelligence.
3. By role, for reports past draft (``agency`` = the author's agency only):

   ============== ========================= ==========================
   role           submitted                 evaluated, disseminated,
                                            archived
   ============== ========================= ==========================
   officer        agency                    agency
   source handler agency                    agency
   analyst        agency                    every agency
   supervisor     every agency              every agency
   administrator  nothing                   nothing
   ============== ========================= ==========================

   Administrators manage users; that role alone reads no intelligence.
4. **Restrictive handling** (3x5x2 C, Europol H2/H3, TLP RED and
   AMBER+STRICT) narrows rule 3 further: only the author's agency,
   supervisors, and the agencies the originator's conditions name (the
   report's ``releasable_to`` list) may read it.
5. A **statement** is readable iff its report is readable and, when the
   statement carries its own restrictive handling code, rule 4 also holds for
   it. Statements that come from no report (AIS, partner feeds) are read by
   officers, analysts, supervisors and source handlers; with restrictive
   handling by supervisors only.
6. An informant's **protected identity** is read by source handlers only,
   and never travels in report views, entity provenance or exports.
7. The **source register** (every source with its handler, notes and
   identity) is kept by source handlers only: they read and register
   sources. Everyone who files reports may cite a source by its codename,
   kind and reliability, and nothing more.

The system actor (jobs, migrations, the demo generator) reads everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportStatus


class Scope(StrEnum):
    """How far a read rule reaches."""

    AGENCY = "agency"  # reports of the actor's own agency
    ANY = "any"  # reports of every agency


_PAST_EVALUATION = (ReportStatus.EVALUATED, ReportStatus.DISSEMINATED, ReportStatus.ARCHIVED)

READ_RULES: dict[Role, dict[ReportStatus, Scope]] = {
    Role.OFFICER: {
        ReportStatus.SUBMITTED: Scope.AGENCY,
        **dict.fromkeys(_PAST_EVALUATION, Scope.AGENCY),
    },
    Role.SOURCE_HANDLER: {
        ReportStatus.SUBMITTED: Scope.AGENCY,
        **dict.fromkeys(_PAST_EVALUATION, Scope.AGENCY),
    },
    Role.ANALYST: {
        ReportStatus.SUBMITTED: Scope.AGENCY,
        **dict.fromkeys(_PAST_EVALUATION, Scope.ANY),
    },
    Role.SUPERVISOR: {
        ReportStatus.SUBMITTED: Scope.ANY,
        **dict.fromkeys(_PAST_EVALUATION, Scope.ANY),
    },
    Role.ADMINISTRATOR: {},
}
"""Rule 3: role -> status -> scope. A status missing from a role's row is not readable."""

INTELLIGENCE_ROLES = frozenset({Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.SOURCE_HANDLER})
"""Roles that work with intelligence at all (rule 5, statements without a report)."""


@dataclass(frozen=True, slots=True)
class ReportAccess:
    """The facts about a report that need-to-know depends on, and nothing else."""

    author_id: str
    agency_id: str
    status: ReportStatus
    restrictive: bool
    releasable_to: frozenset[str] = field(default_factory=frozenset)


def _base_scope_allows(actor: Actor, report: ReportAccess) -> bool:
    for role in actor.roles:
        scope = READ_RULES.get(role, {}).get(report.status)
        if scope is Scope.ANY:
            return True
        if scope is Scope.AGENCY and actor.agency_id == report.agency_id:
            return True
    return False


def passes_handling(actor: Actor, report: ReportAccess) -> bool:
    """Rule 4: the restriction a restrictive handling code puts on a reader."""
    return (
        actor.is_system
        or actor.agency_id == report.agency_id
        or actor.has(Role.SUPERVISOR)
        or actor.agency_id in report.releasable_to
    )


def may_read_report(actor: Actor, report: ReportAccess) -> bool:
    """Rules 1 to 4: whether ``actor`` may know this report exists and read it."""
    if actor.is_system or actor.user_id == report.author_id:
        return True
    if report.status is ReportStatus.DRAFT:
        return False
    if not _base_scope_allows(actor, report):
        return False
    return not report.restrictive or passes_handling(actor, report)


def may_read_statement(
    actor: Actor, report: ReportAccess | None, *, statement_restrictive: bool
) -> bool:
    """Rule 5: a statement with its report (``None`` when it comes from no report)."""
    if actor.is_system:
        return True
    if report is None:
        if statement_restrictive:
            return actor.has(Role.SUPERVISOR)
        return bool(actor.roles & INTELLIGENCE_ROLES)
    if not may_read_report(actor, report):
        return False
    return not statement_restrictive or passes_handling(actor, report)


def may_see_protected_identity(actor: Actor) -> bool:
    """Rule 6: informant identities are for source handlers only."""
    return actor.has(Role.SOURCE_HANDLER)


def may_keep_source_register(actor: Actor) -> bool:
    """Rule 7: the source register is read and written by source handlers only."""
    return actor.is_system or actor.has(Role.SOURCE_HANDLER)


def may_work_with_intelligence(actor: Actor) -> bool:
    """Whether the actor holds any role that reads or writes intelligence."""
    return actor.is_system or bool(actor.roles & INTELLIGENCE_ROLES)

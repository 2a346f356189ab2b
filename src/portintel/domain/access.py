"""Need-to-know: who may read which report, statement and source identity.

One table, :data:`READ_RULES`, says who may read a report by role and
status; :func:`may_read_report` and :func:`may_read_statement` state the
rules for one report or statement, and :func:`reader_scope` compiles them for
one reader into the predicate every read (get, list, search, counts, exports)
is filtered by in the database (see the end of this docstring). The faces
only show what the services return.

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

**Reading through a scoped view.** Services never fetch rows and filter them
here: :func:`reader_scope` compiles the rules above, for one reader, into a
pure predicate that the store renders as a ``WHERE`` clause
(``portintel.adapters.database.scope``), so lists, counts, pages and search
are filtered and paginated in the database. The predicate is data:

* a :class:`ReportPredicate` is an OR of :class:`ReportClause`; a clause is
  an AND of optional conditions on a report: its status is one of
  ``statuses``, its ``agency_id``, its ``author_id``, whether it is
  ``restrictive`` (stored with the report, computed from the handling
  vocabulary when the handling is written), and whether its releasable-to
  list names ``releasable_to``. No clause: no report; an empty clause:
  every report. For a reader who is not the system it reads::

      author = me
      OR status in S_agency AND agency = my agency      (rule 3, own agency;
                                                          rule 4 passes)
      OR status in S_any    [AND (NOT restrictive        (rule 3, every agency,
                                  OR releasable to my agency)]   rule 4 unless
                                                                   supervisor)

  where ``S_any`` are the statuses some role of the reader reads in every
  agency and ``S_agency`` those it reads at least in its own (both from
  :data:`READ_RULES`; never drafts, rule 2).
* a :class:`StatementPredicate` says, for a statement whose origin is a
  report, ``report`` holds AND (the statement is not restrictive OR
  ``handling`` holds for the report: rule 4 as a report predicate); for a
  statement from no report, whether open and restrictive ones are readable
  (rule 5).

:func:`may_read_report` and :func:`may_read_statement` stay the oracle: the
predicates' own :meth:`ReportPredicate.holds` and
:meth:`StatementPredicate.holds` are checked against them in the domain
tests, and the SQL rendering against them on both stores.
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


# -- the rules compiled for one reader: a predicate the store renders as SQL --------


@dataclass(frozen=True, slots=True)
class ReportClause:
    """An AND of conditions on a report; a condition left ``None`` does not narrow."""

    statuses: frozenset[ReportStatus] | None = None
    agency_id: str | None = None
    author_id: str | None = None
    restrictive: bool | None = None
    releasable_to: str | None = None
    """The report's releasable-to list names this agency."""

    @property
    def unconstrained(self) -> bool:
        return (
            self.statuses is None
            and self.agency_id is None
            and self.author_id is None
            and self.restrictive is None
            and self.releasable_to is None
        )

    def holds(self, report: ReportAccess) -> bool:
        return (
            (self.statuses is None or report.status in self.statuses)
            and (self.agency_id is None or report.agency_id == self.agency_id)
            and (self.author_id is None or report.author_id == self.author_id)
            and (self.restrictive is None or report.restrictive is self.restrictive)
            and (self.releasable_to is None or self.releasable_to in report.releasable_to)
        )


@dataclass(frozen=True, slots=True)
class ReportPredicate:
    """An OR of clauses: no clause is no report, an unconstrained clause every report."""

    clauses: tuple[ReportClause, ...]

    @property
    def everything(self) -> bool:
        return any(clause.unconstrained for clause in self.clauses)

    @property
    def nothing(self) -> bool:
        return not self.clauses

    def holds(self, report: ReportAccess) -> bool:
        return any(clause.holds(report) for clause in self.clauses)


EVERY_REPORT = ReportPredicate((ReportClause(),))
NO_REPORT = ReportPredicate(())


@dataclass(frozen=True, slots=True)
class StatementPredicate:
    """Rule 5 for one reader.

    A statement whose origin is a report is readable iff ``report`` holds for
    that report and, when the statement carries its own restrictive handling,
    ``handling`` holds too. A statement from no report is readable iff
    ``without_report`` (open handling) or ``without_report_restrictive``
    (restrictive handling of its own) is true.
    """

    report: ReportPredicate
    handling: ReportPredicate
    without_report: bool
    without_report_restrictive: bool

    def holds(self, report: ReportAccess | None, *, statement_restrictive: bool) -> bool:
        if report is None:
            return self.without_report_restrictive if statement_restrictive else self.without_report
        if not self.report.holds(report):
            return False
        return not statement_restrictive or self.handling.holds(report)


@dataclass(frozen=True, slots=True)
class ReaderScope:
    """What one reader may read, as predicates a store renders; see the module docstring."""

    reader: Actor
    reports: ReportPredicate
    statements: StatementPredicate


def _statuses_reached(actor: Actor, scopes: frozenset[Scope]) -> frozenset[ReportStatus]:
    return frozenset(
        status
        for role in actor.roles
        for status, scope in READ_RULES.get(role, {}).items()
        if scope in scopes and status is not ReportStatus.DRAFT
    )


def _handling_predicate(actor: Actor) -> ReportPredicate:
    """Rule 4 (:func:`passes_handling`) as a predicate on the report."""
    if actor.is_system or actor.has(Role.SUPERVISOR):
        return EVERY_REPORT
    return ReportPredicate(
        (ReportClause(agency_id=actor.agency_id), ReportClause(releasable_to=actor.agency_id))
    )


def _report_predicate(actor: Actor) -> ReportPredicate:
    """Rules 1 to 4 (:func:`may_read_report`) as an OR of clauses."""
    if actor.is_system:
        return EVERY_REPORT
    clauses = [ReportClause(author_id=actor.user_id)]  # rule 1
    own_agency = _statuses_reached(actor, frozenset({Scope.AGENCY, Scope.ANY}))
    if own_agency:  # rule 4 holds in the reader's own agency
        clauses.append(ReportClause(statuses=own_agency, agency_id=actor.agency_id))
    every_agency = _statuses_reached(actor, frozenset({Scope.ANY}))
    if every_agency:
        handling = _handling_predicate(actor)
        if handling.everything:
            clauses.append(ReportClause(statuses=every_agency))
        else:  # not restrictive, or releasable to the reader's agency
            clauses.append(ReportClause(statuses=every_agency, restrictive=False))
            clauses.append(ReportClause(statuses=every_agency, releasable_to=actor.agency_id))
    return ReportPredicate(tuple(clauses))


def reader_scope(actor: Actor) -> ReaderScope:
    """Compile :data:`READ_RULES` and rules 1 to 5 into predicates for ``actor``."""
    if actor.is_system:
        statements = StatementPredicate(EVERY_REPORT, EVERY_REPORT, True, True)
    else:
        statements = StatementPredicate(
            report=_report_predicate(actor),
            handling=_handling_predicate(actor),
            without_report=bool(actor.roles & INTELLIGENCE_ROLES),
            without_report_restrictive=actor.has(Role.SUPERVISOR),
        )
    return ReaderScope(reader=actor, reports=_report_predicate(actor), statements=statements)

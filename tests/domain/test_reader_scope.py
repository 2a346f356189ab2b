"""The compiled reader scope says exactly what the rule functions say.

:func:`portintel.domain.access.reader_scope` turns the rules into predicates
that the store renders as SQL; here the predicates' own evaluation is held
equal to :func:`may_read_report` and :func:`may_read_statement` over every
combination of roles, statuses, agencies and handling (exhaustively, then by
hypothesis for the system actor mixed in). The SQL rendering is held to the
same oracle in ``tests/adapters/test_reader_scope_sql.py``.
"""

from __future__ import annotations

from itertools import chain, combinations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.domain.access import (
    EVERY_REPORT,
    ReportAccess,
    may_read_report,
    may_read_statement,
    reader_scope,
)
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import ReportStatus

AGENCIES = ("immigration", "maritime-police", "internal-security")
ROLE_SETS = tuple(
    frozenset(chosen)
    for chosen in chain.from_iterable(combinations(list(Role), size) for size in range(4))
)
READERS = tuple(
    Actor(user_id, user_id, agency, roles)
    for user_id, agency, roles in product(("u1", "u2"), AGENCIES[:2], ROLE_SETS)
)
RELEASABLE = (frozenset(), frozenset({"immigration"}), frozenset({"internal-security"}))
REPORTS = tuple(
    ReportAccess(author, agency, status, restrictive, releasable)
    for author, agency, status, restrictive, releasable in product(
        ("u1", "u3"), AGENCIES, list(ReportStatus), (False, True), RELEASABLE
    )
)


def test_report_predicate_equals_the_rules_for_every_reader_and_report() -> None:
    for reader in READERS:
        predicate = reader_scope(reader).reports
        for report in REPORTS:
            assert predicate.holds(report) == may_read_report(reader, report), (reader, report)


def test_statement_predicate_equals_the_rules_for_every_reader_and_statement() -> None:
    for reader in READERS:
        predicate = reader_scope(reader).statements
        for report, restrictive in product((None, *REPORTS), (False, True)):
            expected = may_read_statement(reader, report, statement_restrictive=restrictive)
            found = predicate.holds(report, statement_restrictive=restrictive)
            assert found == expected, (reader, report, restrictive)


def test_the_system_reads_everything_and_an_administrator_only_own_reports() -> None:
    scope = reader_scope(SYSTEM)
    assert scope.reports == EVERY_REPORT
    assert scope.statements.report.everything and scope.statements.without_report_restrictive
    admin = Actor("u7", "admin", "immigration", frozenset({Role.ADMINISTRATOR}))
    clauses = reader_scope(admin).reports.clauses
    assert [clause.author_id for clause in clauses] == ["u7"]
    assert not reader_scope(admin).statements.without_report


def test_a_supervisor_needs_no_handling_clause() -> None:
    supervisor = Actor("u1", "s", "immigration", frozenset({Role.SUPERVISOR}))
    predicate = reader_scope(supervisor).reports
    assert all(clause.restrictive is None for clause in predicate.clauses)
    assert all(clause.releasable_to is None for clause in predicate.clauses)


@settings(max_examples=3000, deadline=None)
@given(
    reader=st.sampled_from((*READERS, SYSTEM)),
    report=st.none() | st.sampled_from(REPORTS),
    restrictive=st.booleans(),
)
def test_scope_and_rules_agree_for_any_reader(
    reader: Actor, report: ReportAccess | None, restrictive: bool
) -> None:
    scope = reader_scope(reader)
    if report is not None:
        assert scope.reports.holds(report) == may_read_report(reader, report)
    assert scope.statements.holds(report, statement_restrictive=restrictive) == (
        may_read_statement(reader, report, statement_restrictive=restrictive)
    )

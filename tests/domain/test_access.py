"""Need-to-know: property-based checks of the rules table over random actors and reports.

The oracle below restates the rules in the docstring of portintel.domain.access
independently of the table, case by case; hypothesis draws thousands of
actors x reports x handling codes and the two must agree.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.domain.access import (
    ReportAccess,
    may_keep_source_register,
    may_read_report,
    may_read_statement,
    may_see_protected_identity,
)
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import ReportStatus

AGENCIES = ("immigration", "internal-security", "maritime-police", "ahtjp")
USERS = ("u1", "u2", "u3", "u4")

actors = st.builds(
    Actor,
    user_id=st.sampled_from(USERS),
    username=st.just("someone"),
    agency_id=st.sampled_from(AGENCIES),
    roles=st.frozensets(st.sampled_from(list(Role)), max_size=3),
)
reports = st.builds(
    ReportAccess,
    author_id=st.sampled_from(USERS),
    agency_id=st.sampled_from(AGENCIES),
    status=st.sampled_from(list(ReportStatus)),
    restrictive=st.booleans(),
    releasable_to=st.frozensets(st.sampled_from(AGENCIES), max_size=2),
)


def oracle_report(actor: Actor, report: ReportAccess) -> bool:
    if actor.user_id == report.author_id:
        return True
    if report.status == ReportStatus.DRAFT:
        return False
    same_agency = actor.agency_id == report.agency_id
    readers = set()
    if same_agency:
        readers |= {Role.OFFICER, Role.SOURCE_HANDLER, Role.ANALYST, Role.SUPERVISOR}
    elif report.status == ReportStatus.SUBMITTED:
        readers |= {Role.SUPERVISOR}
    else:
        readers |= {Role.ANALYST, Role.SUPERVISOR}
    if not (actor.roles & readers):
        return False
    if report.restrictive:
        return (
            same_agency
            or Role.SUPERVISOR in actor.roles
            or (actor.agency_id in report.releasable_to)
        )
    return True


@settings(max_examples=5000)
@given(actors, reports)
def test_report_reads_follow_the_rules(actor: Actor, report: ReportAccess) -> None:
    assert may_read_report(actor, report) == oracle_report(actor, report)


@settings(max_examples=5000)
@given(actors, reports, st.booleans())
def test_no_statement_is_readable_when_its_report_is_not(
    actor: Actor, report: ReportAccess, restrictive_statement: bool
) -> None:
    readable = may_read_statement(actor, report, statement_restrictive=restrictive_statement)
    if not oracle_report(actor, report):
        assert not readable
    if readable and restrictive_statement and actor.user_id != report.author_id:
        assert (
            actor.agency_id == report.agency_id
            or Role.SUPERVISOR in actor.roles
            or actor.agency_id in report.releasable_to
        )


@settings(max_examples=2000)
@given(actors, reports)
def test_administrators_read_nothing_by_that_role(actor: Actor, report: ReportAccess) -> None:
    admin = Actor(actor.user_id, actor.username, actor.agency_id, frozenset({Role.ADMINISTRATOR}))
    if report.author_id != admin.user_id:
        assert not may_read_report(admin, report)
        assert not may_read_statement(admin, report, statement_restrictive=False)
    assert not may_read_statement(admin, None, statement_restrictive=False)


@given(actors, reports)
def test_drafts_are_for_their_author_only(actor: Actor, report: ReportAccess) -> None:
    draft = ReportAccess(report.author_id, report.agency_id, ReportStatus.DRAFT, report.restrictive)
    assert may_read_report(actor, draft) == (actor.user_id == report.author_id)


@given(actors)
def test_protected_identity_only_for_source_handlers(actor: Actor) -> None:
    assert may_see_protected_identity(actor) == (Role.SOURCE_HANDLER in actor.roles)


def test_restrictive_report_is_closed_to_another_agencys_analyst() -> None:
    analyst = Actor("u9", "ana", "immigration", frozenset({Role.ANALYST}))
    report = ReportAccess("u1", "maritime-police", ReportStatus.EVALUATED, restrictive=True)
    assert not may_read_report(analyst, report)
    released = ReportAccess(
        "u1", "maritime-police", ReportStatus.EVALUATED, True, frozenset({"immigration"})
    )
    assert may_read_report(analyst, released)
    open_report = ReportAccess("u1", "maritime-police", ReportStatus.EVALUATED, restrictive=False)
    assert may_read_report(analyst, open_report)


def test_statement_without_report() -> None:
    officer = Actor("u1", "o", "immigration", frozenset({Role.OFFICER}))
    supervisor = Actor("u2", "s", "immigration", frozenset({Role.SUPERVISOR}))
    assert may_read_statement(officer, None, statement_restrictive=False)
    assert not may_read_statement(officer, None, statement_restrictive=True)
    assert may_read_statement(supervisor, None, statement_restrictive=True)
    assert may_read_statement(SYSTEM, None, statement_restrictive=True)


def test_restrictive_statement_in_open_report_is_narrowed() -> None:
    analyst = Actor("u9", "ana", "immigration", frozenset({Role.ANALYST}))
    report = ReportAccess("u1", "maritime-police", ReportStatus.EVALUATED, restrictive=False)
    assert may_read_statement(analyst, report, statement_restrictive=False)
    assert not may_read_statement(analyst, report, statement_restrictive=True)


@given(roles=st.frozensets(st.sampled_from(list(Role))))
def test_only_source_handlers_keep_the_source_register(roles: frozenset[Role]) -> None:
    actor = Actor(user_id="u", username="u", agency_id="immigration", roles=roles)
    assert may_keep_source_register(actor) is (Role.SOURCE_HANDLER in roles)
    assert may_keep_source_register(SYSTEM)

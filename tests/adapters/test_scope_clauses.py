"""Rendering a scope drops the clauses another clause already admits, and nothing else.

The store tests every clause of a reader's OR on every row it counts (a
supervisor's report total walks some 90,000 index entries), so a clause
inside another (a supervisor's "submitted or later in my agency" within
"submitted or later in any agency") is not rendered. The OR must stay the
same: on random clauses and reports, the kept clauses admit exactly the
reports all the clauses admit (the SQL itself is checked against the rules
in ``test_reader_scope_sql``).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy.dialects import sqlite

from portintel.adapters.database.scope import _without_implied, readable_reports
from portintel.domain.access import ReportAccess, ReportClause, ReportPredicate, reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportStatus

AGENCIES = ("a", "b")
USERS = ("u1", "u2")

statuses = st.none() | st.frozensets(st.sampled_from(list(ReportStatus)))
clauses = st.builds(
    ReportClause,
    statuses=statuses,
    agency_id=st.none() | st.sampled_from(AGENCIES),
    author_id=st.none() | st.sampled_from(USERS),
    restrictive=st.none() | st.booleans(),
    releasable_to=st.none() | st.sampled_from(AGENCIES),
)
reports = st.builds(
    ReportAccess,
    author_id=st.sampled_from(USERS),
    agency_id=st.sampled_from(AGENCIES),
    status=st.sampled_from(list(ReportStatus)),
    restrictive=st.booleans(),
    releasable_to=st.frozensets(st.sampled_from(AGENCIES)),
)


@given(st.lists(clauses, max_size=5).map(tuple), st.lists(reports, min_size=1, max_size=20))
def test_the_kept_clauses_admit_what_all_of_them_admit(
    drawn: tuple[ReportClause, ...], seen: list[ReportAccess]
) -> None:
    kept = _without_implied(drawn)
    assert set(kept) <= set(drawn)
    assert bool(kept) == bool(drawn)
    for report in seen:
        assert ReportPredicate(tuple(kept)).holds(report) == ReportPredicate(drawn).holds(report)


def test_equal_clauses_keep_one() -> None:
    clause = ReportClause(statuses=frozenset({ReportStatus.SUBMITTED}), agency_id="a")
    assert _without_implied((clause, clause)) == [clause]


def test_a_supervisor_s_report_scope_renders_two_terms() -> None:
    supervisor = Actor("u1", "sup", "a", frozenset({Role.SUPERVISOR}))
    query = readable_reports(reader_scope(supervisor).reports, func.count())
    where = str(query.compile(dialect=sqlite.dialect())).split("WHERE", 1)[1]
    assert "agency_id" not in where  # "my agency" is inside "any agency"
    assert where.count(" OR ") == 1  # own reports, or submitted and later anywhere

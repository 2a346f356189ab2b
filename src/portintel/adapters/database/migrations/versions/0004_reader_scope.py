"""reader scope: need-to-know as data SQL can use

Roles and releasable-to agencies move from comma-separated text into the
tables ``user_roles`` and ``report_releasable_to``; reports and statements
get a ``restrictive`` flag computed from the handling vocabulary (unknown
codes count as restrictive, as they do at read); indexes for the report
list, the readers of one agency, and covering indexes from which a reader's
scope is decided without reading rows (statements by canonical id, reports
by id).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portintel.adapters.vocabularies import load_handling
from portintel.errors import PortintelError

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _restrictive(code: str) -> bool:
    try:
        return load_handling().is_restrictive(code)
    except PortintelError:  # an unknown code fails closed, as at read
        return True


def _split(text: str | None) -> list[str]:
    return sorted({part.strip() for part in (text or "").split(",") if part.strip()})


def _flag_restrictive(connection: sa.Connection, table: str) -> None:
    """Set ``restrictive`` from the handling codes present (false when there is none)."""
    rows = sa.table(table, sa.column("handling", sa.String), sa.column("restrictive", sa.Boolean))
    codes = connection.execute(sa.select(rows.c.handling).distinct()).scalars().all()
    closed = sorted(code for code in codes if code and _restrictive(code))
    connection.execute(sa.update(rows).values(restrictive=False))
    if closed:
        connection.execute(
            sa.update(rows).where(rows.c.handling.in_(closed)).values(restrictive=True)
        )


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    users = sa.table("users", sa.column("id", sa.String), sa.column("roles", sa.String))
    user_roles = sa.table("user_roles", sa.column("user_id"), sa.column("role"))
    granted = [
        {"user_id": user_id, "role": role}
        for user_id, roles in connection.execute(sa.select(users.c.id, users.c.roles))
        for role in _split(roles)
    ]
    if granted:
        connection.execute(sa.insert(user_roles), granted)
    op.drop_column("users", "roles")

    op.create_table(
        "report_releasable_to",
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_report_releasable_to_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_releasable_to_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("report_id", "agency_id", name=op.f("pk_report_releasable_to")),
    )
    reports = sa.table("reports", sa.column("id", sa.String), sa.column("releasable_to", sa.Text))
    releasable = sa.table("report_releasable_to", sa.column("report_id"), sa.column("agency_id"))
    released = [
        {"report_id": report_id, "agency_id": agency}
        for report_id, text in connection.execute(
            sa.select(reports.c.id, reports.c.releasable_to).where(
                reports.c.releasable_to.is_not(None)
            )
        )
        for agency in _split(text)
    ]
    if released:
        connection.execute(sa.insert(releasable), released)
    op.drop_column("reports", "releasable_to")

    for table in ("reports", "statements"):
        op.add_column(
            table,
            sa.Column("restrictive", sa.Boolean(), server_default=sa.true(), nullable=False),
        )
        _flag_restrictive(connection, table)
    op.create_index("ix_reports_reported", "reports", ["reported_at", "id"], unique=False)
    op.create_index("ix_reports_agency_status", "reports", ["agency_id", "status"], unique=False)
    op.create_index(
        "ix_reports_scope",
        "reports",
        ["id", "status", "agency_id", "author_id", "restrictive"],
        unique=False,
    )
    op.drop_index("ix_statements_canonical", table_name="statements")
    op.create_index(
        "ix_statements_canonical_scope",
        "statements",
        ["canonical_id", "schema", "origin", "restrictive"],
        unique=False,
    )


def downgrade() -> None:
    connection = op.get_bind()
    op.drop_index("ix_statements_canonical_scope", table_name="statements")
    op.create_index("ix_statements_canonical", "statements", ["canonical_id"], unique=False)
    op.drop_index("ix_reports_scope", table_name="reports")
    op.drop_index("ix_reports_agency_status", table_name="reports")
    op.drop_index("ix_reports_reported", table_name="reports")
    op.drop_column("statements", "restrictive")
    op.drop_column("reports", "restrictive")

    op.add_column("reports", sa.Column("releasable_to", sa.Text(), nullable=True))
    reports = sa.table("reports", sa.column("id", sa.String), sa.column("releasable_to", sa.Text))
    releasable = sa.table("report_releasable_to", sa.column("report_id"), sa.column("agency_id"))
    by_report: dict[str, list[str]] = {}
    for report_id, agency in connection.execute(
        sa.select(releasable.c.report_id, releasable.c.agency_id)
    ):
        by_report.setdefault(report_id, []).append(agency)
    for report_id, agencies in by_report.items():
        connection.execute(
            sa.update(reports)
            .where(reports.c.id == report_id)
            .values(releasable_to=",".join(sorted(agencies)))
        )
    op.drop_table("report_releasable_to")

    op.add_column(
        "users", sa.Column("roles", sa.String(length=200), server_default="", nullable=False)
    )
    users = sa.table("users", sa.column("id", sa.String), sa.column("roles", sa.String))
    user_roles = sa.table("user_roles", sa.column("user_id"), sa.column("role"))
    by_user: dict[str, list[str]] = {}
    for user_id, role in connection.execute(sa.select(user_roles.c.user_id, user_roles.c.role)):
        by_user.setdefault(user_id, []).append(role)
    for user_id, roles in by_user.items():
        connection.execute(
            sa.update(users).where(users.c.id == user_id).values(roles=",".join(sorted(roles)))
        )
    op.drop_table("user_roles")

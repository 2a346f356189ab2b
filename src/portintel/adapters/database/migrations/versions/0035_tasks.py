"""tasks and requests for information: the question, the assignee, the answers, the history

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-29 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTC = sa.DateTime(timezone=True)

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("deadline", UTC, nullable=True),
        sa.Column("answer_handling", sa.String(length=64), nullable=False),
        sa.Column("answer_handling_conditions", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issuer_id", sa.String(length=64), nullable=False),
        sa.Column("assignee_user_id", sa.String(length=64), nullable=True),
        sa.Column("assignee_agency_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_agency_id"],
            ["agencies.id"],
            name=op.f("fk_tasks_assignee_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"], ["users.id"], name=op.f("fk_tasks_assignee_user_id_users")
        ),
        sa.ForeignKeyConstraint(["issuer_id"], ["users.id"], name=op.f("fk_tasks_issuer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index(op.f("ix_tasks_assignee_agency_id"), "tasks", ["assignee_agency_id"])
    op.create_index(op.f("ix_tasks_assignee_user_id"), "tasks", ["assignee_user_id"])
    op.create_index(op.f("ix_tasks_issuer_id"), "tasks", ["issuer_id"])
    op.create_index("ix_tasks_status_deadline", "tasks", ["status", "deadline"])
    op.create_table(
        "task_answers",
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_by"], ["users.id"], name=op.f("fk_task_answers_linked_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_task_answers_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_answers_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("task_id", "report_id", name=op.f("pk_task_answers")),
    )
    op.create_index("ix_task_answers_report_id", "task_answers", ["report_id"])
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("report_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_task_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_task_events_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_events_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
    )
    op.create_index(op.f("ix_task_events_task_id"), "task_events", ["task_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_events_task_id"), table_name="task_events")
    op.drop_table("task_events")
    op.drop_index("ix_task_answers_report_id", table_name="task_answers")
    op.drop_table("task_answers")
    op.drop_index("ix_tasks_status_deadline", table_name="tasks")
    op.drop_index(op.f("ix_tasks_issuer_id"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_assignee_user_id"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_assignee_agency_id"), table_name="tasks")
    op.drop_table("tasks")

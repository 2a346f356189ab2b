"""Alembic environment: the engine comes from the caller (see engine.migrate)."""

from __future__ import annotations

from alembic import context

from portintel.adapters.database.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()

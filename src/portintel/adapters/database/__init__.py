"""Relational store: SQLAlchemy 2 over SQLite (default) or PostgreSQL."""

from portintel.adapters.database.engine import create_database_engine, migrate, session_factory
from portintel.adapters.database.tables import metadata

__all__ = ["create_database_engine", "metadata", "migrate", "session_factory"]

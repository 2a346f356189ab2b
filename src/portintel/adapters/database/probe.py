"""Is the relational store there? (:class:`portintel.ports.StoreProbe`)."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from portintel.adapters.database.engine import engine_label


class SqlStoreProbe:
    """Asks the store a trivial question; for health checks and operators' messages."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._url = url

    def reachable(self) -> bool:
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def label(self) -> str:
        return engine_label(self._url)

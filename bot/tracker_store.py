"""Rasa's SQL tracker store, on the database named by TRACKER_DATABASE_URL.

endpoints.yml names this class because Rasa's own `type: SQL` takes its
connection from fields without defaults: this way one environment variable
chooses the database (SQLite file by default, PostgreSQL in production), the
same one `doorvraag purge` and `forget` clean, and a missing PostgreSQL
database is created on first start.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from bot.storage import settings
from bot.storage.database import ensure_database, sqlite_fast_writes

__all__ = ["DoorvraagTrackerStore", "ensure_database"]


class DoorvraagTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose connection comes from TRACKER_DATABASE_URL."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        host = kwargs.pop("host", None)
        for ignored in ("dialect", "db", "port", "username", "password", "login_db", "query"):
            kwargs.pop(ignored, None)
        # A complete URL under `url:` in endpoints.yml wins over the environment.
        url = url or (host if host and "://" in host else None) or settings.tracker_database_url()
        ensure_database(url)
        # SQLTrackerStore takes a complete database URL in `host`.
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        sqlite_fast_writes(self.engine)

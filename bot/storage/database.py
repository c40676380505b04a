"""One database: its engine, session factory, retry policy and outbox.

Everything that talks to the contact log receives a `Database`; nothing is
kept in module globals. `Database.for_url` caches one per URL so the action
server shares a connection pool and an outbox across conversations.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import settings
from bot.storage.outbox import DEFAULT_CAPACITY, Outbox
from bot.storage.retry import RetryPolicy


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; parameters are kept out of error messages so user text never reaches a log."""
    options = {"future": True, "hide_parameters": True}
    if not url.startswith("sqlite"):
        options["pool_pre_ping"] = True
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
        sqlite_fast_writes(engine)
    return engine


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist; True when it was created.

    SQLite creates its file on first connect, so there is nothing to do there.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if exists:
                return False
            quoted = admin.dialect.identifier_preparer.quote(parsed.database)
            connection.execute(text(f"CREATE DATABASE {quoted}"))
            return True
    finally:
        admin.dispose()


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless asked, per connection; other databases always check them."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_wal(dbapi_connection, _record) -> None:
    """Write-ahead logging with synchronous=NORMAL: a commit does not wait for a full disk flush
    and readers don't block the writer (SQLite is the embedded default; PostgreSQL is production)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_fast_writes(engine: Engine) -> None:
    """WAL and synchronous=NORMAL on every new connection of a SQLite engine (the contact log and
    Rasa's tracker store both use it)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_wal)
        engine.dispose()  # connections made before the listener get the settings too


class Database:
    def __init__(self, url: str, *, retry: RetryPolicy | None = None, outbox: Outbox | None = None):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)
        self.retry = retry or RetryPolicy()
        self.outbox = outbox if outbox is not None else Outbox()
        # Serialises writes and outbox flushes, so a queued write is applied exactly once.
        self.write_lock = threading.RLock()

    def session(self) -> Session:
        """A new session for one unit of work; use as `with db.session() as s, s.begin(): ...`."""
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({settings.safe_url(self.url)!r}, pending={len(self.outbox)})"

    @classmethod
    @cache
    def for_url(cls, url: str, outbox_path: Path | None = None, outbox_capacity: int = DEFAULT_CAPACITY) -> Database:
        """The shared Database for `url` (created on first use)."""
        return cls(url, outbox=Outbox(outbox_path, outbox_capacity))

    @classmethod
    def from_env(cls) -> Database:
        """The shared Database named by DATABASE_URL and DOORVRAAG_OUTBOX."""
        return cls.for_url(settings.database_url(), settings.outbox_path())

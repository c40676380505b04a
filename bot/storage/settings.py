"""Where the contact log lives, read from the environment.

Kept apart so the bot, the CLI and Alembic's env.py agree on one source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite:///doorvraag.db"


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """DATABASE_URL, or a SQLite file in the working directory.

    Hosting platforms often hand out ``postgres://`` URLs, which SQLAlchemy
    1.4 no longer accepts; they are rewritten to ``postgresql://``.
    """
    env = os.environ if environ is None else environ
    url = (env.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url


DEFAULT_TRACKER_DATABASE_URL = "sqlite:///rasa_tracker.db"


def tracker_database_url(environ: Mapping[str, str] | None = None) -> str:
    """TRACKER_DATABASE_URL: Rasa's SQL tracker store (the transcripts), kept in its own database.

    Never the contact log's database: purge and forget treat the two differently,
    and an event broker's `events` table must never share it. Unset, it is
    rasa_tracker.db beside a SQLite contact log, or `<name>_tracker` on the same
    server as a PostgreSQL one.
    """
    env = os.environ if environ is None else environ
    url = (env.get("TRACKER_DATABASE_URL") or "").strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url:
        return url
    # On a PostgreSQL contact log the transcripts go to a sibling database on the same server.
    contact_log = make_url(database_url(env))
    if contact_log.get_backend_name() == "postgresql" and contact_log.database:
        return contact_log.set(database=f"{contact_log.database}_tracker").render_as_string(hide_password=False)
    return DEFAULT_TRACKER_DATABASE_URL


def outbox_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """DOORVRAAG_OUTBOX: file for writes that wait for the database; unset keeps them in memory."""
    env = os.environ if environ is None else environ
    value = (env.get("DOORVRAAG_OUTBOX") or "").strip()
    return Path(value) if value else None


def safe_url(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)

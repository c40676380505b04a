"""The contact log: what each intake was about and how it ended, for the helpdesk's figures.

Use a `Database` (one per URL, `Database.from_env()` reads DATABASE_URL) with
the functions of `bot.storage.repository`; apply the schema with
`doorvraag db upgrade`. Only codes and already-redacted text are stored.
"""

from bot.storage.database import Database
from bot.storage.repository import (
    close_contact,
    contacts_between,
    flush_outbox,
    log_message,
    mark_incomplete_stale,
    open_contact,
    record_answer,
    update_contact,
)

__all__ = [
    "Database",
    "open_contact",
    "update_contact",
    "record_answer",
    "log_message",
    "close_contact",
    "flush_outbox",
    "mark_incomplete_stale",
    "contacts_between",
]

"""The console's live feed: a growing list of small events (ids and codes, never text).

Every change staff should see at once (a handoff, a claim, a transfer, a reply, a
closed call-back, a new call-back request, a user leaving the queue
or offered a call-back) adds a row in the same unit of work as the change itself. A
console process asks for rows above the last id it saw; that works with any
number of console processes on one database, SQLite or PostgreSQL, without a
message broker.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.models import ConsoleEvent
from bot.storage.timestamps import utc_now

KINDS = (
    "queued",
    "claimed",
    "transferred",
    "status",
    "reply",
    "resumed",
    "note",
    "callback_done",
    "callback_requested",
    "left_queue",
    "callback_offered",
)
KEEP = timedelta(days=2)  # only needed while a console page is open; `doorvraag purge` removes older rows


def record_event(session: Session, kind: str, contact_id: str | None = None) -> None:
    """Add an event to the caller's unit of work (the caller commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown console event {kind!r}")
    session.flush()  # the contact it names may be new in this unit of work
    session.add(ConsoleEvent(at=utc_now(), kind=kind, contact_id=contact_id))


def latest_event_id(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.coalesce(func.max(ConsoleEvent.id), 0))) or 0)

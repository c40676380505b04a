"""What a person waiting for staff is told: their place in the queue and the expected wait.

Both are read from the contact log, so every bot process tells the same: the place
among contacts waiting for a person and not yet claimed (urgent ones first, then the
oldest, the order staff see), and the median time recent handoffs waited for a claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select

from bot.storage.database import Database
from bot.storage.models import Contact
from bot.storage.timestamps import as_utc, utc_now

RECENT = 20
WINDOW = timedelta(days=30)


def _waiting():
    return select(Contact).where(
        Contact.queue_status == "nieuw", Contact.assigned_to.is_(None), Contact.handoff == "wachtrij"
    )


def queue_position(db: Database, conversation_id: str) -> int | None:
    """1 for the first in line; None when this conversation is not waiting for a person."""
    with db.session() as session:
        waiting = list(session.scalars(_waiting().order_by(Contact.urgent.desc(), Contact.handed_off_at.asc())))
    for place, contact in enumerate(waiting, start=1):
        if contact.conversation_id == conversation_id:
            return place
    return None


def expected_wait(db: Database, *, now: datetime | None = None) -> timedelta | None:
    """The median wait for a claim over the most recent handoffs of the last 30 days; None without any."""
    since = as_utc(now or utc_now()) - WINDOW
    with db.session() as session:
        rows = session.execute(
            select(Contact.handed_off_at, Contact.claimed_at)
            .where(Contact.claimed_at.is_not(None), Contact.handed_off_at >= since, Contact.handoff == "wachtrij")
            .order_by(Contact.claimed_at.desc())
            .limit(RECENT)
        ).all()
    waits = [claimed - handed for handed, claimed in rows if handed is not None and claimed >= handed]
    return median(waits) if waits else None

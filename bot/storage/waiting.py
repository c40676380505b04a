"""A person waiting for staff: their place in the queue, the expected wait, the call-back offer, leaving.

All of it is read from and written to the contact log, so every bot and console process agrees:
the place among contacts waiting for a person and not yet claimed (urgent ones first, then the
oldest, the order staff see), the median time recent handoffs waited for a claim, and whether a
call-back was offered already (one conditional UPDATE decides which process offers it, once).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select, update

from bot.storage.database import Database
from bot.storage.live import record_event
from bot.storage.models import Contact
from bot.storage.timestamps import as_utc, utc_now

RECENT = 20
WINDOW = timedelta(days=30)


def _is_waiting():
    """Waiting for a person in the chat and not yet claimed (also the console's live queue)."""
    return (Contact.queue_status == "nieuw", Contact.assigned_to.is_(None), Contact.handoff == "wachtrij")


def _waiting():
    return select(Contact).where(*_is_waiting())


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


def due_for_offer(db: Database, after: timedelta, *, now: datetime | None = None) -> list[tuple[str, str]]:
    """(contact id, conversation id) of chat contacts waiting unclaimed for longer than `after`, not offered yet."""
    before = as_utc(now or utc_now()) - after
    with db.session() as session:
        rows = session.execute(
            select(Contact.id, Contact.conversation_id)
            .where(*_is_waiting(), Contact.channel == "chat", Contact.callback_offered_at.is_(None))
            .where(Contact.handed_off_at <= before)
            .order_by(Contact.handed_off_at.asc())
            .limit(100)
        ).all()
    return [(contact_id, conversation) for contact_id, conversation in rows]


def mark_offered(db: Database, contact_id: str, *, now: datetime | None = None) -> bool:
    """Take the offer for this contact: True for exactly one caller, and only while it still waits unclaimed."""
    with db.session() as session, session.begin():
        done = session.execute(
            update(Contact)
            .where(Contact.id == contact_id, Contact.callback_offered_at.is_(None), *_is_waiting())
            .values(callback_offered_at=as_utc(now or utc_now()))
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            return False
        record_event(session, "callback_offered", contact_id)
        return True


def unmark_offered(db: Database, contact_id: str) -> None:
    """The offer could not be delivered (the chat was unreachable): a later round may try again."""
    with db.session() as session, session.begin():
        session.execute(
            update(Contact)
            .where(Contact.id == contact_id)
            .values(callback_offered_at=None)
            .execution_options(synchronize_session=False)
        )


def _current_waiting(session, conversation_id: str) -> Contact | None:
    return session.scalars(
        select(Contact)
        .where(Contact.conversation_id == conversation_id, Contact.handoff == "wachtrij")
        .order_by(Contact.intake_number.desc())
        .limit(1)
    ).first()


def note_offered(db: Database, conversation_id: str, *, now: datetime | None = None) -> bool:
    """The user chose a call-back themselves: no offer is due any more for this contact."""
    with db.session() as session, session.begin():
        contact = _current_waiting(session, conversation_id)
        if contact is None:
            return False
        contact.callback_offered_at = contact.callback_offered_at or as_utc(now or utc_now())
        return True


def leave_queue(db: Database, conversation_id: str) -> bool:
    """The user stopped waiting before anyone took the contact: it is finished in the queue, for every console."""
    with db.session() as session, session.begin():
        contact = _current_waiting(session, conversation_id)
        if contact is None or contact.queue_status != "nieuw" or contact.assigned_to is not None:
            return False
        contact.queue_status = "afgerond"
        record_event(session, "left_queue", contact.id)
        return True

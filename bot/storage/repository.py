"""The contact log's operations: small functions, one session per unit of work.

Writes (open, update, answer, message, close) are called from the
conversation. They validate their arguments at once (ValueError for a wrong
code: a programming error), then go through `writes.submit`, which retries
and, if the database stays away, keeps them in the outbox. They therefore
never raise a database error into the conversation; they return whether the
write reached the database now.

Every write addresses the conversation's current contact: the one with the
highest intake_number. Queued writes are replayed in order, so they still
land on the contact they were meant for.

Maintenance and reads (mark_incomplete_stale, contacts_between) run outside
a conversation: they are retried but do raise when the database is gone.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from bot.storage import validation, values, writes
from bot.storage.database import Database
from bot.storage.dates import AMSTERDAM, day_range_utc
from bot.storage.live import record_event
from bot.storage.models import ID_LENGTH, Contact, ContactAnswer, MessageLog
from bot.storage.outbox import Write
from bot.storage.records import ContactRecord
from bot.storage.timestamps import as_utc, utc_now

log = logging.getLogger(__name__)


def new_id() -> str:
    """Ids are made here, not by the database, so a queued write keeps its id and replays idempotently."""
    return uuid.uuid4().hex


# --- writes from the conversation -------------------------------------------------------------


def open_contact(
    db: Database,
    conversation_id: str,
    *,
    theme: str,
    question_type: str,
    channel: str = "chat",
    urgent: bool = False,
    intent: str | None = None,
    confidence: float | None = None,
    caller_role: str | None = None,
    school_type: str | None = None,
    corrected: bool = False,
    building_blocks: Mapping[str, str] | None = None,
    urgency_level: str | None = None,
    urgency_category: str | None = None,
    urgency_services: Sequence[str] = (),
    started_at: datetime | None = None,
) -> str:
    """Create the contact when the question is classified (status 'lopend'); returns its id.

    A contact of the same conversation still 'lopend' becomes 'onvolledig':
    the new intake replaces it and later writes would never reach it.
    """
    fields = validation.contact_fields(
        {
            "theme": theme,
            "question_type": question_type,
            "channel": channel,
            "urgent": urgent,
            "intent": intent,
            "confidence": confidence,
            "caller_role": caller_role,
            "school_type": school_type,
            "corrected": corrected,
            "building_blocks": building_blocks or {},
            "urgency_level": urgency_level,
            "urgency_category": urgency_category,
            "urgency_services": list(urgency_services),
        }
    )
    contact_id = new_id()
    writes.submit(
        db,
        Write(
            "open_contact",
            {
                "id": contact_id,
                "conversation_id": validation.identifier(
                    "conversation_id", conversation_id, values.MAX_CONVERSATION_ID
                ),
                "started_at": validation.timestamp(started_at),
                "fields": fields,
            },
        ),
        HANDLERS,
    )
    return contact_id


def update_contact(db: Database, conversation_id: str, *, at: datetime | None = None, **fields: Any) -> bool:
    """Set fields of the current contact; building_blocks are merged into those already known."""
    return writes.submit(
        db,
        Write(
            "update_contact",
            {
                "conversation_id": validation.identifier(
                    "conversation_id", conversation_id, values.MAX_CONVERSATION_ID
                ),
                "at": validation.timestamp(at),
                "fields": validation.contact_fields(fields),
            },
        ),
        HANDLERS,
    )


def record_answer(
    db: Database,
    conversation_id: str,
    question_key: str,
    category: str,
    text: str | None = None,
    *,
    asked_at: datetime | None = None,
) -> bool:
    """Store the answer to one intake question; asking the same key again replaces the answer.

    `text` must already be redacted.
    """
    return writes.submit(
        db,
        Write(
            "record_answer",
            {
                "conversation_id": validation.identifier(
                    "conversation_id", conversation_id, values.MAX_CONVERSATION_ID
                ),
                "question_key": validation.identifier("question_key", question_key, values.MAX_QUESTION_KEY),
                "category": validation.code("category", category, values.ANSWER_CATEGORIES),
                "text": validation.text("text", text, values.MAX_TEXT),
                "asked_at": validation.timestamp(asked_at),
            },
        ),
        HANDLERS,
    )


def log_message(
    db: Database,
    conversation_id: str,
    *,
    text_redacted: str | None = None,
    intent: str | None = None,
    confidence: float | None = None,
    theme: str | None = None,
    question_type: str | None = None,
    contact_id: str | None = None,
    sent_at: datetime | None = None,
) -> bool:
    """One user message for analysts; linked to `contact_id`, else to the contact still 'lopend'."""
    return writes.submit(
        db,
        Write(
            "log_message",
            {
                "id": new_id(),
                "conversation_id": validation.identifier(
                    "conversation_id", conversation_id, values.MAX_CONVERSATION_ID
                ),
                "contact_id": None
                if contact_id is None
                else validation.identifier("contact_id", contact_id, ID_LENGTH),
                "sent_at": validation.timestamp(sent_at),
                "intent": validation.text("intent", intent, values.MAX_INTENT),
                "confidence": validation.confidence(confidence),
                "theme": validation.code("theme", theme, values.themes(), optional=True),
                "question_type": validation.code(
                    "question_type", question_type, values.question_types(), optional=True
                ),
                "text_redacted": validation.text("text_redacted", text_redacted, values.MAX_TEXT),
            },
        ),
        HANDLERS,
    )


def close_contact(
    db: Database,
    conversation_id: str,
    *,
    status: str = "afgerond",
    handoff: str | None = None,
    summary: str | None = None,
    ended_at: datetime | None = None,
) -> bool:
    """End the current contact: afgerond, onvolledig or overgedragen (with the handoff)."""
    fields = {}
    if handoff is not None:
        fields["handoff"] = handoff
    if summary is not None:
        fields["summary"] = summary
    return writes.submit(
        db,
        Write(
            "close_contact",
            {
                "conversation_id": validation.identifier(
                    "conversation_id", conversation_id, values.MAX_CONVERSATION_ID
                ),
                "status": validation.code("status", status, values.FINAL_STATUSES),
                "ended_at": validation.timestamp(ended_at),
                "fields": validation.contact_fields(fields),
            },
        ),
        HANDLERS,
    )


def flush_outbox(db: Database) -> bool:
    """Apply writes still waiting for the database (also done by every write); True when none are left."""
    return writes.flush(db, HANDLERS)


# --- maintenance and reads --------------------------------------------------------------------


def mark_incomplete_stale(db: Database, older_than: timedelta, *, now: datetime | None = None) -> int:
    """Contacts 'lopend' without activity for `older_than` become 'onvolledig'; returns how many.

    They end at their last activity, which is when the caller walked away.
    """
    if older_than <= timedelta(0):
        raise ValueError("older_than must be positive")
    cutoff = as_utc(now or utc_now()) - older_than
    statement = (
        update(Contact)
        .where(Contact.status == values.OPEN_STATUS, Contact.last_activity_at < cutoff)
        .values(status=values.STALE_STATUS, ended_at=Contact.last_activity_at)
        .execution_options(synchronize_session=False)
    )

    def unit_of_work() -> int:
        with db.session() as session, session.begin():
            return session.execute(statement).rowcount

    with db.write_lock:
        return db.retry.run(unit_of_work)


def contacts_between(
    db: Database, date_from: date | None = None, date_to: date | None = None, *, zone: ZoneInfo = AMSTERDAM
) -> list[ContactRecord]:
    """Contacts started on date_from..date_to inclusive (local days in `zone`), oldest first."""
    start, end = day_range_utc(date_from, date_to, zone)
    statement = (
        select(Contact)
        .options(selectinload(Contact.answers))
        .order_by(Contact.started_at, Contact.conversation_id, Contact.intake_number)
    )
    if start is not None:
        statement = statement.where(Contact.started_at >= start)
    if end is not None:
        statement = statement.where(Contact.started_at < end)

    def read() -> list[ContactRecord]:
        with db.session() as session:
            return [ContactRecord.of(row) for row in session.scalars(statement)]

    return db.retry.run(read)


# --- how each write is applied inside its session ---------------------------------------------


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _current_contact(session: Session, conversation_id: str) -> Contact | None:
    return session.scalars(
        select(Contact)
        .where(Contact.conversation_id == conversation_id)
        .order_by(Contact.intake_number.desc())
        .limit(1)
    ).first()


def _touch(contact: Contact, moment: datetime) -> None:
    if contact.last_activity_at is None or moment > contact.last_activity_at:
        contact.last_activity_at = moment


def _no_contact(op: str) -> None:
    log.warning("contact log: %s for a conversation without a contact; ignored", op)


def _apply_open(session: Session, payload: Mapping) -> None:
    if session.get(Contact, payload["id"]) is not None:
        return  # already applied: a replay after an unclear commit
    conversation_id = payload["conversation_id"]
    started_at = _moment(payload["started_at"])
    still_open = select(Contact).where(Contact.conversation_id == conversation_id, Contact.status == values.OPEN_STATUS)
    for earlier in session.scalars(still_open):
        earlier.status = values.STALE_STATUS
        earlier.ended_at = earlier.last_activity_at
    highest = session.scalar(
        select(func.coalesce(func.max(Contact.intake_number), 0)).where(Contact.conversation_id == conversation_id)
    )
    contact = Contact(
        id=payload["id"],
        conversation_id=conversation_id,
        intake_number=highest + 1,
        started_at=started_at,
        last_activity_at=started_at,
        status=values.OPEN_STATUS,
        **payload["fields"],
    )
    session.add(contact)
    _queue_if_due(session, contact, started_at)


def _queue_if_due(session: Session, contact: Contact, at: datetime) -> None:
    """Handed to staff (queue, call-back or mail) or urgent: the contact enters the console's queue, once.

    An urgent contact goes in the moment it is flagged, also when nobody asked for a person, so staff
    see the danger and the referral the bot gave while the conversation may still be going on.
    """
    if contact.queue_status is None and ((contact.handoff or "geen") != "geen" or contact.urgent):
        contact.queue_status, contact.handed_off_at = "nieuw", at
        record_event(session, "queued", contact.id)


def _apply_update(session: Session, payload: Mapping) -> None:
    contact = _current_contact(session, payload["conversation_id"])
    if contact is None:
        return _no_contact("update_contact")
    fields: dict[str, Any] = dict(payload["fields"])
    if "building_blocks" in fields:
        # A new dict, so the JSON column sees the change.
        fields["building_blocks"] = {**(contact.building_blocks or {}), **fields["building_blocks"]}
    if "urgency_services" in fields:
        # What the user was told stays told: a later reminder adds its service, in the order named.
        fields["urgency_services"] = list(
            dict.fromkeys([*(contact.urgency_services or ()), *fields["urgency_services"]])
        )
    for name, value in fields.items():
        setattr(contact, name, value)
    at = _moment(payload["at"])
    _queue_if_due(session, contact, at)
    _touch(contact, at)


def _apply_answer(session: Session, payload: Mapping) -> None:
    contact = _current_contact(session, payload["conversation_id"])
    if contact is None:
        return _no_contact("record_answer")
    asked_at = _moment(payload["asked_at"])
    answer = session.scalars(
        select(ContactAnswer).where(
            ContactAnswer.contact_id == contact.id, ContactAnswer.question_key == payload["question_key"]
        )
    ).first()
    if answer is None:
        answer = ContactAnswer(contact_id=contact.id, question_key=payload["question_key"])
        session.add(answer)
    answer.category = payload["category"]
    answer.text = payload["text"]
    answer.asked_at = asked_at
    _touch(contact, asked_at)


def _apply_message(session: Session, payload: Mapping) -> None:
    if session.get(MessageLog, payload["id"]) is not None:
        return  # already applied
    sent_at = _moment(payload["sent_at"])
    contact = None
    if payload["contact_id"]:
        contact = session.get(Contact, payload["contact_id"])
    if contact is None:
        current = _current_contact(session, payload["conversation_id"])
        if current is not None and current.status == values.OPEN_STATUS:
            contact = current
    if contact is not None and contact.status == values.OPEN_STATUS:
        _touch(contact, sent_at)
    session.add(
        MessageLog(
            id=payload["id"],
            conversation_id=payload["conversation_id"],
            contact_id=contact.id if contact is not None else None,
            sent_at=sent_at,
            intent=payload["intent"],
            confidence=payload["confidence"],
            theme=payload["theme"],
            question_type=payload["question_type"],
            text_redacted=payload["text_redacted"],
        )
    )


def _apply_close(session: Session, payload: Mapping) -> None:
    contact = _current_contact(session, payload["conversation_id"])
    if contact is None:
        return _no_contact("close_contact")
    ended_at = _moment(payload["ended_at"])
    for name, value in payload["fields"].items():
        setattr(contact, name, value)
    contact.status = payload["status"]
    contact.ended_at = ended_at
    _queue_if_due(session, contact, ended_at)
    _touch(contact, ended_at)


HANDLERS: Mapping[str, writes.Handler] = MappingProxyType(
    {
        "open_contact": _apply_open,
        "update_contact": _apply_update,
        "record_answer": _apply_answer,
        "log_message": _apply_message,
        "close_contact": _apply_close,
    }
)

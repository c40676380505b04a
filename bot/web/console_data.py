"""What the staff console reads and changes: the queue, one contact, its transcript and notes.

Every change is written with its audit entry in one unit of work. Notes are
redacted like every free-text field. The transcript comes from Rasa's tracker
store (its own database), read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, create_engine, inspect, select, text

from bot import labels
from bot.redaction import redact
from bot.storage import open_contact, values
from bot.storage.audit import audit_entries, record_audit
from bot.storage.database import Database
from bot.storage.models import AuditEntry, CallbackRequest, Contact, ContactNote
from bot.storage.timestamps import utc_now

MAX_NOTE = 2000


@dataclass(frozen=True)
class Line:
    who: str  # "gebruiker" | "bot"
    text: str
    at: datetime | None


def queue(db: Database) -> list[Contact]:
    """Handed-off contacts: open ones first (urgent on top, oldest first), then the finished ones."""
    order = case((Contact.queue_status == "afgerond", 1), else_=0)
    with db.session() as session:
        return list(
            session.scalars(
                select(Contact)
                .where(Contact.queue_status.is_not(None))
                .order_by(order, Contact.urgent.desc(), Contact.handed_off_at.asc())
                .limit(500)
            )
        )


def contact(db: Database, contact_id: str, actor: str) -> dict[str, Any] | None:
    """Everything staff see of one contact; opening it is written to the audit log."""
    with db.session() as session, session.begin():
        found = session.get(Contact, contact_id)
        if found is None:
            return None
        answers = [(a.question_key, a.category, a.text) for a in found.answers]
        notes = list(
            session.scalars(
                select(ContactNote).where(ContactNote.contact_id == contact_id).order_by(ContactNote.created_at)
            )
        )
        callbacks = list(
            session.scalars(
                select(CallbackRequest)
                .where(CallbackRequest.contact_id == contact_id)
                .order_by(CallbackRequest.created_at)
            )
        )
        record_audit(session, actor=actor, action="contact_opened", target_type="contact", target_id=contact_id)
        history = audit_entries(session, target_type="contact", target_id=contact_id, limit=50)
        session.expunge_all()
    return {"contact": found, "answers": answers, "notes": notes, "callbacks": callbacks, "history": history}


def set_status(db: Database, contact_id: str, status: str, actor: str) -> bool:
    if status not in values.QUEUE_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with db.session() as session, session.begin():
        found = session.get(Contact, contact_id)
        if found is None:
            return False
        before = found.queue_status
        found.queue_status = status
        found.assigned_to = actor if status == "in_behandeling" else found.assigned_to
        record_audit(
            session,
            actor=actor,
            action="status_changed",
            target_type="contact",
            target_id=contact_id,
            detail={"from": before, "to": status},
        )
    return True


def add_note(db: Database, contact_id: str, note: str, actor: str) -> bool:
    clean = redact(note.strip())[:MAX_NOTE]
    if not clean:
        raise ValueError("empty note")
    with db.session() as session, session.begin():
        if session.get(Contact, contact_id) is None:
            return False
        session.add(ContactNote(contact_id=contact_id, author=actor, created_at=utc_now(), text=clean))
        record_audit(session, actor=actor, action="note_added", target_type="contact", target_id=contact_id)
    return True


def enter_contact(db: Database, fields: dict[str, str], actor: str) -> str:
    """A contact that came by phone or mail, coded like a chat; returns its id."""
    from bot.storage.repository import new_id

    channel = fields.get("channel")
    if channel not in ("telefoon", "mail"):
        raise ValueError("kanaal")
    theme, question_type = fields.get("theme"), fields.get("question_type")
    if theme not in labels.themes() or question_type not in labels.question_types():
        raise ValueError("thema of soort vraag")
    role = fields.get("caller_role") or None
    sector = fields.get("school_type") or None
    if role is not None and role not in labels.caller_roles():
        raise ValueError("rol")
    if sector is not None and sector not in labels.school_types():
        raise ValueError("sector")
    conversation = f"{channel}-{new_id()}"
    open_contact(
        db,
        conversation,
        theme=theme,
        question_type=question_type,
        channel=channel,
        urgent=fields.get("urgent") == "ja",
        caller_role=role,
        school_type=sector,
    )
    with db.session() as session, session.begin():
        found = session.scalars(select(Contact).where(Contact.conversation_id == conversation)).one()
        found.status = "afgerond"
        found.ended_at = found.started_at
        record_audit(
            session,
            actor=actor,
            action="contact_entered",
            target_type="contact",
            target_id=found.id,
            detail={"channel": channel},
        )
        return found.id


def transcript(tracker_url: str | None, conversation_id: str, limit: int = 500) -> list[Line]:
    """User and bot messages of a conversation from Rasa's tracker store, oldest first."""
    if not tracker_url:
        return []
    engine = create_engine(tracker_url, future=True, hide_parameters=True)
    try:
        if not inspect(engine).has_table("events"):
            return []
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT type_name, timestamp, data FROM events WHERE sender_id = :sender "
                    "AND type_name IN ('user', 'bot') ORDER BY id LIMIT :limit"
                ),
                {"sender": conversation_id, "limit": limit},
            ).all()
    finally:
        engine.dispose()
    lines = []
    for type_name, stamp, data in rows:
        try:
            said = json.loads(data or "{}").get("text") or ""
        except ValueError:
            said = ""
        at = datetime.fromtimestamp(stamp).astimezone() if stamp else None
        lines.append(Line("gebruiker" if type_name == "user" else "bot", said, at))
    return lines


def audit_log(db: Database, limit: int = 300) -> list[AuditEntry]:
    with db.session() as session:
        return audit_entries(session, limit=limit)

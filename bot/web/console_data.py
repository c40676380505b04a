"""What the staff console reads and changes: the queue, one contact, claims, notes and call-backs.

Every change is written with its audit entry and its live event (bot/storage/live.py) in one
unit of work. Notes are redacted like every free-text field. The transcript is read by
bot/web/transcript.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select

from bot import labels
from bot.redaction import redact
from bot.storage import open_contact, values
from bot.storage.audit import audit_entries, record_audit
from bot.storage.database import Database
from bot.storage.live import record_event
from bot.storage.models import AuditEntry, CallbackRequest, Contact, ContactNote, User
from bot.storage.privacy import close_callback
from bot.storage.timestamps import utc_now

MAX_NOTE = 2000
# Opening a contact is audited once per staff member per half hour, not on every live refresh or reload.
OPENED_AGAIN_AFTER = timedelta(minutes=30)
STAFF_ROLES = ("staff", "admin")


class Claimed(Exception):
    """The contact is someone else's: the caller must say it knows before it takes over."""

    def __init__(self, owner: str):
        super().__init__(owner)
        self.owner = owner


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
        _audit_opening(session, contact_id, actor)
        history = [
            entry
            for entry in audit_entries(session, target_type="contact", target_id=contact_id, limit=100)
            if entry.action != "contact_opened"
        ][:50]
        session.expunge_all()
    return {"contact": found, "answers": answers, "notes": notes, "callbacks": callbacks, "history": history}


def _audit_opening(session, contact_id: str, actor: str) -> None:
    recent = session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "contact_opened",
            AuditEntry.target_id == contact_id,
            AuditEntry.actor == actor[:64],
            AuditEntry.at >= utc_now() - OPENED_AGAIN_AFTER,
        )
    )
    if recent is None:
        record_audit(session, actor=actor, action="contact_opened", target_type="contact", target_id=contact_id)


def waiting_count(db: Database) -> int:
    """How many people wait for someone to pick them up (the number in the console's tab title).

    A call-back or mail request is not someone waiting in the chat: it is on the call-back page.
    """
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count(Contact.id)).where(
                    Contact.queue_status == "nieuw", Contact.handoff.not_in(values.CALLBACK_CHANNELS)
                )
            )
            or 0
        )


def staff_members(db: Database) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(User.username).where(User.active.is_(True), User.role.in_(STAFF_ROLES)).order_by(User.username)
            )
        )


def claim(db: Database, contact_id: str, actor: str, *, take_over: bool = False) -> Contact | None:
    """ "Ik pak dit op": the contact carries the actor's name for everyone; None when it does not exist.

    Someone else's contact raises Claimed unless `take_over` says the actor was warned.
    """
    with db.session() as session, session.begin():
        found = session.get(Contact, contact_id)
        if found is None:
            return None
        if found.assigned_to and found.assigned_to != actor and not take_over:
            raise Claimed(found.assigned_to)
        before = found.assigned_to
        found.assigned_to = actor
        found.claimed_at = found.claimed_at or utc_now()
        if found.queue_status in (None, "nieuw"):
            found.queue_status = "in_behandeling"
        if before != actor:
            record_audit(
                session,
                actor=actor,
                action="claimed",
                target_type="contact",
                target_id=contact_id,
                detail={"from": before} if before else {},
            )
            record_event(session, "claimed", contact_id)
        session.expunge(found)
        return found


def transfer(db: Database, contact_id: str, to: str, actor: str) -> bool:
    """Hand the contact to a colleague (an active staff member or admin)."""
    if to not in staff_members(db):
        raise ValueError("unknown colleague")
    with db.session() as session, session.begin():
        found = session.get(Contact, contact_id)
        if found is None:
            return False
        before = found.assigned_to
        found.assigned_to = to
        found.claimed_at = found.claimed_at or utc_now()
        if found.queue_status in (None, "nieuw"):
            found.queue_status = "in_behandeling"
        record_audit(
            session,
            actor=actor,
            action="transferred",
            target_type="contact",
            target_id=contact_id,
            detail={"from": before, "to": to},
        )
        record_event(session, "transferred", contact_id)
    return True


def record_takeover(db: Database, contact_id: str, actor: str, action: str) -> None:
    """A staff reply or "terug naar de bot": audited, and announced to every console."""
    with db.session() as session, session.begin():
        record_audit(session, actor=actor, action=action, target_type="contact", target_id=contact_id)
        record_event(session, "reply" if action == "staff_reply" else "resumed", contact_id)


def open_callbacks(db: Database) -> list[CallbackRequest]:
    """Call-backs and mails still to do, the oldest request first."""
    with db.session() as session:
        found = list(
            session.scalars(
                select(CallbackRequest).where(CallbackRequest.status == "open").order_by(CallbackRequest.created_at)
            )
        )
        session.expunge_all()
        return found


def callback_done(db: Database, request_id: str, actor: str) -> bool:
    """ "Gedaan": the request is closed, and purge's grace period for its detail starts now."""
    if not close_callback(db, request_id, actor):
        return False
    with db.session() as session, session.begin():
        request = session.get(CallbackRequest, request_id)
        record_event(session, "callback_done", request.contact_id if request else None)
    return True


def set_status(db: Database, contact_id: str, status: str, actor: str) -> bool:
    if status not in values.QUEUE_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with db.session() as session, session.begin():
        found = session.get(Contact, contact_id)
        if found is None:
            return False
        before = found.queue_status
        found.queue_status = status
        if status == "in_behandeling" and not found.assigned_to:
            found.assigned_to, found.claimed_at = actor, found.claimed_at or utc_now()
        record_audit(
            session,
            actor=actor,
            action="status_changed",
            target_type="contact",
            target_id=contact_id,
            detail={"from": before, "to": status},
        )
        record_event(session, "status", contact_id)
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
        record_event(session, "note", contact_id)
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


def audit_log(db: Database, limit: int = 300) -> list[AuditEntry]:
    with db.session() as session:
        return audit_entries(session, limit=limit)

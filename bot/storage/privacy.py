"""Retention and erasure: purge old personal text, forget one conversation.

The contact log keeps coded rows for the yearly figures; everything that can
identify a person (free text, transcripts, call-back details) has a limited
life. Rasa has no delete endpoint, so transcripts are removed from the
tracker store's `events` table directly.

`purge` runs on a schedule (cron: `doorvraag purge`); `forget` answers a
request under the AVG for one conversation. Both write an audit entry with
counts only; `forget` records a hash of the conversation id, never the id.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, create_engine, delete, inspect, or_, select, text, update
from sqlalchemy.engine import Engine

from bot.storage import presence
from bot.storage.audit import SYSTEM_ACTOR, record_audit
from bot.storage.database import Database
from bot.storage.live import KEEP as LIVE_EVENTS_KEPT
from bot.storage.live import record_event
from bot.storage.models import CallbackRequest, ConsoleEvent, Contact, ContactAnswer, ContactNote, MessageLog
from bot.storage.timestamps import as_utc, utc_now

DEFAULT_RETENTION_DAYS = 365
DEFAULT_CALLBACK_GRACE_DAYS = 14
TRACKER_EVENTS = "events"


@dataclass(frozen=True)
class RetentionPolicy:
    retention: timedelta
    callback_grace: timedelta

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetentionPolicy:
        """DOORVRAAG_RETENTION_DAYS (default 365) and DOORVRAAG_CALLBACK_GRACE_DAYS (default 14)."""
        env = os.environ if environ is None else environ
        return cls(
            timedelta(days=_days(env, "DOORVRAAG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)),
            timedelta(days=_days(env, "DOORVRAAG_CALLBACK_GRACE_DAYS", DEFAULT_CALLBACK_GRACE_DAYS)),
        )


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number of days, not {raw!r}")
    return int(raw)


def conversation_hash(conversation_id: str) -> str:
    """What the audit log keeps of a forgotten conversation: proof of erasure without the id."""
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:32]


# ------------------------------------------------------------------ call-back details


def store_callback(
    db: Database,
    conversation_id: str,
    channel: str,
    detail: str,
    *,
    opening_at: datetime | None = None,
    consent_at: datetime | None = None,
) -> str:
    """Keep a phone number or e-mail address given with consent, apart from the contact."""
    from bot.storage.repository import _current_contact, new_id

    now = utc_now()
    request_id = new_id()
    with db.session() as session, session.begin():
        contact = _current_contact(session, conversation_id)
        session.add(
            CallbackRequest(
                id=request_id,
                conversation_id=conversation_id,
                contact_id=contact.id if contact else None,
                channel=channel,
                detail=detail,
                consent_at=as_utc(consent_at or now),
                created_at=now,
                opening_at=as_utc(opening_at) if opening_at else None,
                status="open",
            )
        )
        record_event(session, "callback_requested", contact.id if contact else None)
    return request_id


def close_callback(db: Database, request_id: str, actor: str) -> bool:
    """Staff called or mailed back: the detail is kept for the grace period only."""
    with db.session() as session, session.begin():
        request = session.get(CallbackRequest, request_id)
        if request is None or request.status == "afgehandeld":
            return False
        request.status, request.closed_at = "afgehandeld", utc_now()
        record_audit(session, actor=actor, action="callback_closed", target_type="callback", target_id=request_id)
    return True


# ------------------------------------------------------------------ purge


@dataclass(frozen=True)
class PurgeReport:
    answer_texts: int
    message_texts: int
    notes: int
    callbacks: int
    tracker_events: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def purge(
    db: Database,
    tracker_url: str | None,
    policy: RetentionPolicy,
    *,
    now: datetime | None = None,
    actor: str = SYSTEM_ACTOR,
) -> PurgeReport:
    """Remove personal text older than the retention period; coded contact rows stay."""
    now = as_utc(now) if now else utc_now()
    cutoff = now - policy.retention
    grace_cutoff = now - policy.callback_grace
    with db.session() as session, session.begin():
        old_contacts = select(Contact.id).where(Contact.started_at < cutoff)
        answer_texts = session.execute(
            update(ContactAnswer)
            .where(ContactAnswer.contact_id.in_(old_contacts), ContactAnswer.text.is_not(None))
            .values(text=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        message_texts = session.execute(
            update(MessageLog)
            .where(MessageLog.sent_at < cutoff, MessageLog.text_redacted.is_not(None))
            .values(text_redacted=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        notes = session.execute(
            delete(ContactNote)
            .where(or_(ContactNote.created_at < cutoff, ContactNote.contact_id.in_(old_contacts)))
            .execution_options(synchronize_session=False)
        ).rowcount
        finished_contacts = select(Contact.id).where(
            Contact.queue_status == "afgerond", Contact.last_activity_at < grace_cutoff
        )
        callbacks = session.execute(
            delete(CallbackRequest)
            .where(
                or_(
                    CallbackRequest.created_at < cutoff,
                    and_(CallbackRequest.status == "afgehandeld", CallbackRequest.closed_at < grace_cutoff),
                    CallbackRequest.contact_id.in_(finished_contacts),
                )
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        session.execute(  # the console's live feed is only needed while a page is open
            delete(ConsoleEvent)
            .where(ConsoleEvent.at < now - LIVE_EVENTS_KEPT)
            .execution_options(synchronize_session=False)
        )
        presence.purge(session, now - LIVE_EVENTS_KEPT)  # whether a widget is open: only needed live too
        tracker_events = _delete_tracker_events(tracker_url, older_than=cutoff)
        report = PurgeReport(answer_texts, message_texts, notes, callbacks, tracker_events)
        record_audit(
            session,
            actor=actor,
            action="purge",
            target_type="retention",
            detail={
                **report.as_dict(),
                "retention_days": policy.retention.days,
                "callback_grace_days": policy.callback_grace.days,
            },
        )
    return report


# ------------------------------------------------------------------ forget


@dataclass(frozen=True)
class ForgetReport:
    contacts_kept_anonymous: int
    answers: int
    messages: int
    notes: int
    callbacks: int
    tracker_events: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def forget(db: Database, tracker_url: str | None, conversation_id: str, *, actor: str = SYSTEM_ACTOR) -> ForgetReport:
    """Erase one conversation; only anonymous coded counts stay.

    The coded contact rows stay so the yearly figures stay right, but cut loose:
    a new random conversation id, the time rounded to the first of the month,
    no summary, intent, confidence or answers.
    """
    from bot.storage.repository import new_id

    with db.session() as session, session.begin():
        contacts = list(session.scalars(select(Contact).where(Contact.conversation_id == conversation_id)))
        ids = [c.id for c in contacts]
        answers = session.execute(
            delete(ContactAnswer).where(ContactAnswer.contact_id.in_(ids)).execution_options(synchronize_session=False)
        ).rowcount
        notes = session.execute(
            delete(ContactNote).where(ContactNote.contact_id.in_(ids)).execution_options(synchronize_session=False)
        ).rowcount
        callbacks = session.execute(
            delete(CallbackRequest)
            .where(or_(CallbackRequest.conversation_id == conversation_id, CallbackRequest.contact_id.in_(ids)))
            .execution_options(synchronize_session=False)
        ).rowcount
        messages = session.execute(
            delete(MessageLog)
            .where(or_(MessageLog.conversation_id == conversation_id, MessageLog.contact_id.in_(ids)))
            .execution_options(synchronize_session=False)
        ).rowcount
        # The live feed's rows carry exact times for these contacts: they go too.
        session.execute(
            delete(ConsoleEvent).where(ConsoleEvent.contact_id.in_(ids)).execution_options(synchronize_session=False)
        )
        presence.forget(session, conversation_id)
        anonymous = f"anoniem-{new_id()}"
        for number, contact in enumerate(contacts, start=1):
            month = _month_start(contact.started_at)
            contact.conversation_id, contact.intake_number = anonymous, number
            contact.started_at = contact.last_activity_at = month
            contact.ended_at = month if contact.ended_at else None
            contact.summary = contact.intent = contact.confidence = contact.assigned_to = None
            contact.handed_off_at = month if contact.handed_off_at else None
            contact.claimed_at = month if contact.claimed_at else None
        tracker_events = _delete_tracker_events(tracker_url, sender_id=conversation_id)
        report = ForgetReport(len(contacts), answers, messages, notes, callbacks, tracker_events)
        record_audit(
            session,
            actor=actor,
            action="forget",
            target_type="conversation_hash",
            target_id=conversation_hash(conversation_id),
            detail=report.as_dict(),
        )
    return report


def _month_start(moment: datetime) -> datetime:
    return as_utc(moment).replace(day=1, hour=12, minute=0, second=0, microsecond=0)


def _delete_tracker_events(
    tracker_url: str | None, *, older_than: datetime | None = None, sender_id: str | None = None
) -> int:
    """Delete from Rasa's SQL tracker store; 0 when it has no events table yet."""
    if not tracker_url:
        return 0
    engine: Engine = create_engine(tracker_url, future=True, hide_parameters=True)
    try:
        if not inspect(engine).has_table(TRACKER_EVENTS):
            return 0
        with engine.begin() as connection:
            if sender_id is not None:
                return connection.execute(
                    text(f"DELETE FROM {TRACKER_EVENTS} WHERE sender_id = :sender"), {"sender": sender_id}
                ).rowcount
            cutoff = as_utc(older_than).timestamp() if older_than else datetime.now(timezone.utc).timestamp()
            return connection.execute(
                text(f"DELETE FROM {TRACKER_EVENTS} WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            ).rowcount
    finally:
        engine.dispose()

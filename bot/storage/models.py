"""The contact log tables: one row per contact, its answers, and every user message.

Columns hold codes, never free personal text: answer and message texts arrive
already redacted. Coded columns carry CHECK constraints so a wrong value is
refused by the database too, whichever program writes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeMeta, registry, relationship

from bot.storage import values
from bot.storage.timestamps import UtcDateTime

# Explicit constraint names: PostgreSQL and Alembic need them to alter or drop constraints later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)


class Base(metaclass=DeclarativeMeta):
    """The declarative base, spelled out (SQLAlchemy 1.4) so mypy sees a class, not a variable.

    Equivalent to declarative_base(metadata=metadata): same registry, metadata and constructor.
    """

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


ID_LENGTH = 32  # uuid4().hex


def one_of(column: str, allowed: Iterable[str]) -> CheckConstraint:
    """CHECK (column IN (...)); NULL passes, so optional columns stay optional."""
    allowed = tuple(allowed)
    for value in allowed:
        if not value.replace("_", "").isalnum():
            raise ValueError(f"unsafe code {value!r} for a CHECK constraint")
    listed = ", ".join(f"'{value}'" for value in allowed)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


class Contact(Base):
    """One intake. A conversation can hold several, numbered by intake_number."""

    __tablename__ = "contacts"

    id = Column(String(ID_LENGTH), primary_key=True)
    conversation_id = Column(String(values.MAX_CONVERSATION_ID), nullable=False, index=True)
    intake_number = Column(Integer, nullable=False)
    started_at = Column(UtcDateTime, nullable=False, index=True)
    ended_at = Column(UtcDateTime, nullable=True)
    # Last write about this contact; the stale sweep closes contacts idle since long ago.
    last_activity_at = Column(UtcDateTime, nullable=False)
    channel = Column(String(16), nullable=False, default="chat")
    caller_role = Column(String(32), nullable=True)
    school_type = Column(String(16), nullable=True)
    theme = Column(String(32), nullable=False, index=True)
    question_type = Column(String(16), nullable=False)
    urgent = Column(Boolean, nullable=False, default=False)
    intent = Column(String(values.MAX_INTENT), nullable=True)
    confidence = Column(Float, nullable=True)
    corrected = Column(Boolean, nullable=False, default=False)
    building_blocks = Column(JSON, nullable=False, default=dict)
    handoff = Column(String(16), nullable=False, default="geen")
    status = Column(String(16), nullable=False, default=values.OPEN_STATUS)
    summary = Column(String(values.MAX_SUMMARY), nullable=True)
    # Staff console queue (0002): set when the contact is handed to staff.
    queue_status = Column(String(16), nullable=True)
    handed_off_at = Column(UtcDateTime, nullable=True)
    assigned_to = Column(String(values.MAX_USERNAME), nullable=True)
    # Urgency (0003): what the bot saw and referred for; an urgent contact enters the queue at once.
    urgency_level = Column(String(16), nullable=True)
    urgency_category = Column(String(32), nullable=True)
    # Referred services (0008): the services the bot named to the user, most urgent first, so staff see the
    # referral that was given (a nude image: helpwanted.nl, not the category's default numbers).
    urgency_services = Column(JSON, nullable=True)
    # Claim (0005): when a staff member took the contact on; the waiting time of recent handoffs.
    claimed_at = Column(UtcDateTime, nullable=True)
    # Call-back offer (0006): when the bot offered a waiting user a call-back (or they chose one), so it
    # is offered once whichever console process notices the wait first, also after a restart.
    callback_offered_at = Column(UtcDateTime, nullable=True)

    answers = relationship(
        "ContactAnswer",
        back_populates="contact",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (ContactAnswer.asked_at, ContactAnswer.id),
    )

    __table_args__ = (
        UniqueConstraint("conversation_id", "intake_number"),
        Index("ix_contacts_status_last_activity_at", "status", "last_activity_at"),
        one_of("channel", values.CHANNELS),
        one_of("caller_role", values.caller_roles()),
        one_of("school_type", values.school_types()),
        one_of("theme", values.themes()),
        one_of("question_type", values.question_types()),
        one_of("handoff", values.HANDOFFS),
        one_of("status", values.STATUSES),
        one_of("queue_status", values.QUEUE_STATUSES),
        one_of("urgency_level", values.URGENCY_LEVELS),
        one_of("urgency_category", values.urgency_categories()),
        Index("ix_contacts_queue_status_handed_off_at", "queue_status", "handed_off_at"),
    )


class ContactAnswer(Base):
    """The coded answer to one intake question; a repeated question keeps the last answer."""

    __tablename__ = "contact_answers"

    id = Column(Integer, primary_key=True, autoincrement=True)
    contact_id = Column(String(ID_LENGTH), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False)
    question_key = Column(String(values.MAX_QUESTION_KEY), nullable=False)
    category = Column(String(16), nullable=False)
    text = Column(Text, nullable=True)
    asked_at = Column(UtcDateTime, nullable=False)

    contact = relationship("Contact", back_populates="answers")

    __table_args__ = (
        UniqueConstraint("contact_id", "question_key"),
        one_of("category", values.ANSWER_CATEGORIES),
    )


class MessageLog(Base):
    """One row per user message, for analysts (what people ask, and how well it was understood)."""

    __tablename__ = "message_log"

    id = Column(String(ID_LENGTH), primary_key=True)
    conversation_id = Column(String(values.MAX_CONVERSATION_ID), nullable=False, index=True)
    contact_id = Column(String(ID_LENGTH), ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True)
    sent_at = Column(UtcDateTime, nullable=False, index=True)
    intent = Column(String(values.MAX_INTENT), nullable=True)
    confidence = Column(Float, nullable=True)
    theme = Column(String(32), nullable=True, index=True)
    question_type = Column(String(16), nullable=True)
    text_redacted = Column(Text, nullable=True)
    # Analysts' relabelling in the intents view (0002); exported as NLU training data.
    relabelled_intent = Column(String(values.MAX_INTENT), nullable=True)
    relabelled_by = Column(String(values.MAX_USERNAME), nullable=True)
    relabelled_at = Column(UtcDateTime, nullable=True)

    __table_args__ = (
        one_of("theme", values.themes()),
        one_of("question_type", values.question_types()),
    )


class CallbackRequest(Base):
    """A phone number or e-mail address given with consent, kept apart from the contact.

    Only for calling or mailing back; removed when the contact is closed plus a
    grace period (doorvraag purge) or on erasure (doorvraag forget).
    """

    __tablename__ = "callback_requests"

    id = Column(String(ID_LENGTH), primary_key=True)
    conversation_id = Column(String(values.MAX_CONVERSATION_ID), nullable=False, index=True)
    contact_id = Column(String(ID_LENGTH), ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True)
    channel = Column(String(16), nullable=False)
    detail = Column(String(values.MAX_CONTACT_DETAIL), nullable=False)
    consent_at = Column(UtcDateTime, nullable=False)
    created_at = Column(UtcDateTime, nullable=False, index=True)
    opening_at = Column(UtcDateTime, nullable=True)
    status = Column(String(16), nullable=False, default="open")
    closed_at = Column(UtcDateTime, nullable=True)

    __table_args__ = (
        one_of("channel", values.CALLBACK_CHANNELS),
        one_of("status", values.CALLBACK_STATUSES),
    )


class ContactNote(Base):
    """A staff note on a contact (redacted like every free-text field)."""

    __tablename__ = "contact_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    contact_id = Column(String(ID_LENGTH), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(values.MAX_USERNAME), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    text = Column(Text, nullable=False)


class User(Base):
    """A console account; passwords only as argon2 hashes."""

    __tablename__ = "users"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(values.MAX_USERNAME), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime, nullable=False)
    last_login_at = Column(UtcDateTime, nullable=True)

    __table_args__ = (one_of("role", values.USER_ROLES),)


class AuditEntry(Base):
    """Who opened or changed what, and what purge/forget removed. Never holds personal text."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UtcDateTime, nullable=False, index=True)
    actor = Column(String(values.MAX_USERNAME), nullable=False)
    action = Column(String(32), nullable=False)
    target_type = Column(String(32), nullable=True)
    target_id = Column(String(values.MAX_CONVERSATION_ID), nullable=True)
    detail = Column(JSON, nullable=False, default=dict)


class ConsoleSession(Base):
    """A console login, kept in the database so it survives a restart and is shared by every console process.

    Only a hash of the cookie's token is stored: a copy of this table opens no session.
    `last_seen` is in seconds of the session store's clock (wall time), for the idle timeout.
    """

    __tablename__ = "console_sessions"

    token_hash = Column(String(64), primary_key=True)
    username = Column(String(values.MAX_USERNAME), nullable=False)
    role = Column(String(16), nullable=False)
    csrf = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    last_seen = Column(Float, nullable=False, index=True)


class ConsoleEvent(Base):
    """Something the console should show at once (a handoff, a claim, a reply): ids and codes only.

    Its id only grows, so each console process learns of new events by asking for ids above the last
    one it saw: one cheap query per second, on SQLite and PostgreSQL alike.
    """

    __tablename__ = "console_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UtcDateTime, nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    contact_id = Column(String(ID_LENGTH), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True, index=True)


class WidgetPresence(Base):
    """Whether a chat widget is connected to a conversation now, and since when (or since when not).

    Written by the Socket.IO channel in the Rasa server on every connect and disconnect; one row per
    conversation, so two tabs count as two connections and the user has left only when both closed.
    `changes` only grows: the console's live feed watches it to update the contact page by itself.
    """

    __tablename__ = "widget_presence"

    conversation_id = Column(String(values.MAX_CONVERSATION_ID), primary_key=True)
    connections = Column(Integer, nullable=False, default=0)
    connected_since = Column(UtcDateTime, nullable=True)
    closed_at = Column(UtcDateTime, nullable=True)
    changed_at = Column(UtcDateTime, nullable=False, index=True)
    changes = Column(Integer, nullable=False, default=0)

    __table_args__ = (CheckConstraint("connections >= 0", name="connections"),)

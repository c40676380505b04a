"""The contact log tables: one row per contact, its answers, and every user message.

Columns hold codes, never free personal text: answer and message texts arrive
already redacted. Coded columns carry CHECK constraints so a wrong value is
refused by the database too, whichever program writes it.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, Float, ForeignKey, Index, Integer,
                        MetaData, String, Text, UniqueConstraint)
from sqlalchemy.orm import declarative_base, relationship

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
Base = declarative_base(metadata=metadata)

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

    answers = relationship("ContactAnswer", back_populates="contact", cascade="all, delete-orphan",
                           passive_deletes=True,
                           order_by=lambda: (ContactAnswer.asked_at, ContactAnswer.id))

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
    contact_id = Column(String(ID_LENGTH), ForeignKey("contacts.id", ondelete="SET NULL"),
                        nullable=True, index=True)
    sent_at = Column(UtcDateTime, nullable=False, index=True)
    intent = Column(String(values.MAX_INTENT), nullable=True)
    confidence = Column(Float, nullable=True)
    theme = Column(String(32), nullable=True, index=True)
    question_type = Column(String(16), nullable=True)
    text_redacted = Column(Text, nullable=True)

    __table_args__ = (
        one_of("theme", values.themes()),
        one_of("question_type", values.question_types()),
    )

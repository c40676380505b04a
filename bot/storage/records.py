"""Read-only views of stored contacts, detached from any session.

Readers (export, reports) get these instead of ORM objects so they cannot
lazy-load after the session closed or write back by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.storage.models import Contact, ContactAnswer


@dataclass(frozen=True)
class AnswerRecord:
    question_key: str
    category: str
    text: str | None
    asked_at: datetime

    @classmethod
    def of(cls, row: ContactAnswer) -> AnswerRecord:
        return cls(row.question_key, row.category, row.text, row.asked_at)


@dataclass(frozen=True)
class ContactRecord:
    id: str
    conversation_id: str
    intake_number: int
    started_at: datetime
    ended_at: datetime | None
    last_activity_at: datetime
    channel: str
    caller_role: str | None
    school_type: str | None
    theme: str
    question_type: str
    urgent: bool
    intent: str | None
    confidence: float | None
    corrected: bool
    building_blocks: Mapping[str, str]
    handoff: str
    status: str
    summary: str | None
    answers: tuple[AnswerRecord, ...]
    urgency_level: str | None = None
    urgency_category: str | None = None
    urgency_services: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: Contact) -> ContactRecord:
        return cls(
            id=row.id,
            conversation_id=row.conversation_id,
            intake_number=row.intake_number,
            started_at=row.started_at,
            ended_at=row.ended_at,
            last_activity_at=row.last_activity_at,
            channel=row.channel,
            caller_role=row.caller_role,
            school_type=row.school_type,
            theme=row.theme,
            question_type=row.question_type,
            urgent=bool(row.urgent),
            intent=row.intent,
            confidence=row.confidence,
            corrected=bool(row.corrected),
            building_blocks=dict(row.building_blocks or {}),
            handoff=row.handoff,
            status=row.status,
            summary=row.summary,
            answers=tuple(AnswerRecord.of(answer) for answer in row.answers),
            urgency_level=row.urgency_level,
            urgency_category=row.urgency_category,
            urgency_services=tuple(row.urgency_services or ()),
        )

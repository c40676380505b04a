"""Contacts as JSON lines for analysts: a fixed set of keys in a fixed order.

The key list is the export's contract with the spreadsheets and scripts
that read it; change it only together with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, TextIO

from bot.storage.records import ContactRecord

EXPORT_KEYS = (
    "conversation_id",
    "started_at",
    "ended_at",
    "channel",
    "caller_role",
    "school_type",
    "theme",
    "question_type",
    "urgent",
    "corrected",
    "answers",
    "building_blocks",
    "handoff",
    "status",
    "summary",
)


def iso_utc(moment: datetime | None) -> str | None:
    """e.g. '2024-03-01T08:15:00Z' (whole seconds, UTC)."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_row(contact: ContactRecord) -> dict[str, Any]:
    row = {
        "conversation_id": contact.conversation_id,
        "started_at": iso_utc(contact.started_at),
        "ended_at": iso_utc(contact.ended_at),
        "channel": contact.channel,
        "caller_role": contact.caller_role,
        "school_type": contact.school_type,
        "theme": contact.theme,
        "question_type": contact.question_type,
        "urgent": contact.urgent,
        "corrected": contact.corrected,
        "answers": {
            answer.question_key: {"category": answer.category, "text": answer.text} for answer in contact.answers
        },
        "building_blocks": dict(contact.building_blocks),
        "handoff": contact.handoff,
        "status": contact.status,
        "summary": contact.summary,
    }
    return row


def write_jsonl(contacts: Iterable[ContactRecord], out: TextIO) -> int:
    """Write one JSON object per contact; returns how many were written."""
    count = 0
    for contact in contacts:
        out.write(json.dumps(export_row(contact), ensure_ascii=False) + "\n")
        count += 1
    return count

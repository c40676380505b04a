"""The audit log: who opened or changed what, and what purge and forget removed.

Entries hold codes and ids only, never personal text; `detail` is a small
JSON object of counts or field names. Write the entry in the same session as
the change it records, so both land or neither does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import AuditEntry
from bot.storage.timestamps import utc_now

SYSTEM_ACTOR = "systeem"


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry to the caller's unit of work (the caller commits)."""
    entry = AuditEntry(
        at=at or utc_now(),
        actor=actor[:64],
        action=action[:32],
        target_type=target_type,
        target_id=target_id,
        detail=dict(detail or {}),
    )
    session.add(entry)
    return entry


def audit_entries(
    session: Session, *, target_type: str | None = None, target_id: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if target_type is not None:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    return list(session.scalars(query))

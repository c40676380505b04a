"""The intents view: logged user messages (redacted) with the model's intent and confidence.

Analysts relabel what the model got wrong; the relabelled messages are exported
as Rasa NLU YAML, ready to add to data/nlu/. Only redacted text is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.storage.audit import record_audit
from bot.storage.database import Database
from bot.storage.dates import day_range_utc
from bot.storage.models import MessageLog
from bot.storage.timestamps import utc_now

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


@dataclass(frozen=True)
class MessageRow:
    id: str
    sent_at: datetime
    text: str
    intent: str | None
    confidence: float | None
    relabelled_intent: str | None


@lru_cache(maxsize=1)
def known_intents() -> tuple[str, ...]:
    """The intents of domain.yml: a relabel must name one of them."""
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    names = []
    for entry in domain.get("intents", []):
        names.append(next(iter(entry)) if isinstance(entry, dict) else entry)
    return tuple(names)


def list_messages(
    db: Database,
    date_from: date | None = None,
    date_to: date | None = None,
    max_confidence: float | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[MessageRow]:
    start, end = day_range_utc(date_from, date_to)
    query = (
        select(MessageLog)
        .where(MessageLog.text_redacted.is_not(None))
        .order_by(MessageLog.sent_at.desc())
        .limit(min(limit, 500))
        .offset(max(offset, 0))
    )
    if start is not None:
        query = query.where(MessageLog.sent_at >= start)
    if end is not None:
        query = query.where(MessageLog.sent_at < end)
    if max_confidence is not None:
        query = query.where(MessageLog.confidence <= max_confidence)
    with db.session() as session:
        return [
            MessageRow(m.id, m.sent_at, m.text_redacted, m.intent, m.confidence, m.relabelled_intent)
            for m in session.scalars(query)
        ]


def relabel(db: Database, message_id: str, intent: str, actor: str) -> bool:
    if intent not in known_intents():
        raise ValueError(f"unknown intent {intent!r}")
    with db.session() as session, session.begin():
        message = session.get(MessageLog, message_id)
        if message is None:
            return False
        before = message.relabelled_intent or message.intent
        message.relabelled_intent, message.relabelled_by, message.relabelled_at = intent, actor, utc_now()
        record_audit(
            session,
            actor=actor,
            action="message_relabelled",
            target_type="message",
            target_id=message_id,
            detail={"from": before, "to": intent},
        )
    return True


def relabelled_nlu_yaml(db: Database) -> str:
    """Rasa 3.x NLU training data of the relabelled messages (redacted text only)."""
    with db.session() as session:
        rows = session.execute(
            select(MessageLog.relabelled_intent, MessageLog.text_redacted)
            .where(MessageLog.relabelled_intent.is_not(None), MessageLog.text_redacted.is_not(None))
            .order_by(MessageLog.relabelled_intent, MessageLog.sent_at)
        ).all()
    by_intent: dict[str, list[str]] = {}
    for intent, text in rows:
        line = " ".join(text.split())
        if line and line not in by_intent.setdefault(intent, []):
            by_intent[intent].append(line)
    blocks = [
        {"intent": intent, "examples": "".join(f"- {_literal(t)}\n" for t in texts)}
        for intent, texts in by_intent.items()
    ]
    return yaml.safe_dump(
        {"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False, default_style=None, width=10_000
    )


def _literal(text: str) -> str:
    """One example line: Rasa reads [..](..) and {..} as entity markup, so brackets are dropped."""
    brackets: dict[str, str | int | None] = {"[": "(", "]": ")", "{": "(", "}": ")"}
    return text.translate(str.maketrans(brackets))

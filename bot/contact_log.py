"""The conversation's writes to the contact log (bot.storage), made safe for a chat turn.

The storage never raises a database error, but a wrong code raises ValueError;
here every write is wrapped so that nothing in the log can break the
conversation. Only codes and redacted text are passed on; nothing here logs
user text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot import storage
from bot.storage import Database

log = logging.getLogger(__name__)


def database() -> Database:
    return Database.from_env()


def _safe(operation: str, write: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return write(database(), *args, **kwargs)
    except Exception as error:  # the conversation goes on whatever the log does
        log.warning("contact log: %s failed (%s)", operation, type(error).__name__)
        return None


def open_contact(conversation_id: str, **fields: Any) -> str | None:
    return _safe("open_contact", storage.open_contact, conversation_id, **fields)


def update_contact(conversation_id: str, **fields: Any) -> bool | None:
    return _safe("update_contact", storage.update_contact, conversation_id, **fields)


def record_answer(conversation_id: str, question_key: str, category: str, text: str | None = None) -> bool | None:
    return _safe("record_answer", storage.record_answer, conversation_id, question_key, category, text)


def log_message(conversation_id: str, **fields: Any) -> bool | None:
    return _safe("log_message", storage.log_message, conversation_id, **fields)


def close_contact(conversation_id: str, **fields: Any) -> bool | None:
    return _safe("close_contact", storage.close_contact, conversation_id, **fields)


def queue_position(conversation_id: str) -> int | None:
    from bot.storage.waiting import queue_position as read

    return _safe("queue_position", read, conversation_id)


def expected_wait():
    """The expected wait for a person (a timedelta), or None when there is no recent handoff to go by."""
    from bot.storage.waiting import expected_wait as read

    return _safe("expected_wait", read)


def note_callback_offered(conversation_id: str) -> bool | None:
    """The user chose a call-back while waiting: the console's timer offers it no more."""
    from bot.storage.waiting import note_offered

    return _safe("note_callback_offered", note_offered, conversation_id)


def leave_queue(conversation_id: str) -> bool | None:
    """The user stopped waiting for staff ("laat maar"): the contact leaves the live queue."""
    from bot.storage.waiting import leave_queue as leave

    return _safe("leave_queue", leave, conversation_id)

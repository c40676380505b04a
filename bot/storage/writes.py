"""Applying a write with retries, and queueing it when the database stays away.

The conversation must go on whatever the database does, so nothing here
raises: a write is applied now, or kept in the outbox and applied (once, in
order) on the next write that gets through. Logs name the operation and the
error class only, never values, because values can hold user text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.outbox import Write
from bot.storage.retry import is_transient

log = logging.getLogger(__name__)

Handler = Callable[[Session, Mapping], None]
Handlers = Mapping[str, Handler]


def error_kind(error: BaseException) -> str:
    """e.g. 'OperationalError(sqlite3.OperationalError)': enough to diagnose, no statement or values."""
    original = getattr(error, "orig", None)
    if original is None:
        return type(error).__name__
    return f"{type(error).__name__}({type(original).__module__}.{type(original).__name__})"


def apply(db: Database, write: Write, handlers: Handlers) -> None:
    """One unit of work in one transaction, retried on transient errors."""
    handler = handlers[write.op]

    def unit_of_work() -> None:
        with db.session() as session, session.begin():
            handler(session, write.payload)

    db.retry.run(unit_of_work)


def submit(db: Database, write: Write, handlers: Handlers) -> bool:
    """Apply `write` now (True) or keep it for later (False). Never raises a database error."""
    with db.write_lock:
        if len(db.outbox):
            # Earlier writes are still waiting: keep the order, then try to catch up.
            db.outbox.append(write)
            return flush(db, handlers)
        try:
            apply(db, write, handlers)
            return True
        except SQLAlchemyError as error:
            if is_transient(error):
                log.error("contact log: %s not written (%s); kept in the outbox", write.op, error_kind(error))
                db.outbox.append(write)
            else:
                log.error("contact log: %s refused by the database (%s); dropped", write.op, error_kind(error))
            return False
        except Exception as error:
            log.error("contact log: %s failed unexpectedly (%s); dropped", write.op, type(error).__name__)
            return False


def flush(db: Database, handlers: Handlers) -> bool:
    """Apply pending writes oldest first; stop at the first that cannot reach the database.

    Returns True when the outbox is empty afterwards.
    """
    with db.write_lock:
        applied = 0
        while True:
            pending = db.outbox.first()
            if pending is None:
                break
            if pending.op not in handlers:
                log.error("contact log: pending write of unknown kind %r dropped", pending.op)
                db.outbox.remove_first()
                continue
            try:
                apply(db, pending, handlers)
                applied += 1
            except SQLAlchemyError as error:
                if is_transient(error):
                    log.error(
                        "contact log: database still unreachable (%s); %d writes pending",
                        error_kind(error),
                        len(db.outbox),
                    )
                    return False
                log.error(
                    "contact log: pending %s refused by the database (%s); dropped", pending.op, error_kind(error)
                )
            except Exception as error:
                log.error("contact log: pending %s failed unexpectedly (%s); dropped", pending.op, type(error).__name__)
            db.outbox.remove_first()
        if applied:
            log.info("contact log: %d pending writes applied", applied)
        return True

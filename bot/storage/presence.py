"""Whether the chat widget is open: a real signal from its Socket.IO connection, not a guess.

The Socket.IO channel (bot/channels/socketio.py, inside the Rasa server) calls `connected` when a
widget joins its conversation and `disconnected` when that connection ends. Each is one atomic
statement on one row per conversation, so several Rasa instances and several tabs of one user agree:
two open tabs are two connections, and the user has closed the chat only when the count is back at
0. A disconnect that was never counted changes nothing, and the count never drops below 0.
`changes` only grows, so the console's live feed can notice any change with one primary-key read.

If a Rasa server dies without disconnecting its sockets, its connections stay counted until
`doorvraag purge` removes rows unchanged for two days (the console's live feed is kept as long).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage import validation, values
from bot.storage.database import Database
from bot.storage.models import WidgetPresence
from bot.storage.timestamps import UtcDateTime, as_utc, utc_now

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Presence:
    """What the console shows: open now (since when), or closed (at what time)."""

    connections: int
    connected_since: datetime | None
    closed_at: datetime | None
    changes: int

    @property
    def connected(self) -> bool:
        return self.connections > 0


def _conversation(conversation_id: object) -> str:
    return validation.identifier("conversation_id", conversation_id, values.MAX_CONVERSATION_ID)


def connected(db: Database, conversation_id: str, *, now: datetime | None = None) -> None:
    """A widget joined this conversation: one more connection (the first one sets `connected_since`)."""
    conversation = _conversation(conversation_id)
    moment = as_utc(now or utc_now())
    table = WidgetPresence.__table__
    insert = _INSERTS[db.engine.dialect.name]
    statement = insert(table).values(
        conversation_id=conversation,
        connections=1,
        connected_since=moment,
        closed_at=None,
        changed_at=moment,
        changes=1,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.conversation_id],
        set_={
            "connections": table.c.connections + 1,
            "connected_since": case(
                (table.c.connections == 0, literal(moment, UtcDateTime())), else_=table.c.connected_since
            ),
            "changed_at": moment,
            "changes": table.c.changes + 1,
        },
    )
    with db.session() as session, session.begin():
        session.execute(statement)


def disconnected(db: Database, conversation_id: str, *, now: datetime | None = None) -> None:
    """A widget's connection ended: one fewer; at 0 the chat counts as closed from `now`."""
    conversation = _conversation(conversation_id)
    moment = literal(as_utc(now or utc_now()), UtcDateTime())
    row = WidgetPresence
    last = row.connections <= 1
    with db.session() as session, session.begin():
        session.execute(
            update(row)
            .where(row.conversation_id == conversation, row.connections > 0)
            .values(
                connections=row.connections - 1,
                connected_since=case((last, None), else_=row.connected_since),
                closed_at=case((last, moment), else_=row.closed_at),
                changed_at=moment,
                changes=row.changes + 1,
            )
            .execution_options(synchronize_session=False)
        )


def presence(db: Database, conversation_id: str) -> Presence | None:
    """None when no widget ever connected to this conversation (REST, phone, or before 0007)."""
    with db.session() as session:
        found = session.get(WidgetPresence, _conversation(conversation_id))
        if found is None:
            return None
        return Presence(found.connections, found.connected_since, found.closed_at, found.changes)


def changes(db: Database, conversation_id: str) -> int:
    """A number that grows with every connect and disconnect of this conversation (0: none yet)."""
    with db.session() as session:
        found = session.scalar(
            select(WidgetPresence.changes).where(WidgetPresence.conversation_id == _conversation(conversation_id))
        )
    return int(found or 0)


def forget(session, conversation_id: str) -> int:
    """Remove this conversation's row in the caller's unit of work (doorvraag forget)."""
    return session.execute(
        delete(WidgetPresence)
        .where(WidgetPresence.conversation_id == conversation_id)
        .execution_options(synchronize_session=False)
    ).rowcount


def purge(session, before: datetime) -> int:
    """Remove rows unchanged since `before` in the caller's unit of work (doorvraag purge); this also
    clears connections left counted by a Rasa server that stopped without closing its sockets."""
    return session.execute(
        delete(WidgetPresence)
        .where(WidgetPresence.changed_at < as_utc(before))
        .execution_options(synchronize_session=False)
    ).rowcount

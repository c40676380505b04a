"""Live console pages over Server-Sent Events.

How the console learns of news: each open page holds one `GET /live` stream. Its handler asks
the database once a second (DOORVRAAG_CONSOLE_POLL_SECONDS) for two numbers that only grow:
the newest id of the console's event feed (bot/storage/live.py: handoffs, claims, transfers,
replies, closed call-backs, written by whichever process made the change) and, on a contact page,
the newest id of that conversation's events in Rasa's tracker store (what the user typed) and the
change counter of its widget presence (bot/storage/presence.py: the chat window opened or closed).
When any of them moved it sends `event: change` with the number of people waiting, and the page fetches its
live parts again. Polling the database works the same with one console process or many, on
SQLite and PostgreSQL, and needs no broker; the cost is one indexed MAX() per open page a second.
A stream ends after STREAM_SECONDS; the browser's EventSource reconnects by itself.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from aiohttp import web

from bot.storage import presence
from bot.storage.live import latest_event_id
from bot.storage.models import Contact
from bot.web import console_data, transcript

if TYPE_CHECKING:
    from bot.web.app import Console

STREAM_SECONDS = 300.0
HEARTBEAT_SECONDS = 15.0


def _conversation(app: Console, contact_id: str | None) -> str | None:
    if not contact_id:
        return None
    with app.db.session() as session:
        found = session.get(Contact, contact_id)
        if found is None:
            raise web.HTTPNotFound(text="Dit contact bestaat niet (meer).")
        return found.conversation_id


def _state(app: Console, conversation: str | None) -> tuple[int, int, int, int]:
    """(newest console event, newest tracker event of the conversation, people waiting, presence changes)."""
    tracker_id = transcript.latest_event_id(app.tracker, conversation) if conversation else 0
    widget = presence.changes(app.db, conversation) if conversation else 0
    return latest_event_id(app.db), tracker_id, console_data.waiting_count(app.db), widget


async def stream(request: web.Request, app: Console) -> web.StreamResponse:
    conversation = await asyncio.to_thread(_conversation, app, request.query.get("contact"))
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: pass events on at once
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    ends = loop.time() + STREAM_SECONDS
    last: tuple[int, int, int, int] | None = None
    quiet_since = loop.time()
    try:
        await response.write(b"retry: 1000\n\n")
        while loop.time() < ends and request.transport is not None and not request.transport.is_closing():
            state = await asyncio.to_thread(_state, app, conversation)
            if state != last:
                data = json.dumps(
                    {
                        "console": state[0],
                        "chat": state[1],
                        "waiting": state[2],
                        "presence": state[3],
                        "first": last is None,
                    }
                )
                await response.write(f"event: change\ndata: {data}\n\n".encode())
                last, quiet_since = state, loop.time()
            elif loop.time() - quiet_since > HEARTBEAT_SECONDS:
                await response.write(b": nog hier\n\n")
                quiet_since = loop.time()
            await asyncio.sleep(app.settings.poll_seconds)
    except ConnectionResetError:
        pass  # the page was closed
    return response

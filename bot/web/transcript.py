"""A conversation as staff read it, from Rasa's tracker store (its own database, read-only).

Each line says who said it (gebruiker, assistent, or the staff member's name), shows the title of
the button that was clicked instead of its payload (`/inform{"contact_channel":"terugbellen"}` ->
"Bel me terug": the buttons are on the bot message just before), renders the bot's Markdown safely
(bot/web/markup.py) and carries its time in Europe/Amsterdam.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from bot.storage.dates import AMSTERDAM
from bot.web import markup, staff_lines

KINDS = ("user", "bot", "pause", "resume")
CLICKED_UNKNOWN = "(koos een knop)"


@dataclass(frozen=True)
class Line:
    who: str  # what staff see: "gebruiker", "assistent" or a staff member's name
    kind: str  # "gebruiker" | "assistent" | "medewerker" | "melding"
    html: Markup
    at: datetime | None  # Europe/Amsterdam


@dataclass(frozen=True)
class Transcript:
    lines: list[Line] = field(default_factory=list)
    last_event_id: int = 0
    with_staff: bool = False  # paused for a person, not yet handed back to the bot
    last_user_at: datetime | None = None


def _has_events(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def latest_event_id(engine: Engine | None, conversation_id: str) -> int:
    """The id of the conversation's newest event: what a live page compares to know there is more."""
    if engine is None or not _has_events(engine):
        return 0
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT MAX(id) FROM events WHERE sender_id = :sender"), {"sender": conversation_id}
        ).scalar()
    return int(found or 0)


def read(engine: Engine | None, conversation_id: str, limit: int = 1000) -> Transcript:
    if engine is None or not _has_events(engine):
        return Transcript()
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                f"SELECT id, type_name, timestamp, data FROM events WHERE sender_id = :sender "
                f"AND type_name IN ({kinds}) ORDER BY id DESC LIMIT :limit"
            ),
            {"sender": conversation_id, "limit": limit},
        ).all()
    return lines_of(list(reversed(rows)))


def _data(raw: str | None) -> dict[str, Any]:
    try:
        found = json.loads(raw or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _moment(stamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(stamp, AMSTERDAM) if stamp else None


def _button_title(payload: str, buttons: list) -> str:
    for button in buttons:
        if isinstance(button, dict) and str(button.get("payload", "")).strip() == payload:
            return str(button.get("title") or CLICKED_UNKNOWN)
    return CLICKED_UNKNOWN


def lines_of(rows: list) -> Transcript:
    """(id, type_name, timestamp, data) rows, oldest first, as the lines staff read."""
    lines: list[Line] = []
    buttons: list = []
    with_staff = False
    last_user_at = None
    last_id = 0
    for event_id, kind, stamp, raw in rows:
        last_id = max(last_id, int(event_id))
        event = _data(raw)
        at = _moment(stamp)
        if kind in ("pause", "resume"):
            with_staff = kind == "pause"
            continue
        said = str(event.get("text") or "")
        if kind == "user":
            last_user_at = at
            if said.startswith("/"):
                said = _button_title(said.strip(), buttons)
            lines.append(Line("gebruiker", "gebruiker", markup.render(said), at))
            continue
        meta = event.get("metadata") or {}
        buttons = list(((event.get("data") or {}).get("buttons")) or [])
        staff = str(meta.get("staff") or "") if isinstance(meta, dict) else ""
        if isinstance(meta, dict) and meta.get("from") == "staff" and staff:
            said = staff_lines.without_prefix(staff, said)
            lines.append(Line(staff_lines.display_name(staff), "medewerker", markup.render(said), at))
        elif isinstance(meta, dict) and meta.get("from") == "system":
            lines.append(Line("melding", "melding", markup.render(said), at))
        else:
            lines.append(Line("assistent", "assistent", markup.render(said), at))
    return Transcript(lines, last_id, with_staff, last_user_at)

"""The Dutch words the console shows for the codes it stores: no `welzijn_slachtoffer: tekst` on screen.

Times are shown in Europe/Amsterdam everywhere (the `local` template filter), whatever the
database or the server's zone.
"""

from __future__ import annotations

from datetime import datetime

from bot import knowledge
from bot import question_bank as qb
from bot.storage.dates import AMSTERDAM
from bot.web.staff_lines import display_name

ACTIONS = {
    "contact_opened": "geopend",
    "status_changed": "status gewijzigd",
    "note_added": "notitie toegevoegd",
    "staff_reply": "antwoord gestuurd",
    "back_to_bot": "terug naar de bot",
    "claimed": "opgepakt",
    "transferred": "overgedragen aan een collega",
    "callback_closed": "terugbelverzoek afgehandeld",
    "contact_entered": "ingevoerd",
}
ANSWERS = {"ja": "ja", "nee": "nee", "weet_niet": "weet ik niet", "stop": "wilde stoppen", "onbruikbaar": "onduidelijk"}
BLOCK_STATES = {"aanwezig": "aanwezig", "ontbreekt": "ontbreekt", "onbekend": "onbekend"}
HANDOFFS = {"geen": "geen", "wachtrij": "wachtrij (chat)", "terugbellen": "terugbellen", "mail": "mail"}
CHANNELS = {"chat": "chat", "telefoon": "telefoon", "mail": "mail", "terugbellen": "terugbellen"}


def local_time(moment: datetime | None, pattern: str = "%d-%m-%Y %H:%M") -> str:
    return moment.astimezone(AMSTERDAM).strftime(pattern) if moment else ""


def question_text(key: str) -> str:
    found = qb.bank().get(key)
    return found.text if found else key.replace("_", " ")


def answer_text(category: str, text: str | None) -> str:
    """The answer as staff read it: the (redacted) words when there are any, else the choice in Dutch."""
    if category == "tekst" and text:
        return text
    said = ANSWERS.get(category, category)
    return f"{said}: {text}" if text else said


def block_label(block: str) -> str:
    spec = knowledge.load("questions")["building_blocks"].get(block) or {}
    return str(spec.get("label") or block)


GLOBALS = {
    "ACTION_NAMES": ACTIONS,
    "BLOCK_STATE_NAMES": BLOCK_STATES,
    "HANDOFF_NAMES": HANDOFFS,
    "CHANNEL_NAMES": CHANNELS,
    "question_text": question_text,
    "answer_text": answer_text,
    "block_label": block_label,
    "display_name": display_name,
}

"""How a staff member's words look in the user's chat: under their own name, never as the bot.

The widget shows every bot-channel message under the assistant's title, so the name goes in
the text itself ("Sanne (helpdesk): ..."), which works on every channel; the event's metadata
says who wrote it, and the console shows the text without the prefix.
"""

from __future__ import annotations

JOINED = "{name} van de helpdesk is er nu en leest je gesprek. Je praat vanaf nu met een mens."
BACK_TO_BOT = (
    "{name} heeft het gesprek teruggegeven. Je praat weer met de digitale assistent. Stel gerust een nieuwe vraag."
)


def display_name(username: str) -> str:
    """The name users and colleagues see: the username with a capital ("sanne" -> "Sanne")."""
    return username[:1].upper() + username[1:]


def prefix(username: str) -> str:
    return f"{display_name(username)} (helpdesk): "


def staff_text(username: str, text: str) -> str:
    return prefix(username) + text


def without_prefix(username: str, text: str) -> str:
    start = prefix(username)
    return text[len(start) :] if text.startswith(start) else text

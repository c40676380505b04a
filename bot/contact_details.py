"""Contact details for a call-back or a mail: checked and normalised before anything is stored."""

from __future__ import annotations

import re

from bot import question_bank as qb
from bot.dialogue import texts
from bot.intake_reading import Reply, answer_category

PHONE = re.compile(r"^(?:\+31|0031|0)[1-9]\d{8}$")
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def normalise_phone(text: str) -> str | None:
    digits = re.sub(r"[\s\-().]", "", text or "")
    return digits if PHONE.match(digits) else None


def normalise_email(text: str) -> str | None:
    value = (text or "").strip().strip(".")
    return value.lower() if EMAIL.match(value) else None


def valid_detail(channel: str, text: str) -> str | None:
    return normalise_phone(text) if channel == "terugbellen" else normalise_email(text)


def channel_choice(reply: Reply) -> str | None:
    """terugbellen / mail / geen from a button or typed words; None when unclear."""
    if reply.entities.get("contact_channel"):
        return reply.entities["contact_channel"]
    if reply.is_payload and reply.intent in ("deny", "stop"):
        return "geen"
    norm = qb.normalise(reply.text)
    for channel, words in texts()["handoff"]["channel_words"].items():
        if any(re.search(w, norm) for w in words):
            return channel
    return "geen" if answer_category(reply) in ("nee", "stop") else None

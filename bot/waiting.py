"""Waiting for a staff member, without Rasa: what a message while waiting means, and what the bot says.

During opening hours a handoff puts the user in the staff queue. The conversation pauses only when
a staff member takes it (bot/web/takeover.py), so until then the bot keeps listening: every message
gets a short reply with the place in the queue and the offer of a call-back, and the user can choose
that call-back (button or typed) or leave. Texts and word lists: `waiting` in bot/knowledge/dialogue.yml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from bot import hours, intake
from bot import question_bank as qb

FORM = "waiting_form"
# intake_phase while the user waits in the queue: an urgent message then updates the waiting contact.
PHASE = "wachtrij"
CALLBACK = "terugbellen"
LEAVE = "stoppen"
# What ends the waiting (the slot waiting_choice), and what is only answered (the slot waiting_reply).
CHOICES = (CALLBACK, LEAVE)
REPLIES = ("anders", "mens", "blijven", "after_referral")


def texts() -> Mapping[str, Any]:
    return intake.texts()["waiting"]


def callback_button() -> intake.Button:
    """The same button as the call-back choice outside hours, so one payload means one thing."""
    return intake.button(texts()["offer_button"], "inform", contact_channel=CALLBACK)


def offers_callback(buttons: Sequence[Mapping[str, Any]] | None) -> bool:
    """Does a bot message with these buttons offer the call-back (then a plain "ja" chooses it)?"""
    payload = callback_button()["payload"]
    return any(button.get("payload") == payload for button in buttons or ())


def _kind_of_text(text: str) -> str | None:
    norm = qb.normalise(text)
    words = len(norm.split())
    spec = texts()
    for kind, patterns in spec["kinds"].items():
        if words <= spec["max_words"][kind] and any(re.search(pattern, norm) for pattern in patterns):
            return kind
    return None


def read(reply: intake.Reply, *, offered: bool) -> str:
    """What a message while waiting is: a choice (terugbellen / stoppen) or a reply kind (REPLIES).

    `offered`: the bot's last message offered the call-back, so a yes chooses it and a no keeps waiting.
    """
    if reply.entities.get("contact_channel") == CALLBACK:
        return CALLBACK
    if reply.is_payload:
        if reply.intent == "stop":
            return LEAVE
        if offered and reply.intent in ("affirm", "deny"):
            return CALLBACK if reply.intent == "affirm" else "blijven"
        return "mens" if reply.intent == "ask_human" else "anders"
    kind = _kind_of_text(reply.text)
    if kind is not None:
        return kind
    if intake.meta_of(reply.text) == "ending":
        return LEAVE
    if offered and intake.answers_yes_or_no(reply):
        return CALLBACK if intake.answer_category(reply) == "ja" else "blijven"
    return "anders"


def queue_lines(position: int | None, wait: timedelta | None) -> list[str]:
    """ "Je bent nummer N in de wachtrij" and the expected wait, when the contact log can tell."""
    spec = intake.texts()["handoff"]
    lines = []
    if position:
        lines.append(spec["position"].format(position=position))
    if wait is not None:
        minutes = max(1, round(wait.total_seconds() / 60))
        lines.append(spec["expected_wait"].format(minutes=minutes, unit="minuut" if minutes == 1 else "minuten"))
    return lines


def reply_message(kind: str, position: int | None, wait: timedelta | None) -> tuple[str, list[intake.Button]]:
    """The answer to a message while waiting: a line for its kind, the place and wait, and the offer."""
    spec = texts()
    place = queue_lines(position, wait) or [spec["not_in_queue"]]
    if kind == "after_referral":
        return " ".join([spec["replies"][kind], *place]), []
    return " ".join([spec["replies"][kind], *place, spec["offer"]]), [callback_button()]


def offer_message() -> tuple[str, list[intake.Button]]:
    """The bot's own offer after a long wait (sent once, by the console: bot/web/offers.py)."""
    return texts()["offer_after_wait"], [callback_button()]


def left_message() -> str:
    return texts()["left"].format(helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text())

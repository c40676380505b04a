"""A scripted conversation as structure: per user turn, what the bot said, by kind, and what it kept.

Built from the tracker's events, not from the bot's Dutch wording: every message an action utters
carries its kind in the BotUttered metadata (bot/utterances.py); a response from domain.yml is known
by its name (RESPONSE_KINDS). Slot events give what the bot held before and after each turn. The
services a message names are found by their numbers in bot/knowledge/referrals.yml, so a changed
number never goes stale here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot import knowledge, utterances

# The responses of domain.yml, which carry no tag of their own (tests/test_conversation_eval.py checks
# that every response is here).
RESPONSE_KINDS = {
    "utter_thanks": (utterances.CLOSING, "thanks"),
    "utter_bot_challenge": (utterances.META, "bot_challenge"),
    "utter_out_of_scope": (utterances.META, "out_of_scope"),
    "utter_ok": (utterances.NOTED, "ok"),
    "utter_dont_know": (utterances.NOTED, "dont_know"),
    "utter_rephrase": (utterances.NOTED, "rephrase"),
    "utter_urgent_safe": (utterances.NOTED, "safety_ja"),
    "utter_urgent_unsafe": (utterances.NOTED, "safety_nee"),
}
UNKNOWN = "unknown"  # a message with no tag and no known response: a gap in the tagging
PROFILE_SLOTS = ("caller_role", "school_type")
# Slots followed per turn (what the bot held).
FOLLOWED_SLOTS = (*PROFILE_SLOTS, "theme", "question_type", "doorvraag_keys", "answer_key", "urgency", "intake_phase")
# User turns that are only buttons or intents, not things said.
QUESTION_INTENT_PREFIX = "vraag_"


@lru_cache(maxsize=1)
def service_numbers() -> dict[str, tuple[str, ...]]:
    """Each referral service with the numbers (or address) that name it in a message."""
    found: dict[str, tuple[str, ...]] = {}
    for key, spec in knowledge.load("referrals")["services"].items():
        phone = spec.get("phone")
        marks = tuple(p.strip() for p in str(phone).split(" of ")) if phone else (f"{key}.nl",)
        found[key] = marks
    return found


def services_named(text: str) -> tuple[str, ...]:
    """The referral services whose number (or web address) the text names."""
    lowered = text.lower()
    named = []
    for key, marks in service_numbers().items():
        if any(_names_number(lowered, mark.lower()) for mark in marks):
            named.append(key)
    return tuple(named)


def _names_number(text: str, mark: str) -> bool:
    """`mark` occurs as a whole number ("112" is not part of "0900-111 3 111")."""
    start = text.find(mark)
    while start != -1:
        before = text[start - 1] if start else " "
        after = text[start + len(mark)] if start + len(mark) < len(text) else " "
        if not (before.isdigit() or before == "-") and not (after.isdigit() or after == "-"):
            return True
        start = text.find(mark, start + 1)
    return False


@dataclass(frozen=True)
class Said:
    """One bot message: its kind, which one (ref), the action that said it, and its text."""

    kind: str
    ref: str | None
    text: str
    action: str | None = None
    buttons: tuple[str, ...] = ()

    @property
    def services(self) -> tuple[str, ...]:
        return services_named(self.text)

    def is_question(self, ref: str | None = None) -> bool:
        return self.kind == utterances.QUESTION and (ref is None or self.ref == ref)


@dataclass
class Turn:
    """A user message, how the bot read it, what the bot said in reply, and the slots around it."""

    user: str
    intent: str | None = None
    entities: dict[str, str] = field(default_factory=dict)
    said: list[Said] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    def kinds(self) -> list[str]:
        return [s.kind for s in self.said]

    def questions(self) -> list[Said]:
        return [s for s in self.said if s.kind == utterances.QUESTION]

    @property
    def is_question_intent(self) -> bool:
        return bool(self.intent and self.intent.startswith(QUESTION_INTENT_PREFIX))


@dataclass
class Conversation:
    """A scripted conversation after it ran: the turns, what it should end with, and what it ended with."""

    name: str
    turns: list[Turn]
    expect: dict[str, Any] = field(default_factory=dict)
    got: dict[str, Any] = field(default_factory=dict)
    must_not: list[str] = field(default_factory=list)

    def said(self) -> Iterable[tuple[int, Said]]:
        """Every bot message with the (0-based) index of the user turn it answered."""
        for index, turn in enumerate(self.turns):
            for said in turn.said:
                yield index, said


def said_of(event: Mapping[str, Any], action: str | None) -> Said:
    meta = event.get("metadata") or {}
    kind, ref = meta.get(utterances.KIND_KEY), meta.get(utterances.REF_KEY)
    if kind is None:
        kind, ref = RESPONSE_KINDS.get(str(action), (UNKNOWN, action))
    buttons = tuple(str(b.get("title")) for b in (event.get("data") or {}).get("buttons") or [])
    return Said(str(kind), ref, str(event.get("text") or ""), action, buttons)


def _entities(parse: Mapping[str, Any]) -> dict[str, str]:
    told: dict[str, str] = {}
    for entity in parse.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name in PROFILE_SLOTS and isinstance(value, str):
            told.setdefault(name, value)
    return told


def turns_of(events: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """Split the tracker's events at each user message: what came after it is the bot's reply."""
    turns: list[Turn] = []
    slots: dict[str, Any] = {}
    action: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            turns.append(Turn(str(event.get("text") or ""), intent, _entities(parse), before=dict(slots)))
        elif kind == "action":
            action = event.get("name")
        elif kind == "slot" and event.get("name") in FOLLOWED_SLOTS:
            slots[str(event["name"])] = event.get("value")
        elif kind == "restart" or kind == "session_started":
            slots = {}
        elif kind == "bot" and turns:
            turns[-1].said.append(said_of(event, action))
        if turns:
            turns[-1].after = dict(slots)
    return turns

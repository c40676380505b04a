"""The conversation-level figures of issue 13 over a structured conversation (tests/conversation_structure.py).

* information lost: a role or school type the user stated (the bot's own reading of a message, or the
  script's `expect`) that the conversation's contact does not hold at the end, or a slot the bot held
  and later emptied;
* questions asked twice: the same question again (by the slot or bank key it asks; the confirmation
  and the answer's feedback per topic), or a role or school question when the bot already knew it;
* fallbacks: messages of kind fallback;
* user turns until the first advice or knowledge-base answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import utterances
from tests.conversation_structure import PROFILE_SLOTS, Conversation, Said, Turn

# Questions that are about one topic: asked again for another topic they are a new question.
PER_TOPIC = {"intake_confirmed": "theme", "answer_feedback": "answer_key", "ask_on": "answer_key"}
# Asked again on purpose after an unreadable answer to the contact form: a retry, not a repeat.
CONTACT_QUESTIONS = ("contact_channel", "contact_consent", "contact_detail")
REACHED = (utterances.ADVICE, utterances.ANSWER)


@dataclass(frozen=True)
class Repeat:
    turn: int  # 1-based user turn the question answered
    question: str
    why: str  # "again" (asked before) or "known" (the bot knew the value)


def question_key(said: Said, turn: Turn) -> str:
    ref = str(said.ref)
    slot = PER_TOPIC.get(ref)
    return f"{ref}:{turn.after.get(slot)}" if slot else ref


def asked_twice(conversation: Conversation) -> list[Repeat]:
    asked: set[str] = set()
    stated: dict[str, str] = {}
    repeats: list[Repeat] = []
    for number, turn in enumerate(conversation.turns, start=1):
        stated.update(turn.entities)
        for said in turn.questions():
            key = question_key(said, turn)
            if said.ref in CONTACT_QUESTIONS:
                continue
            if key in asked:
                repeats.append(Repeat(number, key, "again"))
            elif said.ref in PROFILE_SLOTS and (turn.before.get(said.ref) or stated.get(str(said.ref))):
                repeats.append(Repeat(number, key, "known"))
            asked.add(key)
    return repeats


@dataclass(frozen=True)
class Lost:
    field: str
    value: str | None
    why: str  # "not kept" (stated, not on the contact) or "emptied" (held, then cleared)


def information_lost(conversation: Conversation) -> list[Lost]:
    lost: list[Lost] = []
    for slot in PROFILE_SLOTS:
        stated = [t.entities[slot] for t in conversation.turns if slot in t.entities]
        expected = conversation.expect.get(slot)
        final = conversation.got.get(slot)
        # The last statement counts (a later one overrides); the script's expectation when the bot heard none.
        wanted = stated[-1] if stated else expected
        if wanted is not None and final is None:
            lost.append(Lost(slot, wanted, "not kept"))
            continue
        held = None
        for turn in conversation.turns:
            value = turn.after.get(slot)
            if held is not None and value is None and slot not in turn.entities:
                lost.append(Lost(slot, held, "emptied"))
                break
            held = value if value is not None else held
    return lost


def fallbacks(conversation: Conversation) -> int:
    return sum(1 for _, said in conversation.said() if said.kind == utterances.FALLBACK)


def turns_to_advice(conversation: Conversation) -> int | None:
    """The 1-based user turn answered by the first advice or knowledge-base answer; None if none came."""
    return next((index + 1 for index, said in conversation.said() if said.kind in REACHED), None)

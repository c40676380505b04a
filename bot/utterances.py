"""What kind of message the bot said, carried in the message's metadata.

Every message an action utters is tagged with its kind (and, where it matters, which one: the slot a
question asks, the question-bank key, the knowledge-base answer, the referral's category). Rasa keeps
unknown keys of an action's message as the BotUttered event's metadata, so the tag ends up in the
tracker, where the conversation evaluation (tests/conversation_eval.py) reads a transcript in the
bot's own terms instead of matching its Dutch wording. The output channels only send text, buttons
and the other known fields, so the chat widget never sees it.
"""

from __future__ import annotations

KIND_KEY = "kind"
REF_KEY = "ref"

GREETING = "greeting"
QUESTION = "question"  # ref: the slot it asks (caller_role, school_type, intake_confirmed, ...) or a bank key
REFERRAL = "referral"  # ref: the urgency category, or "first_service" for the one number after "weet ik niet"
ANSWER = "answer"  # ref: the knowledge-base answer's key
NO_ANSWER = "no_answer"  # the honest line: no fixed answer to this question
ADVICE = "advice"
OFFER = "offer"  # the offer of a person after the advice
HANDOFF = "handoff"  # ref: wachtrij, gesloten, or the call-back channel
FALLBACK = "fallback"  # ref: first, second
META = "meta"  # ref: the kind of remark about the conversation (bot/intake.py META_KINDS)
NOTED = "noted"  # an acknowledgement that moves on (role noted, "ok, ik bel ze", no danger, questions stopped)
CLOSING = "closing"
DUTY = "duty"  # ref: the legal duty told early (meldplicht, meldcode), as labels.md asks

KINDS = (GREETING, QUESTION, REFERRAL, ANSWER, NO_ANSWER, ADVICE, OFFER, HANDOFF, FALLBACK, META, NOTED, CLOSING, DUTY)


def tag(kind: str, ref: str | None = None) -> dict[str, str]:
    """Keyword arguments for `dispatcher.utter_message` that tag the message (unknown kinds are a bug)."""
    if kind not in KINDS:
        raise ValueError(f"unknown utterance kind {kind!r}")
    return {KIND_KEY: kind} if ref is None else {KIND_KEY: kind, REF_KEY: ref}

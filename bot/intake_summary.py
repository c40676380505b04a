"""After the questions: what the contact log keeps of the answers, and the summary staff read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import question_bank as qb
from bot.dialogue import NO_ANSWER_KEY
from bot.redaction import redact


def answer_log_key(answer_key: str | None) -> str:
    """The question key under which the contact logs whether an answer helped: antwoord:<key>."""
    return f"antwoord:{answer_key or NO_ANSWER_KEY}"


def answers_of(slots: Mapping[str, Any]) -> dict[str, str]:
    return dict(slots.get("doorvraag_answers") or {})


def summary(
    theme: str,
    question_type: str,
    caller_role: str | None,
    school_type: str | None,
    answers: Mapping[str, str],
    blocks: Mapping[str, str],
    handoff: str = "geen",
) -> str:
    """A summary for the helpdesk made of codes only: no user text, so no personal data."""
    parts = [
        f"thema={theme}",
        f"type={question_type}",
        f"rol={caller_role or 'onbekend'}",
        f"school={school_type or 'onbekend'}",
    ]
    if blocks:
        parts.append("bouwstenen=" + ",".join(f"{b}:{s}" for b, s in blocks.items()))
    if answers:
        categories = {key: (value if value in qb.CATEGORIES else "tekst") for key, value in answers.items()}
        parts.append("antwoorden=" + ",".join(f"{k}:{v}" for k, v in categories.items()))
    if handoff != "geen":
        parts.append(f"overdracht={handoff}")
    return "; ".join(parts)[:500]


def stored_answer(category: str, text: str, typed: bool = True) -> tuple[str, str | None]:
    """What the advice reads and what the log keeps: the category, plus redacted text for free text.

    A typed "ja, maar ..." counts as ja for the advice, and its explanation is kept too,
    so staff see what the user told (free text is always kept, redacted).
    """
    if category == "tekst":
        clean = redact(text)
        return clean, clean
    if typed and category in ("ja", "nee", "weet_niet") and qb.says_more_than_the_answer(text):
        return category, redact(text)
    return category, None

"""The intake's flow: from the slots so far, which step comes next (unit-tested without Rasa)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import labels
from bot import question_bank as qb
from bot.dialogue import DOORVRAAG_SLOTS, MAX_DOORVRAGEN, MIN_DOORVRAGEN


@dataclass
class IntakeState:
    """The slots that decide the next step of the intake."""

    theme: str = labels.OVERIG
    question_type: str = labels.OVERIG
    caller_role: str | None = None
    school_type: str | None = None
    intake_confirmed: bool | None = None
    theme_needed: bool = False
    role_asked: bool = False
    school_asked: bool = False
    intake_stopped: bool = False
    doorvraag_keys: list[str] | None = None
    urgency_level: str | None = None
    danger_check: str | None = None
    answer_key: str | None = None
    answer_feedback: str | None = None
    ask_on: str | None = None
    # A statement that may be a case of its own was told at this slot; switch_check is the user's choice.
    switch_from: str | None = None
    switch_check: str | None = None
    # An answer offered with "Gaat het je om ...?", and the user's reply to it.
    answer_suggested: str | None = None
    suggestion_check: str | None = None
    # The same, for a practical question asked at a question of the intake (the intake goes on after it).
    passing_offer: Mapping[str, str] | None = None
    passing_check: str | None = None

    @classmethod
    def of(cls, slots: Mapping[str, Any]) -> IntakeState:
        return cls(
            answer_key=slots.get("answer_key"),
            answer_feedback=slots.get("answer_feedback"),
            ask_on=slots.get("ask_on"),
            urgency_level=slots.get("urgency_level"),
            danger_check=slots.get("danger_check"),
            theme=slots.get("theme") or labels.OVERIG,
            question_type=slots.get("question_type") or labels.OVERIG,
            caller_role=slots.get("caller_role"),
            school_type=slots.get("school_type"),
            intake_confirmed=slots.get("intake_confirmed"),
            theme_needed=bool(slots.get("theme_needed")),
            role_asked=bool(slots.get("role_asked")),
            school_asked=bool(slots.get("school_asked")),
            intake_stopped=bool(slots.get("intake_stopped")),
            doorvraag_keys=slots.get("doorvraag_keys"),
            switch_from=slots.get("switch_from"),
            switch_check=slots.get("switch_check"),
            answer_suggested=slots.get("answer_suggested"),
            suggestion_check=slots.get("suggestion_check"),
            passing_offer=slots.get("passing_offer"),
            passing_check=slots.get("passing_check"),
        )

    @property
    def danger_pending(self) -> bool:
        """Possible danger was seen and the check question is not answered yet."""
        return self.urgency_level == labels.MOGELIJK and self.danger_check is None

    @property
    def light(self) -> bool:
        return self.theme in qb._data()["selection"]["light_themes"]


def choose_questions(state: IntakeState, text: str) -> list[str]:
    """The keys of the 3-6 doorvragen for this situation; the user's own words skip some."""
    chosen = qb.select_questions(
        state.theme,
        state.question_type,
        state.school_type,
        state.caller_role,
        text,
        limit=MAX_DOORVRAGEN,
        minimum=MIN_DOORVRAGEN,
    )
    return [q.key for q in chosen]


def profile_slots(state: IntakeState) -> list[str]:
    """Role and school type, each asked once while unknown (a skipped one stays empty)."""
    if state.light:
        return []
    slots = []
    if state.caller_role is None and not state.role_asked:
        slots.append("caller_role")
    if state.school_type is None and not state.school_asked:
        slots.append("school_type")
    return slots


def needs_selection(state: IntakeState) -> bool:
    """Time to choose the doorvragen: confirmed, role and school settled, none chosen yet."""
    return (
        bool(state.intake_confirmed)
        and not state.intake_stopped
        and state.doorvraag_keys is None
        and not profile_slots(state)
    )


@dataclass(frozen=True)
class Phase:
    """One phase of the intake: when it holds, and the slots it asks (in order; a filled one is skipped)."""

    name: str
    holds: Callable[[IntakeState], bool]
    asks: Callable[[IntakeState], list[str]]


def _answer_slots(state: IntakeState) -> list[str]:
    return [slot for slot in ("answer_feedback", "ask_on") if getattr(state, slot) is None]


def _topic_slots(state: IntakeState) -> list[str]:
    return ["intake_theme" if state.theme_needed or state.theme == labels.OVERIG else "intake_confirmed"]


def _question_slots(state: IntakeState) -> list[str]:
    return profile_slots(state) + list(DOORVRAAG_SLOTS[: len(state.doorvraag_keys or ())])


# The intake as a table: the first phase that holds is the one the form is in. Each phase's checks are
# answered by a slot, which moves the intake on to the next phase that holds. Read top to bottom:
# safety first, then what the user asked (an offer, a switch, an answer), then the topic and questions.
PHASES: tuple[Phase, ...] = (
    # Stopped ("stop", an ending, a request to skip) or danger confirmed (the referral takes over).
    Phase("ended", lambda s: s.intake_stopped or s.danger_check == "ja", lambda s: []),
    # Possible danger seen: the check question before anything else.
    Phase("danger_check", lambda s: s.danger_pending, lambda s: ["danger_check"]),
    # "Gaat het je hierom?": the answer, or the honest line, comes first.
    Phase(
        "offer",
        lambda s: bool(s.answer_suggested) and s.suggestion_check is None and not s.answer_key,
        lambda s: ["suggestion_check"],
    ),
    # The same offer for a question asked at a question of the intake; the questions go on after it.
    Phase(
        "offer_in_passing",
        lambda s: bool(s.passing_offer) and s.passing_check is None,
        lambda s: ["passing_check"],
    ),
    # "Wil je het eerst hierover hebben?" about a statement that may be a case of its own.
    Phase("switch_check", lambda s: bool(s.switch_from) and s.switch_check is None, lambda s: ["switch_check"]),
    # The answer first (asked with "Had je hier iets aan?"), then whether the user lets us ask on.
    Phase("answer", lambda s: bool(s.answer_key) and s.ask_on in (None, "nee"), _answer_slots),
    # A pupil is not the helpdesk's target group (domain.md §5): a warm referral, no school intake.
    Phase("pupil", lambda s: s.caller_role == labels.PUPIL, lambda s: []),
    # The topic: confirmed explicitly, or chosen when it is not known.
    Phase("topic", lambda s: not s.intake_confirmed, _topic_slots),
    # Role and school type while unknown, then the doorvragen chosen for the situation.
    Phase("questions", lambda s: True, _question_slots),
)


def phase_of(state: IntakeState) -> Phase:
    return next(phase for phase in PHASES if phase.holds(state))


def required_slots(state: IntakeState) -> list[str]:
    """The slots of `intake_form` in the order they are asked (a filled one is skipped)."""
    return phase_of(state).asks(state)


def next_slot(required: Sequence[str], slots: Mapping[str, Any]) -> str | None:
    return next((name for name in required if slots.get(name) is None), None)

"""The intake's flow: from the slots so far, which step comes next (unit-tested without Rasa)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def required_slots(state: IntakeState) -> list[str]:
    """The slots of `intake_form` in the order they are asked (a filled one is skipped)."""
    if state.intake_stopped or state.danger_check == "ja":
        return []
    if state.danger_pending:
        return ["danger_check"]
    if state.answer_suggested and state.suggestion_check is None and not state.answer_key:
        return ["suggestion_check"]  # "Gaat het je om ...?": the answer, or the honest line, comes first
    if state.switch_from and state.switch_check is None:
        return ["switch_check"]  # "Wil je het eerst hierover hebben?" before anything else
    if state.answer_key:
        # The answer first (asked with "Had je hier iets aan?"), then whether the user lets us ask on.
        if state.ask_on in (None, "nee"):
            return [slot for slot in ("answer_feedback", "ask_on") if getattr(state, slot) is None]
    if state.caller_role == labels.PUPIL:
        # A pupil is not the helpdesk's target group (domain.md §5): a warm referral, no school intake.
        return []
    if not state.intake_confirmed:
        return ["intake_theme" if state.theme_needed or state.theme == labels.OVERIG else "intake_confirmed"]
    return profile_slots(state) + list(DOORVRAAG_SLOTS[: len(state.doorvraag_keys or ())])


def next_slot(required: Sequence[str], slots: Mapping[str, Any]) -> str | None:
    return next((name for name in required if slots.get(name) is None), None)

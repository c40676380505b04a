"""A question starts an intake; urgent danger is referred at once; messages not understood."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    EventList,
    after_referral,
    last_bot_action,
    note_profile,
    previous_user_intent,
    reset_intake,
    typed_text,
    valid_code,
)
from bot import answers, contact_log, hours, intake, labels, referrals, utterances
from bot import question_bank as qb
from bot.classifier import Classification, from_parse
from bot.redaction import redact
from bot.utterances import tag


class ActionStartIntake(Action):
    """Classify the question, open its contact (status lopend), log it redacted, set the slots.

    The intake form then confirms the classification and asks on. An intake still
    running is replaced: the contact log marks it onvolledig.
    """

    def name(self) -> str:
        return "action_start_intake"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        if last_bot_action(tracker) == "action_refer_urgent":
            # "ja, ik ben op school" answers the referral's check question, whatever intent it got.
            reply_to_check = intake.answer_category(intake.Reply.of(tracker.latest_message))
            if reply_to_check in ("ja", "nee"):
                dispatcher.utter_message(
                    response="utter_urgent_safe" if reply_to_check == "ja" else "utter_urgent_unsafe",
                    **tag(utterances.NOTED, "safety_" + reply_to_check),
                )
                return [FollowupAction("action_listen")]  # no intake: the rule's form does not start
        result = from_parse(tracker.latest_message)
        if after_referral(tracker) and not intake.is_question(result.text) and result.urgency != labels.ACUUT:
            # "ben haar mentor, vso. ze is al naar huis": more about the case just referred, not a new
            # intake with its own check question. Kept on the contact; a question starts an intake.
            note_profile(tracker)
            events: EventList = []
            if tracker.get_slot("theme") in (None, labels.OVERIG) and result.theme != labels.OVERIG:
                # The referral's own message did not say what it was about; this one does.
                contact_log.update_contact(tracker.sender_id, theme=result.theme, question_type=result.question_type)
                events = [SlotSet("theme", result.theme), SlotSet("question_type", result.question_type)]
            dispatcher.utter_message(
                text=intake.texts()["noted"]["after_referral"], **tag(utterances.NOTED, "after_referral")
            )
            return [*events, FollowupAction("action_listen")]
        conversation = tracker.sender_id
        if tracker.get_slot("intake_phase") in ("advies", "antwoord"):
            # The previous intake got its advice or its answer: it is done, not abandoned.
            contact_log.close_contact(conversation, status="afgerond")
        role = valid_code(result.caller_role or tracker.get_slot("caller_role"), labels.caller_roles())
        school = valid_code(result.school_type or tracker.get_slot("school_type"), labels.school_types())
        text = redact(typed_text(tracker))
        # Possible danger, not sure enough to refer: the intake form asks the check question first
        # (not again right after a referral: its numbers were just given).
        possible_danger = result.urgency == labels.MOGELIJK and not after_referral(tracker)
        contact_log.open_contact(
            conversation,
            theme=result.theme,
            question_type=result.question_type,
            intent=result.intent,
            confidence=result.confidence,
            caller_role=role,
            school_type=school,
            urgency_level=labels.MOGELIJK if possible_danger else None,
            urgency_category=referrals.known(result.urgency_category) if possible_danger else None,
        )
        contact_log.log_message(
            conversation,
            text_redacted=text,
            intent=result.intent,
            confidence=result.confidence,
            theme=result.theme,
            question_type=result.question_type,
        )
        answer = self.answer_first(dispatcher, conversation, result, school, text)
        # Reached through the fallback (no question intent, so no rule starts the form): start it here.
        start_form = [FollowupAction("intake_form")] if result.intent == labels.FALLBACK_INTENT else []
        implicit = answer is None and intake.confirms_implicitly(result.label_confidence, result.theme)
        return (
            start_form
            + reset_intake()
            + [
                SlotSet("answer_key", answer),
                SlotSet("intake_confirmed", True if answer or implicit else None),
                SlotSet("implicit_confirmed", implicit or None),
                SlotSet("theme", result.theme),
                SlotSet("question_type", result.question_type),
                SlotSet("intake_text", text),
                SlotSet("caller_role", role),
                SlotSet("school_type", school),
                SlotSet("intake_phase", "antwoord" if answer else "intake"),
                SlotSet("urgency", result.urgency_category if possible_danger else None),
                SlotSet("urgency_level", labels.MOGELIJK if possible_danger else None),
            ]
        )

    @staticmethod
    def answer_first(
        dispatcher: CollectingDispatcher, conversation: str, result: Classification, school: str | None, text: str
    ) -> str | None:
        """The knowledge-base answer for the user's sector (the form gives it), or the honest line for a question.

        The answer itself is said by the form (action_ask_answer_feedback), after the check question when
        the message may tell of danger. A question with no sure answer gets the honest line now.
        """
        answer = answers.choose(result.answers, school)
        if answer is not None:
            contact_log.record_answer(conversation, intake.answer_log_key(answer.key), "weet_niet")
            return answer.key
        if intake.is_question(result.text):
            spec = intake.texts()["answer"]
            dispatcher.utter_message(
                text=spec["none"].format(helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text()),
                **tag(utterances.NO_ANSWER),
            )
            contact_log.record_answer(conversation, intake.answer_log_key(None), "tekst", text)
        return None


class ActionGreet(Action):
    """The greeting, with the helpdesk's hours and number from bot/knowledge (never written twice)."""

    def name(self) -> str:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        text = intake.texts()["greet"].format(hours=hours.opening_hours_text(), helpdesk=qb.helpdesk_phone())
        dispatcher.utter_message(text=text, **tag(utterances.GREETING))
        return []


class ActionNoteProfile(Action):
    """A role or school type told outside the intake: kept on the contact, and a reply that fits the moment."""

    def name(self) -> str:
        return "action_note_profile"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        note_profile(tracker)
        spec = intake.texts()["noted"]
        referred = after_referral(tracker)
        dispatcher.utter_message(
            text=spec["after_referral"] if referred else spec["default"],
            **tag(utterances.NOTED, "after_referral" if referred else "profile"),
        )
        return []


class ActionReferUrgent(Action):
    """Urgent danger: the referral first; a running intake stops and its contact is logged urgent."""

    def name(self) -> str:
        return "action_refer_urgent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        category = next(tracker.get_latest_entity_values(labels.URGENCY_ENTITY), None) or tracker.get_slot("urgency")
        result = from_parse(tracker.latest_message)
        pupil = referrals.writes_as_pupil(result.caller_role or tracker.get_slot("caller_role"), typed_text(tracker))
        dispatcher.utter_message(
            text=referrals.referral_message(category, pupil=pupil),
            **tag(utterances.REFERRAL, category or referrals.GENERAL),
        )
        conversation = tracker.sender_id
        # "ja" to the check question of a possible danger: the contact keeps the level the model saw.
        level = labels.MOGELIJK if tracker.get_slot("danger_check") == "ja" else labels.ACUUT
        urgency = {"urgent": True, "urgency_level": level, "urgency_category": referrals.known(category)}
        if tracker.get_slot("intake_phase") is None:
            contact_log.open_contact(
                conversation,
                theme=result.theme,
                question_type=result.question_type,
                intent=result.intent,
                confidence=result.confidence,
                **urgency,
            )
        else:
            contact_log.update_contact(conversation, **urgency)
        contact_log.log_message(
            conversation,
            text_redacted=redact(tracker.latest_message.get("text")),
            intent=result.intent,
            confidence=result.confidence,
            theme=result.theme,
            question_type=result.question_type,
        )
        contact_log.close_contact(
            conversation, status="afgerond", summary=f"urgent={category or referrals.GENERAL}; doorverwezen"
        )
        events: EventList = [
            SlotSet("urgency", category or referrals.GENERAL),
            SlotSet("intake_phase", None),
            SlotSet("theme", result.theme),
            SlotSet("question_type", result.question_type),
        ]
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events


# The bot's last step was the urgent referral or its follow-up: a message not understood now is most
# likely "ok, ik bel ze nu", and gets a calm reply instead of "sorry, ik begrijp je niet".
AFTER_REFERRAL = ("action_refer_urgent", "utter_urgent_safe", "utter_urgent_unsafe")


class ActionFallback(Action):
    """Not understood: first the likeliest themes as buttons, a second time in a row a human."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        spec = intake.texts()["fallback"]
        parse = tracker.latest_message
        contact_log.log_message(
            tracker.sender_id,
            text_redacted=redact(parse.get("text")),
            intent=labels.FALLBACK_INTENT,
            confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
        )
        note_profile(tracker)
        if last_bot_action(tracker) in AFTER_REFERRAL or after_referral(tracker):
            # "ok, ik bel ze nu", "de conciërge heeft 112 gebeld": calm, never "sorry, ik begrijp je niet".
            dispatcher.utter_message(text=spec["after_referral"], **tag(utterances.NOTED, "after_referral"))
            return []
        result = from_parse(parse)
        text = str(parse.get("text") or "")
        if result.theme != labels.OVERIG and len(text.split()) >= int(spec["min_words_as_question"]):
            # Not sure of the intent, fairly sure it is a question on a safety theme: start its intake
            # (the form confirms the topic explicitly) rather than offering buttons.
            return [FollowupAction("action_start_intake")]
        if previous_user_intent(tracker) == labels.FALLBACK_INTENT:
            dispatcher.utter_message(
                text=spec["second"],
                buttons=[intake.button(spec["human_yes"], "ask_human"), intake.button(spec["human_no"], "deny")],
                **tag(utterances.FALLBACK, "second"),
            )
            return []
        buttons = intake.fallback_buttons(parse.get("intent_ranking") or [])
        if buttons:
            dispatcher.utter_message(text=spec["first"], buttons=buttons, **tag(utterances.FALLBACK, "first"))
        else:
            dispatcher.utter_message(text=spec["first_no_ranking"], **tag(utterances.FALLBACK, "first"))
        return []

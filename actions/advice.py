"""After the doorvragen: the advice and the offer of a human; closing an intake."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import EventList, honest_line_since_advice, intake_done, user_text, valid_code
from bot import contact_log, hours, intake, labels, referrals, utterances
from bot import question_bank as qb
from bot.utterances import tag


class ActionGiveAdvice(Action):
    """Advice from the answers; building blocks and a summary of codes go to the contact."""

    def name(self) -> str:
        return "action_give_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        theme = tracker.get_slot("theme") or labels.OVERIG
        qtype = tracker.get_slot("question_type") or labels.OVERIG
        school = valid_code(tracker.get_slot("school_type"), labels.school_types())
        role = valid_code(tracker.get_slot("caller_role"), labels.caller_roles())
        if role == labels.PUPIL:
            return self.for_a_pupil(dispatcher, tracker, theme, qtype, school)
        answers = intake.answers_of(tracker.slots)
        case_theme = tracker.get_slot("case_theme")
        told = tracker.get_slot("intake_text") or ""
        advice = qb.advice_for(theme, qtype, school, answers, caller_role=role, case_theme=case_theme, text=told)
        blocks = qb.assess_building_blocks(answers)
        spec = intake.texts()["advice"]
        # Advice without any answer (the questions skipped) rests on what the user told, not "je antwoorden".
        intro = spec["intro"] if any(v not in (None, "stop") for v in answers.values()) else spec["intro_told"]
        dispatcher.utter_message(text=intro + "\n\n" + qb.render_advice(advice), **tag(utterances.ADVICE))
        # The advice reached by a thank-you during the questions closes the contact, with no offer to answer.
        ending = intake.meta_of(tracker.latest_message.get("text") or "") == "ending"
        if not ending:
            dispatcher.utter_message(
                text=spec["offer_unanswered" if honest_line_since_advice(tracker) else "offer"],
                buttons=[intake.button(spec["offer_yes"], "ask_human"), intake.button(spec["offer_no"], "deny")],
                **tag(utterances.OFFER),
            )
        contact_log.update_contact(
            tracker.sender_id,
            building_blocks=blocks,
            caller_role=role,
            school_type=school,
            summary=intake.summary(theme, qtype, role, school, answers, blocks),
        )
        return [SlotSet("intake_phase", "advies"), *([FollowupAction("action_close_intake")] if ending else [])]

    @staticmethod
    def for_a_pupil(
        dispatcher: CollectingDispatcher, tracker: Tracker, theme: str, qtype: str, school: str | None
    ) -> EventList:
        category = tracker.get_slot("urgency")
        age = referrals.pupil_age(user_text(tracker), school)
        if age == referrals.ADULT:
            # An adult student: no children's line; a danger's own first number when there was one.
            first = referrals.first_service(category, told=user_text(tracker)) + " " if category else ""
            text = intake.texts()["advice"]["pupil_adult"].format(first=first)
        else:
            first = (
                referrals.first_service(category, True, age, user_text(tracker))
                if category
                else referrals.childrens_service(age)
            )
            spec = intake.texts()["advice"]
            people = spec["pupil_people"]
            text = spec["pupil"].format(first=first, people=people.get(school) or people[None])
        dispatcher.utter_message(text=text, **tag(utterances.ADVICE, "pupil"))
        contact_log.update_contact(
            tracker.sender_id,
            caller_role=labels.PUPIL,
            school_type=school,
            summary=intake.summary(theme, qtype, labels.PUPIL, school, {}, {}),
        )
        return [SlotSet("intake_phase", "advies")]


class ActionCloseIntake(Action):
    """The user is done: the contact is closed (afgerond) and the bot invites a new question."""

    def name(self) -> str:
        return "action_close_intake"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        phase = tracker.get_slot("intake_phase")
        if phase:
            # A question answered from the knowledge base is done, like one that got its advice, also when
            # the user stops during the questions that followed the answer.
            status = "afgerond" if intake_done(tracker) else "onvolledig"
            contact_log.close_contact(tracker.sender_id, status=status)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if phase == "antwoord" and tracker.get_slot("ask_on") == "nee" and intent not in intake.ENDING_INTENTS:
            text = intake.texts()["answer"]["declined"].format(
                helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text()
            )
        else:
            texts = intake.texts()["close"]
            text = texts.get(intent) or texts["default"]
        dispatcher.utter_message(text=text, **tag(utterances.CLOSING))
        events: EventList = [SlotSet("intake_phase", None)]
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        # Closed is closed: the next step is the user's (also when the intake form ended here).
        return events + [FollowupAction("action_listen")]


class ActionRestart(Action):
    """/restart: the running intake is logged (onvolledig, or afgerond after its advice), then start over.

    Overrides Rasa's default action_restart, which would leave the contact 'lopend'.
    """

    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        phase = tracker.get_slot("intake_phase")
        if phase:
            contact_log.close_contact(tracker.sender_id, status="afgerond" if phase == "advies" else "onvolledig")
        dispatcher.utter_message(text=intake.texts()["close"]["restart"], **tag(utterances.CLOSING, "restart"))
        return [Restarted()]

"""A human: during helpdesk hours the staff queue (the bot keeps listening), otherwise a call-back or mail.

While waiting the user may choose a call-back instead (actions/waiting.py); the number is then
asked by the same contact form as outside hours, and the contact leaves the live queue.

The phone number or e-mail address is asked only after explicit consent, used
only for the call-back (bot/callbacks.py) and never written to the contact log
or the summary; its slot is cleared as soon as it has been handed on.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.common import EventList, user_text, valid_code
from actions.form import is_answer_turn
from bot import callbacks, contact_log, hours, intake, labels, referrals, utterances, waiting
from bot import question_bank as qb
from bot.utterances import tag

FORM = "contact_form"
CONTACT_SLOTS = ("contact_channel", "contact_consent", "contact_detail", "contact_retry")


def _fill(text: str, now=None) -> str:
    now = now or hours.current_time()
    return text.format(
        opening=hours.describe_opening(hours.next_opening(now), now),
        hours=hours.opening_hours_text(),
        helpdesk=qb.helpdesk_phone(),
    )


def _summary(tracker: Tracker, handoff: str) -> str:
    answers = intake.answers_of(tracker.slots)
    return intake.summary(
        tracker.get_slot("theme") or labels.OVERIG,
        tracker.get_slot("question_type") or labels.OVERIG,
        valid_code(tracker.get_slot("caller_role"), labels.caller_roles()),
        valid_code(tracker.get_slot("school_type"), labels.school_types()),
        answers,
        qb.assess_building_blocks(answers),
        handoff,
    )


def _waiting_lines(conversation: str) -> list[str]:
    """ "Je bent nummer N in de wachtrij" and the expected wait, when the contact log can tell."""
    return waiting.queue_lines(contact_log.queue_position(conversation), contact_log.expected_wait())


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        conversation = tracker.sender_id
        spec = intake.texts()["handoff"]
        if not tracker.get_slot("intake_phase"):
            contact_log.open_contact(
                conversation,
                theme=tracker.get_slot("theme") or labels.OVERIG,
                question_type=tracker.get_slot("question_type") or labels.OVERIG,
                intent=(tracker.latest_message.get("intent") or {}).get("name"),
                caller_role=valid_code(tracker.get_slot("caller_role"), labels.caller_roles()),
                school_type=valid_code(tracker.get_slot("school_type"), labels.school_types()),
            )
        events: EventList = []
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        now = hours.current_time()
        told = user_text(tracker)
        if referrals.writes_as_pupil(tracker.get_slot("caller_role"), told):
            # "mag ik met iemand praten" from a child: the children's line first, then the helpdesk as asked.
            age = referrals.pupil_age(told, tracker.get_slot("school_type"))
            if age != referrals.ADULT:
                line = spec["pupil_first"].format(service=referrals.childrens_service(age))
                dispatcher.utter_message(text=line, **tag(utterances.HANDOFF, "pupil_first"))
        # "Kan iemand me morgen bellen?": the call-back is what was asked, so its number is asked at once.
        asked = tracker.latest_message.get("text") or ""
        callback = intake.meta_of(asked) == "callback"
        # "morgen", "volgende week": the call-back is due when the helpdesk opens next, not now.
        later = any(re.search(pattern, qb.normalise(asked)) for pattern in spec["callback_later_words"])
        callback_channel = [SlotSet(name, None) for name in CONTACT_SLOTS if name != "contact_channel"] + [
            SlotSet("contact_channel", waiting.CALLBACK)
        ]
        if later:
            callback_channel.append(SlotSet("callback_later", True))
        if hours.is_open(now):
            contact_log.close_contact(
                conversation, status="overgedragen", handoff="wachtrij", summary=_summary(tracker, "wachtrij")
            )
            waiting_slots = [
                SlotSet("helpdesk_open", True),
                SlotSet("intake_phase", waiting.PHASE),
                SlotSet("waiting_choice", None),
                SlotSet("waiting_reply", None),
            ]
            if callback:
                # As if chosen while waiting: staff see the request in the queue at once; with the number
                # it leaves the queue for /callbacks, due now (action_finish_handoff), without it stays queued.
                contact_log.note_callback_offered(conversation)
                dispatcher.utter_message(text=spec["callback_asked"], **tag(utterances.HANDOFF, "terugbellen"))
                return events + waiting_slots + callback_channel + [FollowupAction(FORM)]
            dispatcher.utter_message(
                text=" ".join([spec["open"], *_waiting_lines(conversation)]),
                **tag(utterances.HANDOFF, "wachtrij"),
            )
            # No pause here: the bot keeps listening while the user waits (waiting_form, actions/waiting.py);
            # the conversation pauses when a staff member takes it (bot/web/takeover.py).
            return events + waiting_slots
        text = _fill(spec["closed"], now)
        if tracker.get_slot("urgency") and tracker.get_slot("danger_check") != "nee":
            text = spec["urgent_reminder"] + " " + text
        dispatcher.utter_message(text=text, **tag(utterances.HANDOFF, "gesloten"))
        # Closed: the contact form asks how to answer, or, for a call-back asked for, the number right away.
        channel = callback_channel if callback else [SlotSet(name, None) for name in CONTACT_SLOTS]
        return events + [SlotSet("helpdesk_open", False), SlotSet("intake_phase", "overdracht")] + channel


class ValidateContactForm(FormValidationAction):
    """Channel (terugbellen/mail/geen), then consent, then the number or address (checked)."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        channel = tracker.get_slot("contact_channel")
        if channel in (None, "geen"):
            return ["contact_channel"]
        if not tracker.get_slot("contact_consent"):
            return ["contact_channel", "contact_consent"]
        return ["contact_channel", "contact_consent", "contact_detail"]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        events: EventList = []
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested and is_answer_turn(tracker, FORM):
            reply = intake.Reply.of(tracker.latest_message)
            if reply.intent == labels.URGENT_INTENT:
                return []
            events = self.read(requested, reply, tracker)
            tracker.add_slots(events)
        if self.finished(tracker):
            return events + [SlotSet(REQUESTED_SLOT, None)]
        required = await self.required_slots([], dispatcher, tracker, domain)
        return events + [SlotSet(REQUESTED_SLOT, intake.next_slot(required, tracker.slots))]

    @staticmethod
    def finished(tracker: Tracker) -> bool:
        return (
            tracker.get_slot("contact_channel") == "geen"
            or tracker.get_slot("contact_consent") is False
            or tracker.get_slot("contact_detail") is not None
        )

    def read(self, requested: str, reply: intake.Reply, tracker: Tracker) -> EventList:
        retried = bool(tracker.get_slot("contact_retry"))
        if requested == "contact_channel":
            channel = intake.channel_choice(reply)
            if channel is None and not retried:
                return [SlotSet("contact_retry", True)]
            return [SlotSet("contact_channel", channel or "geen"), SlotSet("contact_retry", None)]
        if requested == "contact_consent":
            # Typing the number or address right after reading what it is for is consent too.
            detail = None if reply.is_payload else intake.valid_detail(tracker.get_slot("contact_channel"), reply.text)
            if detail:
                return [
                    SlotSet("contact_consent", True),
                    SlotSet("contact_detail", detail),
                    SlotSet("contact_retry", None),
                ]
            category = intake.answer_category(reply)
            if category not in ("ja", "nee") and not retried:
                return [SlotSet("contact_retry", True)]
            return [SlotSet("contact_consent", category == "ja"), SlotSet("contact_retry", None)]
        if requested == "contact_detail":
            detail = intake.valid_detail(tracker.get_slot("contact_channel"), reply.text)
            if detail is None and not retried:
                return [SlotSet("contact_retry", True)]
            # A second invalid answer ends the form: the detail is marked as not given.
            return [SlotSet("contact_detail", detail or ""), SlotSet("contact_retry", None)]
        return []


class _AskContact(Action, ABC):
    """Asks one slot of the contact form (abstract: not registered as an action itself)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def message(self, tracker: Tracker):
        """The question and its buttons."""

    def run(self, dispatcher, tracker, domain) -> EventList:
        text, buttons = self.message(tracker)
        dispatcher.utter_message(text=text, buttons=buttons, **tag(utterances.QUESTION, self.slot))
        return []


class ActionAskContactChannel(_AskContact):
    slot = "contact_channel"

    def message(self, tracker):
        spec = intake.texts()["handoff"]
        return spec["channel"], [
            intake.button(title, "inform", contact_channel=code) for code, title in spec["channel_buttons"].items()
        ]


class ActionAskContactConsent(_AskContact):
    slot = "contact_consent"

    def message(self, tracker):
        spec = intake.texts()["handoff"]
        titles = spec["consent_buttons"]
        return spec["consent"][tracker.get_slot("contact_channel")], [
            intake.button(titles["ja"], "affirm"),
            intake.button(titles["nee"], "deny"),
        ]


class ActionAskContactDetail(_AskContact):
    slot = "contact_detail"

    def message(self, tracker):
        spec = intake.texts()["handoff"]
        channel = tracker.get_slot("contact_channel")
        key = "invalid" if tracker.get_slot("contact_retry") else "detail"
        return spec[key][channel], []


class ActionFinishHandoff(Action):
    """Hands the call-back request on, closes the contact, and forgets the number or address."""

    def name(self) -> str:
        return "action_finish_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        spec = intake.texts()["handoff"]
        conversation = tracker.sender_id
        channel: str | None = tracker.get_slot("contact_channel")
        detail = tracker.get_slot("contact_detail")
        now = hours.current_time()
        from_queue = tracker.get_slot("intake_phase") == waiting.PHASE
        cleared = [SlotSet(name, None) for name in CONTACT_SLOTS]
        if tracker.get_slot("callback_later"):
            cleared.append(SlotSet("callback_later", None))
        if channel in ("terugbellen", "mail") and tracker.get_slot("contact_consent") and detail:
            # The contact first, so a console that sees the new request also sees it left the live queue.
            contact_log.close_contact(
                conversation, status="overgedragen", handoff=channel, summary=_summary(tracker, channel)
            )
            # From the queue during opening hours the call-back is due now, not at the next opening, unless
            # the user asked for a later day.
            due_now = from_queue and not tracker.get_slot("callback_later")
            callbacks.submit(
                callbacks.CallbackRequest(conversation, channel, detail, now if due_now else hours.next_opening(now))
            )
            if due_now:
                dispatcher.utter_message(text=waiting.texts()["callback_done"], **tag(utterances.HANDOFF, channel))
                return cleared + [SlotSet("intake_phase", None)]
            dispatcher.utter_message(text=_fill(spec["done"][channel], now), **tag(utterances.HANDOFF, channel))
            if from_queue:
                return cleared + [SlotSet("intake_phase", None)]
        elif from_queue:
            # No number after all: the user simply goes on waiting.
            dispatcher.utter_message(text=waiting.texts()["callback_dropped"], **tag(utterances.HANDOFF, "wachtrij"))
            return cleared + [FollowupAction(waiting.FORM)]
        else:
            gave_up = detail == ""
            contact_log.close_contact(conversation, status="afgerond", summary=_summary(tracker, "geen"))
            dispatcher.utter_message(
                text=_fill(spec["gave_up" if gave_up else "declined"], now), **tag(utterances.HANDOFF, "geen")
            )
        dispatcher.utter_message(text=intake.texts()["close"]["default"], **tag(utterances.CLOSING))
        return cleared + [SlotSet("intake_phase", None)]

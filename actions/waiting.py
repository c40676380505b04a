"""Waiting for staff: the bot keeps listening, says the place in the queue and offers a call-back.

`waiting_form` runs on every message while the user waits unclaimed (data/rules.yml). Its one
slot, `waiting_choice`, is filled only by a choice that ends the waiting (a call-back, or leaving);
any other message sets `waiting_reply` instead, which keeps the form going (Rasa rejects a form
turn that sets no slot) and tells the ask action what to answer. An urgent message is the one
exception: the validation sets nothing, so the form is rejected and the referral rule runs first.
The decisions are in bot/waiting.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.common import EventList, kept_profile, last_user_index, theme_when_unknown
from actions.form import is_answer_turn
from actions.handoff import CONTACT_SLOTS
from bot import contact_log, intake, labels, utterances, waiting
from bot.utterances import tag

SLOT = "waiting_choice"


def _offered_before(tracker: Tracker) -> bool:
    """The bot's last message before the user's latest one offered the call-back (its button)."""
    events = tracker.events
    last_user = last_user_index(events)
    for event in reversed(events[:last_user] if last_user is not None else events):
        if event.get("event") == "bot":
            return waiting.offers_callback((event.get("data") or {}).get("buttons"))
    return False


def _referred_this_turn(tracker: Tracker) -> bool:
    events = tracker.events
    last_user = last_user_index(events) or 0
    return any(e.get("event") == "action" and e.get("name") == "action_refer_urgent" for e in events[last_user:])


class ValidateWaitingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_waiting_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        if not is_answer_turn(tracker, waiting.FORM):
            # Activation, or back after the urgent referral: nothing to read, only the reply to choose.
            reply = "after_referral" if _referred_this_turn(tracker) else None
            return [SlotSet("waiting_reply", reply), SlotSet(REQUESTED_SLOT, SLOT)]
        message = intake.Reply.of(tracker.latest_message)
        if message.intent == labels.URGENT_INTENT:
            return []  # rejected: "Urgent danger while waiting" refers first
        kind = waiting.read(message, offered=_offered_before(tracker))
        if kind in waiting.CHOICES:
            return [SlotSet(SLOT, kind), SlotSet("waiting_reply", None), SlotSet(REQUESTED_SLOT, None)]
        # What the user tells while waiting is for the staff member: role, school type and what it is
        # about go on the waiting contact, so the queue shows it before anyone has read the chat.
        # (The handoff may have come before the question: "ik wil een mens spreken".)
        told = kept_profile(tracker) + theme_when_unknown(tracker, message.classification)
        return [*told, SlotSet("waiting_reply", kind), SlotSet(REQUESTED_SLOT, SLOT)]


class ActionAskWaitingChoice(Action):
    """The reply to a message while waiting; silent when the form starts (the handoff said it all)."""

    def name(self) -> str:
        return "action_ask_waiting_choice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        kind = tracker.get_slot("waiting_reply")
        if kind not in waiting.REPLIES:
            return []
        position = contact_log.queue_position(tracker.sender_id)
        text, buttons = waiting.reply_message(kind, position, contact_log.expected_wait())
        dispatcher.utter_message(text=text, buttons=buttons, **tag(utterances.HANDOFF, "wachtrij"))
        return []


class ActionEndWaiting(Action):
    """A call-back instead (the contact form asks consent and the number), or the user leaves the queue."""

    def name(self) -> str:
        return "action_end_waiting"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        conversation = tracker.sender_id
        done: EventList = [SlotSet(SLOT, None), SlotSet("waiting_reply", None)]
        if tracker.get_slot(SLOT) == waiting.CALLBACK:
            # Offered (by choice): the console's timer must not offer it again while the number is asked.
            contact_log.note_callback_offered(conversation)
            channel = [SlotSet(name, None) for name in CONTACT_SLOTS if name != "contact_channel"]
            return done + channel + [SlotSet("contact_channel", waiting.CALLBACK), FollowupAction("contact_form")]
        contact_log.leave_queue(conversation)
        dispatcher.utter_message(text=waiting.left_message(), **tag(utterances.CLOSING))
        return done + [SlotSet("intake_phase", None)]

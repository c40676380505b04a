"""Custom actions. Knowledge and logic live in `bot/`; these only read the tracker and reply."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import labels, referrals
from bot.classifier import from_parse


class ActionReferUrgent(Action):
    """Urgent danger: give the referral first, before any intake question."""

    def name(self) -> Text:
        return "action_refer_urgent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category = next(tracker.get_latest_entity_values("urgency"), None) or tracker.get_slot("urgency")
        dispatcher.utter_message(text=referrals.referral_message(category))
        return [SlotSet("urgency", category or referrals.GENERAL)]


class ActionAcknowledgeQuestion(Action):
    """Say in one line what the question seems to be about, and ask if that is right."""

    def name(self) -> Text:
        return "action_acknowledge_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        result = from_parse(tracker.latest_message)
        if result.theme == labels.OVERIG:
            dispatcher.utter_message(
                text="Ik weet nog niet goed waar je vraag over gaat. Kun je iets meer vertellen?")
            return []
        theme = labels.label_text("themes", result.theme)
        qtype = labels.label_text("question_types", result.question_type)
        dispatcher.utter_message(
            text=f"Ik begrijp dat je vraag gaat over *{theme}*, en over *{qtype}*. Klopt dat?",
            buttons=[
                {"title": "Ja", "payload": "/affirm"},
                {"title": "Nee, ander onderwerp", "payload": "/deny"},
            ],
        )
        events: List[Dict[Text, Any]] = []
        if result.caller_role:
            events.append(SlotSet("caller_role", result.caller_role))
        if result.school_type:
            events.append(SlotSet("school_type", result.school_type))
        return events

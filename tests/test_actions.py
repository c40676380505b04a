"""Custom actions against saved tracker fixtures: exact events and messages."""
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAcknowledgeQuestion, ActionReferUrgent
from bot import referrals
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "data" / "trackers"


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def test_urgent_referral_first_and_category_kept():
    dispatcher = CollectingDispatcher()
    events = ActionReferUrgent().run(dispatcher, load_tracker("urgent_suicide"), domain={})
    assert events == [SlotSet("urgency", "zelfdoding")]
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert text == referrals.referral_message("zelfdoding")
    assert text.splitlines()[1].startswith("Gaat het over gedachten aan zelfdoding? Bel **113**")


def test_question_is_confirmed_in_one_line_with_buttons():
    dispatcher = CollectingDispatcher()
    events = ActionAcknowledgeQuestion().run(dispatcher, load_tracker("question_pesten"), domain={})
    assert events == [SlotSet("caller_role", "ib_zorg"), SlotSet("school_type", "po")]
    [message] = dispatcher.messages
    assert message["text"] == "Ik begrijp dat je vraag gaat over *pesten*, en over *een concreet incident*. Klopt dat?"
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def test_vague_question_asks_for_more():
    tracker = load_tracker("question_pesten")
    tracker.latest_message = {"text": "ik heb een vraag", "intent": {"name": "vraag_overig", "confidence": 0.9},
                              "intent_ranking": [{"name": "vraag_overig", "confidence": 0.9}], "entities": []}
    dispatcher = CollectingDispatcher()
    assert ActionAcknowledgeQuestion().run(dispatcher, tracker, domain={}) == []
    assert "meer vertellen" in dispatcher.messages[0]["text"]

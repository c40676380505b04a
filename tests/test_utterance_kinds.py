"""Every bot message carries its kind (bot/utterances.py): the actions tag what they say, Rasa keeps the
tag as the event's metadata, and the output channels never send it to the widget."""
import asyncio

import pytest
import yaml

from actions.advice import ActionGiveAdvice
from actions.form import ActionAskCallerRole, ActionAskDoorvraag1, ActionAskIntakeConfirmed
from actions.intake import ActionFallback, ActionGreet, ActionReferUrgent
from bot import utterances
from tests.conftest import ROOT
from tests.conversation_structure import RESPONSE_KINDS, said_of
from tests.intake_support import contact_db, load_tracker, parse, run, with_message  # noqa: F401


def test_tag_names_a_known_kind_and_its_ref():
    assert utterances.tag(utterances.QUESTION, "caller_role") == {"kind": "question", "ref": "caller_role"}
    assert utterances.tag(utterances.ADVICE) == {"kind": "advice"}
    with pytest.raises(ValueError):
        utterances.tag("shouting")


def test_every_domain_response_has_a_kind():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    assert set(responses) == set(RESPONSE_KINDS)
    assert all(kind in utterances.KINDS for kind, _ in RESPONSE_KINDS.values())


def test_the_intake_questions_say_which_slot_or_bank_question_they_ask(contact_db):
    tracker = load_tracker("form_doorvraag")
    _, [role] = run(ActionAskCallerRole(), tracker)
    assert (role["kind"], role["ref"]) == ("question", "caller_role")
    _, [first] = run(ActionAskDoorvraag1(), tracker)
    assert (first["kind"], first["ref"]) == ("question", tracker.get_slot("doorvraag_keys")[0])
    _, [confirm] = run(ActionAskIntakeConfirmed(), load_tracker("form_confirm"))
    assert (confirm["kind"], confirm["ref"]) == ("question", "intake_confirmed")


def test_advice_greeting_referral_and_fallback_are_tagged(contact_db):
    _, [advice, offer] = run(ActionGiveAdvice(), load_tracker("advice_ready"))
    assert (advice["kind"], offer["kind"]) == ("advice", "offer")
    _, [greeting] = run(ActionGreet(), load_tracker("question_pesten"))
    assert greeting["kind"] == "greeting"
    _, [referral] = run(ActionReferUrgent(), load_tracker("urgent_suicide"))
    assert referral["kind"] == "referral" and referral["ref"]
    unclear = with_message(load_tracker("question_pesten"), parse("blub", "nlu_fallback", 0.2))
    _, said = run(ActionFallback(), unclear)
    assert [m["kind"] for m in said] == ["fallback"]


def test_rasa_keeps_the_tag_as_metadata_and_the_channel_does_not_send_it():
    from rasa.core.actions.action import create_bot_utterance
    from rasa.core.channels.channel import CollectingOutputChannel

    message = {"text": "Wat is je rol?", "buttons": [{"title": "Mentor", "payload": "/inform"}]}
    event = create_bot_utterance({**message, **utterances.tag(utterances.QUESTION, "caller_role")})
    assert event.metadata == {"kind": "question", "ref": "caller_role"}
    assert said_of(event.as_dict(), "action_ask_caller_role").ref == "caller_role"
    channel = CollectingOutputChannel()
    asyncio.run(channel.send_response("someone", event.message()))
    [sent] = channel.messages
    assert sent["text"] == "Wat is je rol?" and sent["buttons"] == message["buttons"]
    assert "kind" not in sent and "ref" not in sent

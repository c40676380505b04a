"""Waiting for staff without Rasa: reading a message while waiting, the replies, the actions' events,
the queue bookkeeping on both databases, and the console's once-only call-back offer."""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.handoff import ActionFinishHandoff, ActionHandoff
from actions.waiting import ActionAskWaitingChoice, ActionEndWaiting, ValidateWaitingForm
from bot import callbacks, contact_log, hours, intake, waiting
from bot.storage import Database, close_contact, migrate, open_contact
from bot.storage import waiting as store
from bot.storage.models import CallbackRequest, ConsoleEvent, Contact
from bot.web import console_data, offers, takeover
from tests.intake_support import contact_db, contacts, parse, run  # noqa: F401

CALLBACK_PAYLOAD = '/inform{"contact_channel":"terugbellen"}'
OPEN = "2026-11-24T10:30:00+01:00"


def row(db, conversation="wacht-1"):
    with db.session() as session:
        found = session.query(Contact).filter_by(conversation_id=conversation).one()
        session.expunge(found)
        return found


def reply(text, intent="nlu_fallback", confidence=0.4, **entities):
    return intake.Reply.of(parse(text, intent, confidence, entities))


# ------------------------------------------------------------------ reading a message while waiting

@pytest.mark.parametrize("text", [
    "bel me maar terug",
    "laat maar, ik wil teruggebeld worden",
    "Kunnen jullie mij terugbellen?",
    "ik word liever gebeld",
    "bel me maar",
    "Terugbellen graag",
    "liever bellen, 06-12345678",
    "06 12345678",
])
def test_typed_call_back_requests_choose_the_call_back(text):
    assert waiting.read(reply(text), offered=False) == waiting.CALLBACK


@pytest.mark.parametrize("text", ["laat maar", "ik bel zelf wel", "Ik bel morgen zelf wel even",
                                  "hoeft niet meer", "ik wacht niet langer", "doei", "nee dat was het, bedankt"])
def test_an_ending_leaves_the_queue(text):
    assert waiting.read(reply(text), offered=False) == waiting.LEAVE


def test_the_button_chooses_the_call_back_and_stop_leaves():
    button = intake.Reply.of(parse(CALLBACK_PAYLOAD, "inform", 1.0, {"contact_channel": "terugbellen"}))
    assert waiting.read(button, offered=False) == waiting.CALLBACK
    assert waiting.read(intake.Reply.of(parse("/stop", "stop")), offered=False) == waiting.LEAVE


def test_yes_or_no_answers_the_offer_only_when_it_was_made():
    assert waiting.read(reply("ja graag", "affirm", 0.9), offered=True) == waiting.CALLBACK
    assert waiting.read(reply("nee hoor", "deny", 0.9), offered=True) == "blijven"
    assert waiting.read(reply("ja graag", "affirm", 0.9), offered=False) == "anders"


@pytest.mark.parametrize("text", ["ik wil niet teruggebeld worden", "nee, ik wacht"])
def test_declining_a_call_back_keeps_waiting(text):
    assert waiting.read(reply(text), offered=True) == "blijven"


def test_other_messages_are_answered_and_a_long_story_is_no_choice():
    assert waiting.read(reply("hallo? is er iemand?"), offered=False) == "mens"
    assert waiting.read(reply("Hoe lang duurt het nog?"), offered=False) == "mens"
    assert waiting.read(reply("mijn collega zegt dat iemand haar bedreigt"), offered=False) == "anders"
    story = ("de leerling zegt dat hij gepest wordt en dat zijn moeder hem niet wil laten bellen met de school "
             "omdat ze bang is dat het erger wordt, wat moet ik doen")
    assert waiting.read(reply(story, "vraag_pesten_incident", 0.8), offered=True) == "anders"


def test_the_reply_gives_the_place_the_wait_and_the_offer():
    text, buttons = waiting.reply_message("mens", 2, timedelta(minutes=6))
    assert "Je bent nummer 2 in de wachtrij." in text and "ongeveer 6 minuten" in text
    assert text.endswith("Liever teruggebeld worden?")
    assert [b["payload"] for b in buttons] == [CALLBACK_PAYLOAD]
    assert waiting.offers_callback(buttons)
    after_referral, none = waiting.reply_message("after_referral", 1, None)
    assert "dringend" in after_referral and none == []


# ------------------------------------------------------------------ the actions

def waiting_tracker(message, *, bot_buttons=None, slots=None):
    """A conversation waiting in the queue (waiting_form active) that just got `message`."""
    events = [
        {"event": "action", "name": "action_handoff"},
        {"event": "bot", "text": "Ik zet je gesprek door", "data": {"buttons": bot_buttons or []}},
        {"event": "active_loop", "name": "waiting_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": message["text"], "parse_data": message},
        {"event": "action", "name": "action_extract_slots"},
    ]
    return Tracker("wacht-1", {"intake_phase": waiting.PHASE, "requested_slot": "waiting_choice", **(slots or {})},
                   message, events, False, None, {"name": "waiting_form"}, "action_extract_slots")


def test_a_message_while_waiting_is_answered_and_keeps_the_form_going():
    events, _ = run(ValidateWaitingForm(), waiting_tracker(parse("hoe lang duurt het nog?", "nlu_fallback", 0.3)))
    assert events == [SlotSet("waiting_reply", "mens"), SlotSet("requested_slot", "waiting_choice")]


def test_a_yes_after_the_bots_offer_chooses_the_call_back():
    offer = [{"title": "Bel me liever terug", "payload": CALLBACK_PAYLOAD}]
    events, _ = run(ValidateWaitingForm(), waiting_tracker(parse("ja", "affirm", 0.95), bot_buttons=offer))
    assert SlotSet("waiting_choice", "terugbellen") in events and SlotSet("requested_slot", None) in events


def test_an_urgent_message_while_waiting_is_left_to_the_referral_rule():
    events, _ = run(ValidateWaitingForm(), waiting_tracker(parse("hij staat met een mes voor de deur", "urgent")))
    assert events == []  # no slot: Rasa rejects the form, and the urgent rule refers first


def test_the_handoff_no_longer_pauses_and_the_user_waits(contact_db, monkeypatch):
    monkeypatch.setenv(hours.NOW_ENV, OPEN)
    contact_log.open_contact("wacht-1", theme="pesten", question_type="incident")
    tracker = Tracker("wacht-1", {"intake_phase": "intake"}, parse("/ask_human", "ask_human"), [], False, None, {},
                      "action_listen")
    events, _ = run(ActionHandoff(), tracker)
    assert [e for e in events if e.get("event") == "pause"] == []
    assert SlotSet("intake_phase", waiting.PHASE) in events and SlotSet("helpdesk_open", True) in events


def test_the_ask_action_says_the_place_and_offers_the_call_back(contact_db, monkeypatch):
    monkeypatch.setenv(hours.NOW_ENV, OPEN)
    contact_log.open_contact("wacht-1", theme="pesten", question_type="incident")
    contact_log.close_contact("wacht-1", status="overgedragen", handoff="wachtrij")
    tracker = waiting_tracker(parse("hallo?", "greet"), slots={"waiting_reply": "mens"})
    _, [said] = run(ActionAskWaitingChoice(), tracker)
    assert "Je bent nummer 1 in de wachtrij." in said["text"] and said["buttons"][0]["payload"] == CALLBACK_PAYLOAD
    silent = waiting_tracker(parse("hallo?", "greet"), slots={"waiting_reply": None})
    assert run(ActionAskWaitingChoice(), silent) == ([], [])


def test_choosing_the_call_back_asks_the_number_with_the_contact_form(contact_db):
    contact_log.open_contact("wacht-1", theme="pesten", question_type="incident")
    contact_log.close_contact("wacht-1", status="overgedragen", handoff="wachtrij")
    tracker = waiting_tracker(parse("bel me terug", "nlu_fallback"), slots={"waiting_choice": "terugbellen"})
    events, messages = run(ActionEndWaiting(), tracker)
    assert SlotSet("contact_channel", "terugbellen") in events and events[-1] == FollowupAction("contact_form")
    assert messages == []
    assert row(contact_db).callback_offered_at is not None  # the console offers it no more


def test_leaving_the_queue_says_goodbye_and_finishes_the_contact(contact_db):
    contact_log.open_contact("wacht-1", theme="pesten", question_type="incident")
    contact_log.close_contact("wacht-1", status="overgedragen", handoff="wachtrij")
    events, [said] = run(ActionEndWaiting(), waiting_tracker(parse("laat maar", "stop"),
                                                             slots={"waiting_choice": "stoppen"}))
    assert SlotSet("intake_phase", None) in events
    assert said["text"].startswith("Helemaal goed, ik haal je uit de wachtrij.")
    contact = row(contact_db)
    assert (contact.queue_status, contact.handoff) == ("afgerond", "wachtrij")


def test_the_number_given_while_waiting_moves_the_contact_to_the_call_backs(contact_db, monkeypatch):
    monkeypatch.setenv(hours.NOW_ENV, OPEN)
    contact_log.open_contact("wacht-1", theme="pesten", question_type="incident")
    contact_log.close_contact("wacht-1", status="overgedragen", handoff="wachtrij")
    assert console_data.waiting_count(contact_db) == 1
    slots = {"contact_channel": "terugbellen", "contact_consent": True, "contact_detail": "0612345678"}
    tracker = waiting_tracker(parse("0612345678", "nlu_fallback"), slots=slots)
    events, [said] = run(ActionFinishHandoff(), tracker)
    assert said["text"] == waiting.texts()["callback_done"]
    assert SlotSet("intake_phase", None) in events
    [contact] = contacts(contact_db)
    assert (contact.handoff, contact.status) == ("terugbellen", "overgedragen")
    assert console_data.waiting_count(contact_db) == 0
    assert store.queue_position(contact_db, "wacht-1") is None
    [request] = console_data.open_callbacks(contact_db)
    assert (request.channel, request.contact_id) == ("terugbellen", contact.id)
    with contact_db.session() as session:
        assert "callback_requested" in [e.kind for e in session.query(ConsoleEvent)]


def test_no_number_after_all_goes_back_to_waiting(contact_db, monkeypatch):
    monkeypatch.setenv(hours.NOW_ENV, OPEN)
    submitted = []
    callbacks.set_sink(submitted.append)
    try:
        tracker = waiting_tracker(parse("/deny", "deny"), slots={"contact_channel": "terugbellen",
                                                                 "contact_consent": False})
        events, [said] = run(ActionFinishHandoff(), tracker)
    finally:
        callbacks.reset_sink()
    assert submitted == [] and said["text"] == waiting.texts()["callback_dropped"]
    assert events[-1] == FollowupAction("waiting_form") and SlotSet("intake_phase", None) not in events


# ------------------------------------------------------------------ the queue in the contact log (SQLite and PostgreSQL)

@pytest.fixture
def queue_db(database_url):
    migrate.upgrade(database_url)
    db = Database(database_url)
    yield db
    db.dispose()


def wait_in_queue(db, conversation, minutes_ago, now):
    open_contact(db, conversation, theme="pesten", question_type="incident", started_at=now - timedelta(hours=1))
    close_contact(db, conversation, status="overgedragen", handoff="wachtrij",
                  ended_at=now - timedelta(minutes=minutes_ago))
    with db.session() as session:
        return session.query(Contact).filter_by(conversation_id=conversation).one().id


def test_only_contacts_waiting_long_enough_and_unclaimed_are_due_and_each_is_taken_once(queue_db):
    now = datetime(2026, 11, 24, 9, 45, tzinfo=timezone.utc)
    long_ago = wait_in_queue(queue_db, "lang", 10, now)
    wait_in_queue(queue_db, "net", 1, now)
    claimed = wait_in_queue(queue_db, "opgepakt", 12, now)
    console_data.claim(queue_db, claimed, "sanne")
    assert store.due_for_offer(queue_db, timedelta(minutes=5), now=now) == [(long_ago, "lang")]
    assert store.mark_offered(queue_db, long_ago, now=now) is True
    assert store.mark_offered(queue_db, long_ago, now=now) is False      # a second process, or a restart
    assert store.due_for_offer(queue_db, timedelta(minutes=5), now=now) == []
    assert store.mark_offered(queue_db, claimed, now=now) is False       # never after a claim
    store.unmark_offered(queue_db, long_ago)
    assert store.due_for_offer(queue_db, timedelta(minutes=5), now=now) == [(long_ago, "lang")]


def test_leaving_the_queue_is_seen_by_every_console(queue_db):
    now = datetime(2026, 11, 24, 9, 45, tzinfo=timezone.utc)
    wait_in_queue(queue_db, "weg", 3, now)
    wait_in_queue(queue_db, "blijft", 2, now)
    assert store.queue_position(queue_db, "blijft") == 2
    assert store.leave_queue(queue_db, "weg") is True
    assert store.leave_queue(queue_db, "weg") is False
    assert store.queue_position(queue_db, "blijft") == 1 and console_data.waiting_count(queue_db) == 1
    with queue_db.session() as session:
        assert [e.kind for e in session.query(ConsoleEvent).order_by(ConsoleEvent.id)][-1] == "left_queue"


# ------------------------------------------------------------------ the console's offer

class FakeRasa:
    def __init__(self, fail=False):
        self.sent, self.fail = [], fail

    async def offer_callback(self, conversation, text, buttons):
        if self.fail:
            raise takeover.TakeoverError("Rasa is unreachable")
        self.sent.append((conversation, text, [b["payload"] for b in buttons]))


def test_the_console_offers_the_call_back_once_even_with_two_processes(queue_db):
    now = datetime(2026, 11, 24, 9, 45, tzinfo=timezone.utc)
    wait_in_queue(queue_db, "wacht-lang", 8, now)
    first, second = FakeRasa(), FakeRasa()
    after = timedelta(minutes=5)

    async def two_consoles():
        return await asyncio.gather(offers.offer_due(queue_db, first, after, now=now),
                                    offers.offer_due(queue_db, second, after, now=now))

    assert sorted(asyncio.run(two_consoles())) == [0, 1]
    [(conversation, text, payloads)] = first.sent + second.sent
    assert conversation == "wacht-lang" and text == waiting.texts()["offer_after_wait"]
    assert payloads == [CALLBACK_PAYLOAD]
    assert asyncio.run(offers.offer_due(queue_db, first, after, now=now + timedelta(hours=1))) == 0


def test_an_offer_that_could_not_be_sent_is_tried_again(queue_db):
    now = datetime(2026, 11, 24, 9, 45, tzinfo=timezone.utc)
    wait_in_queue(queue_db, "wacht-lang", 8, now)
    assert asyncio.run(offers.offer_due(queue_db, FakeRasa(fail=True), timedelta(minutes=5), now=now)) == 0
    later = FakeRasa()
    assert asyncio.run(offers.offer_due(queue_db, later, timedelta(minutes=5), now=now)) == 1
    assert [c for c, _t, _p in later.sent] == ["wacht-lang"]


@pytest.mark.parametrize(("raw", "seconds"), [("", 300.0), ("2", 2.0), ("0", 1.0), ("vijf", 300.0)])
def test_the_offer_delay_comes_from_the_environment_with_a_safe_default(monkeypatch, raw, seconds):
    monkeypatch.setenv("DOORVRAAG_CALLBACK_OFFER_AFTER", raw)
    assert offers.OfferSettings.from_env().after == timedelta(seconds=seconds)


def test_a_staff_member_taking_over_pauses_the_conversation_and_stops_the_waiting():
    line = {"event": "bot", "text": "Sanne van de helpdesk is er nu"}
    events = takeover.take_over_events(line)
    assert {"event": "pause"} in events and {"event": "active_loop", "name": None} in events
    assert events[-1] == line
    assert takeover.offer_event("tekst", [])["metadata"]["from"] == "bot"   # the offer is the bot's, not a person's


def test_a_call_back_request_is_kept_apart_from_the_contact(contact_db):
    contact_log.open_contact("wacht-1", theme="pesten", question_type="incident")
    callbacks.submit(callbacks.CallbackRequest("wacht-1", "terugbellen", "0612345678", datetime.now(timezone.utc)))
    with contact_db.session() as session:
        [request] = session.query(CallbackRequest).all()
        assert request.detail == "0612345678"
        assert "0612345678" not in str(session.query(Contact).one().summary)


def test_what_the_user_tells_while_waiting_goes_on_the_waiting_contact(contact_db):
    from bot.contact_log import open_contact

    open_contact("wacht-1", theme="overig", question_type="overig")
    told = parse("Ik ben zijn vader, 3 vmbo. Hij is vorige week bij de bushalte in elkaar geslagen.",
                 "vraag_sociale_veiligheid_incident", 0.8, entities={"caller_role": "ouder", "school_type": "vo"})
    events, _ = run(ValidateWaitingForm(), waiting_tracker(told))
    assert events[:4] == [
        SlotSet("caller_role", "ouder"),
        SlotSet("school_type", "vo"),
        SlotSet("theme", "sociale_veiligheid"),
        SlotSet("question_type", "incident"),
    ]
    assert events[-1] == SlotSet("requested_slot", "waiting_choice")  # still waiting
    [contact] = contacts(contact_db, "wacht-1")
    assert (contact.caller_role, contact.school_type, contact.theme) == ("ouder", "vo", "sociale_veiligheid")


def test_a_remark_read_unsurely_while_waiting_keeps_the_role_but_codes_no_theme(contact_db):
    """ "Bel me terug. Ik ben aandachtsfunctionaris op een vmbo": the role counts, a guess at a theme does not."""
    from bot.contact_log import open_contact

    open_contact("wacht-1", theme="overig", question_type="overig")
    split = [{"name": "vraag_sociale_veiligheid_beleid", "confidence": 0.41},
             {"name": "vraag_overig", "confidence": 0.33}, {"name": "vraag_pesten_beleid", "confidence": 0.26}]
    told = parse("Zorg dat iemand me terugbelt. Ik ben aandachtsfunctionaris op een vmbo, meer hoef je niet te weten.",
                 "vraag_sociale_veiligheid_beleid", 0.41, ranking=split,
                 entities={"caller_role": "ib_zorg", "school_type": "vo"})
    events, _ = run(ValidateWaitingForm(), waiting_tracker(told))
    assert events[:2] == [SlotSet("caller_role", "ib_zorg"), SlotSet("school_type", "vo")]
    assert not any(e.get("name") in ("theme", "question_type") for e in events)
    [contact] = contacts(contact_db, "wacht-1")
    assert (contact.caller_role, contact.theme, contact.question_type) == ("ib_zorg", "overig", "overig")

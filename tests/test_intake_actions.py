"""Advice, closing, handoff, call-back and fallback actions against saved trackers: exact events."""
import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, Restarted, SlotSet

from actions.advice import ActionCloseIntake, ActionGiveAdvice, ActionRestart
from actions.handoff import (ActionAskContactChannel, ActionFinishHandoff, ActionHandoff,
                             ValidateContactForm)
from actions.intake import ActionFallback, ActionStartIntake
from bot.classifier import from_parse
from bot import callbacks, contact_log, hours, intake
from bot import question_bank as qb
from tests.intake_support import (contact_db, contacts, load_tracker, parse, run,  # noqa: F401
                                  with_message)

REQ = "requested_slot"


@pytest.fixture
def clock(monkeypatch):
    def set_to(iso):
        monkeypatch.setenv(hours.NOW_ENV, iso)
    return set_to


def start(conversation):
    contact_log.open_contact(conversation, theme="pesten", question_type="beleid")


# ------------------------------------------------------------------ advice

def test_advice_from_the_answers_goes_to_the_contact_without_personal_data(contact_db):
    start("test-advice")
    events, messages = run(ActionGiveAdvice(), load_tracker("advice_ready"))
    assert events == [SlotSet("intake_phase", "advies")]
    advice, offer = messages
    assert advice["text"].startswith("Dank je wel. Op basis van je antwoorden is dit mijn advies:")
    assert "**Waar nog winst te halen is**" in advice["text"]
    assert offer["text"] == "Wil je dit nog met een medewerker van de helpdesk bespreken?"
    assert [b["payload"] for b in offer["buttons"]] == ["/ask_human", "/deny"]
    [contact] = contacts(contact_db)
    assert contact.building_blocks == {"visie": "ontbreekt", "inzicht": "ontbreekt",
                                       "voorwaarden": "aanwezig", "preventie": "aanwezig"}
    assert contact.summary.startswith("thema=pesten; type=beleid; rol=anti_pest; school=po; bouwstenen=")
    assert "Kanjertraining" not in contact.summary and "sel_programma:tekst" in contact.summary


def test_the_offer_of_a_person_returns_to_a_question_that_got_the_honest_line_in_this_intake(contact_db):
    from bot import utterances as u

    start("test-advice")
    honest = {"event": "bot", "text": "Daar heb ik geen vast antwoord op.", "metadata": u.tag(u.NO_ANSWER)}
    earlier_advice = {"event": "bot", "text": "Mijn advies", "metadata": u.tag(u.ADVICE)}
    spec = intake.texts()["advice"]
    for before, offer_text in (([honest], spec["offer_unanswered"]), ([honest, earlier_advice], spec["offer"]),
                               ([], spec["offer"])):
        tracker = load_tracker("advice_ready")
        tracker.events[:0] = before
        _, [_, offer] = run(ActionGiveAdvice(), tracker)
        assert offer["text"] == offer_text
        assert [b["payload"] for b in offer["buttons"]] == ["/ask_human", "/deny"]


def test_different_answers_give_visibly_different_advice(contact_db):
    yes = load_tracker("advice_ready")
    yes.slots["doorvraag_answers"] = {k: "ja" for k in yes.slots["doorvraag_keys"]}
    no = load_tracker("advice_ready")
    no.slots["doorvraag_answers"] = {k: "nee" for k in no.slots["doorvraag_keys"]}
    _, [advice_yes, _] = run(ActionGiveAdvice(), yes)
    _, [advice_no, _] = run(ActionGiveAdvice(), no)
    assert "**Wat al goed geregeld is**" in advice_yes["text"]
    assert "**Waar nog winst te halen is**" not in advice_yes["text"]
    assert "**Waar nog winst te halen is**" in advice_no["text"]
    assert qb.bank()["monitor_jaarlijks"].advice["missing"] in advice_no["text"]
    assert qb.bank()["monitor_jaarlijks"].advice["in_place"] in advice_yes["text"]


def test_declining_a_human_closes_the_contact(contact_db):
    start("test-advice")
    tracker = with_message(load_tracker("advice_ready"), parse("/deny", "deny"))
    tracker.slots["intake_phase"] = "advies"
    events, [message] = run(ActionCloseIntake(), tracker)
    assert events == [SlotSet("intake_phase", None), FollowupAction("action_listen")]
    assert message["text"] == intake.texts()["close"]["default"]
    assert contacts(contact_db)[0].status == "afgerond"


# ------------------------------------------------------------------ handoff

def test_open_helpdesk_queues_the_conversation_and_the_bot_keeps_listening(contact_db, clock):
    clock("2026-11-24T10:30:00+01:00")
    start("test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("/ask_human", "ask_human"))
    events, [message] = run(ActionHandoff(), tracker)
    # No pause: the user waits in waiting_form until a staff member takes the conversation.
    assert events == [ActiveLoop(None), SlotSet(REQ, None), SlotSet("helpdesk_open", True),
                      SlotSet("intake_phase", "wachtrij"), SlotSet("waiting_choice", None),
                      SlotSet("waiting_reply", None)]
    spec = intake.texts()["handoff"]
    # Alone in the queue, and no recent handoff to estimate the wait from.
    assert message["text"] == spec["open"] + " " + spec["position"].format(position=1)
    [contact] = contacts(contact_db)
    assert (contact.status, contact.handoff) == ("overgedragen", "wachtrij")


def test_a_pupil_asking_for_a_person_hears_the_childrens_line_first_then_the_queue(contact_db, clock):
    from bot import referrals

    clock("2026-11-24T10:30:00+01:00")
    start("test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("mag ik met iemand praten", "ask_human", 0.9))
    tracker.slots.update(caller_role="leerling", school_type="po")
    events, [first, queued] = run(ActionHandoff(), tracker)
    spec = intake.texts()["handoff"]
    assert first["text"] == spec["pupil_first"].format(service=referrals.childrens_service())
    assert "0800-0432" in first["text"] and queued["text"].startswith(spec["open"])
    assert SlotSet("intake_phase", "wachtrij") in events
    # An adult asking the same gets only the queue; so does a student who said they are an adult.
    tracker.slots.update(caller_role="docent")
    _, [only] = run(ActionHandoff(), tracker)
    assert only["text"].startswith(spec["open"])
    tracker.slots.update(caller_role="leerling", school_type="mbo")
    tracker.events.append({"event": "user", "text": "ik ben 19 dus geen kind meer"})
    _, [only] = run(ActionHandoff(), tracker)
    assert only["text"].startswith(spec["open"])


def test_a_waiting_person_hears_their_place_and_the_expected_wait(contact_db, clock):
    """Two earlier handoffs were claimed after 4 and 8 minutes; one is still waiting: this one is second."""
    from datetime import datetime, timedelta, timezone

    from bot.storage import close_contact, open_contact
    from bot.storage.models import Contact

    clock("2026-11-24T10:30:00+01:00")
    base = datetime.now(timezone.utc) - timedelta(hours=2)
    for name, claimed_after in (("eerder-1", 4), ("eerder-2", 8), ("wacht-nog", None)):
        open_contact(contact_db, name, theme="pesten", question_type="incident", started_at=base)
        close_contact(contact_db, name, status="overgedragen", handoff="wachtrij", ended_at=base)
        if claimed_after:
            with contact_db.session() as session, session.begin():
                row = session.query(Contact).filter_by(conversation_id=name).one()
                row.assigned_to, row.claimed_at = "sanne", base + timedelta(minutes=claimed_after)
    start("test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("/ask_human", "ask_human"))
    _events, [message] = run(ActionHandoff(), tracker)
    assert message["text"].endswith("Je bent nummer 2 in de wachtrij. De verwachte wachttijd is ongeveer 6 minuten.")


def test_closed_helpdesk_says_when_it_opens_and_offers_a_call_back(contact_db, clock):
    clock("2026-11-24T20:15:00+01:00")
    tracker = with_message(load_tracker("question_pesten"), parse("ik wil een mens spreken", "ask_human", 0.9))
    events, [message] = run(ActionHandoff(), tracker)
    assert events == [SlotSet("helpdesk_open", False), SlotSet("intake_phase", "overdracht")] + [
        SlotSet(s, None) for s in ("contact_channel", "contact_consent", "contact_detail", "contact_retry")]
    assert message["text"] == ("De helpdesk is nu gesloten. We zijn er weer morgen (woensdag 25 november) "
                               "om 9:00 (elke schooldag van 9:00 tot 16:00).")
    [contact] = contacts(contact_db)  # asked straight away: a contact is opened for it
    assert (contact.theme, contact.status) == ("overig", "lopend")
    _, [ask] = run(ActionAskContactChannel(), tracker)
    assert [b["payload"] for b in ask["buttons"]] == [
        '/inform{"contact_channel":"terugbellen"}', '/inform{"contact_channel":"mail"}',
        '/inform{"contact_channel":"geen"}']


def contact_form_tracker(requested, message, **slots):
    tracker = with_message(load_tracker("form_doorvraag"), message)
    tracker.active_loop = {"name": "contact_form"}
    for event in tracker.events:
        if event.get("name") == "intake_form":
            event["name"] = "contact_form"
    tracker.slots.update(requested_slot=requested, intake_phase="overdracht", **slots)
    return tracker


def test_call_back_needs_consent_and_a_valid_number_which_is_not_kept(contact_db, clock):
    clock("2026-11-24T20:15:00+01:00")
    start("test-form-doorvraag")
    form = ValidateContactForm()
    events, _ = run(form, contact_form_tracker("contact_channel", parse("bel me maar", "ask_human", 0.7)))
    assert events == [SlotSet("contact_channel", "terugbellen"), SlotSet("contact_retry", None),
                      SlotSet(REQ, "contact_consent")]
    events, _ = run(form, contact_form_tracker("contact_consent", parse("/affirm", "affirm"),
                                               contact_channel="terugbellen"))
    assert events == [SlotSet("contact_consent", True), SlotSet("contact_retry", None),
                      SlotSet(REQ, "contact_detail")]
    events, _ = run(form, contact_form_tracker("contact_detail", parse("12345", "nlu_fallback", 0.1),
                                               contact_channel="terugbellen", contact_consent=True))
    assert events == [SlotSet("contact_retry", True), SlotSet(REQ, "contact_detail")]
    events, _ = run(form, contact_form_tracker("contact_detail", parse("06 - 1234 5678", "nlu_fallback", 0.1),
                                               contact_channel="terugbellen", contact_consent=True,
                                               contact_retry=True))
    assert events == [SlotSet("contact_detail", "0612345678"), SlotSet("contact_retry", None), SlotSet(REQ, None)]

    received = []
    callbacks.set_sink(received.append)
    try:
        tracker = contact_form_tracker(None, parse("06 - 1234 5678", "nlu_fallback", 0.1),
                                       contact_channel="terugbellen", contact_consent=True,
                                       contact_detail="0612345678")
        events, messages = run(ActionFinishHandoff(), tracker)
    finally:
        callbacks.reset_sink()
    assert events == [SlotSet(s, None) for s in ("contact_channel", "contact_consent", "contact_detail",
                                                 "contact_retry")] + [SlotSet("intake_phase", None)]
    assert messages[0]["text"].startswith("Dank je. Een medewerker belt je morgen (woensdag 25 november) om 9:00")
    [request] = received
    assert (request.channel, request.detail) == ("terugbellen", "0612345678")
    assert "0612345678" not in repr(request)
    [contact] = contacts(contact_db)
    assert (contact.status, contact.handoff) == ("overgedragen", "terugbellen")
    assert "0612345678" not in (contact.summary or "")


def test_no_consent_ends_the_form_with_the_phone_number_of_the_helpdesk(contact_db, clock):
    clock("2026-11-24T20:15:00+01:00")
    start("test-form-doorvraag")
    events, _ = run(ValidateContactForm(), contact_form_tracker("contact_consent", parse("/deny", "deny"),
                                                                contact_channel="mail"))
    assert events == [SlotSet("contact_consent", False), SlotSet("contact_retry", None), SlotSet(REQ, None)]
    tracker = contact_form_tracker(None, parse("/deny", "deny"), contact_channel="mail", contact_consent=False)
    _, messages = run(ActionFinishHandoff(), tracker)
    assert "030-285 66 16" in messages[0]["text"]
    assert contacts(contact_db)[0].handoff == "geen"


def test_a_number_typed_at_the_consent_question_is_consent_and_the_number(contact_db, clock):
    clock("2026-11-24T20:15:00+01:00")
    start("test-form-doorvraag")
    events, _ = run(ValidateContactForm(), contact_form_tracker(
        "contact_consent", parse("0612345678", "nlu_fallback", 0.2), contact_channel="terugbellen"))
    assert events == [SlotSet("contact_consent", True), SlotSet("contact_detail", "0612345678"),
                      SlotSet("contact_retry", None), SlotSet(REQ, None)]


def test_email_addresses_are_checked():
    assert intake.valid_detail("mail", "Naam@School.nl") == "naam@school.nl"
    assert intake.valid_detail("mail", "naam@school") is None
    assert intake.valid_detail("terugbellen", "+31 6 12345678") == "+31612345678"
    assert intake.valid_detail("terugbellen", "0612") is None


# ------------------------------------------------------------------ fallback

RANKING = [{"name": "nlu_fallback", "confidence": 0.3},
           {"name": "vraag_vertrouwenswerk_overig", "confidence": 0.25},
           {"name": "vraag_pesten_incident", "confidence": 0.2},
           {"name": "greet", "confidence": 0.1},
           {"name": "vraag_vertrouwenswerk_beleid", "confidence": 0.1},
           {"name": "vraag_wet_en_regelgeving_beleid", "confidence": 0.05}]


def test_first_fallback_offers_the_likeliest_themes(contact_db):
    tracker = with_message(load_tracker("question_pesten"),
                           parse("iets met die vp enzo", "nlu_fallback", 0.3, ranking=RANKING))
    events, [message] = run(ActionFallback(), tracker)
    assert events == []
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Vertrouwenswerk", "/vraag_vertrouwenswerk_overig"), ("Pesten", "/vraag_pesten_incident"),
        ("Wet- en regelgeving", "/vraag_wet_en_regelgeving_beleid")]


CASE_RANKING = [{"name": "nlu_fallback", "confidence": 0.3},
                {"name": "vraag_overig_incident", "confidence": 0.25},
                {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.22},
                {"name": "vraag_pesten_incident", "confidence": 0.2},
                {"name": "inform", "confidence": 0.03}]


def test_a_long_message_surely_a_case_of_an_unsure_theme_starts_its_intake_not_the_fallback(contact_db):
    text = "ik ben student op het mbo en mijn stagebegeleider maakt steeds opmerkingen over mijn lichaam"
    told = from_parse(parse(text, "nlu_fallback", 0.3, ranking=CASE_RANKING))
    assert told.theme == "overig" and told.question_type == "incident"  # the theme unsure, the type not
    events, messages = run(ActionFallback(), with_message(load_tracker("question_pesten"),
                                                          parse(text, "nlu_fallback", 0.3, ranking=CASE_RANKING)))
    assert events == [FollowupAction("action_start_intake")] and messages == []
    # Short, or as unsure of the type: the buttons, as before.
    for short in (parse("stagebegeleider opmerkingen", "nlu_fallback", 0.3, ranking=CASE_RANKING),
                  parse(text, "nlu_fallback", 0.3, ranking=[{"name": "nlu_fallback", "confidence": 0.3},
                                                            {"name": "vraag_overig", "confidence": 0.3},
                                                            {"name": "vraag_overig_incident", "confidence": 0.2},
                                                            {"name": "vraag_overig_beleid", "confidence": 0.15}])):
        events, [message] = run(ActionFallback(), with_message(load_tracker("question_pesten"), short))
        assert events == [] and message["kind"] == "fallback"


def test_second_fallback_in_a_row_offers_a_human(contact_db):
    tracker = with_message(load_tracker("question_pesten"), parse("blabla", "nlu_fallback", 0.2))
    tracker.events[:0] = [{"event": "user", "text": "iets", "parse_data": parse("iets", "nlu_fallback", 0.2)},
                          {"event": "action", "name": "action_fallback"},
                          {"event": "action", "name": "action_listen"},
                          {"event": "user", "text": "blabla", "parse_data": parse("blabla", "nlu_fallback", 0.2)}]
    _, [message] = run(ActionFallback(), tracker)
    assert message["text"] == intake.texts()["fallback"]["second"]
    assert [b["payload"] for b in message["buttons"]] == ["/ask_human", "/deny"]


QUESTION_RANKING = [{"name": "nlu_fallback", "confidence": 0.3},
                    {"name": "vraag_vertrouwenswerk_incident", "confidence": 0.45},
                    {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.25}]


def after_a_referral(message):
    tracker = with_message(load_tracker("question_pesten"), message)
    tracker.slots.update(urgency="seksueel_misbruik", intake_phase=None)
    return tracker


def test_a_question_not_understood_after_a_referral_starts_its_intake(contact_db):
    question = "Mijn collega wil niet dat ik het doorvertel, hoe ga ik daarmee om?"
    tracker = after_a_referral(parse(question, "nlu_fallback", 0.3, ranking=QUESTION_RANKING))
    events, messages = run(ActionFallback(), tracker)
    assert events == [FollowupAction("action_start_intake")] and messages == []


def test_what_to_do_now_after_a_referral_starts_the_intake_on_the_next_steps(contact_db):
    """ "wat moet ik nu doen?" is the yes to the referral's "denk ik daarna met je mee over de volgende stappen"."""
    tracker = after_a_referral(parse("wat moet ik nu doen?", "nlu_fallback", 0.3, ranking=QUESTION_RANKING))
    events, messages = run(ActionFallback(), tracker)
    assert events == [FollowupAction("action_start_intake")] and messages == []
    tracker = after_a_referral(parse("wat moet ik nu doen?", "vraag_vertrouwenswerk_incident", 0.45,
                                     ranking=QUESTION_RANKING[1:]))
    tracker.slots.update(intake_phase=None)
    events, messages = run(ActionStartIntake(), tracker)
    # The next steps announced, and no "daar heb ik geen vast antwoord op": no fact was asked for.
    assert [m["text"] for m in messages] == [intake.texts()["answer"]["next_steps"]]
    assert SlotSet("theme", "vertrouwenswerk") in events or SlotSet("theme", "sociale_veiligheid") in events


def test_a_statement_not_understood_after_a_referral_gets_the_calm_line(contact_db):
    statement = "oke ik ga ze nu meteen bellen hoor, de directeur zit naast me"
    tracker = after_a_referral(parse(statement, "nlu_fallback", 0.3, ranking=QUESTION_RANKING))
    events, [message] = run(ActionFallback(), tracker)
    assert events == [] and message["text"] == intake.texts()["fallback"]["after_referral"]


@pytest.mark.parametrize("action", [ActionFallback(), ActionStartIntake()])
def test_asking_to_be_called_is_a_handoff_wherever_it_comes(action, contact_db):
    ask = "Kunnen jullie mij vandaag nog terugbellen? Wat is jullie nummer?"
    tracker = after_a_referral(parse(ask, "vraag_vertrouwenswerk_overig", 0.4, ranking=QUESTION_RANKING))
    events, messages = run(action, tracker)
    # The handoff arranges the call-back itself (below): no "bel ons" line that answers another wish.
    assert events == [FollowupAction("action_handoff")] and messages == []


CALLBACK_SLOTS = [SlotSet("contact_consent", None), SlotSet("contact_detail", None), SlotSet("contact_retry", None),
                  SlotSet("contact_channel", "terugbellen")]


def test_a_call_back_asked_for_while_open_is_queued_and_its_number_asked_at_once(contact_db, clock):
    clock("2026-11-24T10:30:00+01:00")
    start("test-form-doorvraag")
    ask = parse("kan iemand me morgen bellen? dan loop ik het met diegene door", "ask_human", 0.8)
    events, [message] = run(ActionHandoff(), with_message(load_tracker("form_doorvraag"), ask))
    # As if chosen while waiting: in the queue for staff now; with the number it moves to /callbacks, due now.
    assert events == [ActiveLoop(None), SlotSet(REQ, None), SlotSet("helpdesk_open", True),
                      SlotSet("intake_phase", "wachtrij"), SlotSet("waiting_choice", None),
                      SlotSet("waiting_reply", None), *CALLBACK_SLOTS, SlotSet("callback_later", True),
                      FollowupAction("contact_form")]  # "morgen": due when the helpdesk opens next
    assert message["text"] == intake.texts()["handoff"]["callback_asked"]
    [contact] = contacts(contact_db)
    assert (contact.status, contact.handoff) == ("overgedragen", "wachtrij")


def test_a_call_back_asked_for_while_closed_asks_the_number_not_the_channel(contact_db, clock):
    clock("2026-11-24T20:15:00+01:00")
    start("test-form-doorvraag")
    ask = parse("kunnen jullie me morgen terugbellen?", "ask_human", 0.8)
    events, [message] = run(ActionHandoff(), with_message(load_tracker("form_doorvraag"), ask))
    assert events == [ActiveLoop(None), SlotSet(REQ, None), SlotSet("helpdesk_open", False),
                      SlotSet("intake_phase", "overdracht"), *CALLBACK_SLOTS, SlotSet("callback_later", True)]
    assert message["text"].startswith("De helpdesk is nu gesloten.")


def test_a_theme_named_before_the_question_holds_for_it(contact_db):
    unsure = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "vraag_overig", "confidence": 0.35},
              {"name": "vraag_wet_en_regelgeving_overig", "confidence": 0.2}]
    tracker = with_message(load_tracker("question_pesten"),
                           parse("ib'er hier. vraagje over de meldcode", "nlu_fallback", 0.3, ranking=unsure))
    events, [message] = run(ActionFallback(), tracker)
    assert events[-1] == SlotSet("announced_theme", "wet_en_regelgeving")
    assert message["text"] == intake.texts()["fallback"]["theme_named"].format(theme="wet- en regelgeving")
    case = "we hebben een kleuter met blauwe plekken, veilig thuis is al betrokken. moeten we elke keer opnieuw melden?"
    tracker = with_message(load_tracker("question_pesten"), parse(case, "vraag_sociale_veiligheid_incident", 0.9))
    tracker.slots.update(announced_theme="wet_en_regelgeving", intake_phase=None)
    events, _ = run(ActionStartIntake(), tracker)
    assert SlotSet("theme", "wet_en_regelgeving") in events
    # The user may name another theme in the question itself.
    tracker = with_message(load_tracker("question_pesten"),
                           parse("eigenlijk gaat het om pesten in groep 5", "vraag_pesten_incident", 0.9))
    tracker.slots.update(announced_theme="wet_en_regelgeving", intake_phase=None)
    events, _ = run(ActionStartIntake(), tracker)
    assert SlotSet("theme", "pesten") in events


def test_the_action_server_registers_exactly_the_actions_of_the_domain():
    import yaml
    from rasa_sdk.executor import ActionExecutor

    from tests.conftest import ROOT

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert sorted(executor.actions) == sorted(domain["actions"])


def test_restart_logs_the_unfinished_intake_and_starts_over(contact_db):
    start("test-form-doorvraag")
    events, [message] = run(ActionRestart(), load_tracker("form_doorvraag"))
    assert events == [Restarted()]
    assert message["text"] == intake.texts()["close"]["restart"]
    assert contacts(contact_db)[0].status == "onvolledig"


def closed_then(text, intent="vraag_pesten_beleid", confidence=0.9):
    message = parse(text, intent, confidence)
    tracker = with_message(load_tracker("question_pesten"), message)
    tracker.events = [{"event": "action", "name": "action_close_intake"}, {"event": "action", "name": "action_listen"},
                      {"event": "user", "text": text, "parse_data": message}]
    tracker.slots.update(theme="sociale_veiligheid", question_type="beleid", intake_phase=None)
    return tracker


def test_a_statement_right_after_the_close_is_more_about_that_case(contact_db):
    start("test-question-pesten")
    more = "we nemen elk jaar een monitor af, verder is er weinig vastgelegd. wie aanspreekpunt pesten is weet ik niet"
    events, [message] = run(ActionStartIntake(), closed_then(more))
    assert events == [FollowupAction("action_listen")]
    assert message["text"].startswith("Dank je, dat neem ik mee.")
    # A question after the close is a question: its own intake.
    events, _ = run(ActionStartIntake(), closed_then("hoe maken we een pestprotocol dat echt werkt?"))
    assert SlotSet("intake_phase", "intake") in events or SlotSet("intake_phase", "antwoord") in events


def test_stopping_during_the_questions_after_an_answer_closes_the_contact_as_done(contact_db):
    start("test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("nee dank je", "goodbye", 0.9))
    tracker.slots.update(intake_phase="intake", answer_key="gouden_weken", ask_on="ja")
    run(ActionCloseIntake(), tracker)
    assert contacts(contact_db)[0].status == "afgerond"  # it got its answer
    start("test-form-doorvraag")
    tracker.slots.update(answer_key=None)
    run(ActionCloseIntake(), tracker)
    assert sorted(c.status for c in contacts(contact_db)) == ["afgerond", "onvolledig"]


def test_a_new_case_after_an_answered_question_leaves_that_contact_done(contact_db):
    start("test-question-1")
    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase="intake", answer_key="anti_pestprotocol", ask_on="ja")
    run(ActionStartIntake(), tracker)
    assert sorted(c.status for c in contacts(contact_db)) == ["afgerond", "lopend"]


def test_a_statement_after_the_advice_is_more_about_that_case(contact_db):
    start("test-question-pesten")
    tracker = closed_then("Een veiligheidscoördinator hebben we alleen op de grootste locatie.")
    tracker.events = tracker.events[-1:]  # the advice and its offer came before; no close
    tracker.slots["intake_phase"] = "advies"
    events, [message] = run(ActionStartIntake(), tracker)
    assert events == [FollowupAction("action_listen")] and message["text"].startswith("Dank je, dat neem ik mee.")



@pytest.mark.parametrize(("later", "due"), [(None, "now"), (True, "next opening")])
def test_a_call_back_from_the_queue_is_due_now_unless_asked_for_a_later_day(contact_db, clock, later, due):
    clock("2026-11-24T10:30:00+01:00")
    start("test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("0612345678", "inform"))
    tracker.slots.update(contact_channel="terugbellen", contact_consent=True, contact_detail="0612345678",
                         intake_phase="wachtrij", callback_later=later)
    received = []
    callbacks.set_sink(received.append)
    try:
        events, [message, *_] = run(ActionFinishHandoff(), tracker)
    finally:
        callbacks.reset_sink()
    [request] = received
    now = hours.current_time()
    assert request.opening == (now if due == "now" else hours.next_opening(now))
    assert ("morgen" in message["text"]) is (due == "next opening")
    assert SlotSet("intake_phase", None) in events

"""validate_intake_form and the ask actions against saved trackers: exact events."""
import pytest
from rasa_sdk.events import SlotSet

from actions.form import ActionAskCallerRole, ActionAskDoorvraag2, ActionAskDoorvraag3, ActionAskIntakeTheme, ValidateIntakeForm
from bot import answers, intake, referrals
from bot import question_bank as qb
from tests.intake_support import contact_db, contacts, load_tracker, parse, run, with_message  # noqa: F401

KEYS = ['veiligheidsplan_actueel', 'visie_vastgelegd', 'monitor_jaarlijks', 'aanspreekpunt_pesten',
        'incidentregistratie', 'sel_programma']
REQ = "requested_slot"


def validate(tracker):
    return run(ValidateIntakeForm(), tracker)


def opened(db, conversation_id):
    from bot.contact_log import open_contact
    open_contact(conversation_id, theme="pesten", question_type="incident")


# ------------------------------------------------------------------ confirmation

def test_type_correction_is_kept_and_logged(contact_db):
    opened(contact_db, "test-form-confirm")
    events, messages = validate(load_tracker("form_confirm"))
    assert events == [SlotSet("question_type", "beleid"), SlotSet("corrected", True),
                      SlotSet("intake_confirmed", True), SlotSet(REQ, "caller_role")]
    assert messages == []
    [contact] = contacts(contact_db)
    assert (contact.question_type, contact.corrected) == ("beleid", True)


def test_yes_confirms_and_a_known_role_is_not_asked(contact_db):
    tracker = with_message(load_tracker("form_confirm"), parse("ja klopt", "affirm", 0.97))
    tracker.slots["caller_role"] = "ib_zorg"
    events, _ = validate(tracker)
    assert events == [SlotSet("intake_confirmed", True), SlotSet(REQ, "school_type")]


def test_other_theme_shows_theme_buttons_then_the_choice_is_a_correction(contact_db):
    opened(contact_db, "test-form-confirm")
    tracker = with_message(load_tracker("form_confirm"), parse("/deny", "deny"))
    events, _ = validate(tracker)
    assert events == [SlotSet("theme_needed", True), SlotSet(REQ, "intake_theme")]
    _, [message] = run(ActionAskIntakeTheme(), tracker)
    assert [b["payload"] for b in message["buttons"]] == [
        '/inform{"theme":"sociale_veiligheid"}', '/inform{"theme":"wet_en_regelgeving"}',
        '/inform{"theme":"vertrouwenswerk"}', '/inform{"theme":"overig"}']
    tracker.slots[REQ] = "intake_theme"
    tracker = with_message(tracker, parse('/inform{"theme":"sociale_veiligheid"}', "inform",
                                          entities={"theme": "sociale_veiligheid"}))
    events, _ = validate(tracker)
    assert events == [SlotSet("theme", "sociale_veiligheid"), SlotSet("intake_theme", "sociale_veiligheid"),
                      SlotSet("corrected", True), SlotSet("intake_confirmed", True),
                      SlotSet("theme_needed", False), SlotSet(REQ, "caller_role")]
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.corrected) == ("sociale_veiligheid", True)


@pytest.mark.parametrize("read_before, goes_on_as", [
    ("overig", "overig"),   # nothing read: a general question
    ("pesten", "pesten"),   # the case the model read keeps its reading, whatever the "nee" before denied
])
def test_a_vague_reply_to_the_theme_question_is_not_asked_twice(contact_db, read_before, goes_on_as):
    opened(contact_db, "test-form-confirm")
    for vague in ("gaat over school", "nee nog niet"):
        tracker = with_message(load_tracker("form_confirm"), parse(vague, "vraag_overig", 0.5))
        tracker.slots.update({REQ: "intake_theme", "theme_needed": True, "theme": read_before})
        events, _ = validate(tracker)
        assert SlotSet("confirm_retry", True) not in events  # never the same question twice
        assert events[:4] == [SlotSet("theme", goes_on_as), SlotSet("intake_theme", goes_on_as),
                              SlotSet("intake_confirmed", True), SlotSet("theme_needed", False)], vague
        assert events[-1] != SlotSet(REQ, "intake_theme")


def test_the_case_told_at_the_confirmation_shows_its_theme_when_read_surely(contact_db):
    """ "Klopt dat?" was asked because the reading was unsure; the case told instead of a yes shows the topic."""
    from bot.contact_log import open_contact

    tracker = load_tracker("form_confirm")
    open_contact(tracker.sender_id, theme="sociale_veiligheid", question_type="incident")
    tracker.slots.update(theme="sociale_veiligheid", intake_text="ik ben moeder van een jongen in 2 havo")
    told = "hij wordt al maanden uitgescholden in de klassenapp en nu wil hij niet meer naar school"
    events, _ = validate(with_message(tracker, parse(told, "vraag_pesten_incident", 0.9)))
    assert events[:3] == [SlotSet("theme", "pesten"), SlotSet("intake_confirmed", True),
                          SlotSet("implicit_confirmed", True)]  # said with the next question, correctable
    [contact] = contacts(contact_db)
    assert contact.theme == "pesten"
    # Read unsurely, or as the same theme: the topic stands.
    split = [{"name": "vraag_pesten_incident", "confidence": 0.5}, {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.5}]
    events, _ = validate(with_message(tracker, parse(told, "vraag_pesten_incident", 0.5, ranking=split)))
    assert SlotSet("intake_confirmed", True) in events and not any(e.get("name") == "theme" for e in events)


def test_unclear_confirmation_is_asked_once_more_then_accepted():
    tracker = with_message(load_tracker("form_confirm"), parse("hmm", "nlu_fallback", 0.2))
    events, _ = validate(tracker)
    assert events == [SlotSet("confirm_retry", True), SlotSet(REQ, "intake_confirmed")]
    tracker.slots["confirm_retry"] = True
    events, _ = validate(tracker)
    assert events == [SlotSet("intake_confirmed", True), SlotSet(REQ, "caller_role")]


# ------------------------------------------------------------------ role and school

def test_role_buttons_come_from_the_labels():
    _, [message] = run(ActionAskCallerRole(), load_tracker("form_confirm"))
    assert len(message["buttons"]) == 12
    assert message["buttons"][0] == {"title": "Docent of leerkracht", "payload": '/inform{"caller_role":"docent"}'}
    assert message["buttons"][-1]["payload"] == "/dont_know"


def test_skipped_role_stays_empty_and_is_not_asked_again():
    tracker = load_tracker("form_confirm")
    tracker.slots.update(intake_confirmed=True, requested_slot="caller_role")
    tracker = with_message(tracker, parse("/dont_know", "dont_know"))
    events, _ = validate(tracker)
    assert events == [SlotSet("caller_role", None), SlotSet("role_asked", True), SlotSet(REQ, "school_type")]


def test_school_type_given_then_the_questions_are_chosen(contact_db):
    opened(contact_db, "test-form-confirm")
    tracker = load_tracker("form_confirm")
    tracker.slots.update(intake_confirmed=True, role_asked=True, requested_slot="school_type",
                         question_type="beleid", caller_role="anti_pest",
                         intake_text="Hoe zetten we op onze basisschool een goed pestprotocol op?")
    tracker = with_message(tracker, parse('/inform{"school_type":"po"}', "inform", entities={"school_type": "po"}))
    events, _ = validate(tracker)
    assert events == [SlotSet("school_type", "po"), SlotSet("school_asked", True),
                      SlotSet("doorvraag_keys", KEYS), SlotSet(REQ, "doorvraag_1")]


# ------------------------------------------------------------------ doorvragen

def test_an_answer_is_recorded_and_the_next_question_follows(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, _ = validate(load_tracker("form_doorvraag"))
    answers = {"veiligheidsplan_actueel": "ja", "visie_vastgelegd": "nee"}
    assert events == [SlotSet("doorvraag_2", "nee"), SlotSet("doorvraag_answers", answers),
                      SlotSet("doorvraag_retry", None), SlotSet(REQ, "doorvraag_3")]
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category, a.text) for a in contact.answers] == [("visie_vastgelegd", "nee", "nee, dat hebben we nog niet")]


def test_free_text_is_stored_redacted(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"),
                           parse("Alleen juf Anne weet ervan, mail anne@school.nl", "vraag_pesten_beleid", 0.5))
    events, _ = validate(tracker)
    clean = "Alleen juf [NAAM] weet ervan, mail [EMAIL]"
    assert events[0] == SlotSet("doorvraag_2", "tekst")
    assert events[1] == SlotSet("doorvraag_answers", {"veiligheidsplan_actueel": "ja", "visie_vastgelegd": clean})
    [contact] = contacts(contact_db)
    assert contact.answers[0].text == clean


def test_a_typed_no_with_an_explanation_counts_as_no_and_keeps_the_redacted_explanation(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"),
                           parse("nee, meester Jansen wil er niet aan", "deny", 0.9))
    events, _ = validate(tracker)
    assert events[:2] == [SlotSet("doorvraag_2", "nee"),
                          SlotSet("doorvraag_answers", {"veiligheidsplan_actueel": "ja", "visie_vastgelegd": "nee"})]
    [contact] = contacts(contact_db)
    [answer] = contact.answers
    assert (answer.category, answer.text) == ("nee", "nee, meester [NAAM] wil er niet aan")


def test_dont_know_button(contact_db):
    tracker = with_message(load_tracker("form_doorvraag"), parse("/dont_know", "dont_know"))
    events, _ = validate(tracker)
    assert events[0] == SlotSet("doorvraag_2", "weet_niet")


def test_a_question_answered_along_the_way_counts_as_done_so_the_total_never_shrinks(contact_db):
    tracker = load_tracker("form_doorvraag")
    _, [before] = run(ActionAskDoorvraag2(), tracker)
    assert before["text"].startswith("Vraag 2 van 6: ")
    # "we nemen elk jaar de monitor af" told at question 2: that question is answered and no longer chosen.
    tracker.slots["doorvraag_keys"] = [k for k in tracker.slots["doorvraag_keys"] if k != "monitor_jaarlijks"]
    tracker.slots["doorvraag_answers"] = {**tracker.slots["doorvraag_answers"], "monitor_jaarlijks": "ja"}
    tracker.slots["doorvraag_2"] = "ja"
    _, [after] = run(ActionAskDoorvraag3(), tracker)
    assert after["text"].startswith("Vraag 4 van 6: ")
    assert after["text"].endswith(qb.bank()["aanspreekpunt_pesten"].text)


def test_unusable_input_is_asked_once_more_then_skipped(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("asdfgh", "nlu_fallback", 0.1))
    events, _ = validate(tracker)
    assert events == [SlotSet("doorvraag_retry", "doorvraag_2"), SlotSet(REQ, "doorvraag_2")]
    tracker.slots["doorvraag_retry"] = "doorvraag_2"
    _, [message] = run(ActionAskDoorvraag2(), tracker)
    assert message["text"].startswith("Sorry, dat begreep ik niet helemaal. Vraag 2 van 6: ")
    assert [b["title"] for b in message["buttons"]] == ["Ja", "Nee", "Weet ik niet"]
    events, _ = validate(tracker)
    assert events[0] == SlotSet("doorvraag_2", "onbruikbaar")
    assert events[-1] == SlotSet(REQ, "doorvraag_3")
    [contact] = contacts(contact_db)
    assert contact.answers[0].category == "onbruikbaar"


def test_ok_to_a_yes_no_question_is_asked_once_more_then_counts_as_unknown(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("ok", "affirm", 0.9))
    events, _ = validate(tracker)
    assert events == [SlotSet("doorvraag_retry", "doorvraag_2"), SlotSet(REQ, "doorvraag_2")]
    tracker.slots["doorvraag_retry"] = "doorvraag_2"
    events, _ = validate(tracker)
    assert events[0] == SlotSet("doorvraag_2", "weet_niet")  # never "Mooi dat jullie visie op papier staat"
    tracker = with_message(load_tracker("form_doorvraag"), parse("ja", "affirm", 0.9))
    assert validate(tracker)[0][0] == SlotSet("doorvraag_2", "ja")


def test_a_bare_yes_to_an_open_question_asks_for_a_few_words_once(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = load_tracker("form_doorvraag")
    tracker.slots["doorvraag_keys"] = ["veiligheidsplan_actueel", "visie_nieuwe_mensen", "monitor_jaarlijks"]
    events, _ = validate(with_message(tracker, parse("ja hoor", "affirm", 0.9)))
    assert events == [SlotSet("doorvraag_retry", "doorvraag_2"), SlotSet(REQ, "doorvraag_2")]
    tracker.slots["doorvraag_retry"] = "doorvraag_2"
    _, [message] = run(ActionAskDoorvraag2(), tracker)
    assert message["text"].startswith(intake.texts()["doorvragen"]["retry_open"] + "Vraag 2 van 3: ")
    events, _ = validate(with_message(tracker, parse("ja hoor", "affirm", 0.9)))
    assert events[0] == SlotSet("doorvraag_2", "ja")  # asked once more, then taken as said
    tracker.slots["doorvraag_retry"] = None
    said = validate(with_message(tracker, parse("ja, in de introductieweek", "affirm", 0.6)))[0]
    assert said[0] == SlotSet("doorvraag_2", "ja")


def test_stop_ends_the_questions_and_goes_to_the_advice(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse("laat maar", "stop", 0.95))
    events, messages = validate(tracker)
    assert events == [SlotSet("intake_stopped", True), SlotSet("doorvraag_2", "stop"), SlotSet(REQ, None)]
    assert messages[0]["text"] == intake.texts()["doorvragen"]["stopped"]


@pytest.mark.parametrize("message", [
    parse("ik wil een medewerker spreken", "ask_human", 0.93),
    parse("/ask_human", "ask_human"),
    parse("hij heeft een mes bij zich en staat nu voor de deur", "urgent", 0.99),
    parse("ben je een robot?", "bot_challenge", 0.95),
    parse("Mag een school camerabeelden van een vechtpartij aan ouders laten zien?",
          "vraag_wet_en_regelgeving_incident", 0.91),
])
def test_no_answer_leaves_the_slot_empty_so_the_rules_take_over(message):
    events, messages = validate(with_message(load_tracker("form_doorvraag"), message))
    assert events == [] and messages == []


def test_after_an_interruption_the_question_is_asked_again_without_reading_the_message():
    tracker = with_message(load_tracker("form_doorvraag"), parse("ben je een robot?", "bot_challenge", 0.95))
    user = next(i for i, e in enumerate(tracker.events) if e["event"] == "user")
    tracker.events.insert(user + 1, {"event": "action", "name": "utter_bot_challenge"})
    events, _ = validate(tracker)
    assert events == [SlotSet(REQ, "doorvraag_2")]


def test_questions_answered_in_the_question_itself_are_skipped():
    state = intake.IntakeState(theme="pesten", question_type="beleid", school_type="po",
                               caller_role="anti_pest", intake_confirmed=True)
    plain = intake.choose_questions(state, "Hoe zetten we een pestprotocol op?")
    told = intake.choose_questions(state, "Hoe zetten we een pestprotocol op? We meten elk jaar met een monitor.")
    assert "monitor_jaarlijks" in plain and "monitor_jaarlijks" not in told
    assert 3 <= len(told) <= 6


@pytest.mark.parametrize("message, new", [
    (parse("Mag een school camerabeelden van een vechtpartij aan ouders laten zien?",
           "vraag_wet_en_regelgeving_incident", 0.65), True),
    (parse("Ik heb nog een andere vraag over de vertrouwenspersoon", "vraag_overig", 0.34), True),
    (parse("/vraag_pesten_beleid", "vraag_pesten_beleid"), True),
    (parse("we hebben een pestprotocol maar niemand kent het", "vraag_pesten_beleid", 0.8), False),
    (parse("heeft de mentor al met de ouders gesproken", "vraag_pesten_incident", 0.7), False),
    (parse("ja, dat hebben we vorig jaar gedaan?", "vraag_pesten_beleid", 0.9), False),
    (parse("Hoe pak ik dat aan?", "vraag_pesten_incident", 0.3), False),
    (parse("Wat moet ik doen als ouders boos zijn?", "greet", 0.9), False),
])
def test_a_new_question_is_told_apart_from_an_answer(message, new):
    assert intake.is_new_question(intake.Reply.of(message)) is new


CASE = "Vanochtend heeft een vader op het plein een collega uitgescholden en tegen het hek geduwd"


def test_a_case_told_during_policy_questions_starts_its_own_intake(contact_db):
    opened(contact_db, "test-form-doorvraag")  # form_doorvraag: questions about pesten policy
    message = parse(CASE, "vraag_sociale_veiligheid_incident", 0.8)
    events, messages = validate(with_message(load_tracker("form_doorvraag"), message))
    assert events == [] and messages == []  # the form lets go; the rule for a question starts the case's intake


def test_the_same_statement_during_an_incident_intake_is_an_answer(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), parse(CASE, "vraag_sociale_veiligheid_incident", 0.8))
    tracker.slots["question_type"] = "incident"
    events, _ = validate(tracker)
    assert events[0] == SlotSet("doorvraag_2", "tekst")


def possible_danger(text, category="zelfdoding", trigger=None):
    message = parse(text, "vraag_sociale_veiligheid_incident", 0.6)
    start = text.find(trigger) if trigger else 0
    end = start + len(trigger) if trigger else 0
    message["entities"] = [{"entity": "urgency", "value": category, "start": start, "end": end},
                           {"entity": "urgency_level", "value": "mogelijk", "start": 0, "end": 0}]
    return message


def test_a_possibly_dangerous_answer_without_danger_words_is_just_an_answer(contact_db):
    opened(contact_db, "test-form-doorvraag")
    answer = possible_danger("ze zit in de pauze vaak alleen")
    events, messages = validate(with_message(load_tracker("form_doorvraag"), answer))
    assert events[0] == SlotSet("doorvraag_2", "tekst") and messages == []
    assert not [e for e in events if e["name"] in ("urgency_level", "urgency")]
    assert events[-1] == SlotSet(REQ, "doorvraag_3")


def test_a_possibly_dangerous_answer_counts_and_the_check_question_comes_next(contact_db):
    opened(contact_db, "test-form-doorvraag")
    answer = possible_danger("ze zegt soms dat ze niet meer wil leven", trigger="niet meer wil leven")
    events, messages = validate(with_message(load_tracker("form_doorvraag"), answer))
    assert events[0] == SlotSet("doorvraag_2", "tekst")                   # the answer is kept
    assert SlotSet("urgency_level", "mogelijk") in events and SlotSet("urgency", "zelfdoding") in events
    assert events[-1] == SlotSet(REQ, "danger_check") and messages == []
    [contact] = contacts(contact_db)
    assert (contact.urgency_level, contact.urgency_category, contact.urgent) == ("mogelijk", "zelfdoding", False)
    assert contact.urgency_services == ()                                  # only the check question so far


def test_an_acute_message_still_breaks_off_the_intake(contact_db):
    sure = parse("er is nu een vechtpartij met een mes", "urgent", 0.65)
    sure["entities"] = [{"entity": "urgency", "value": "acuut_gevaar", "start": 29, "end": 32},
                        {"entity": "urgency_level", "value": "acuut", "start": 0, "end": 0}]
    assert validate(with_message(load_tracker("form_doorvraag"), sure)) == ([], [])


def danger_asked(text, intent="inform", entities=(), **slots):
    tracker = with_message(load_tracker("form_doorvraag"), parse(text, intent, 0.9, entities=entities))
    tracker.slots.update({REQ: "danger_check", "urgency_level": "mogelijk", "urgency": "zelfdoding",
                          "danger_check": None, **slots})
    return tracker


def test_yes_to_the_check_question_refers_and_stops_the_intake(contact_db):
    from rasa_sdk.events import FollowupAction

    opened(contact_db, "test-form-doorvraag")
    events, messages = validate(danger_asked("ja", "affirm"))
    assert events == [SlotSet("danger_check", "ja"), FollowupAction("action_refer_urgent"), SlotSet(REQ, None)]
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category) for a in contact.answers] == [("gevaar_nu", "ja")]


def test_no_to_the_check_question_goes_on_and_is_logged(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, [message] = validate(danger_asked("nee hoor", "deny"))
    assert events[0] == SlotSet("danger_check", "nee") and events[-1] != SlotSet(REQ, "danger_check")
    assert message["text"] == intake.texts()["danger"]["going_on"]
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category) for a in contact.answers] == [("gevaar_nu", "nee")]


def test_a_question_asked_with_the_no_to_the_check_question_is_never_passed_over(contact_db):
    opened(contact_db, "test-form-doorvraag")
    said = "nee ze wil geen melding maken, mag ik het dan toch doorgeven?"
    events, messages = validate(danger_asked(said, "vraag_vertrouwenswerk_incident"))
    assert SlotSet("danger_check", "nee") in events
    assert [m["text"] for m in messages] == [intake.texts()["danger"]["going_on_asked"],
                                             intake.texts()["answer"]["none_in_passing"]]
    assert said in next(e["value"] for e in events if e.get("name") == "intake_text")  # kept for the advice
    with_answer = parse(said, "vraag_vertrouwenswerk_incident", 0.9,
                        entities={"answer": "vertrouwenspersoon_geheimhouding"})
    tracker = with_message(danger_asked(said), with_answer)
    events, messages = validate(tracker)
    assert messages[1]["text"].startswith(answers.by_key()["vertrouwenspersoon_geheimhouding"].answer)
    assert messages[-1]["text"] == intake.texts()["answer"]["back_to_questions"]
    assert SlotSet("answers_given", ["vertrouwenspersoon_geheimhouding"]) in events


def test_an_unclear_answer_is_asked_once_more_then_gets_the_first_number(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, messages = validate(danger_asked("hmm lastig"))
    assert events == [SlotSet("danger_retry", True), SlotSet(REQ, "danger_check")] and messages == []
    events, [message] = validate(danger_asked("hmm lastig", danger_retry=True))
    assert events[0] == SlotSet("danger_check", "weet_niet")
    assert "113" in message["text"] and "Kindertelefoon" not in message["text"]


def test_more_about_the_case_instead_of_ja_or_nee_is_not_asked_twice(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, [message] = validate(danger_asked("ze zit nu bij de intern begeleider en huilt nog steeds"))
    assert events[0] == SlotSet("danger_check", "weet_niet")
    assert SlotSet("danger_retry", True) not in events
    assert message["text"] == intake.texts()["danger"]["told_more"].format(
        first=referrals.first_service("zelfdoding")
    )
    [joined] = [e["value"] for e in events if e.get("name") == "intake_text"]
    assert joined.endswith("huilt nog steeds")


def test_a_school_type_instead_of_ja_or_nee_is_kept_and_not_asked_twice(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, [message] = validate(danger_asked("basisschool", "inform", entities={"school_type": "po"}))
    assert SlotSet("danger_retry", True) not in events
    assert SlotSet("danger_check", "weet_niet") in events and SlotSet("school_type", "po") in events
    assert message["text"] == intake.texts()["danger"]["told_more"].format(first=referrals.first_service("zelfdoding"))


def test_the_check_question_has_yes_and_no_buttons_and_is_asked_before_anything_else():
    from actions.form import ActionAskDangerCheck

    _, [message] = run(ActionAskDangerCheck(), danger_asked("x"))
    assert message["text"] == intake.texts()["danger"]["ask"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    state = intake.IntakeState(theme="pesten", question_type="incident", urgency_level="mogelijk")
    assert intake.required_slots(state) == ["danger_check"]
    assert intake.required_slots(intake.IntakeState(urgency_level="mogelijk", danger_check="ja")) == []


# ------------------------------------------------------------------ a case that may be new: one check

SPREAD = [{"name": "vraag_sociale_veiligheid_incident", "confidence": 0.45},
          {"name": "vraag_pesten_beleid", "confidence": 0.3}, {"name": "vraag_overig", "confidence": 0.25}]


def unsure(text):
    return parse(text, "vraag_sociale_veiligheid_incident", 0.45, ranking=SPREAD)


def unsure_case(tracker_slots=None):
    tracker = with_message(load_tracker("form_doorvraag"), unsure(CASE))
    tracker.slots.update(tracker_slots or {})
    return tracker


def test_an_unsure_case_during_policy_questions_gets_one_check_first(contact_db):
    from actions.form import ActionAskSwitchCheck

    opened(contact_db, "test-form-doorvraag")
    events, messages = validate(unsure_case())
    assert events == [SlotSet("switch_from", "doorvraag_2"), SlotSet("switch_parse", unsure(CASE)),
                      SlotSet(REQ, "switch_check")] and messages == []
    _, [message] = run(ActionAskSwitchCheck(), unsure_case({"switch_from": "doorvraag_2"}))
    assert message["text"] == intake.texts()["switch"]["ask"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def switch_answered(text, intent):
    """The user told CASE at doorvraag_2, the bot asked the check, and the user answers it."""
    tracker = load_tracker("form_doorvraag")
    tracker.events[-3:-3] = [{"event": "user", "text": CASE,
                              "parse_data": unsure(CASE)},
                             {"event": "action", "name": "intake_form"},
                             {"event": "action", "name": "action_listen"}]
    tracker = with_message(tracker, parse(text, intent, 0.9))
    tracker.slots.update({"switch_from": "doorvraag_2", REQ: "switch_check"})
    return tracker


def test_yes_to_the_check_starts_an_intake_on_the_case_told_before(contact_db):
    from rasa_sdk.events import FollowupAction

    from actions.intake import ActionStartIntake

    opened(contact_db, "test-form-doorvraag")
    events, _ = validate(switch_answered("/affirm", "affirm"))
    assert events[:3] == [SlotSet("switch_check", "ja"), SlotSet("intake_stopped", True),
                          FollowupAction("action_start_intake")]
    tracker = switch_answered("/affirm", "affirm")
    tracker.slots.update({"switch_check": "ja", "intake_stopped": True})
    events, _ = run(ActionStartIntake(), tracker)
    assert events[0] == FollowupAction("intake_form")
    assert SlotSet("theme", "sociale_veiligheid") in events and SlotSet("question_type", "incident") in events
    assert SlotSet("intake_text", CASE) in events
    # The policy contact is unfinished; the case has a contact of its own.
    assert sorted(c.status for c in contacts(contact_db)) == ["lopend", "onvolledig"]


def test_no_to_the_check_takes_the_case_as_the_answer_and_goes_on(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, [message] = validate(switch_answered("nee, ga maar door", "deny"))
    assert message["text"] == intake.texts()["switch"]["going_on"]
    assert events[:3] == [SlotSet("switch_check", "nee"), SlotSet("switch_from", None), SlotSet("doorvraag_2", "tekst")]
    assert events[-1] == SlotSet(REQ, "doorvraag_3")
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category) for a in contact.answers][-1][1] == "tekst"


def test_the_check_is_asked_once_per_intake(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, _ = validate(unsure_case({"switch_check": "nee"}))
    assert events[0] == SlotSet("doorvraag_2", "tekst")


def test_a_sure_incident_during_an_incident_intake_needs_no_check():
    state = intake.IntakeState(theme="pesten", question_type="incident")
    reply = intake.Reply.of(unsure(CASE))
    assert not intake.may_tell_new_case(reply, state)
    assert intake.may_tell_new_case(reply, intake.IntakeState(theme="pesten", question_type="beleid"))
    # A question is a question (is_new_question decides), and a statement without a "when" is an answer.
    question = intake.Reply.of(unsure(CASE + ", wat moeten we doen?"))
    plain = intake.Reply.of(unsure("bij ons doet de ib'er dat samen met de directeur"))
    assert not intake.may_tell_new_case(question, intake.IntakeState(question_type="beleid"))
    assert not intake.may_tell_new_case(plain, intake.IntakeState(question_type="beleid"))


# ------------------------------------------------------------------ the model's alarm without danger words

def alarm(text, trigger=None, category="acuut_gevaar"):
    """How the NLU reads a message the urgency model calls acuut; `trigger`: the rules' danger word."""
    ranking = [{"name": "urgent", "confidence": 0.8}, {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.6},
               {"name": "vraag_pesten_beleid", "confidence": 0.2}]
    message = parse(text, "urgent", 0.8, ranking=ranking)
    start = text.find(trigger) if trigger else 0
    end = start + len(trigger) if trigger else 0
    message["entities"] = [{"entity": "urgency", "value": category, "start": start, "end": end},
                           {"entity": "urgency_level", "value": "acuut", "start": 0, "end": 0}]
    return message


PAST = "Gisteren heeft een leerling een collega in het gezicht geslagen. Zij zit nu thuis, hij is geschorst."


def test_an_alarm_without_danger_words_inside_the_questions_gets_the_check_not_the_referral(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), alarm(PAST))
    tracker.slots["question_type"] = "incident"  # more about the case being asked about
    events, messages = validate(tracker)
    assert events[0] == SlotSet("doorvraag_2", "tekst")  # the answer is kept
    assert not [m for m in messages if "**112**" in m["text"]]  # no referral
    assert SlotSet("urgency_level", "mogelijk") in events and SlotSet("urgency", "acuut_gevaar") in events
    assert events[-1] == SlotSet(REQ, "danger_check")
    [contact] = contacts(contact_db)
    assert contact.urgency_level == "mogelijk"


def test_a_case_told_with_an_alarm_during_policy_questions_gets_the_check_then_the_switch_check(contact_db):
    opened(contact_db, "test-form-doorvraag")  # questions about pesten policy
    events, _ = validate(with_message(load_tracker("form_doorvraag"), alarm(PAST)))
    assert events[:4] == [SlotSet("switch_from", "doorvraag_2"), SlotSet("switch_parse", alarm(PAST)),
                          SlotSet("urgency_level", "mogelijk"), SlotSet("urgency", "acuut_gevaar")]
    assert events[-1] == SlotSet(REQ, "danger_check")
    state = intake.IntakeState(question_type="beleid", urgency_level="mogelijk", danger_check="nee",
                               switch_from="doorvraag_2", intake_confirmed=True)
    assert intake.required_slots(state)[0] == "switch_check"  # once the check is answered


def test_an_alarm_with_danger_words_still_breaks_off_for_the_referral(contact_db):
    opened(contact_db, "test-form-doorvraag")
    text = "Hij staat nu bij het hek met een mes"
    events, messages = validate(with_message(load_tracker("form_doorvraag"), alarm(text, trigger="mes")))
    assert events == [] and messages == []  # rejected: the urgent rule refers first


def test_an_alarm_the_model_is_all_but_certain_of_still_breaks_off_for_the_referral(contact_db):
    opened(contact_db, "test-form-doorvraag")
    message = alarm("Ze komt net huilend bij me, een jongen dreigt vanavond een foto van haar rond te sturen.")
    message["entities"].append({"entity": "urgency_certain", "value": "zeker", "start": 0, "end": 0})
    events, messages = validate(with_message(load_tracker("form_doorvraag"), message))
    assert events == [] and messages == []


def test_an_alarm_without_danger_words_after_the_check_gets_the_first_number_once_more(contact_db):
    opened(contact_db, "test-form-doorvraag")
    tracker = with_message(load_tracker("form_doorvraag"), alarm("Hij is erg boos en zegt dat hij het er niet bij laat."))
    tracker.slots["danger_check"] = "nee"
    events, [message] = validate(tracker)
    assert events[0] == SlotSet("doorvraag_2", "tekst") and events[-1] == SlotSet(REQ, "doorvraag_3")
    assert message["text"] == intake.texts()["danger"]["told_more"].format(first=referrals.first_service("acuut_gevaar"))


def test_a_case_told_with_an_alarm_after_the_check_gets_the_switch_check_not_a_referral(contact_db):
    opened(contact_db, "test-form-doorvraag")  # questions about pesten policy
    tracker = with_message(load_tracker("form_doorvraag"), alarm(PAST))
    tracker.slots["danger_check"] = "nee"
    events, _ = validate(tracker)
    assert events[0] == SlotSet("switch_from", "doorvraag_2") and events[-1] == SlotSet(REQ, "switch_check")


def test_telling_on_about_the_case_at_the_check_is_a_yes(contact_db):
    from rasa_sdk.events import FollowupAction

    opened(contact_db, "test-form-doorvraag")
    events, _ = validate(switch_answered("Hij is daarna weggegaan. Ik wil weten hoe ik nu met die vader omga.", "inform"))
    assert events[:3] == [SlotSet("switch_check", "ja"), SlotSet("intake_stopped", True),
                          FollowupAction("action_start_intake")]


@pytest.mark.parametrize("text", [
    "Eigenlijk speelt er iets dat meer haast heeft. Een docente vertelde me dat haar leidinggevende haar kleineert.",
    "oh en wat ik ook nog moet zeggen: er is een insta-account dat leerlingen belachelijk maakt",
    "Maar er is iets dringenders: een vader stond te schreeuwen bij het hek.",
])
def test_words_that_say_a_new_topic_comes(text):
    assert intake.says_new_topic(text)


def test_the_new_intake_starts_on_the_case_even_when_the_check_question_came_between(contact_db):
    from actions.intake import ActionStartIntake

    opened(contact_db, "test-form-doorvraag")
    reply_to_check = "Hij is daarna weggegaan, er is niemand aangeraakt. Hoe ga ik nu met die vader om?"
    tracker = switch_answered("/affirm", "affirm")
    tracker.events[-1:-1] = [{"event": "user", "text": reply_to_check, "parse_data": parse(reply_to_check, "inform")},
                             {"event": "action", "name": "intake_form"}, {"event": "action", "name": "action_listen"}]
    tracker.slots.update({"switch_check": "ja", "intake_stopped": True, "switch_parse": unsure(CASE),
                          "danger_check": "weet_niet"})
    events, _ = run(ActionStartIntake(), tracker)
    assert SlotSet("intake_text", CASE + " " + reply_to_check) in events
    assert SlotSet("question_type", "incident") in events
    assert events[-1] == SlotSet("danger_check", "weet_niet")  # answered in this conversation: not asked again


def test_a_question_without_a_sure_answer_in_the_questions_is_said_so_and_the_question_passed_over(contact_db):
    opened(contact_db, "test-form-doorvraag")
    question = "Moet ik dit verplicht doorgeven aan het bestuur, of mag ik het vertrouwelijk houden?"
    events, [message] = validate(with_message(load_tracker("form_doorvraag"), parse(question, "vraag_vertrouwenswerk_incident", 0.4)))
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]
    assert events[0] == SlotSet("doorvraag_2", "weet_niet")  # passed over, not stored as its answer
    assert events[-1] == SlotSet(REQ, "doorvraag_3")
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category) for a in contact.answers] == [(intake.answer_log_key(None), "tekst")]


# ------------------------------------------------------------------ "Is iedereen op dit moment veilig?"

SAFETY_KEYS = [KEYS[0], "iedereen_veilig", *KEYS[2:]]


def asked_if_safe(message):
    tracker = with_message(load_tracker("form_doorvraag"), message)
    tracker.slots.update({REQ: "doorvraag_2", "doorvraag_keys": SAFETY_KEYS, "danger_check": None})
    return tracker


def test_no_to_is_everyone_safe_is_danger_now_and_refers_at_once(contact_db):
    from rasa_sdk.events import FollowupAction

    opened(contact_db, "test-form-doorvraag")
    events, _ = validate(asked_if_safe(parse("nee", "deny", 0.95)))
    assert events[0] == SlotSet("doorvraag_2", "nee")  # the answer is kept as well
    assert events[3:5] == [SlotSet("danger_check", "ja"), FollowupAction("action_refer_urgent")]
    [contact] = contacts(contact_db)
    assert ("gevaar_nu", "ja") in [(a.question_key, a.category) for a in contact.answers]


def test_yes_or_a_no_that_says_all_is_safe_answers_the_check_question_too(contact_db):
    opened(contact_db, "test-form-doorvraag")
    for said, intent in (("ja", "affirm"), ("nee hoor, iedereen is weer veilig", "deny")):
        events, _ = validate(asked_if_safe(parse(said, intent, 0.95)))
        assert events[0] == SlotSet("doorvraag_2", "ja") and SlotSet("danger_check", "nee") in events, said
        assert not [e for e in events if e.get("event") == "followup"], said
        assert events[-1] == SlotSet(REQ, "doorvraag_3")  # on with the questions, no check question after it


def test_neither_yes_nor_no_with_worrying_words_gets_the_check_in_its_second_wording(contact_db):
    from actions.form import ActionAskDangerCheck

    opened(contact_db, "test-form-doorvraag")
    text = "het team weet niet wat ze moeten doen als ze een wapen zien"
    tracker = asked_if_safe(possible_danger(text, trigger="wapen"))
    events, _ = validate(tracker)
    assert SlotSet("danger_retry", True) in events and events[-1] == SlotSet(REQ, "danger_check")
    tracker.add_slots(events)
    _, [message] = run(ActionAskDangerCheck(), tracker)
    assert message["text"] == intake.danger_message(retry=True)[0]  # not the same question again


# ------------------------------------------------------------------ the same case, told on

def test_a_question_on_the_same_theme_without_an_answer_stays_in_the_questions(contact_db):
    """Read surely as a question on the intake's own theme: the honest line, the same contact, the next question."""
    opened(contact_db, "test-form-doorvraag")
    question = "Hoe zorgen we dat de leerlingen die pesten ook echt begrijpen wat ze aanrichten bij een ander?"
    events, [message] = validate(with_message(load_tracker("form_doorvraag"), parse(question, "vraag_pesten_beleid", 0.9)))
    assert intake.is_new_question(intake.Reply.of(parse(question, "vraag_pesten_beleid", 0.9)))
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]
    assert events[0] == SlotSet("doorvraag_2", "weet_niet") and events[-1] == SlotSet(REQ, "doorvraag_3")
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type, contact.status) == ("pesten", "incident", "lopend")


@pytest.mark.parametrize(("question", "intent"), [
    ("Hoe begeleid ik als vertrouwenspersoon een collega die een klacht wil indienen tegen de directeur?",
     "vraag_vertrouwenswerk_beleid"),
    # A question about the law that does not point back at the case is a question of its own too.
    ("Mag een school eigenlijk camerabeelden van het schoolplein aan ouders laten zien als bewijs?",
     "vraag_wet_en_regelgeving_beleid"),
])
def test_a_question_on_another_theme_read_surely_in_the_questions_starts_its_own_intake(contact_db, question, intent):
    opened(contact_db, "test-form-doorvraag")
    events, messages = validate(with_message(load_tracker("form_doorvraag"), parse(question, intent, 0.9)))
    assert events == [] and messages == []


def test_a_law_question_about_the_case_in_the_questions_gives_the_contact_that_theme(contact_db):
    """Rule 1 of labels.md: the honest line, the question on screen passed over, the contact now about the law."""
    opened(contact_db, "test-form-doorvraag")
    question = "Mag de school deze camerabeelden van het schoolplein aan de ouders laten zien als bewijs?"
    events, [message] = validate(with_message(load_tracker("form_doorvraag"), parse(question, "vraag_wet_en_regelgeving_beleid", 0.9)))
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]
    assert events[0] == SlotSet("doorvraag_2", "weet_niet") and events[2] == SlotSet("theme", "wet_en_regelgeving")
    assert events[3] == SlotSet("case_theme", "pesten")  # the advice keeps the case's reading
    assert events[-1] == SlotSet(REQ, "doorvraag_3")  # the same questions go on
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type, contact.status) == ("wet_en_regelgeving", "incident", "lopend")


INFO_KEYS = ["info_doel", "dvp_bekend"]


def at_the_first_question(message, question_type, keys):
    """form_doorvraag with other questions chosen, the first of them on screen, answered with `message`."""
    tracker = with_message(load_tracker("form_doorvraag"), message)
    tracker.slots.update({"question_type": question_type, "doorvraag_keys": keys, "doorvraag_answers": {},
                          "doorvraag_1": None, REQ: "doorvraag_1"})
    return tracker


def information_intake(message):
    return at_the_first_question(message, "overig", INFO_KEYS)


def test_the_incident_behind_an_information_question_changes_the_questions(contact_db):
    opened(contact_db, "test-form-doorvraag")
    case = "Bij ons wordt een jongen uit groep 6 al weken in de pauze uitgescholden en buitengesloten door een groepje"
    events, [message] = validate(information_intake(parse(case, "vraag_pesten_incident", 0.9)))
    assert message["text"] == intake.texts()["retyped"]["incident"]
    assert SlotSet("question_type", "incident") in events and SlotSet("doorvraag_keys", None) in events
    [keys] = [e["value"] for e in events if e.get("name") == "doorvraag_keys" and e["value"]]
    state = intake.IntakeState(theme="pesten", question_type="incident", school_type="po", caller_role="anti_pest",
                               intake_confirmed=True)
    assert keys == intake.choose_questions(state, "Hoe zetten we op onze basisschool een goed pestprotocol op? " + case)
    assert not set(keys) & set(INFO_KEYS) and events[-1] == SlotSet(REQ, "doorvraag_1")
    [contact] = contacts(contact_db)
    assert contact.question_type == "incident" and contact.answers == ()  # the narrative is no answer to info_doel


def test_a_plain_answer_to_an_information_question_keeps_its_type(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, messages = validate(information_intake(parse("voor mijn team, we willen het op de studiedag bespreken", "inform", 0.9)))
    assert events[0] == SlotSet("doorvraag_1", "tekst") and SlotSet("question_type", "incident") not in events
    assert messages == []


def test_telling_on_about_a_case_at_its_check_question_is_the_yes_to_the_switch(contact_db):
    """The check came first for a case that may be new; a question about it there starts the case's intake."""
    from rasa_sdk.events import FollowupAction

    opened(contact_db, "test-form-doorvraag")
    told = "Hij had een gebroken neus en is weer op school. Wat moeten wij als school nu met dat filmpje?"
    tracker = with_message(load_tracker("form_doorvraag"), parse(told, "vraag_wet_en_regelgeving_incident", 0.9))
    tracker.slots.update({REQ: "danger_check", "switch_from": "doorvraag_2", "switch_parse": unsure(CASE),
                          "urgency": "geweld", "urgency_level": "mogelijk"})
    events, [number] = validate(tracker)
    assert events[:4] == [SlotSet("danger_check", "weet_niet"), SlotSet("switch_check", "ja"),
                          SlotSet("intake_stopped", True), FollowupAction("action_start_intake")]
    assert number["text"] == intake.texts()["danger"]["told_more"].format(first=referrals.first_service("geweld"))


# ------------------------------------------------------------------ a duty checked by a question

DUTY_KEYS = ["meldplicht_bestuur", "meldplicht_vertrouwensinspecteur", "wat_gebeurd"]


def asked_about_the_board(message):
    return at_the_first_question(message, "incident", DUTY_KEYS)


def test_a_no_to_a_duty_question_says_the_duty_at_once_and_drops_the_question_it_makes_moot(contact_db):
    from bot import question_bank as qb

    opened(contact_db, "test-form-doorvraag")
    told = parse("Het bestuur weet het nog niet, ik wilde het eerst zelf met de pabo regelen.", "inform", 0.8)
    events, [line] = validate(asked_about_the_board(told))
    assert line["text"] == qb.bank()["meldplicht_bestuur"].advice["missing"] and line["kind"] == "duty"
    assert SlotSet("doorvraag_keys", ["meldplicht_bestuur", "wat_gebeurd"]) in events
    assert events[-1] == SlotSet(REQ, "doorvraag_2")  # "Vraag 2 van 2": what happened, not the inspector
    assert SlotSet("duties_told", ["meldplicht"]) in events  # "moet ik dat zelf melden?" later: this duty again


def test_an_answer_that_also_answers_a_later_question_drops_it_as_answered_in_the_users_words(contact_db):
    """ "de juf weet het maar doet niks" to "Hoe gaat het nu met ...?": "Heb je het al gemeld?" is not asked."""
    opened(contact_db, "test-form-doorvraag")
    told = parse("de juf weet het maar doet niks", "inform", 0.8)
    keys = ["welzijn_slachtoffer", "ouder_gemeld", "pesten_wie_groep"]
    events, messages = validate(at_the_first_question(told, "incident", keys))
    assert messages == []
    assert SlotSet("doorvraag_keys", ["welzijn_slachtoffer", "pesten_wie_groep"]) in events
    answers = next(e["value"] for e in events if e.get("name") == "doorvraag_answers")
    assert answers == {"welzijn_slachtoffer": "de juf weet het maar doet niks", "ouder_gemeld": "ja"}
    assert events[-1] == SlotSet(REQ, "doorvraag_2")
    # A button is no words: nothing else is answered by it.
    events, _ = validate(at_the_first_question(parse("/dont_know", "dont_know"), "incident", keys))
    assert not any(e.get("name") == "doorvraag_keys" for e in events)


def test_a_yes_to_a_duty_question_goes_on_to_the_next_duty_question(contact_db):
    opened(contact_db, "test-form-doorvraag")
    events, messages = validate(asked_about_the_board(parse("/affirm", "affirm")))
    assert messages == [] and not any(e.get("name") == "doorvraag_keys" for e in events)
    assert events[-1] == SlotSet(REQ, "doorvraag_2")


def test_a_question_after_a_story_read_as_inform_still_gets_the_honest_line_in_passing(contact_db):
    opened(contact_db, "test-form-doorvraag")
    told = ("We hebben toen meteen de vertrouwensinspecteur gebeld en die adviseerde aangifte. "
            "Moeten we die aangifte echt doen als de ouders dat niet willen?")
    events, [message] = validate(with_message(load_tracker("form_doorvraag"), parse(told, "inform", 0.7)))
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]
    assert events[0] == SlotSet("doorvraag_2", "weet_niet")
    # A rhetorical question stays an answer.
    rhetorical = "Dat hebben we allemaal al geprobeerd, maar dat is toch te gek voor woorden?"
    events, messages = validate(with_message(load_tracker("form_doorvraag"), parse(rhetorical, "inform", 0.7)))
    assert events[0] == SlotSet("doorvraag_2", "ja") and messages == []  # "Dat hebben we ..." answers yes


def test_a_question_about_a_duty_told_before_gets_that_duty_again_not_the_honest_line(contact_db):
    """After the meldplicht was told, "Moet ik dit toch melden?" has an answer the bot knows."""
    from bot import question_bank as qb

    opened(contact_db, "test-form-doorvraag")
    asked = parse("Moet ik dit toch melden?", "vraag_wet_en_regelgeving_incident", 0.5,
                  ranking=[{"name": "vraag_wet_en_regelgeving_incident", "confidence": 0.5},
                           {"name": "vraag_vertrouwenswerk_incident", "confidence": 0.5}])
    told = at_the_first_question(asked, "incident", ["wat_gebeurd", "al_geprobeerd"])
    told.slots.update({"duties_told": ["meldplicht"], "school_type": "mbo"})
    events, [message] = validate(told)
    expected = intake.texts()["answer"]["duty_again"]["none_in_passing"].format(duty=qb.duty_text("meldplicht", "mbo"))
    assert (message["text"], message["kind"]) == (expected, "duty")
    assert events[0] == SlotSet("doorvraag_1", "weet_niet")  # the question on screen passed over, not answered
    # Without a duty told: the honest line.
    told.slots["duties_told"] = []
    _, [message] = validate(told)
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]


def test_a_rhetorical_question_read_as_a_law_question_is_an_answer_and_changes_no_theme(contact_db):
    """ "Dat is toch te gek voor woorden?" asks nothing: no honest line, no contact coded as a question about the law."""
    opened(contact_db, "test-form-doorvraag")
    told = "De school heeft die jongen één dag geschorst en dat was het. Dat is toch te gek voor woorden? Veel te licht."
    told_at = at_the_first_question(parse(told, "vraag_wet_en_regelgeving_incident", 0.9), "incident",
                                    ["wat_gebeurd", "al_geprobeerd"])
    events, messages = validate(told_at)
    assert messages == [] and events[0] == SlotSet("doorvraag_1", "tekst")
    assert not any(e.get("name") == "theme" for e in events)
    [contact] = contacts(contact_db)
    assert contact.theme == "pesten"


def test_a_director_hears_the_leaders_wording_of_a_question(contact_db):
    tracker = load_tracker("form_doorvraag")
    tracker.slots["doorvraag_keys"] = ["veiligheidsplan_actueel", "wie_op_de_hoogte"]
    for role, wording in (("directeur", qb.bank()["wie_op_de_hoogte"].leader_text),
                          ("docent", qb.bank()["wie_op_de_hoogte"].text)):
        tracker.slots["caller_role"] = role
        _, [message] = run(ActionAskDoorvraag2(), tracker)
        assert message["text"] == f"Vraag 2 van 2: {wording}", role


def test_a_sentence_that_answers_a_later_question_is_kept_there_and_the_question_on_screen_is_passed_over(contact_db):
    opened(contact_db, "test-form-doorvraag")
    said = "We nemen elk jaar de monitor af bij alle groepen."
    tracker = with_message(load_tracker("form_doorvraag"), parse(said, "inform", 0.6))
    events, [message] = validate(tracker)
    assert message["text"] == intake.texts()["noted"]["for_later"]
    slots = {e["name"]: e["value"] for e in events}
    # visie: not known (never stored as answered by a sentence about the monitor), and not asked again
    assert slots["doorvraag_2"] == "weet_niet" and slots[REQ] == "doorvraag_3"
    assert slots["doorvraag_answers"] == {"veiligheidsplan_actueel": "ja", "monitor_jaarlijks": "ja"}
    assert "monitor_jaarlijks" not in slots["doorvraag_keys"]
    assert slots["intake_text"].endswith(said)
    tracker.slots.update(slots)
    _, [next_question] = run(ActionAskDoorvraag3(), tracker)
    assert next_question["text"] == "Vraag 4 van 6: " + qb.bank()["aanspreekpunt_pesten"].text

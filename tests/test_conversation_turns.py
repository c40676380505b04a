"""A reply is read for what it says, whatever was asked: endings, meta, corrections, role and school (exact events)."""

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.form import ActionAskCallerRole, ValidateIntakeForm
from bot import intake
from tests.intake_support import contact_db, contacts, load_tracker, parse, run, with_message  # noqa: F401

REQ = "requested_slot"


def validate(tracker):
    return run(ValidateIntakeForm(), tracker)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("nee, dat was het, bedankt", "ending"),
        ("dank je, dat was alles", "ending"),
        ("doei", "ending"),
        ("Ik wil nu gewoon een mens spreken in plaats van nog meer vragen.", "person"),
        ("geef nou gewoon antwoord", "just_answer"),
        ("wat een gedoe met al die vragen, geef nou gewoon advies", "just_answer"),
        ("ik bel liever even", "not_chat"),
        # Asking to be called is a call-back, not "bel ons zelf".
        ("kan iemand me morgen bellen? dan loop ik het met diegene door", "callback"),
        ("bel me maar terug", "callback"),
        ("Ik blijf erbij dat ik iemand wil spreken. Kan ik worden teruggebeld?", "callback"),
        ("ik heb echt geen tijd voor een heel gesprek, geef gewoon een lijstje", "just_answer"),
        ("Zorg er gewoon voor dat iemand me terugbelt. Ik ben aandachtsfunctionaris op een vmbo, meer hoef je "
         "niet te weten.", "callback"),
        ("Ik heb geen zin om alles aan een computer uit te leggen.", "not_chat"),
        ("Ik wil hier graag met een jurist of adviseur van jullie over bellen.", "not_chat"),
        ("ik bespreek dit liever met een adviseur, kan dat telefonisch?", "not_chat"),
        ("Ok, ik ga eerst met hem en daarna met de groep praten. Nee verder was het dat, bedankt", "ending"),
        ("Wie ik ben doet er niet toe, ik wil gewoon weten wat de wet zegt.", "just_answer"),
        ("Ik vraag om een simpel antwoord, geen vragenlijst. Bij ons doet de directeur het pestbeleid erbij.",
         "just_answer"),
        ("Dit schiet zo niet op. Laat maar.", "just_answer"),
        ("wat moet ik nou doen, ik heb geen zin in al die vragen", "just_answer"),
        ("zo, dat zijn wel genoeg vragen", "just_answer"),
        ("ik heb geen zin meer in de ruzies in de klas", None),
        # Someone else's call is no request: "de mentor zou me terugbellen" tells the case.
        ("De mentor zei vorige week dat hij me zou terugbellen, maar ik hoorde niks meer en mijn zoon wordt nog "
         "steeds gepest.", None),
        ("liever niet via de chat", "not_chat"),
        ("ik wil graag iemand spreken", "person"),
        ("kan ik hier ook met iemand echt praten?", "person"),
        ("ik wil er met iemand van jullie over praten", "person"),
        ("ik wil dat hij met iemand gaat praten over zijn gedrag, kan dat via school?", None),
        ("wat een onzin dit", "complaint"),
        ("nee", None),
        ("ja dank je, maar ik heb nog een vraag", None),
        # A longer message about the case is read for the case, not as a complaint about the bot.
        ("mijn zoon wordt gepest, wat een onzin dat de school niks doet", None),
        ("/deny", None),
        # An ending after a word about what came before; a case that merely uses the same words is none.
        ("Top, hier kan ik mee verder. Nee dank je, dat was het.", "ending"),
        ("Oké, daar kan ik mee verder. Nee dank je, verder niets.", "ending"),
        ("nee, niks meer", "ending"),
        ("Dat was het niet.", None),
        ("Sindsdien zegt ze niets meer.", None),
        ("Hij had een blauwe plek. Verder niets aan de hand.", None),
        ("Ik heb het aan de mentor verteld. Die doet niks meer.", None),
        # The whole message asks what to do now; a case or a question with its own subject does not.
        ("wat moet ik nu doen?", "advice_now"),
        ("wat kan ik nu het beste doen?", "advice_now"),
        ("Ok. Wat kan ik dan doen?", "advice_now"),
        ("Wat moeten we hiermee?", "advice_now"),
        ("wat raad je me aan?", "advice_now"),
        ("en nu?", "advice_now"),
        ("een leerling wordt gepest, wat moet ik doen?", None),
        ("wat moet ik doen als een leerling gepest wordt?", None),
        ("wat moet ik met de ouders?", None),
        ("en nu ga ik naar huis", None),
        # A complaint aimed at the chat, in a longer sentence; the same words about someone else are the case.
        ("dit is echt nutteloos, je beantwoordt mijn vraag niet eens", "complaint"),
        ("ik wil een klacht indienen over deze chatbot", "complaint"),
        ("ik wil een klacht indienen over de mentor", None),
        ("de mentor begrijpt het niet", None),
    ],
)
def test_what_a_message_says_about_the_conversation(text, kind):
    assert intake.meta_of(text) == kind


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("nee het gaat over pesten", "pesten"),
        ("nee, over de meldcode", "wet_en_regelgeving"),
        ("iets anders", "overig"),
        ("nee", None),
        ("/deny", None),
    ],
)
def test_a_typed_theme(text, theme):
    assert intake.theme_named(text) == theme


def test_a_role_typed_at_klopt_dat_confirms_and_is_kept(contact_db):
    from bot.contact_log import open_contact

    open_contact("test-form-confirm", theme="pesten", question_type="incident")
    tracker = with_message(
        load_tracker("form_confirm"),
        parse("ik ben mentor op een vmbo", "inform", 0.9, entities={"caller_role": "mentor", "school_type": "vo"}),
    )
    events, _ = validate(tracker)
    assert events[:4] == [
        SlotSet("caller_role", "mentor"),
        SlotSet("role_asked", True),
        SlotSet("school_type", "vo"),
        SlotSet("school_asked", True),
    ]
    assert SlotSet("intake_confirmed", True) in events
    [contact] = contacts(contact_db)
    assert (contact.caller_role, contact.school_type) == ("mentor", "vo")


def test_another_theme_typed_at_klopt_dat_is_the_correction(contact_db):
    tracker = with_message(load_tracker("form_confirm"), parse("nee, het gaat over vertrouwenswerk", "deny", 0.8))
    events, _ = validate(tracker)
    assert events[:3] == [
        SlotSet("theme", "vertrouwenswerk"),
        SlotSet("corrected", True),
        SlotSet("intake_confirmed", True),
    ]


def test_the_story_told_at_klopt_dat_goes_on():
    story = "Het is gestopt sinds ze hem heeft geblokkeerd, maar ze is er erg van slag van"
    tracker = with_message(load_tracker("form_confirm"), parse(story, "vraag_vertrouwenswerk_incident", 0.6))
    events, _ = validate(tracker)
    assert SlotSet("intake_confirmed", True) in events
    [kept] = [e for e in events if e.get("name") == "intake_text"]
    assert kept["value"].endswith("erg van slag van")


def test_an_implicit_confirmation_is_said_in_the_next_question_with_a_button_to_correct_it():
    tracker = load_tracker("form_confirm")
    tracker.slots.update(implicit_confirmed=True, theme="pesten", caller_role=None)
    _, [message] = run(ActionAskCallerRole(), tracker)
    assert message["text"].startswith("Je vraag gaat over *pesten*. ")
    assert message["buttons"][-1] == {"title": "Ander onderwerp", "payload": '/deny{"topic":"anders"}'}


def test_the_correction_button_reopens_the_topic():
    tracker = load_tracker("form_confirm")
    tracker.slots.update(implicit_confirmed=True, intake_confirmed=True, caller_role=None, requested_slot="caller_role")
    tracker = with_message(tracker, parse('/deny{"topic":"anders"}', "deny", entities={"topic": "anders"}))
    events, _ = validate(tracker)
    assert events == [
        SlotSet("intake_confirmed", None),
        SlotSet("theme_needed", True),
        SlotSet("implicit_confirmed", None),
        SlotSet(REQ, "intake_theme"),
    ]


def test_a_role_in_a_doorvraag_answer_is_kept_and_a_later_one_overrides(contact_db):
    tracker = with_message(
        load_tracker("form_doorvraag"),
        parse("ja, ik ben trouwens de directeur", "affirm", 0.9, entities={"caller_role": "directeur"}),
    )
    assert tracker.slots["caller_role"] == "anti_pest"
    events, _ = validate(tracker)
    assert events[:2] == [SlotSet("caller_role", "directeur"), SlotSet("role_asked", True)]
    assert SlotSet("doorvraag_2", "ja") in events


def not_rejected(events):
    """Rasa rejects a form whose validation sets no slot but requested_slot; the rules then answer instead."""
    return any(e.get("event") == "slot" and e.get("name") != REQ for e in events)


def test_ending_inside_the_doorvragen_gives_the_advice_on_what_was_told_then_closes(contact_db):
    from actions.advice import ActionGiveAdvice

    tracker = with_message(load_tracker("form_doorvraag"), parse("nee, dat was het, bedankt", "thanks", 0.7))
    events, [message] = validate(tracker)
    assert message["text"] == intake.meta_reply("ending_with_advice")
    assert events == [SlotSet("meta_kind", "ending"), SlotSet("intake_stopped", True), SlotSet(REQ, None)]
    events, messages = run(ActionGiveAdvice(), tracker)
    assert [m["kind"] for m in messages] == ["advice"]  # no "Wil je dit met een medewerker bespreken?"
    assert events == [SlotSet("intake_phase", "advies"), FollowupAction("action_close_intake")]


def test_ending_at_the_topic_check_closes_politely():
    tracker = load_tracker("form_doorvraag")
    tracker.slots.update(requested_slot="intake_confirmed")
    events, _ = validate(with_message(tracker, parse("nee, dat was het, bedankt", "thanks", 0.7)))
    assert events[:3] == [
        SlotSet("meta_kind", "ending"),
        SlotSet("intake_stopped", True),
        FollowupAction("action_close_intake"),
    ]
    assert not_rejected(events)


def test_a_request_to_just_answer_skips_to_the_advice():
    events, [message] = validate(
        with_message(load_tracker("form_doorvraag"), parse("geef nou gewoon antwoord", "vraag_overig", 0.4))
    )
    assert message["text"] == intake.meta_reply("just_answer")
    assert events == [SlotSet("meta_kind", "just_answer"), SlotSet("intake_stopped", True), SlotSet(REQ, None)]


def test_asking_what_to_do_inside_the_doorvragen_gives_the_advice_and_is_no_answer(contact_db):
    from bot.contact_log import open_contact

    open_contact("test-form-doorvraag", theme="pesten", question_type="incident")
    message = parse("wat kan ik nu het beste doen?", "vraag_pesten_incident", 0.5)
    events, [reply] = validate(with_message(load_tracker("form_doorvraag"), message))
    assert reply["text"] == intake.meta_reply("advice_now")
    assert events == [SlotSet("meta_kind", "advice_now"), SlotSet("intake_stopped", True), SlotSet(REQ, None)]
    [contact] = contacts(contact_db)
    assert contact.answers == ()  # not kept as the answer to the question on screen


def test_asking_what_to_do_right_after_an_answer_gives_the_advice_at_once(contact_db):
    from bot.contact_log import open_contact

    open_contact("test-form-confirm", theme="pesten", question_type="incident")
    tracker = load_tracker("form_confirm")
    tracker.slots.update(answer_key="pesten_eerste_stappen", intake_confirmed=True, intake_phase="antwoord",
                         requested_slot="answer_feedback")
    events, _ = validate(with_message(tracker, parse("en wat moet ik nu doen?", "vraag_pesten_incident", 0.5)))
    assert events[:4] == [
        SlotSet("meta_kind", "advice_now"),
        SlotSet("answer_feedback", "weet_niet"),
        SlotSet("ask_on", "ja"),
        SlotSet("intake_stopped", True),
    ]


@pytest.mark.parametrize(("phase", "said"), [(None, "advice_now_outside"), ("advies", "advice_now_after")])
def test_asking_what_to_do_outside_the_questions_asks_for_the_case_or_points_at_the_advice(contact_db, phase, said):
    from actions.intake import ActionFallback

    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase=phase, urgency=None)
    events, [reply] = run(ActionFallback(), with_message(tracker, parse("wat moet ik doen?", "nlu_fallback", 0.3)))
    assert reply["text"] == intake.meta_reply(said)
    assert not any(e.get("event") == "followup" for e in events)


def test_a_complaint_outside_the_questions_gets_sorry_and_the_way_to_a_person_not_an_intake(contact_db):
    from actions.intake import ActionStartIntake

    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase=None, urgency=None)
    text = "dit is echt nutteloos, je beantwoordt mijn vraag niet eens"
    events, [reply] = run(ActionStartIntake(), with_message(tracker, parse(text, "vraag_overig", 0.5)))
    assert events == [] and reply["text"] == intake.meta_reply("complaint")
    assert contacts(contact_db) == []


def test_a_complaint_gets_sorry_and_the_way_to_a_person_then_the_question_again():
    events, [message] = validate(
        with_message(load_tracker("form_doorvraag"), parse("wat een onzin dit", "vraag_overig", 0.5))
    )
    assert "medewerker" in message["text"] and "030-285 66 16" in message["text"]
    assert events == [SlotSet("meta_kind", "complaint"), SlotSet(REQ, "doorvraag_2")]
    assert not_rejected(events)


def test_wanting_a_person_in_words_hands_over():
    events, _ = validate(
        with_message(
            load_tracker("form_doorvraag"),
            parse("Ik wil nu gewoon een mens spreken in plaats van nog meer vragen.", "vraag_overig", 0.4),
        )
    )
    assert events[:3] == [SlotSet("meta_kind", "person"), SlotSet("intake_stopped", True), FollowupAction("action_handoff")]
    assert not_rejected(events)


def test_the_greeting_takes_the_hours_and_number_from_the_knowledge_files():
    from actions.intake import ActionGreet
    from bot import hours
    from bot import question_bank as qb

    _, [message] = run(ActionGreet(), load_tracker("form_confirm"))
    assert hours.opening_hours_text() in message["text"] and qb.helpdesk_phone() in message["text"]
    assert "{" not in message["text"]


def test_right_after_a_referral_more_about_the_case_is_kept_not_a_new_intake(contact_db):
    from rasa_sdk.events import FollowupAction as Followup

    from actions.intake import ActionStartIntake
    from bot.classifier import from_parse
    from bot.contact_log import open_contact

    open_contact("test-after-referral", theme="sociale_veiligheid", question_type="incident", urgent=True)
    tracker = load_tracker("question_pesten")
    tracker.sender_id = "test-after-referral"
    tracker.slots.update(urgency="zelfdoding", intake_phase=None, caller_role=None, school_type=None)
    tracker = with_message(
        tracker,
        parse(
            "ben haar mentor, vso. ze is al naar huis",
            "vraag_sociale_veiligheid_incident",
            0.6,
            entities={"caller_role": "mentor", "school_type": "so"},
        ),
    )
    tracker.slots["theme"] = None  # the referral's message said nothing about the theme
    events, [message] = run(ActionStartIntake(), tracker)
    told = from_parse(tracker.latest_message)
    assert told.theme != "overig"
    assert events == [
        SlotSet("caller_role", "mentor"),
        SlotSet("school_type", "so"),
        SlotSet("theme", told.theme),
        SlotSet("question_type", told.question_type),
        Followup("action_listen"),
    ]
    assert message["text"] == intake.texts()["noted"]["after_referral"]
    [contact] = contacts(contact_db, "test-after-referral")
    assert (contact.caller_role, contact.school_type, contact.theme) == ("mentor", "so", told.theme)


def test_an_unsure_question_right_after_a_referral_keeps_the_referrals_theme(contact_db):
    from actions.intake import ActionStartIntake
    from bot.contact_log import open_contact

    open_contact("test-after-referral", theme="sociale_veiligheid", question_type="incident", urgent=True)
    tracker = load_tracker("question_pesten")
    tracker.sender_id = "test-after-referral"
    tracker.slots.update(urgency="acuut_gevaar", intake_phase=None, theme="sociale_veiligheid", question_type="incident")
    ranking = [
        {"name": "vraag_wet_en_regelgeving_incident", "confidence": 0.35},
        {"name": "vraag_sociale_veiligheid_beleid", "confidence": 0.3},
        {"name": "vraag_pesten_incident", "confidence": 0.35},
    ]
    message = parse("de directie weet het nu, wat doen we eerst?", "vraag_wet_en_regelgeving_incident", 0.35,
                    ranking=ranking)
    events, _ = run(ActionStartIntake(), with_message(tracker, message))
    assert SlotSet("theme", "sociale_veiligheid") in events and SlotSet("question_type", "incident") in events
    assert SlotSet("implicit_confirmed", True) in events  # sure from the context: no "Klopt dat?"
    [newest] = [c for c in contacts(contact_db, "test-after-referral") if not c.urgent]
    assert (newest.theme, newest.question_type, newest.status) == ("sociale_veiligheid", "incident", "lopend")


def test_just_answer_right_after_an_answer_closes_without_giving_the_answer_again(contact_db):
    from bot.contact_log import open_contact

    open_contact("test-form-confirm", theme="pesten", question_type="overig")
    tracker = load_tracker("form_confirm")
    tracker.slots.update(answer_key="plagen_of_pesten", intake_confirmed=True, intake_phase="antwoord",
                         requested_slot="answer_feedback")
    tracker = with_message(tracker, parse("ik vraag alleen een definitie, geen vragen", "vraag_overig", 0.4))
    events, _ = validate(tracker)
    assert events[:4] == [
        SlotSet("meta_kind", "just_answer"),
        SlotSet("answer_feedback", "weet_niet"),
        SlotSet("ask_on", "nee"),
        FollowupAction("action_close_intake"),
    ]
    assert events[-1] == SlotSet(REQ, None)  # nothing left to ask: no second "Had je hier iets aan?"


def test_a_remark_about_the_chat_read_as_danger_gets_a_fitting_reply_not_a_referral(contact_db):
    from actions.intake import ActionReferUrgent

    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase=None)
    message = parse("dit duurt me te lang, ik zit niet te wachten op een vragenlijst", "urgent", 0.9)
    message["entities"] = [{"entity": "urgency", "value": "acuut_gevaar", "start": 0, "end": 0},
                           {"entity": "urgency_level", "value": "acuut", "start": 0, "end": 0}]
    events, [reply] = run(ActionReferUrgent(), with_message(tracker, message))
    assert events == [] and reply["text"] == intake.meta_reply("just_answer_outside")
    assert contacts(contact_db) == []  # no urgent contact


def test_a_danger_word_in_the_remark_still_gets_the_referral(contact_db):
    from actions.intake import ActionReferUrgent

    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase=None)
    text = "ik wil een mens spreken, hij heeft een mes"
    message = parse(text, "urgent", 0.95)
    start = text.index("mes")
    message["entities"] = [{"entity": "urgency", "value": "acuut_gevaar", "start": start, "end": start + 3},
                           {"entity": "urgency_level", "value": "acuut", "start": 0, "end": 0}]
    _, [reply] = run(ActionReferUrgent(), with_message(tracker, message))
    assert "112" in reply["text"]


def test_a_role_noted_outside_the_intake_is_kept_for_the_next_contact(contact_db):
    from actions.intake import ActionNoteProfile

    tracker = with_message(load_tracker("question_pesten"),
                           parse("ok docent dan, vo", "inform", 0.9, entities={"caller_role": "docent",
                                                                               "school_type": "vo"}))
    events, _ = run(ActionNoteProfile(), tracker)
    assert events == [SlotSet("caller_role", "docent"), SlotSet("school_type", "vo")]


def test_a_case_under_the_meldplicht_gets_the_duty_early_once_and_the_intake_goes_on(contact_db):
    from actions.intake import ActionStartIntake
    from bot import question_bank as qb

    tracker = load_tracker("question_pesten")
    case = "Een leerling van 14 vertelde dat een stagiair haar op schoot nam en over haar been streelde"
    tracker = with_message(tracker, parse(case, "vraag_sociale_veiligheid_incident", 0.8))
    events, messages = run(ActionStartIntake(), tracker)
    assert messages[-1]["text"] == qb.duty_text("meldplicht", None)
    assert "0900-111 3 111" in messages[-1]["text"]  # the duty comes with its referral
    assert SlotSet("duties_told", ["meldplicht"]) in events
    assert SlotSet("intake_phase", "intake") in events  # and the intake goes on
    tracker.slots["duties_told"] = ["meldplicht"]
    _, again = run(ActionStartIntake(), tracker)
    assert all(m["text"] != qb.duty_text("meldplicht", None) for m in again)


def test_a_pupil_gets_no_school_intake_but_a_warm_referral(contact_db):
    from actions.advice import ActionGiveAdvice
    from bot import labels
    from bot.contact_log import open_contact

    state = intake.IntakeState(theme="pesten", question_type="incident", caller_role=labels.PUPIL)
    assert intake.required_slots(state) == []  # no role, school or policy questions for a pupil
    open_contact("test-form-confirm", theme="pesten", question_type="incident")
    tracker = load_tracker("form_confirm")
    tracker.slots.update(caller_role=labels.PUPIL, school_type="vo", theme="pesten", question_type="incident")
    events, [message] = run(ActionGiveAdvice(), tracker)
    assert "0800-0432" in message["text"] and "bouwsteen" not in message["text"].lower()
    assert events == [SlotSet("intake_phase", "advies")]
    [contact] = contacts(contact_db)
    assert (contact.caller_role, contact.school_type) == ("leerling", "vo")


def test_a_pupil_is_pointed_to_the_people_of_their_kind_of_school(contact_db):
    from actions.advice import ActionGiveAdvice
    from bot import labels
    from bot.contact_log import open_contact

    said = {}
    for school in ("po", "mbo", None):
        open_contact("test-form-confirm", theme="pesten", question_type="incident")
        tracker = load_tracker("form_confirm")
        tracker.slots.update(caller_role=labels.PUPIL, school_type=school, theme="pesten", question_type="incident")
        _, [message] = run(ActionGiveAdvice(), tracker)
        said[school] = message["text"]
    assert "juf of meester" in said["po"] and "studieloopbaanbegeleider" not in said["po"]
    assert "studieloopbaanbegeleider" in said["mbo"] and "juf" not in said["mbo"]
    assert "mentor" in said[None] and "juf of meester" in said[None]  # not said: everyone it may be


def test_an_adult_student_gets_the_schools_vertrouwenspersoon_not_the_childrens_line(contact_db):
    from actions.advice import ActionGiveAdvice
    from actions.intake import noted_after_advice
    from bot import labels
    from bot.contact_log import open_contact
    from rasa_sdk.executor import CollectingDispatcher

    open_contact("test-form-confirm", theme="sociale_veiligheid", question_type="incident")
    tracker = with_message(load_tracker("form_confirm"), parse("ik ben 19 dus geen kind meer haha", "inform", 0.8))
    tracker.slots.update(caller_role=labels.PUPIL, school_type="mbo", theme="sociale_veiligheid", question_type="incident")
    _, [message] = run(ActionGiveAdvice(), tracker)
    assert "0800-0432" not in message["text"] and "vertrouwenspersoon" in message["text"]
    assert message["text"] == intake.texts()["advice"]["pupil_adult"].format(first="")
    dispatcher = CollectingDispatcher()
    noted_after_advice(dispatcher, tracker)
    assert "Kindertelefoon" not in dispatcher.messages[0]["text"]


def test_an_mbo_student_who_did_not_say_their_age_hears_the_childrens_line_for_under_18s_only(contact_db):
    """Many mbo students are adults: until one says their age, De Kindertelefoon is offered "ben je jonger
    dan 18?", never as if they were a child; on the vo it is offered as before; after "ik ben 19" not at all."""
    from actions.advice import ActionGiveAdvice
    from actions.intake import noted_after_advice
    from bot import knowledge, labels
    from bot.contact_log import open_contact
    from rasa_sdk.executor import CollectingDispatcher

    conditional = knowledge.load("referrals")["services"]["kindertelefoon"]["age_unknown_text"]
    open_contact("test-form-confirm", theme="sociale_veiligheid", question_type="incident")
    told = "mijn stagebegeleider maakt steeds opmerkingen over mijn lichaam"
    tracker = with_message(load_tracker("form_confirm"), parse(told, "vraag_sociale_veiligheid_incident", 0.8))
    tracker.slots.update(caller_role=labels.PUPIL, school_type="mbo", theme="sociale_veiligheid", question_type="incident")
    _, [message] = run(ActionGiveAdvice(), tracker)
    assert conditional in message["text"] and message["text"].count("0800-0432") == 1
    dispatcher = CollectingDispatcher()
    noted_after_advice(dispatcher, tracker)
    assert dispatcher.messages[0]["text"] == intake.texts()["noted"]["after_advice_student_age_unknown"]
    tracker.slots.update(school_type="vo")
    _, [message] = run(ActionGiveAdvice(), tracker)
    assert conditional not in message["text"] and "0800-0432" in message["text"]
    dispatcher = CollectingDispatcher()
    noted_after_advice(dispatcher, tracker)
    assert dispatcher.messages[0]["text"] == intake.texts()["noted"]["after_advice_pupil"]


def test_a_pupil_telling_more_after_the_warm_referral_is_heard_not_given_a_new_intake(contact_db):
    from actions.intake import ActionFallback, ActionStartIntake
    from bot import labels

    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase="advies", caller_role=labels.PUPIL)
    pupil_line = intake.texts()["noted"]["after_advice_pupil"]
    told = parse("mijn mentor weet het, die zei dat ik het moet negeren", "nlu_fallback", 0.3)
    events, [message] = run(ActionFallback(), with_message(tracker, told))
    assert message["text"] == pupil_line and events == [FollowupAction("action_listen")]
    question = parse("ik ga wel naar de vertrouwenspersoon op school denk ik", "vraag_vertrouwenswerk_incident", 0.6)
    events, [message] = run(ActionStartIntake(), with_message(tracker, question))
    assert message["text"] == pupil_line and events == [FollowupAction("action_listen")]
    assert contacts(contact_db) == []  # no new intake, no new contact


def test_a_pupil_writing_on_after_the_advice_gets_a_reply_that_fits_and_never_the_same_words_twice(contact_db):
    """ "ik durf het niet aan mijn mentor te zeggen", then "wat als het erger wordt": not one line in a loop."""
    from actions.intake import ActionFallback
    from bot import labels

    noted = intake.texts()["noted"]
    people = intake.texts()["advice"]["pupil_people"]["vo"]
    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase="advies", caller_role=labels.PUPIL, school_type="vo")

    def reply(text, said_last=None):
        if said_last is not None:
            tracker.events.append({"event": "bot", "text": said_last})  # the fixture holds no user event
        _, [message] = run(ActionFallback(), with_message(tracker, parse(text, "nlu_fallback", 0.3)))
        return message["text"]

    afraid = reply("ik durf het niet aan mijn mentor te zeggen")
    assert afraid == noted["after_advice_pupil_afraid"].format(people=people)
    assert reply("wat als het erger wordt", said_last=afraid) == noted["after_advice_pupil_question"].format(
        people=people)
    question = noted["after_advice_pupil_question"].format(people=people)
    assert reply("en wat als ze het dan nog erger maken?", said_last=question) == \
        noted["after_advice_pupil_again"].format(people=people)
    told = noted["after_advice_pupil"]
    assert reply("ze deden het vandaag weer", said_last=told) == noted["after_advice_pupil_again"].format(
        people=people)


def test_after_an_answer_about_the_helpdesk_a_safety_case_is_a_case_of_its_own():
    text = ("Oké. Ik vraag het eigenlijk omdat ik me zorgen maak over een leerling uit mijn klas. "
            "Hij deelt sinds kort filmpjes van een extremistische groep.")
    unsure = [{"name": "vraag_sociale_veiligheid_incident", "confidence": 0.45},
              {"name": "vraag_pesten_incident", "confidence": 0.3}, {"name": "vraag_overig", "confidence": 0.25}]
    reply = intake.Reply.of(parse(text, "vraag_sociale_veiligheid_incident", 0.45, ranking=unsure))
    assert intake.is_new_case(reply, "overig", "overig")
    # After a safety answer the same unsure reading tells more about that case.
    assert not intake.is_new_case(reply, "pesten", "incident")


def test_after_an_answer_a_plain_statement_in_the_same_frame_is_its_context():
    """ "mag ik info delen met het jeugdteam?" answered; "het gaat om een jongen van 14 ..." is that case."""
    text = "het gaat om een jongen van 14 die veel verzuimt en thuis veel ruzie heeft"
    sure = intake.Reply.of(parse(text, "vraag_sociale_veiligheid_incident", 0.9))
    assert not intake.is_new_case(sure, "wet_en_regelgeving", "incident")
    # The same words after a question about policy are a case of their own; so is a question on another theme.
    assert intake.is_new_case(sure, "wet_en_regelgeving", "beleid")
    question = intake.Reply.of(parse("hoe pak ik het verzuim van een jongen van 14 aan?", "vraag_sociale_veiligheid_incident", 0.9))
    assert intake.is_new_case(question, "wet_en_regelgeving", "incident")


def test_after_an_information_question_the_case_told_is_the_one_behind_it_unless_it_says_when():
    """ "wil graag sparren over een lastige casus met een ouder" answered; the casus told next is that one."""
    casus = intake.Reply.of(parse("een vader beschuldigt de school van discriminatie van zijn dochter en neemt alle "
                                  "gesprekken op", "vraag_sociale_veiligheid_incident", 0.9))
    assert not intake.is_new_case(casus, "vertrouwenswerk", "overig")
    assert intake.is_new_case(casus, "vertrouwenswerk", "beleid")  # after a question about policy: its own
    event = intake.Reply.of(parse("Gisteren heeft een vader op het plein een leerkracht uitgescholden en geduwd.",
                                  "vraag_sociale_veiligheid_incident", 0.9))
    assert intake.is_new_case(event, "vertrouwenswerk", "overig")


def test_a_law_question_about_the_case_on_the_table_is_its_practical_question_not_a_new_case():
    """labels.md rule 1: what the law requires or allows is wet_en_regelgeving, whatever the case is about."""
    state = intake.IntakeState(theme="vertrouwenswerk", question_type="incident")
    asked = "Moet ik dit verplicht doorgeven aan het bestuur, of mag ik het vertrouwelijk houden?"
    sure = intake.Reply.of(parse(asked, "vraag_wet_en_regelgeving_incident", 0.9))
    assert not intake.is_new_case(sure, "vertrouwenswerk", "incident")
    assert intake.refined_theme(sure, state) == "wet_en_regelgeving"
    # Read unsurely: only with the theme's cues in its words ("verplicht", labels.yml), and not too unsurely.
    def split(text, wet):
        ranking = [{"name": "vraag_wet_en_regelgeving_incident", "confidence": wet},
                   {"name": "vraag_vertrouwenswerk_incident", "confidence": (1 - wet) / 2},
                   {"name": "vraag_pesten_incident", "confidence": (1 - wet) / 2}]
        return intake.Reply.of(parse(text, "vraag_wet_en_regelgeving_incident", wet, ranking=ranking))

    assert intake.refined_theme(split(asked, 0.45), state) == "wet_en_regelgeving"
    uncued = "Moet ik dit doorgeven aan het bestuur?"
    assert not intake.carries_cues("wet_en_regelgeving", uncued)
    # Too unsure, unsure without a cue, told as a statement, on another theme, or on the contact's own theme.
    told = intake.Reply.of(parse("Het bestuur weet er nog niets van.", "vraag_wet_en_regelgeving_incident", 0.9))
    how = intake.Reply.of(parse("Hoe vertel ik dit aan de klas zonder haar te beschadigen?", "vraag_pesten_incident", 0.9))
    too_unsure = split(asked, 0.35)
    assert too_unsure.classification.theme == "wet_en_regelgeving"
    for reply in (too_unsure, split(uncued, 0.45), told, how):
        assert intake.refined_theme(reply, state) is None, reply.text
    assert intake.refined_theme(sure, intake.IntakeState(theme="wet_en_regelgeving", question_type="incident")) is None
    # A question about the law that does not point back at the case is one of its own.
    own = intake.Reply.of(parse("Mag een school camerabeelden van een vechtpartij aan ouders laten zien?",
                                "vraag_wet_en_regelgeving_beleid", 0.9))
    assert intake.is_new_case(own, "vertrouwenswerk", "incident") and intake.refined_theme(own, state) is None
    # A case of its own after a question about policy is still one, law or not.
    case = intake.Reply.of(parse("Gisteren sloeg een leerling een docent. Moeten we nu aangifte doen?",
                                 "vraag_wet_en_regelgeving_incident", 0.9))
    assert intake.is_new_case(case, "pesten", "beleid")



@pytest.mark.parametrize(("text", "asks"), [
    ("Wij hebben niemand die officieel anti-pestcoördinator is. Is dat wettelijk verplicht? Ja of nee.", True),
    ("Hoe pak ik dit aan", True),
    ("ja, hoezo? we hebben dat wel vastgelegd", False),
    ("De mentor weet ervan.", False),
])
def test_a_question_anywhere_in_the_message(text, asks):
    assert intake.is_question(text) is asks


@pytest.mark.parametrize(("text", "back"), [
    ("mag ik die jongens zelf straf geven of moet dat via de teamleider??", True),
    ("Moeten we die collega's op non-actief zetten?", True),
    ("Moet ik dit melden?", True),
    ("Mag een school camerabeelden van een vechtpartij laten zien?", False),
    ("Mogen scholen leerlingen schorsen zonder overleg met de ouders?", False),
])
def test_a_question_points_back_at_the_case_in_the_singular_and_the_plural(text, back):
    from bot.intake_reading import refers_back

    assert refers_back(text) is back


@pytest.mark.parametrize(("text", "asks"), [
    ("Mag een school zo iemand niet gewoon van school sturen? Wat zijn daar de regels voor?", True),
    ("De school heeft die jongen één dag geschorst. Dat is toch te gek voor woorden? Veel te licht.", False),
    ("Moet ik dit verplicht doorgeven aan het bestuur?", True),
    ("Geldt dat ook voor het mbo?", True),
    # Words a question opens with (bot/knowledge/openers.yml) are read past.
    ("Trouwens, moet onze school eigenlijk een klachtenregeling hebben?", True),
    ("O ja, en geldt dat ook voor het mbo?", True),
    ("Hoi! Mag ik camerabeelden aan ouders laten zien?", True),
    ("En dat is toch te gek voor woorden?", False),
    ("nee, ze wil geen melding maken, mag ik het dan toch doorgeven?", True),
])
def test_a_practical_question_is_told_from_a_rhetorical_one(text, asks):
    assert intake.asks_practically(text) is asks


@pytest.mark.parametrize(("text", "opened"), [
    ("O ja, en moet een school een anti-pestcoördinator hebben?", "moet een school een anti-pestcoördinator hebben?"),
    ("Trouwens: mag dat?", "mag dat?"),
    ("Hoi, goedemorgen. Is de Wvs ook voor het mbo?", "Is de Wvs ook voor het mbo?"),
    ("Ok", "Ok"),                                             # openers only: left as it is
    ("Ondertussen is het erger geworden", "Ondertussen is het erger geworden"),  # a word that only starts like one
])
def test_a_question_is_read_without_the_words_it_opens_with(text, opened):
    from bot.nlp.openers import without_openers

    assert without_openers(text) == opened


@pytest.mark.parametrize("text, spared", [
    ("mijn zoon wordt gepest, ik heb geen tijd voor vragen, wat moet ik doen", True),
    ("Een leerling uit 2 havo wordt buitengesloten in de groepsapp. Graag geen vragen, gewoon tips.", True),
    ("wat moet ik doen als een ouder schreeuwt bij het hek? zonder al die vragen graag", True),
    ("ik heb geen tijd gehad om de ouders te bellen, wat nu?", False),
    ("een leerling stelt steeds vragen over mijn privéleven, hoe ga ik daarmee om?", False),
    ("/vraag_pesten_incident", False),
])
def test_a_first_message_that_asks_to_skip_the_questions(text, spared):
    assert intake.wants_no_questions(text) is spared


def test_a_case_told_with_no_time_for_questions_gets_the_advice_at_once(contact_db):
    from actions.intake import ActionStartIntake

    text = "mijn zoon wordt gepest, ik heb geen tijd voor vragen, wat moet ik doen"
    tracker = with_message(load_tracker("question_pesten"), parse(text, "vraag_pesten_incident", 0.9))
    events, messages = run(ActionStartIntake(), tracker)
    assert messages[-1]["text"] == intake.meta_reply("just_answer")
    assert events[-2:] == [SlotSet("meta_kind", "just_answer"), SlotSet("intake_stopped", True)]
    tracker.add_slots(events)
    assert intake.required_slots(intake.IntakeState.of(tracker.slots)) == []  # the form asks nothing: advice


def test_a_question_with_an_answer_and_no_time_gets_the_answer_without_the_offer_to_ask_on(contact_db):
    from actions.intake import ActionStartIntake

    text = "geen tijd voor vragen: is de wet veiligheid op school ook van toepassing op het mbo?"
    message = parse(text, "vraag_wet_en_regelgeving_overig", 0.9, entities={"answer": "wvos_mbo"})
    tracker = with_message(load_tracker("question_pesten"), message)
    events, _ = run(ActionStartIntake(), tracker)
    assert SlotSet("answer_key", "wvos_mbo") in events
    assert events[-2:] == [SlotSet("meta_kind", "just_answer"), SlotSet("ask_on", "nee")]
    tracker.add_slots(events)
    assert intake.required_slots(intake.IntakeState.of(tracker.slots)) == ["answer_feedback"]


def test_words_that_may_tell_of_danger_after_the_advice_get_the_first_number_not_only_thanks(contact_db):
    from actions.intake import ActionFallback
    from bot import labels, referrals
    from bot.contact_log import open_contact

    tracker = load_tracker("question_pesten")
    open_contact(tracker.sender_id, theme="pesten", question_type="incident")
    tracker.slots.update(intake_phase="advies", caller_role=labels.PUPIL)
    told = parse("ik durf het niet te zeggen, soms wil ik gewoon weg", "nlu_fallback", 0.3)
    told["entities"] = [{"entity": "urgency", "value": "zelfdoding", "start": 0, "end": 0},
                        {"entity": "urgency_level", "value": "mogelijk", "start": 0, "end": 0}]
    events, [message] = run(ActionFallback(), with_message(tracker, told))
    first = referrals.first_service("zelfdoding", pupil=True)
    assert message["text"] == intake.texts()["danger"]["told_more"].format(first=first)
    assert message["kind"] == "referral"
    [contact] = contacts(contact_db)
    assert (contact.urgency_level, contact.urgency_category) == ("mogelijk", "zelfdoding")


@pytest.mark.parametrize("text, ending", [
    ("laat maar eigenlijk. weet niet of ik hier goed zit", True),
    ("ach laat ook maar zitten", True),
    ("laat maar, doei", True),
    ("laat maar. de leerling wordt al weken gepest door drie jongens uit zijn klas", False),
    ("dank je. maar hoe doe ik dat dan?", False),
])
def test_giving_up_is_an_ending_first_or_alone(text, ending):
    assert intake.gives_up(text) is ending
    assert intake.meta_of("laat maar") != "ending"  # inside the questions it stops them: the advice


@pytest.mark.parametrize("text, announces", [
    ("ik heb een vraag over de monitor", True),
    ("Hoi, ik heb een vraagje over pesten", True),
    ("Ik heb een vraag.", True),
    ("ik heb een vraag over een leerling die al weken wordt gepest door klasgenoten", False),  # the case is told
    ("ik heb een vraag: mag een mentor dat?", False),
    ("een leerling heeft een vraag over de monitor gesteld", False),
])
def test_a_message_that_only_announces_a_question(text, announces):
    assert intake.announces_question(text) is announces


def test_an_announced_question_is_asked_for_not_started_as_an_intake(contact_db):
    from actions.intake import ActionStartIntake

    tracker = with_message(load_tracker("question_pesten"),
                           parse("Hoi, ik heb een vraagje over pesten", "vraag_pesten_overig", 0.6))
    events, [message] = run(ActionStartIntake(), tracker)
    assert message["text"] == intake.texts()["fallback"]["theme_named"].format(theme="pesten")
    assert events[-3:] == [SlotSet("announced_theme", "pesten"), SlotSet("intake_phase", "aangekondigd"),
                           FollowupAction("action_listen")]
    [contact] = contacts(contact_db)  # one who leaves now was still in touch
    assert (contact.theme, contact.question_type, contact.status) == ("pesten", "overig", "lopend")
    # The question that follows is that contact's: updated, not a second one.
    tracker.add_slots(events)
    question = "een leerling in mijn klas wordt buitengesloten in de groepsapp, wat kan ik doen?"
    run(ActionStartIntake(), with_message(tracker, parse(question, "vraag_pesten_incident", 0.9)))
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type, contact.status) == ("pesten", "incident", "lopend")
    tracker = with_message(load_tracker("question_pesten"),
                           parse("ik heb een vraag over de monitor", "vraag_overig", 0.5))
    _, [message] = run(ActionStartIntake(), tracker)
    assert message["text"] == intake.texts()["fallback"]["announced"]


@pytest.mark.parametrize(("text", "intent", "entities", "introduces"), [
    ("Ik ben ouder, mijn zoon zit op de basisschool.", "vraag_overig_incident", {"caller_role": "ouder", "school_type": "po"}, True),
    ("Hallo, ik ben mentor op een vmbo.", "vraag_overig", {"caller_role": "mentor", "school_type": "vo"}, True),
    # A case, a question, or a role with a safety theme read: the intake starts on it.
    ("Ik ben mentor, een leerling wordt gepest.", "vraag_pesten_incident", {"caller_role": "mentor"}, False),
    ("Ik ben ouder, mag de school mijn zoon schorsen?", "vraag_overig", {"caller_role": "ouder"}, False),
    ("mijn zoon zit op de basisschool en wil er niet meer heen", "vraag_overig_incident", {}, False),
])
def test_a_message_that_only_says_who_is_asking(text, intent, entities, introduces):
    assert intake.only_introduces(intake.Reply.of(parse(text, intent, 0.9, entities=entities))) is introduces


def test_who_is_asking_told_first_is_kept_and_the_question_asked_for(contact_db):
    """ "Ik ben ouder, mijn zoon zit op de basisschool" is no question: no intake coded by the type its words get."""
    from actions.intake import ActionStartIntake

    said = parse("Ik ben ouder, mijn zoon zit op de basisschool.", "vraag_overig_incident", 0.9,
                 entities={"caller_role": "ouder", "school_type": "po"})
    events, [message] = run(ActionStartIntake(), with_message(load_tracker("question_pesten"), said))
    assert message["text"] == intake.texts()["noted"]["default"]
    assert events[-2:] == [SlotSet("intake_phase", "aangekondigd"), FollowupAction("action_listen")]
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type, contact.caller_role, contact.school_type) == ("overig", "overig", "ouder", "po")
    # Right after "Sorry, ik begrijp je niet helemaal": the question is asked for in other words.
    tracker = with_message(load_tracker("question_pesten"), said)
    tracker.events.insert(len(tracker.events) - 1, {"event": "action", "name": "action_fallback"})
    _, [message] = run(ActionStartIntake(), tracker)
    assert message["text"] == intake.texts()["noted"]["after_fallback"]


def test_a_practical_question_typed_at_the_topic_question_gets_its_answer_on_the_same_contact(contact_db):
    from bot.contact_log import open_contact

    tracker = load_tracker("form_confirm")
    open_contact(tracker.sender_id, theme="overig", question_type="overig")
    tracker.slots.update(theme="overig", question_type="overig", theme_needed=True, intake_confirmed=None,
                         answer_key=None, intake_text="ik wil iets vragen", requested_slot="intake_theme")
    asked = "Zijn we verplicht om elk jaar de sociale veiligheid te monitoren?"
    message = parse(asked, "vraag_wet_en_regelgeving_beleid", 0.9, entities={"answer": "wvos_monitor_jaarlijks"})
    message["intent_ranking"] = [{"name": "vraag_wet_en_regelgeving_beleid", "confidence": 0.9}]
    events, _ = validate(with_message(tracker, message))
    assert SlotSet("answer_key", "wvos_monitor_jaarlijks") in events
    assert SlotSet("theme", "wet_en_regelgeving") in events and SlotSet("intake_confirmed", True) in events
    assert events[-1] == SlotSet("requested_slot", "answer_feedback")  # the answer comes next
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type) == ("wet_en_regelgeving", "beleid")
    # Only likely: offered first, the topic then confirmed as usual.
    offered = parse(asked, "vraag_wet_en_regelgeving_beleid", 0.5,
                    entities={"answer_suggestion": "wvos_monitor_jaarlijks"})
    tracker.slots.update(answer_key=None, answers_given=None)
    events, _ = validate(with_message(tracker, offered))
    assert SlotSet("answer_suggested", "wvos_monitor_jaarlijks") in events
    assert events[-1] == SlotSet("requested_slot", "suggestion_check")


def test_a_vague_reply_after_an_announced_question_gets_the_topic_question_not_sorry(contact_db):
    from actions.intake import ActionFallback

    tracker = load_tracker("question_pesten")
    tracker.slots.update(intake_phase="aangekondigd", announced_theme=None)
    events, messages = run(ActionFallback(), with_message(tracker, parse("gaat over school", "nlu_fallback", 0.3)))
    assert events == [FollowupAction("action_start_intake")] and messages == []


def test_the_models_possible_danger_alone_after_the_advice_to_an_adult_is_taken_in_without_a_number(contact_db):
    from actions.intake import ActionFallback
    from bot.contact_log import open_contact

    tracker = load_tracker("question_pesten")
    open_contact(tracker.sender_id, theme="pesten", question_type="beleid")
    tracker.slots.update(intake_phase="advies", caller_role="anti_pest")
    told = parse("bij mij komen eigenlijk nooit meldingen binnen, dat zegt denk ik genoeg", "nlu_fallback", 0.3)
    told["entities"] = [{"entity": "urgency", "value": "algemeen", "start": 0, "end": 0},
                        {"entity": "urgency_level", "value": "mogelijk", "start": 0, "end": 0}]
    events, [message] = run(ActionFallback(), with_message(tracker, told))
    assert message["text"].startswith(intake.texts()["noted"]["after_advice"].split("{")[0]) and message["kind"] == "noted"
    [contact] = contacts(contact_db)
    assert contact.urgency_level is None


def test_ok_i_am_calling_at_the_referrals_check_question_is_no_yes_we_are_safe(contact_db):
    from actions.intake import ActionStartIntake

    def right_after_the_referral(text):
        tracker = load_tracker("question_pesten")
        tracker.events[:] = [{"event": "action", "name": "action_refer_urgent"},
                             {"event": "action", "name": "action_listen"},
                             {"event": "user", "text": text, "parse_data": parse(text, "affirm", 0.9)}]
        tracker.slots.update(urgency="acuut_gevaar", intake_phase=None)
        return with_message(tracker, parse(text, "affirm", 0.9))

    events, [message] = run(ActionStartIntake(), right_after_the_referral("ok ik bel nu"))
    assert message["text"] == intake.texts()["fallback"]["after_referral"] and events == [FollowupAction("action_listen")]
    events, [message] = run(ActionStartIntake(), right_after_the_referral("ja hoor"))
    assert message["response"] == "utter_urgent_safe"


def test_yes_we_are_safe_at_the_referrals_check_question_read_as_inform_is_heard_as_safe(contact_db):
    """The fallback reaches it too ("ja, ze is nu op school, ze is veilig" is no command to call)."""
    from actions.intake import ActionFallback

    tracker = load_tracker("question_pesten")
    text = "ja, ze is nu op school, ze is veilig"
    tracker.events[:] = [{"event": "action", "name": "action_refer_urgent"}, {"event": "action", "name": "action_listen"},
                         {"event": "user", "text": text, "parse_data": parse(text, "nlu_fallback", 0.3)}]
    tracker.slots.update(urgency="kindermishandeling", intake_phase=None)
    events, [message] = run(ActionFallback(), with_message(tracker, parse(text, "nlu_fallback", 0.3)))
    assert message["response"] == "utter_urgent_safe" and events[-1] == FollowupAction("action_listen")


def test_a_question_about_the_same_case_after_the_advice_is_answered_on_its_contact_without_new_questions(contact_db):
    from actions.intake import ActionStartIntake
    from bot import answers
    from bot.contact_log import open_contact

    tracker = load_tracker("question_pesten")
    open_contact(tracker.sender_id, theme="pesten", question_type="incident", caller_role="ouder")
    tracker.slots.update(intake_phase="advies", theme="pesten", question_type="incident", caller_role="ouder")
    asked = parse("en als de directeur ook niks doet?", "vraag_pesten_incident", 0.5)
    events, [message] = run(ActionStartIntake(), with_message(tracker, asked))
    assert message["text"].startswith(intake.texts()["answer"]["none_after_advice"].split("{")[0])
    assert events[-1] == FollowupAction("action_listen") and not any(e.get("name") == "theme" for e in events)
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type) == ("pesten", "incident")
    # With a sure answer, that answer (on the same contact), once.
    sure = parse("is een pestprotocol eigenlijk verplicht dan?", "vraag_pesten_incident", 0.5,
                 entities={"answer": "pestprotocol_verplicht"})
    events, [message] = run(ActionStartIntake(), with_message(tracker, sure))
    assert message["text"].startswith(answers.by_key()["pestprotocol_verplicht"].answer)
    assert SlotSet("answers_given", ["pestprotocol_verplicht"]) in events
    assert len(contacts(contact_db)) == 1


def test_a_law_question_after_the_advice_codes_its_contact_as_one_about_the_law(contact_db):
    from actions.intake import ActionStartIntake

    tracker = load_tracker("question_pesten")
    open_contact_as(tracker, theme="pesten", question_type="incident")
    asked = parse("Mag de school die jongen nu gewoon van school sturen? Wat zijn daar de regels voor?",
                  "vraag_wet_en_regelgeving_incident", 0.8)
    events, [message] = run(ActionStartIntake(), with_message(tracker, asked))
    assert message["text"].startswith(intake.texts()["answer"]["none_after_advice"].split("{")[0])
    assert events == [SlotSet("theme", "wet_en_regelgeving"), SlotSet("case_theme", "pesten"),
                      FollowupAction("action_listen")]
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type) == ("wet_en_regelgeving", "incident")


def test_a_question_about_a_duty_told_before_gets_that_duty_after_the_advice_too(contact_db):
    """"Moet ik dit nu toch melden?" after the advice that told the meldplicht: the duty again, ended with
    the way to a person (no "Dan ga ik verder met mijn vragen": there are none left)."""
    from actions.intake import ActionStartIntake
    from bot import question_bank as qb

    tracker = load_tracker("question_pesten")
    open_contact_as(tracker, theme="sociale_veiligheid", question_type="incident")
    tracker.slots.update(duties_told=["meldplicht"], school_type="vo")
    asked = parse("Moet ik dit nu toch melden?", "vraag_sociale_veiligheid_incident", 0.5)
    events, [message] = run(ActionStartIntake(), with_message(tracker, asked))
    duty = qb.duty_text("meldplicht", "vo")
    assert (message["kind"], message["text"].split(duty)[0]) == ("duty", "Zoals ik hierboven schreef: ")
    assert "verder met mijn vragen" not in message["text"] and qb.helpdesk_phone() in message["text"]
    assert events[-1] == FollowupAction("action_listen")
    # Without a duty told: the honest line after the advice.
    tracker.slots["duties_told"] = []
    _, [message] = run(ActionStartIntake(), with_message(tracker, asked))
    assert message["text"].startswith(intake.texts()["answer"]["none_after_advice"].split("{")[0])


def open_contact_as(tracker, **coding):
    from bot.contact_log import open_contact

    open_contact(tracker.sender_id, caller_role="ouder", **coding)
    tracker.slots.update(intake_phase="advies", caller_role="ouder", **coding)


def test_no_questions_asked_for_once_holds_for_the_conversations_later_intakes(contact_db):
    from actions.intake import ActionStartIntake

    tracker = load_tracker("question_pesten")
    tracker.slots.update(meta_kind="just_answer")
    events, messages = run(ActionStartIntake(), tracker)
    assert SlotSet("intake_stopped", True) in events  # the advice at once, the form asks nothing
    assert not any(m.get("kind") == "meta" for m in messages)  # "Helder, dan sla ik de vragen over" not again


@pytest.mark.parametrize("pesten_share, answer_key, theme", [
    (0.43, "seksueel_gedrag_jonge_kinderen", "sociale_veiligheid"),  # unsure reading: the answer's own theme
    (0.90, "seksueel_gedrag_jonge_kinderen", "pesten"),              # a sure reading stands
    (0.43, None, "pesten"),                                          # no answer: the reading
])
def test_a_contact_answered_from_the_knowledge_base_takes_the_answers_theme_when_the_reading_is_unsure(
    pesten_share, answer_key, theme
):
    from bot import answers
    from bot.classifier import from_parse

    assert answers.by_key()["seksueel_gedrag_jonge_kinderen"].theme == "sociale_veiligheid"
    read = from_parse(parse("doktertje gespeeld in de klas", "vraag_pesten_incident", pesten_share,
                            ranking=[{"name": "vraag_pesten_incident", "confidence": pesten_share},
                                     {"name": "vraag_sociale_veiligheid_incident", "confidence": (1 - pesten_share) / 2},
                                     {"name": "vraag_wet_en_regelgeving_incident", "confidence": (1 - pesten_share) / 2}]))
    assert read.theme == "pesten"
    assert intake.answered_theme(read, answer_key) == theme


def test_the_contact_of_an_unsurely_read_question_with_an_answer_is_coded_by_the_answer(contact_db):
    from actions.intake import ActionStartIntake

    tracker = load_tracker("question_pesten")
    text = "Mijn dochter van 5 heeft met een jongetje doktertje gespeeld in de klas, de juf was erbij."
    asked = parse(text, "vraag_pesten_incident", 0.45, entities={"answer": "seksueel_gedrag_jonge_kinderen"},
                  ranking=[{"name": "vraag_pesten_incident", "confidence": 0.45},
                           {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.4},
                           {"name": "vraag_wet_en_regelgeving_incident", "confidence": 0.15}])
    events, _ = run(ActionStartIntake(), with_message(tracker, asked))
    assert SlotSet("theme", "sociale_veiligheid") in events and SlotSet("answer_key", "seksueel_gedrag_jonge_kinderen") in events
    [contact] = contacts(contact_db)
    assert contact.theme == "sociale_veiligheid"


def test_dont_know_right_after_a_referral_is_heard_as_more_about_the_danger(contact_db):
    from actions.intake import ActionDontKnow

    tracker = load_tracker("question_pesten")
    tracker.slots.update(urgency="zelfdoding", intake_phase=None, caller_role="leerling", school_type="po")
    tracker.latest_message = parse("niemand weet het", "dont_know", 0.8)
    tracker.events.append({"event": "action", "name": "action_refer_urgent"})
    tracker.events.append({"event": "user", "text": "niemand weet het", "parse_data": tracker.latest_message})
    events, [message] = run(ActionDontKnow(), tracker)
    assert events == [] and message["kind"] == "noted"
    assert message["text"] != intake.texts()["fallback"]["after_referral"]  # a child gets their own line
    assert "Geen probleem" not in message["text"]
    # Anywhere else "weet ik niet" gets the plain reply.
    tracker = with_message(load_tracker("question_pesten"), parse("weet ik niet", "dont_know", 0.9))
    tracker.slots.update(urgency=None)
    _, [message] = run(ActionDontKnow(), tracker)
    assert message["response"] == "utter_dont_know"

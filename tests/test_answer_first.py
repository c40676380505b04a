"""Answer first, then ask on: the knowledge-base answer, its feedback and the offer to ask on (exact events)."""

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.advice import ActionCloseIntake
from actions.form import ActionAskAnswerFeedback, ActionAskAskOn, ValidateIntakeForm
from bot import answers, intake
from tests.intake_support import contact_db, contacts, load_tracker, parse, run, with_message  # noqa: F401

REQ = "requested_slot"


def answered(key="wvos_mbo", requested="answer_feedback", **slots):
    """The intake form right after the answer `key` was given (the form asks `requested`)."""
    tracker = load_tracker("form_confirm")
    tracker.slots.update(
        answer_key=key,
        theme="wet_en_regelgeving",
        question_type="beleid",
        intake_confirmed=True,
        intake_phase="antwoord",
        caller_role=None,
        school_type=None,
        **{REQ: requested},
        **slots,
    )
    return tracker


def opened(conversation="test-form-confirm"):
    from bot.contact_log import open_contact

    open_contact(conversation, theme="wet_en_regelgeving", question_type="beleid")


def validate(tracker):
    return run(ValidateIntakeForm(), tracker)


def test_the_answer_comes_with_its_source_and_the_feedback_question():
    _, [answer, question] = run(ActionAskAnswerFeedback(), answered())
    kb = answers.by_key()["wvos_mbo"]
    assert answer["text"].startswith(kb.answer)
    assert all(f"]({source.url})" in answer["text"] for source in kb.sources)
    assert question["text"] == intake.texts()["answer"]["helped"]
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]


def test_an_answer_for_some_sectors_says_for_which_when_the_sector_is_unknown():
    spec = intake.texts()["answer"]
    line = "Dit geldt voor het basisonderwijs, het voortgezet onderwijs en het speciaal onderwijs."
    silent = [
        a for a in answers.load() if set(a.sectors) == {"po", "vo", "so"} and not answers.SAYS_SECTORS.search(a.answer)
    ]
    assert silent, "an answer for po, vo and so that does not say so itself"
    assert line in answers.reply_text(silent[0], None, spec)
    assert line not in answers.reply_text(silent[0], "vo", spec)
    # An answer that names its sectors itself is not followed by a second such line.
    telling = answers.by_key()["wvos_anti_pestcoordinator_verplicht"]
    assert answers.SAYS_SECTORS.search(telling.answer)
    assert line not in answers.reply_text(telling, None, spec)


def test_an_answer_that_does_not_hold_for_the_users_sector_is_passed_over():
    assert answers.choose(["wvos_anti_pestcoordinator_verplicht", "wvos_mbo"], "mbo").key == "wvos_mbo"
    # Alone, the answer its `elsewhere` names for the mbo: there the Wet veiligheid op school does not apply.
    assert answers.choose(["wvos_anti_pestcoordinator_verplicht"], "mbo").key == "wvos_mbo"
    assert answers.choose(["anti_pestprotocol"], "mbo") is None  # no answer named for the mbo: none at all
    assert answers.choose(["wvos_anti_pestcoordinator_verplicht"], None).key == "wvos_anti_pestcoordinator_verplicht"
    assert answers.choose(["no_such_answer"], None) is None


def test_helped_is_logged_with_the_answers_key_then_the_offer_follows(contact_db):
    opened()
    tracker = with_message(answered(), parse("/affirm", "affirm"))
    events, _ = validate(tracker)
    assert events == [SlotSet("answer_feedback", "ja"), SlotSet(REQ, "ask_on")]
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category) for a in contact.answers] == [("antwoord:wvos_mbo", "ja")]
    tracker.slots["answer_feedback"] = "ja"
    _, [offer] = run(ActionAskAskOn(), tracker)
    spec = intake.texts()["answer"]
    assert offer["text"] == f"{spec['helped_yes']} {spec['ask_on']}"


def test_yes_to_asking_on_goes_on_with_the_intake_without_klopt_dat():
    tracker = with_message(answered(requested="ask_on", answer_feedback="ja"), parse("ja hoor", "affirm", 0.95))
    events, _ = validate(tracker)
    assert events == [
        SlotSet("ask_on", "ja"),
        SlotSet("intake_confirmed", True),
        SlotSet("intake_phase", "intake"),
        SlotSet(REQ, "caller_role"),
    ]


def test_no_to_asking_on_closes_the_contact_as_answered(contact_db):
    opened()
    tracker = with_message(answered(requested="ask_on", answer_feedback="ja"), parse("nee", "deny", 0.95))
    events, _ = validate(tracker)
    assert events == [SlotSet("ask_on", "nee"), FollowupAction("action_close_intake"), SlotSet(REQ, None)]
    tracker.slots["ask_on"] = "nee"
    close_events, [message] = run(ActionCloseIntake(), tracker)
    assert message["text"].startswith("Helemaal goed.")
    assert FollowupAction("action_listen") in close_events
    [contact] = contacts(contact_db)
    assert contact.status == "afgerond"


def test_telling_more_after_the_answer_goes_on_and_keeps_the_words():
    more = "ze zit in 2 havo en het speelt al sinds de herfstvakantie"
    tracker = with_message(answered(), parse(more, "inform", 0.7, entities={"school_type": "vo"}))
    events, _ = validate(tracker)
    assert SlotSet("school_type", "vo") in events  # kept, whatever was asked
    assert SlotSet("answer_feedback", "weet_niet") in events and SlotSet("ask_on", "ja") in events
    [text] = [e["value"] for e in events if e.get("name") == "intake_text"]
    assert text.endswith("sinds de herfstvakantie")
    assert events[-1] == SlotSet(REQ, "caller_role")


def test_a_new_case_after_the_answer_starts_its_own_intake():
    case = "Ik ben haar mentor, ze zit in 2 havo en wordt al weken buitengesloten in de klassenapp"
    tracker = with_message(answered(), parse(case, "vraag_pesten_incident", 0.7, entities={"school_type": "vo"}))
    events, messages = validate(tracker)
    assert events == [] and messages == []  # the form lets go; the rule for a new question starts an intake


def test_ending_after_the_answer_closes():
    tracker = with_message(answered(), parse("nee dank je, dat was het", "deny", 0.8))
    events, _ = validate(tracker)
    assert FollowupAction("action_close_intake") in events


def test_more_about_the_same_case_after_the_answer_stays_on_its_contact(contact_db):
    """An unsure reading of another theme is more about this case: no second intake, the role is kept."""
    opened()
    more = "ik ben zijn moeder en hij zit in 2 havo, het gaat al weken zo"
    ranking = [
        {"name": "inform", "confidence": 0.45},
        {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.3},
        {"name": "vraag_wet_en_regelgeving_beleid", "confidence": 0.25},
    ]
    message = parse(more, "vraag_sociale_veiligheid_incident", 0.3, entities={"caller_role": "ouder"}, ranking=ranking)
    events, _ = validate(with_message(answered(), message))
    assert SlotSet("ask_on", "ja") in events and SlotSet("intake_confirmed", True) in events
    assert SlotSet("caller_role", "ouder") in events
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.caller_role) == ("wet_en_regelgeving", "ouder")


def test_more_told_at_the_offer_to_ask_on_drops_the_chosen_questions_it_answers(contact_db):
    """ "we hebben vorig jaar de monitor afgenomen" at "Mag ik je een paar vragen stellen?": the monitor
    question chosen before is not asked, and is kept as answered in the user's words."""
    opened()
    keys = ["visie_vastgelegd", "monitor_jaarlijks", "incidentregistratie"]
    told = parse("we hebben vorig jaar de monitor afgenomen, uitkomsten zijn nog niet besproken", "inform", 0.6)
    tracker = with_message(answered(requested="ask_on", answer_feedback="ja", doorvraag_keys=keys,
                                    doorvraag_answers={}), told)
    events, _ = validate(tracker)
    assert SlotSet("doorvraag_keys", ["visie_vastgelegd", "incidentregistratie"]) in events
    assert SlotSet("doorvraag_answers", {"monitor_jaarlijks": "ja"}) in events
    [contact] = contacts(contact_db)
    assert [(a.question_key, a.category) for a in contact.answers] == [("monitor_jaarlijks", "ja")]


def test_a_new_topic_said_in_words_starts_its_own_intake_even_on_the_same_theme():
    case = "O, en iets anders: een collega vraagt of de school ook een meldcode moet hebben voor stagiairs"
    tracker = with_message(answered(), parse(case, "vraag_wet_en_regelgeving_beleid", 0.8))
    events, messages = validate(tracker)
    assert events == [] and messages == []


def test_a_follow_up_question_after_the_answer_gets_its_own_answer_on_the_same_contact(contact_db):
    opened()
    question = "En hoe zit het dan met de monitor, moet die elk jaar?"
    message = parse(question, "vraag_wet_en_regelgeving_beleid", 0.8, entities={"answer": "wvos_monitor_jaarlijks"})
    tracker = with_message(answered(), message)
    events, _ = validate(tracker)
    assert events == [
        SlotSet("answer_key", "wvos_monitor_jaarlijks"),
        SlotSet("answers_given", ["wvos_monitor_jaarlijks"]),
        SlotSet("answer_feedback", None),
        SlotSet("ask_on", None),
        SlotSet("confirm_retry", None),
        SlotSet(REQ, "answer_feedback"),
    ]
    [contact] = contacts(contact_db)
    assert [a.question_key for a in contact.answers] == ["antwoord:wvos_monitor_jaarlijks"]
    tracker.slots.update(answer_key="wvos_monitor_jaarlijks", answer_feedback=None)
    _, [answer, helped] = run(ActionAskAnswerFeedback(), tracker)
    assert answer["text"].startswith(answers.by_key()["wvos_monitor_jaarlijks"].answer)
    # The same question once more does not get the same answer twice.
    tracker.slots.update(answers_given=["wvos_monitor_jaarlijks"])
    events, _ = validate(with_message(tracker, message))
    assert SlotSet("answer_key", "wvos_monitor_jaarlijks") not in events


def test_a_practical_question_in_the_middle_of_the_questions_is_answered_then_the_next_question(contact_db):
    opened()
    tracker = answered(
        key=None,
        requested="doorvraag_1",
        answer_feedback=None,
        doorvraag_keys=["veiligheidsplan_actueel", "monitor_jaarlijks", "aanspreekpunt_pesten"],
        role_asked=True,
        school_asked=True,
    )
    question = "Moet de school die monitor eigenlijk elk jaar afnemen?"
    message = parse(question, "vraag_wet_en_regelgeving_beleid", 0.8, entities={"answer": "wvos_monitor_jaarlijks"})
    events, messages = validate(with_message(tracker, message))
    # The question on screen is passed over as unknown (not asked twice, not recorded as an answer).
    assert events == [
        SlotSet("answers_given", ["wvos_monitor_jaarlijks"]),
        SlotSet("doorvraag_1", "weet_niet"),
        SlotSet(REQ, "doorvraag_2"),
    ]
    assert messages[0]["text"].startswith(answers.by_key()["wvos_monitor_jaarlijks"].answer)
    assert messages[1]["text"] == intake.texts()["answer"]["back_to_questions"]
    [contact] = contacts(contact_db)
    assert [a.question_key for a in contact.answers] == ["antwoord:wvos_monitor_jaarlijks"]


def test_a_practical_question_at_the_school_type_question_is_answered_and_that_question_passed(contact_db):
    opened()
    tracker = answered(key=None, requested="school_type", answer_feedback=None, role_asked=True)
    question = "Mogen wij zonder toestemming van de ouders onze zorgen doorgeven aan de nieuwe school?"
    message = parse(question, "vraag_wet_en_regelgeving_incident", 0.8, entities={"answer": "avg_gegevens_delen"})
    events, messages = validate(with_message(tracker, message))
    assert SlotSet("school_asked", True) in events and SlotSet("school_type", None) not in events
    assert messages[0]["text"].startswith(answers.by_key()["avg_gegevens_delen"].answer)


# ------------------------------------------------------------------ an answer offered, not given

def offered(key="gouden_weken", reply="/affirm", intent="affirm"):
    tracker = with_message(load_tracker("form_confirm"), parse(reply, intent, 0.9))
    tracker.slots.update(answer_key=None, answer_suggested=key, suggestion_check=None, theme="sociale_veiligheid",
                         question_type="overig", intake_confirmed=None, intake_phase="intake",
                         intake_text="wat bedoelen collega's met die weken aan het begin van het jaar?",
                         **{REQ: "suggestion_check"})
    return tracker


def test_a_likely_answer_is_offered_with_its_title_first():
    from actions.form import ActionAskSuggestionCheck

    _, [message] = run(ActionAskSuggestionCheck(), offered())
    title = answers.by_key()["gouden_weken"].title
    assert message["text"] == intake.texts()["answer"]["suggest"].format(title=title, mark="")
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    state = intake.IntakeState(answer_suggested="gouden_weken", urgency_level="mogelijk", danger_check="nee")
    assert intake.required_slots(state) == ["suggestion_check"]


def test_yes_to_the_offer_gives_that_answer(contact_db):
    opened()
    events, _ = validate(offered())
    assert events[:4] == [SlotSet("suggestion_check", "ja"), SlotSet("answer_key", "gouden_weken"),
                          SlotSet("intake_confirmed", True), SlotSet("intake_phase", "antwoord")]
    assert events[-1] == SlotSet(REQ, "answer_feedback")  # the answer, with "Had je hier iets aan?"
    [contact] = contacts(contact_db)
    assert [a.question_key for a in contact.answers] == [intake.answer_log_key("gouden_weken")]


def test_no_to_the_offer_gets_the_honest_line_and_the_intake_goes_on(contact_db):
    opened()
    events, [message] = validate(offered(reply="nee, iets anders", intent="deny"))
    assert events[0] == SlotSet("suggestion_check", "nee")
    assert message["text"].startswith("Daar heb ik geen vast antwoord op.")
    assert events[-1] not in (SlotSet(REQ, "suggestion_check"), SlotSet(REQ, "answer_feedback"))
    [contact] = contacts(contact_db)
    assert [a.question_key for a in contact.answers] == [intake.answer_log_key(None)]  # a question left unanswered


def test_yes_to_the_offer_with_more_told_gives_that_answer_and_keeps_the_words(contact_db):
    opened()
    events, messages = validate(offered(reply="ja, en het gaat bij ons om twee nieuwe groepen 8", intent="affirm"))
    assert events[:4] == [SlotSet("suggestion_check", "ja"), SlotSet("answer_key", "gouden_weken"),
                          SlotSet("intake_confirmed", True), SlotSet("intake_phase", "antwoord")]
    [kept] = [e for e in events if e["name"] == "intake_text"]
    assert kept["value"].endswith("ja, en het gaat bij ons om twee nieuwe groepen 8")
    assert messages == [] and events[-1] == SlotSet(REQ, "answer_feedback")


def test_a_sentence_at_the_offer_with_a_sure_answer_of_its_own_gets_that_answer(contact_db):
    opened()
    said = "nee, ik bedoel eigenlijk de meldcode: welke stappen moet ik als leerkracht zetten?"
    message = parse(said, "vraag_wet_en_regelgeving_overig", 0.8)
    message["entities"] = [{"entity": "answer", "value": "meldcode_stappen", "start": 0, "end": 0}]
    events, messages = validate(offered(reply=said, intent="vraag_wet_en_regelgeving_overig") and
                                with_message(offered(), message))
    assert events[:5] == [SlotSet("suggestion_check", "nee"),
                          SlotSet("answers_given", ["meldcode_stappen"]), SlotSet("answer_key", "meldcode_stappen"),
                          SlotSet("intake_confirmed", True), SlotSet("intake_phase", "antwoord")]
    assert not [m for m in messages if m["text"].startswith("Daar heb ik geen vast antwoord op.")]
    assert events[-1] == SlotSet(REQ, "answer_feedback")


def test_a_sentence_at_the_offer_without_an_answer_gets_the_honest_line_and_is_kept(contact_db):
    opened()
    said = "het gaat eigenlijk om een ruzie tussen twee ouders op het schoolplein"
    events, [message] = validate(offered(reply=said, intent="vraag_sociale_veiligheid_incident"))
    assert events[0] == SlotSet("suggestion_check", "nee")
    assert message["text"].startswith("Daar heb ik geen vast antwoord op.")
    assert any(e["name"] == "intake_text" and e["value"].endswith(said) for e in events)


def test_the_start_offers_a_likely_answer_instead_of_the_honest_line(contact_db):
    from actions.intake import ActionStartIntake

    question = "wat bedoelen collega's met die weken aan het begin van het jaar?"
    message = parse(question, "vraag_sociale_veiligheid_overig", 0.7)
    message["entities"] = [{"entity": "answer_suggestion", "value": "gouden_weken", "start": 0, "end": 0}]
    tracker = with_message(load_tracker("question_pesten"), message)
    events, messages = run(ActionStartIntake(), tracker)
    assert SlotSet("answer_suggested", "gouden_weken") in events and SlotSet("answer_key", None) in events
    assert not [m for m in messages if m["text"].startswith("Daar heb ik geen vast antwoord op.")]


def test_a_new_question_whose_answer_was_just_given_is_pointed_back_at_not_answered_again(contact_db):
    from actions.intake import ActionStartIntake

    question = "en welke van de twee begeleidt iemand bij een klacht?"
    key = "verschil_contactpersoon_vertrouwenspersoon"
    message = parse(question, "vraag_vertrouwenswerk_overig", 0.8, entities={"answer": key})
    tracker = with_message(load_tracker("question_pesten"), message)
    events, messages = run(ActionStartIntake(), tracker)
    assert SlotSet("answer_key", key) in events  # the first time: the answer
    tracker.slots.update(answer_key=key, answers_given=[key])
    events, messages = run(ActionStartIntake(), tracker)
    assert events[-1] == FollowupAction("action_listen")  # no new intake on the same question
    assert not [e for e in events if e.get("name") == "answer_key"]
    pointer = [m["text"] for m in messages if m["text"].startswith("Dat staat in mijn antwoord hierboven")]
    assert len(pointer) == 1 and answers.by_key()[key].title in pointer[0]
    assert not [m for m in messages if m["text"].startswith(answers.by_key()[key].answer[:40])]


def test_no_questions_wanted_at_the_offer_is_a_yes_to_its_answer_without_the_questions(contact_db):
    opened()
    said = "waarom moet je dat weten? ik wil geen vragen beantwoorden, gewoon het verschil graag"
    events, messages = validate(offered(reply=said, intent="vraag_vertrouwenswerk_overig"))
    assert events[:5] == [SlotSet("meta_kind", "just_answer"), SlotSet("suggestion_check", "ja"),
                          SlotSet("answer_key", "gouden_weken"), SlotSet("intake_confirmed", True),
                          SlotSet("intake_phase", "antwoord")]
    assert SlotSet("ask_on", "nee") in events and messages == []
    assert events[-1] == SlotSet(REQ, "answer_feedback")  # the answer comes; no questions after it


def test_a_longer_complaint_after_an_answer_ends_it_politely_and_keeps_the_role(contact_db):
    from rasa_sdk.events import FollowupAction

    opened()
    said = ("wat een onzin, ik stel een simpele vraag en krijg alleen maar vragen terug. "
            "ik ben leerkracht op een basisschool, maakt dat uit?")
    tracker = with_message(answered(), parse(said, "vraag_pesten_overig", 0.5,
                                             entities={"caller_role": "docent", "school_type": "po"}))
    events, [message] = validate(tracker)
    assert message["text"] == intake.meta_reply("complaint")
    assert SlotSet("caller_role", "docent") in events and SlotSet("school_type", "po") in events
    assert [SlotSet("meta_kind", "complaint"), SlotSet("answer_feedback", "nee"), SlotSet("ask_on", "nee"),
            FollowupAction("action_close_intake")] == [e for e in events if e.get("name") in (
                "meta_kind", "answer_feedback", "ask_on") or e.get("event") == "followup"]


def test_a_follow_up_question_without_an_answer_gets_the_honest_line_and_stays_on_its_contact(contact_db):
    """No new intake coded by the follow-up's own words: the same contact, its questions next."""
    opened()
    question = "En moeten we dat dan ook per school apart regelen, of mag het bestuur dat centraal doen?"
    message = parse(question, "vraag_wet_en_regelgeving_beleid", 0.9)
    events, [line] = validate(with_message(answered(), message))
    assert line["text"].startswith(intake.texts()["answer"]["none"].split("{")[0])
    assert SlotSet("answer_feedback", "weet_niet") in events and SlotSet("ask_on", "ja") in events
    assert not any(e.get("name") in ("theme", "question_type") for e in events)  # the contact keeps its coding
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type, contact.status) == ("wet_en_regelgeving", "beleid", "lopend")
    assert [(a.question_key, a.category) for a in contact.answers] == [(intake.answer_log_key(None), "tekst")]


def test_a_follow_up_question_on_another_theme_read_surely_still_starts_its_own_intake():
    question = "Hoe kan ik als vertrouwenspersoon een leerling het beste begeleiden bij een klacht over een docent?"
    message = parse(question, "vraag_vertrouwenswerk_incident", 0.9)
    events, messages = validate(with_message(answered(), message))
    assert events == [] and messages == []


def information_answered():
    tracker = answered(key="meldplicht_stagiair")
    tracker.slots["question_type"] = "overig"
    return tracker


def test_the_case_behind_an_information_question_gives_the_contact_its_type(contact_db):
    """ "Geldt de meldplicht ook voor een stagiair?" then the incident itself: the contact is an incident."""
    opened()
    case = "Een stagiair van de pabo heeft een meisje uit groep 7 op schoot genomen en over haar been gestreeld."
    events, _ = validate(with_message(information_answered(), parse(case, "vraag_wet_en_regelgeving_incident", 0.9)))
    assert SlotSet("question_type", "incident") in events and SlotSet("ask_on", "ja") in events
    [contact] = contacts(contact_db)
    assert contact.question_type == "incident"
    # Read unsurely, or as a question, it changes nothing.
    torn = [{"name": "vraag_wet_en_regelgeving_incident", "confidence": 0.5},
            {"name": "vraag_wet_en_regelgeving_overig", "confidence": 0.4}]
    asked = "Maar wat als een stagiair een leerling op schoot neemt, geldt het dan?"
    for message in (parse(case, torn[0]["name"], 0.5, ranking=torn), parse(asked, torn[0]["name"], 0.9)):
        events, _ = validate(with_message(information_answered(), message))
        assert SlotSet("question_type", "incident") not in events


def test_policy_context_after_an_information_question_leaves_it_information(contact_db):
    opened()
    context = "Er is bij ons een pestprotocol, maar bijna niemand weet dat ik het aanspreekpunt ben."
    events, _ = validate(with_message(information_answered(), parse(context, "vraag_pesten_beleid", 0.95)))
    assert SlotSet("ask_on", "ja") in events and not any(e.get("name") == "question_type" for e in events)


def test_the_incident_asked_about_told_as_an_event_after_the_answer_stays_on_its_contact(contact_db):
    """ "Moeten we aangifte doen als een leerling een docent slaat?", then the event itself: its context."""
    opened()
    tracker = answered(key="aangifte_strafbare_feiten")
    tracker.slots["question_type"] = "incident"
    event = "Vorige week heeft een leerling van 15 een collega een klap gegeven tijdens de les, ze had een blauw oog."
    events, _ = validate(with_message(tracker, parse(event, "vraag_sociale_veiligheid_incident", 0.9)))
    assert SlotSet("ask_on", "ja") in events and not any(e.get("name") == "theme" for e in events)
    # After a question about policy the same event is a case of its own.
    tracker = answered(key="aangifte_strafbare_feiten")
    events, messages = validate(with_message(tracker, parse(event, "vraag_sociale_veiligheid_incident", 0.9)))
    assert events == [] and messages == []


def test_an_answer_written_to_pupils_is_not_given_to_a_known_adult():
    pupils = answers.by_key()["leerling_thuis_niet_veilig"]
    assert set(pupils.roles) == {"leerling"}
    keys = ["leerling_thuis_niet_veilig", "meldcode_melden_veilig_thuis"]
    assert answers.choose(keys, "po", "ib_zorg").key == "meldcode_melden_veilig_thuis"
    assert answers.choose(keys, "po", "leerling").key == "leerling_thuis_niet_veilig"
    assert answers.choose(keys, "po", None).key == "leerling_thuis_niet_veilig"  # the role unknown: not guessed
    # Roles that say whom an answer concerns do not filter: a teacher may ask about the vertrouwenspersoon.
    concerning = next(a for a in answers.load() if a.roles == ("vertrouwenspersoon",))
    assert answers.choose([concerning.key], None, "docent") == concerning


def test_a_short_follow_up_question_without_an_answer_is_never_passed_over_in_silence(contact_db):
    opened()
    events, [line] = validate(with_message(answered(), parse("Is die wet al ingegaan?", "inform", 0.6)))
    assert line["text"].startswith(intake.texts()["answer"]["none"].split("{")[0])
    assert SlotSet("answer_feedback", "weet_niet") in events and SlotSet("ask_on", "ja") in events


def test_a_follow_up_whose_answer_is_on_the_contacts_theme_is_answered_though_read_as_another(contact_db):
    """The answer's own theme counts: read surely as vertrouwenswerk, served by an answer about the law."""
    opened()
    question = "Moeten we dan ook elk jaar die monitor afnemen, ook met een vertrouwenspersoon erbij?"
    message = parse(question, "vraag_vertrouwenswerk_beleid", 0.9, entities={"answer": "wvos_monitor_jaarlijks"})
    events, _ = validate(with_message(answered(), message))
    assert SlotSet("answer_key", "wvos_monitor_jaarlijks") in events
    # Served by an answer on another theme, the same reading is a case of its own.
    other = parse(question, "vraag_vertrouwenswerk_beleid", 0.9, entities={"answer": "taak_externe_vertrouwenspersoon"})
    events, messages = validate(with_message(answered(), other))
    assert events == [] and messages == []


def test_a_follow_up_said_to_be_new_is_its_own_intake_even_when_its_answer_is_on_the_same_theme():
    question = "O, en iets anders: moeten we die monitor eigenlijk elk jaar afnemen, ook als er weinig speelt?"
    message = parse(question, "vraag_wet_en_regelgeving_beleid", 0.9, entities={"answer": "wvos_monitor_jaarlijks"})
    events, messages = validate(with_message(answered(), message))
    assert events == [] and messages == []


# ------------------------------------------------------------------ an answer offered in passing

MID_QUESTION = "Mogen wij eigenlijk zelf een vragenlijst maken voor die monitor?"


def in_the_questions(**slots):
    """The intake form at its first doorvraag, no answer given yet."""
    return answered(key=None, requested="doorvraag_1", answer_feedback=None, role_asked=True, school_asked=True,
                    doorvraag_keys=["veiligheidsplan_actueel", "monitor_jaarlijks", "aanspreekpunt_pesten"], **slots)


def likely(text=MID_QUESTION, key="monitor_zelf_kiezen"):
    message = parse(text, "vraag_wet_en_regelgeving_beleid", 0.8)
    message["entities"] = [{"entity": "answer_suggestion", "value": key, "start": 0, "end": 0}]
    return message


def offered_in_passing(reply, intent, key="monitor_zelf_kiezen"):
    """The offer in passing on screen, the doorvraag it came at passed over."""
    tracker = with_message(in_the_questions(doorvraag_1="weet_niet"), parse(reply, intent, 0.9))
    tracker.slots.update(passing_offer={"key": key, "question": MID_QUESTION}, passing_check=None,
                         **{REQ: "passing_check"})
    return tracker


def test_a_likely_answer_in_the_middle_of_the_questions_is_offered_not_the_honest_line(contact_db):
    opened()
    events, messages = validate(with_message(in_the_questions(), likely()))
    assert messages == []                                              # no "geen vast antwoord" first
    assert SlotSet("doorvraag_1", "weet_niet") in events               # the question on screen is passed over
    assert SlotSet("passing_offer", {"key": "monitor_zelf_kiezen", "question": MID_QUESTION}) in events
    assert events[-1] == SlotSet(REQ, "passing_check")
    state = intake.IntakeState(passing_offer={"key": "monitor_zelf_kiezen"}, urgency_level="mogelijk",
                               danger_check=None)
    assert intake.required_slots(state) == ["danger_check"]            # danger still first
    state = intake.IntakeState(passing_offer={"key": "monitor_zelf_kiezen"}, intake_confirmed=True)
    assert intake.required_slots(state) == ["passing_check"]


def test_the_offer_in_passing_shows_the_title_with_yes_and_no():
    from actions.form import ActionAskPassingCheck

    _, [message] = run(ActionAskPassingCheck(), offered_in_passing("/affirm", "affirm"))
    title = answers.by_key()["monitor_zelf_kiezen"].title
    assert message["text"] == intake.texts()["answer"]["suggest"].format(
        title=title, mark="" if title.endswith("?") else "?")
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def test_yes_to_the_offer_in_passing_gives_the_answer_then_the_next_question(contact_db):
    opened()
    events, messages = validate(offered_in_passing("ja", "affirm"))
    assert events == [
        SlotSet("passing_check", "ja"),
        SlotSet("answers_given", ["monitor_zelf_kiezen"]),
        SlotSet(REQ, "doorvraag_2"),
    ]
    assert messages[0]["text"].startswith(answers.by_key()["monitor_zelf_kiezen"].answer)
    assert messages[1]["text"] == intake.texts()["answer"]["back_to_questions"]
    [contact] = contacts(contact_db)
    assert [a.question_key for a in contact.answers] == ["antwoord:monitor_zelf_kiezen"]


def test_no_to_the_offer_in_passing_gets_the_honest_line_logged_with_the_question(contact_db):
    opened()
    events, [message] = validate(offered_in_passing("nee", "deny"))
    assert events == [SlotSet("passing_check", "nee"), SlotSet(REQ, "doorvraag_2")]
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]
    [contact] = contacts(contact_db)
    [unanswered] = contact.answers
    assert (unanswered.question_key, unanswered.text) == (intake.answer_log_key(None), MID_QUESTION)


def test_a_likely_answer_given_before_is_not_offered_again_in_passing(contact_db):
    opened()
    tracker = with_message(in_the_questions(answers_given=["monitor_zelf_kiezen"]), likely())
    events, [message] = validate(tracker)
    assert message["text"] == intake.texts()["answer"]["none_in_passing"]
    assert not [e for e in events if e["name"] == "passing_offer"]


def test_the_question_put_another_way_at_the_offer_in_passing_gets_its_own_answer_or_offer(contact_db):
    opened()
    said = "Nee, ik bedoel: moeten we die monitor echt elk jaar afnemen?"
    sure = parse(said, "vraag_wet_en_regelgeving_beleid", 0.8, entities={"answer": "wvos_monitor_jaarlijks"})
    tracker = offered_in_passing("", "deny")
    events, messages = validate(with_message(tracker, sure))
    assert events[:2] == [SlotSet("passing_check", "nee"), SlotSet("answers_given", ["wvos_monitor_jaarlijks"])]
    assert messages[0]["text"].startswith(answers.by_key()["wvos_monitor_jaarlijks"].answer)
    events, messages = validate(with_message(offered_in_passing("", "deny"), likely(said, "wvos_monitor_jaarlijks")))
    offer = {"key": "wvos_monitor_jaarlijks", "question": said}
    assert events[:2] == [SlotSet("passing_offer", offer), SlotSet("passing_check", None)]
    assert messages == [] and events[-1] == SlotSet(REQ, "passing_check")


# ------------------------------------------------------------------ a question on the side

SIDE_QUESTION = "Trouwens, moet onze school eigenlijk een klachtenregeling hebben?"


def in_a_bullying_case(**slots):
    """The questions about a bullying incident, at the first doorvraag; its contact open."""
    from bot.contact_log import open_contact

    open_contact("test-form-confirm", theme="pesten", question_type="incident")
    tracker = in_the_questions(**slots)
    tracker.slots.update(theme="pesten", question_type="incident")
    return tracker


def test_a_question_on_another_theme_in_the_questions_is_answered_there_and_the_case_goes_on(contact_db):
    """Not a contact of its own: that would close the case's contact, and the user's way back to the case
    ("terug naar die jongen") would start the questions from the top under the other theme."""
    message = parse(SIDE_QUESTION, "vraag_wet_en_regelgeving_beleid", 0.9,
                    entities={"answer": "klachtenregeling_verplicht"})
    events, messages = validate(with_message(in_a_bullying_case(), message))
    assert events == [
        SlotSet("answers_given", ["klachtenregeling_verplicht"]),
        SlotSet("doorvraag_1", "weet_niet"),
        SlotSet(REQ, "doorvraag_2"),
    ]
    assert messages[0]["text"].startswith(answers.by_key()["klachtenregeling_verplicht"].answer)
    assert messages[1]["text"] == intake.texts()["answer"]["back_to_questions"]
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.status) == ("pesten", "lopend")
    assert [a.question_key for a in contact.answers] == ["antwoord:klachtenregeling_verplicht"]


def test_a_likely_answer_on_another_theme_in_the_questions_is_offered_there(contact_db):
    question = "Wat is eigenlijk het verschil tussen een vertrouwenspersoon en een contactpersoon?"
    message = parse(question, "vraag_vertrouwenswerk_overig", 0.9)
    message["entities"] = [{"entity": "answer_suggestion", "value": "verschil_contactpersoon_vertrouwenspersoon",
                            "start": 0, "end": 0}]
    events, messages = validate(with_message(in_a_bullying_case(), message))
    assert messages == []
    assert SlotSet("passing_offer", {"key": "verschil_contactpersoon_vertrouwenspersoon", "question": question}) \
        in events
    assert events[-1] == SlotSet(REQ, "passing_check")
    [contact] = contacts(contact_db)
    assert contact.theme == "pesten"


@pytest.mark.parametrize("question, intent, entities", [
    # A case of its own (an incident), told with a practical question.
    ("Gisteren is een collega door een vader uitgescholden en bedreigd, moeten we daar aangifte van doen?",
     "vraag_wet_en_regelgeving_incident", {"answer": "aangifte_strafbare_feiten"}),
    # A new topic said in words.
    ("Andere vraag: moet onze school eigenlijk een klachtenregeling hebben?", "vraag_wet_en_regelgeving_beleid",
     {"answer": "klachtenregeling_verplicht"}),
    # No answer at all: the question is for a contact of its own, not an honest line in passing.
    ("Hoe vaak moet de medezeggenschapsraad eigenlijk vergaderen over het veiligheidsplan?",
     "vraag_wet_en_regelgeving_beleid", {}),
])
def test_a_case_or_topic_of_its_own_in_the_questions_still_starts_its_own_intake(contact_db, question, intent,
                                                                                  entities):
    events, messages = validate(with_message(in_a_bullying_case(), parse(question, intent, 0.9, entities=entities)))
    assert events == [] and messages == []

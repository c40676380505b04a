"""Custom actions against saved tracker fixtures: exact events and messages."""

from rasa_sdk.events import SlotSet

from actions.common import reset_intake
from bot.classifier import from_parse
from actions.form import ActionAskIntakeConfirmed
from actions.intake import ActionReferUrgent, ActionStartIntake
from bot import intake, referrals
from tests.intake_support import contact_db, contacts, load_tracker, run, with_message  # noqa: F401


def test_urgent_referral_first_and_category_kept(contact_db):
    tracker = load_tracker("urgent_suicide")
    events, messages = run(ActionReferUrgent(), tracker)
    told = from_parse(tracker.latest_message)
    # Theme and type are kept, so that what the user says after the referral can refine them.
    assert events == [
        SlotSet("urgency", "zelfdoding"),
        SlotSet("intake_phase", None),
        SlotSet("theme", told.theme),
        SlotSet("question_type", told.question_type),
    ]
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text == referrals.referral_message("zelfdoding")
    assert text.splitlines()[0].startswith("Dit klinkt ernstig. Gaat het over gedachten aan zelfdoding? Bel **113**")
    [contact] = contacts(contact_db)
    assert (contact.urgent, contact.status) == (True, "afgerond")
    assert contact.summary == "urgent=zelfdoding; doorverwezen"
    assert contact.urgency_services == ("zelfmoordpreventie", "alarm")      # what the message named


def test_more_danger_right_after_a_referral_stays_on_its_contact_with_a_short_reminder(contact_db):
    tracker = load_tracker("urgent_suicide")
    run(ActionReferUrgent(), tracker)
    tracker.slots.update(urgency="zelfdoding", intake_phase=None, theme="pesten", question_type="incident")
    tracker.latest_message = {
        **tracker.latest_message,
        "text": "ik zit in groep 8 en ik ben nu alleen thuis",
        "entities": [
            {"entity": "caller_role", "value": "leerling"},
            {"entity": "school_type", "value": "po"},
            {"entity": "urgency", "value": "zelfdoding"},
        ],
    }
    events, [message] = run(ActionReferUrgent(), tracker)
    assert events == [SlotSet("caller_role", "leerling"), SlotSet("school_type", "po")]  # kept for what follows
    spec = referrals._spec()
    # A pupil: De Kindertelefoon was the first service of the referral, so its line alone is the reminder.
    assert message["text"] == " ".join(
        (spec["again"], referrals.first_service("zelfdoding", pupil=True), spec["pupil_afterwards"]["po"])
    )
    [contact] = contacts(contact_db)  # no second contact per message
    assert (contact.caller_role, contact.school_type, contact.urgent) == ("leerling", "po", True)
    # The reminder named De Kindertelefoon, which the adult's referral did not: staff see it too.
    assert contact.urgency_services == ("zelfmoordpreventie", "alarm", "kindertelefoon")


def test_danger_told_during_a_policy_intake_is_logged_as_a_case_of_its_own(contact_db):
    from bot.contact_log import open_contact

    tracker = load_tracker("urgent_suicide")
    open_contact(tracker.sender_id, theme="pesten", question_type="beleid")
    tracker.slots.update(intake_phase="intake", theme="pesten", question_type="beleid", caller_role="veiligheid",
                         school_type="vo")
    events, _ = run(ActionReferUrgent(), tracker)
    assert SlotSet("question_type", "incident") in events
    [policy] = [c for c in contacts(contact_db) if c.question_type == "beleid"]
    [case] = [c for c in contacts(contact_db) if c.question_type == "incident"]
    assert (policy.status, policy.question_type, policy.urgent) == ("onvolledig", "beleid", False)
    assert (case.question_type, case.urgent, case.status) == ("incident", True, "afgerond")
    assert (case.caller_role, case.school_type) == ("veiligheid", "vo")  # said before the danger, still true


def test_a_role_told_with_the_danger_during_an_incident_intake_is_kept(contact_db):
    from bot.contact_log import open_contact

    tracker = load_tracker("urgent_suicide")
    open_contact(tracker.sender_id, theme="sociale_veiligheid", question_type="incident")
    tracker.slots.update(intake_phase="antwoord", theme="sociale_veiligheid", question_type="incident")
    tracker.latest_message = {
        **tracker.latest_message,
        "entities": [*tracker.latest_message.get("entities", []),
                     {"entity": "caller_role", "value": "directeur"}, {"entity": "school_type", "value": "so"}],
    }
    events, _ = run(ActionReferUrgent(), tracker)
    assert events[:2] == [SlotSet("caller_role", "directeur"), SlotSet("school_type", "so")]
    [contact] = contacts(contact_db)
    assert (contact.caller_role, contact.school_type, contact.urgent) == ("directeur", "so", True)


def test_a_danger_of_another_kind_told_during_an_incidents_questions_gives_its_contact_that_theme(contact_db):
    """Exclusion in the class app, then a threat to spread a nude photo: the contact is about that now,
    when the model reads the danger surely as another theme; an unsure reading keeps the case's theme."""
    from bot.contact_log import open_contact

    text = "Een jongen dreigt vanavond een foto van haar in haar ondergoed rond te sturen."
    for share, theme in ((0.9, "sociale_veiligheid"), (0.45, "pesten")):
        tracker = load_tracker("urgent_suicide")
        sender = f"{tracker.sender_id}-{share}"
        tracker.sender_id = sender
        open_contact(sender, theme="pesten", question_type="incident")
        tracker.slots.update(intake_phase="intake", theme="pesten", question_type="incident", intake_confirmed=True)
        danger = _model_alarm(text, "seksueel_misbruik")
        danger["intent_ranking"] = [{"name": "urgent", "confidence": 0.5},
                                    {"name": "vraag_sociale_veiligheid_incident", "confidence": share / 2},
                                    {"name": "vraag_pesten_incident", "confidence": (1 - share) / 2}]
        events, _ = run(ActionReferUrgent(), with_message(tracker, danger))
        [contact] = [c for c in contacts(contact_db) if c.conversation_id == sender]
        assert (contact.theme, contact.urgent, contact.status) == (theme, True, "afgerond"), share


def test_suicidal_words_during_a_bullying_cases_questions_keep_the_contact_about_the_bullying(contact_db):
    from bot.contact_log import open_contact

    tracker = load_tracker("urgent_suicide")
    open_contact(tracker.sender_id, theme="pesten", question_type="incident")
    tracker.slots.update(intake_phase="intake", theme="pesten", question_type="incident", intake_confirmed=True)
    danger = _model_alarm("Ze zei net dat ze er een einde aan maakt als het niet stopt.", "zelfdoding")
    danger["intent_ranking"] = [{"name": "urgent", "confidence": 0.5},
                                {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.45},
                                {"name": "vraag_pesten_incident", "confidence": 0.05}]
    run(ActionReferUrgent(), with_message(tracker, danger))
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.urgent, contact.urgency_category) == ("pesten", True, "zelfdoding")


def _model_alarm(text, category, *, span=None, certain=False):
    """An urgent parse as the urgency model gives it: its category, with the rules' danger words as span."""
    start, end = span if span else (0, 0)
    entities = [{"entity": "urgency", "value": category, "start": start, "end": end},
                {"entity": "urgency_level", "value": "acuut", "start": 0, "end": 0}]
    if certain:
        entities.append({"entity": "urgency_certain", "value": "ja", "start": 0, "end": 0})
    return {"text": text, "intent": {"name": "urgent", "confidence": 0.7},
            "intent_ranking": [{"name": "urgent", "confidence": 0.7}], "entities": entities}


def test_after_a_referral_the_model_alone_without_a_danger_word_is_heard_not_referred_again(contact_db):
    from tests.intake_support import with_message

    tracker = load_tracker("urgent_suicide")
    run(ActionReferUrgent(), tracker)
    tracker.slots.update(urgency="acuut_gevaar", intake_phase=None, theme="sociale_veiligheid",
                         question_type="incident")
    text = "Het letsel valt mee. Aangifte is nog niet gedaan, ze twijfelt nog."
    events, [message] = run(ActionReferUrgent(), with_message(tracker, _model_alarm(text, "vermissing")))
    assert message["text"] == intake.texts()["noted"]["after_referral"]
    assert (message["kind"], message["ref"]) == ("noted", "after_referral")
    assert SlotSet("urgency", "vermissing") not in events  # the referral's category stays
    [contact] = contacts(contact_db)
    assert contact.urgent is True


def test_after_a_referral_danger_words_or_a_certain_alarm_still_get_the_number_again(contact_db):
    from tests.intake_support import with_message

    tracker = load_tracker("urgent_suicide")
    run(ActionReferUrgent(), tracker)
    tracker.slots.update(urgency="acuut_gevaar", intake_phase=None)
    worded = "hij staat weer bij het hek met een mes"
    start = worded.index("mes")
    for message in (_model_alarm(worded, "acuut_gevaar", span=(start, start + 3)),
                    _model_alarm("ze neemt niet op en is sinds vanmiddag weg", "vermissing", certain=True)):
        _, [reply] = run(ActionReferUrgent(), with_message(tracker, message))
        assert reply["kind"] == "referral" and "112" in reply["text"]


def test_danger_while_waiting_for_staff_sets_what_the_waiting_contact_is_about(contact_db):
    from bot.contact_log import open_contact
    from tests.intake_support import with_message

    tracker = load_tracker("urgent_suicide")
    open_contact(tracker.sender_id, theme="overig", question_type="overig")  # "ik wil een mens spreken" first
    tracker.slots.update(intake_phase="wachtrij", theme=None, question_type=None)
    message = {**tracker.latest_message}
    told = from_parse(message)
    assert told.theme != "overig"  # the fixture tells a case
    run(ActionReferUrgent(), with_message(tracker, message))
    [contact] = contacts(contact_db)
    assert (contact.theme, contact.question_type, contact.urgent) == (told.theme, told.question_type, True)
    assert contact.status != "afgerond"  # still waiting for staff


def test_a_new_kind_of_danger_after_a_referral_gets_its_own_referral():
    assert referrals.again_message("kindermishandeling", "acuut_gevaar") == referrals.referral_message(
        "kindermishandeling"
    )
    assert referrals.again_message("acuut_gevaar", "kindermishandeling").startswith(referrals._spec()["again"])


def test_question_opens_a_contact_and_sets_the_slots(contact_db):
    events, messages = run(ActionStartIntake(), load_tracker("question_pesten"))
    assert messages == []
    text = "ik ben ib'er in groep 7, een leerling wordt gepest via instagram"
    # Theme and type read surely (the weaker axis above the threshold): confirmed implicitly, no "Klopt dat?".
    assert intake.confirms_implicitly(from_parse(load_tracker("question_pesten").latest_message).label_confidence, "pesten")
    assert events == reset_intake() + [
        SlotSet("answer_key", None),
        SlotSet("answer_suggested", None),
        SlotSet("intake_confirmed", True),
        SlotSet("implicit_confirmed", True),
        SlotSet("theme", "pesten"),
        SlotSet("question_type", "incident"),
        SlotSet("intake_text", text),
        SlotSet("caller_role", "ib_zorg"),
        SlotSet("school_type", "po"),
        SlotSet("intake_phase", "intake"),
        SlotSet("urgency", None),
        SlotSet("urgency_level", None),
    ]
    [contact] = contacts(contact_db, "test-question-1")
    assert (contact.status, contact.theme, contact.question_type) == ("lopend", "pesten", "incident")
    assert (contact.caller_role, contact.school_type, contact.corrected) == ("ib_zorg", "po", False)


def test_question_is_confirmed_in_one_line_with_buttons():
    tracker = load_tracker("question_pesten")
    tracker.slots.update(theme="pesten", question_type="incident")
    events, [message] = run(ActionAskIntakeConfirmed(), tracker)
    assert events == []
    assert message["text"] == "Ik begrijp dat je vraag gaat over *pesten*, en over *een concreet incident*. Klopt dat?"
    assert [b["title"] for b in message["buttons"]] == ["Ja", "Nee, ander onderwerp", "Nee, het gaat over beleid"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", '/inform{"question_type":"beleid"}']


def test_a_policy_question_offers_incident_as_the_correction():
    tracker = load_tracker("question_pesten")
    tracker.slots.update(theme="wet_en_regelgeving", question_type="beleid")
    _, [message] = run(ActionAskIntakeConfirmed(), tracker)
    assert message["text"] == "Ik begrijp dat je vraag gaat over *wet- en regelgeving*, en over *beleid*. Klopt dat?"
    assert message["buttons"][2]["title"] == "Nee, het gaat over een incident"


def test_a_pupil_telling_more_after_a_referral_is_spoken_to_as_a_pupil_with_their_services(contact_db):
    from actions.intake import ActionNoteProfile
    from tests.intake_support import parse, with_message

    tracker = load_tracker("urgent_suicide")
    run(ActionReferUrgent(), tracker)
    tracker.slots.update(urgency="zelfdoding", intake_phase=None, caller_role=None)
    told = parse("ik zit in groep 8 op de basisschool", "inform", 0.98,
                 entities={"caller_role": "leerling", "school_type": "po"})
    _, [first] = run(ActionNoteProfile(), with_message(tracker, told))
    spec = intake.texts()["noted"]
    assert first["text"] == spec["after_referral_pupil"].format(services=referrals.pupil_services_line("zelfdoding"))
    assert "0800-0432" in first["text"] and "iedereen veilig" not in first["text"]
    # Said once: the next message gets the shorter line, not the same words again.
    tracker.slots.update(caller_role="leerling")  # kept from the message before (its events)
    tracker.events.append({"event": "bot", "text": first["text"], "metadata": {"kind": "noted",
                                                                               "ref": "after_referral_pupil"}})
    _, [second] = run(ActionNoteProfile(), with_message(tracker, parse("ik zit nu op mijn kamer", "inform", 0.9)))
    assert second["text"] == spec["after_referral_pupil_again"].format(
        first=referrals.first_service("zelfdoding", pupil=True))
    # An adult gets the calm line as before.
    tracker.slots.update(caller_role="mentor")
    tracker.events = [e for e in tracker.events if e.get("event") != "user"] + [
        {"event": "user", "text": "ik ben haar mentor", "parse_data": parse("ik ben haar mentor", "inform", 0.9)}]
    _, [adult] = run(ActionNoteProfile(), with_message(tracker, parse("ik ben haar mentor", "inform", 0.9)))
    assert adult["text"] == spec["after_referral"]


def test_danger_right_after_an_announced_question_is_that_contacts(contact_db):
    from bot.contact_log import open_contact

    tracker = load_tracker("urgent_suicide")
    open_contact(tracker.sender_id, theme="overig", question_type="overig")  # "ik heb een vraag"
    tracker.slots.update(intake_phase="aangekondigd")
    told = from_parse(tracker.latest_message)
    run(ActionReferUrgent(), tracker)
    [contact] = contacts(contact_db)  # one contact, about the danger
    assert (contact.theme, contact.urgent, contact.status) == (told.theme, True, "afgerond")
    assert contact.theme != "overig"


def test_sextortion_is_referred_with_helpwanted_first_and_its_reminder_too(contact_db):
    tracker = load_tracker("urgent_suicide")
    tracker.events.append({"event": "user", "text": "", "parse_data": {}})  # as Rasa logs the message
    text = "Een leerling wordt afgeperst met een naaktfoto, hij moet vanavond betalen"
    _, [message] = run(ActionReferUrgent(), with_message(tracker, _model_alarm(text, "seksueel_misbruik")))
    first_line = message["text"].splitlines()[0]
    assert "helpwanted.nl" in first_line and "0800-2000" not in message["text"]
    tracker.slots.update(urgency="seksueel_misbruik", intake_phase=None)
    more = "hij heeft al een keer betaald en nu wil die persoon meer"
    tracker.events.append({"event": "user", "text": "", "parse_data": {}})
    _, [again] = run(ActionReferUrgent(), with_message(tracker, _model_alarm(more, "seksueel_misbruik", certain=True)))
    assert "helpwanted.nl" in again["text"] and "**112**" not in again["text"]
    [contact] = contacts(contact_db)
    assert contact.urgency_services == ("helpwanted", "alarm")       # not the category's default numbers

"""Whole conversations with the real bot: trained model, live action server, real contact log.

Needs the trained model (make train). Each class starts one action server on a free
localhost port with the helpdesk clock fixed (DOORVRAAG_NOW) and a migrated SQLite file.
"""
import pytest

from bot import answers
from bot.storage import contacts_between
from bot.storage.models import MessageLog
from tests.e2e_harness import running_bot

pytestmark = [pytest.mark.model, pytest.mark.server]

EVENING = "2026-11-24T20:15:00+01:00"   # Tuesday evening: helpdesk closed
MORNING = "2026-11-24T10:15:00+01:00"   # Tuesday morning: helpdesk open


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def closed(tmp_module):
    with running_bot(tmp_module, "closed", EVENING) as running:
        yield running


@pytest.fixture(scope="module")
def open_(tmp_module):
    with running_bot(tmp_module, "open", MORNING) as running:
        yield running


def texts(messages):
    return [m.get("text") or "" for m in messages]


def joined(messages):
    """One text: a message without buttons arrives as one message per paragraph."""
    return "\n\n".join(texts(messages))


def payloads(message):
    return [b["payload"] for b in message.get("buttons") or []]


def the_contacts(db, conversation):
    return [c for c in contacts_between(db) if c.conversation_id == conversation]


def logged_texts(db):
    with db.session() as session:
        return [row.text_redacted or "" for row in session.query(MessageLog).all()]


def test_incident_in_the_evening_ends_with_a_call_back(closed):
    bot, db = closed
    me = "e2e-avond"
    [greeting] = texts(bot.say(me, "hoi"))
    assert "digitale assistent" in greeting and "geen mens" in greeting

    honest, role = bot.say(me, "Een leerling uit groep 6 wordt al weken gepest via een groepsapp. "
                               "Haar moeder belde me, mail: moeder@voorbeeld.nl. Wat kan ik doen?")
    # No fixed answer in the knowledge base: said honestly, with the number; then the intake goes on.
    assert honest["text"].startswith("Daar heb ik geen vast antwoord op.") and "030-285 66 16" in honest["text"]
    # Sure of the topic: confirmed implicitly in the next question, with a button to correct it.
    assert role["text"] == "Je vraag gaat over *pesten*. Wat is je rol? Dan kan ik mijn vragen daarop afstemmen."
    assert payloads(role)[-1] == '/deny{"topic":"anders"}'   # groep 6 told the school type already
    first = joined(bot.say(me, '/inform{"caller_role":"mentor"}'))
    assert first.startswith("Ik stel je een paar korte vragen") and "Vraag 1 van " in first
    keys = bot.tracker(me).get_slot("doorvraag_keys")
    assert 3 <= len(keys) <= 6

    answers = ["Ze zit in de pauze vaak alleen, zegt leerling Sanne", "asdfgh", "weet ik niet"]
    replies = [texts(bot.say(me, a)) for a in answers]
    assert replies[1][0].startswith("Sorry, dat begreep ik niet helemaal.")   # asked once more
    replies = [texts(bot.say(me, "nee")) for _ in range(len(keys) - 2)]   # two answered so far
    advice = replies[-1]
    assert advice[0].startswith("Dank je wel. Op basis van je antwoorden")
    # The first question got the honest line, so the offer comes back to it.
    assert advice[-1] == ("Je stelde ook een vraag waar ik geen vast antwoord op had. "
                          "Wil je die, en dit advies, met een medewerker van de helpdesk bespreken?")

    [closed_text, channel] = texts(bot.say(me, "/ask_human"))
    assert closed_text == ("De helpdesk is nu gesloten. We zijn er weer morgen (woensdag 25 november) "
                           "om 9:00 (elke schooldag van 9:00 tot 16:00).")
    assert channel.startswith("Wil je dat een medewerker je dan terugbelt")
    [consent] = texts(bot.say(me, '/inform{"contact_channel":"terugbellen"}'))
    assert "alleen om je terug te bellen" in consent
    [ask_number] = texts(bot.say(me, "/affirm"))
    assert ask_number == "Wat is je telefoonnummer?"
    [invalid] = texts(bot.say(me, "123"))
    assert invalid.startswith("Dat lijkt geen geldig telefoonnummer.")
    done = texts(bot.say(me, "06-12345678"))
    assert done[0].startswith("Dank je. Een medewerker belt je morgen (woensdag 25 november) om 9:00")
    assert bot.tracker(me).get_slot("contact_detail") is None   # cleared after use

    [contact] = the_contacts(db, me)
    assert (contact.status, contact.handoff, contact.theme, contact.question_type) == (
        "overgedragen", "terugbellen", "pesten", "incident")
    assert (contact.caller_role, contact.school_type, contact.urgent) == ("mentor", "po", False)
    assert contact.building_blocks
    recorded = {a.question_key: (a.category, a.text) for a in contact.answers}
    assert recorded["antwoord:geen"][0] == "tekst" and "[EMAIL]" in recorded["antwoord:geen"][1]
    assert recorded[keys[0]] == ("tekst", "Ze zit in de pauze vaak alleen, zegt leerling [NAAM]")
    assert recorded[keys[1]] == ("weet_niet", None)          # asked again after "asdfgh"
    assert [recorded[k][0] for k in keys[2:]] == ["nee"] * (len(keys) - 2)
    stored = logged_texts(db) + [contact.summary or ""] + [a.text or "" for a in contact.answers]
    for secret in ("0612345678", "06-12345678", "moeder@voorbeeld.nl", "Sanne"):
        assert not any(secret in text for text in stored), secret
    assert any("[EMAIL]" in text for text in logged_texts(db))


def test_policy_question_corrected_then_a_human_during_office_hours(open_):
    bot, db = open_
    me = "e2e-ochtend"
    answer, source, helped = bot.say(me, "Hoe zetten we op onze school een goed pestprotocol op?")
    # The answer first; the school type is not known yet, so for which schools it holds; then its source.
    assert answer["text"] == (answers.by_key()["anti_pestprotocol"].answer + " Dit geldt voor het basisonderwijs, "
                              "het voortgezet onderwijs en het speciaal onderwijs.")
    assert source["text"].startswith("Bron: [Stop Pesten NU")
    assert helped["text"] == "Had je hier iets aan?" and payloads(helped) == ["/affirm", "/deny"]
    [offer] = texts(bot.say(me, "/deny"))
    assert offer.startswith("Jammer.") and offer.endswith("zodat mijn advies beter bij jullie school past?")
    [role] = texts(bot.say(me, "/affirm"))
    assert role.startswith("Wat is je rol?")
    [school] = texts(bot.say(me, "ik ben directeur"))
    assert school == "Om wat voor school gaat het?"
    assert "Vraag 1 van " in joined(bot.say(me, '/inform{"school_type":"vo"}'))
    bot.say(me, "/affirm")
    robot = texts(bot.say(me, "ben je een robot?"))
    assert robot[0].startswith("Ik ben een computerprogramma") and "Vraag 2 van " in robot[-1]
    bot.say(me, "/deny")
    stopped = texts(bot.say(me, "stop"))
    assert stopped[0] == "Prima, dan stop ik met vragen. Hier is mijn advies op basis van wat ik nu weet."
    assert stopped[1].startswith("Dank je wel. Op basis van je antwoorden")
    [queued] = texts(bot.say(me, "ik wil een medewerker spreken"))
    assert queued.startswith("Ik zet je gesprek door naar een medewerker")
    # The bot still listens while the user waits (it pauses when a staff member takes over).
    [waiting] = bot.say(me, "hallo?")
    assert "Je bent nummer 1 in de wachtrij." in waiting["text"]
    assert waiting["text"].endswith("Liever teruggebeld worden?")
    assert payloads(waiting) == ['/inform{"contact_channel":"terugbellen"}']
    assert not bot.tracker(me).is_paused()

    [contact] = the_contacts(db, me)
    assert (contact.status, contact.handoff, contact.corrected) == ("overgedragen", "wachtrij", False)
    assert (contact.theme, contact.question_type, contact.caller_role, contact.school_type) == (
        "pesten", "beleid", "directeur", "vo")
    assert [(a.question_key, a.category) for a in contact.answers][0] == ("antwoord:anti_pestprotocol", "nee")
    assert [a.category for a in contact.answers][1:] == ["ja", "nee", "stop"]
    assert contact.summary.startswith("thema=pesten; type=beleid; rol=directeur; school=vo")


def test_new_question_and_urgent_danger_in_the_middle_of_the_questions(closed):
    bot, db = closed
    me = "e2e-onderbroken"
    # Role (juf) and school (groep 8) told, the topic sure: straight to the first question.
    assert "Vraag 1 van " in joined(bot.say(me, "Een leerling uit groep 8 wordt gepest op het schoolplein, "
                                                 "ik ben haar juf. Wat kan ik doen?"))
    assert "Vraag 2 van " in joined(bot.say(me, "/affirm"))
    answer, source, helped = texts(bot.say(me, "Mag een school camerabeelden van een vechtpartij aan ouders laten zien?"))
    camera = answers.by_key()["avg_camerabeelden"]
    assert camera.unverified and answer.startswith(camera.answer) and answer.endswith("nog niet definitief; "
                                                                                      "check het bij de helpdesk als het ertoe doet.")
    assert source.startswith("Bron: [")
    assert helped == "Had je hier iets aan?"
    bot.say(me, "/affirm")
    referral = texts(bot.say(me, "Er staat nu een vader met een mes bij het hek en hij dreigt"))
    assert referral[0].startswith("Dit klinkt ernstig.") and "**112**" in referral[0]
    assert bot.tracker(me).active_loop_name is None
    assert referral[0].splitlines()[-2] == "Zijn jij en de leerlingen nu op een veilige plek?"   # its one check
    assert texts(bot.say(me, "ja"))[0].startswith("Fijn dat het nu veilig is.")
    assert texts(bot.say(me, "ok ik bel nu de politie")) == [
        "Goed dat je er meteen mee aan de slag gaat. Bel gerust nu; ik ben er daarna nog als je wilt nadenken "
        "over de volgende stappen op school."]

    first, second = the_contacts(db, me)
    assert (first.theme, first.status) == ("pesten", "onvolledig")
    assert (second.theme, second.status, second.urgent) == ("wet_en_regelgeving", "afgerond", True)
    assert ("antwoord:avg_camerabeelden", "ja") in [(a.question_key, a.category) for a in second.answers]
    assert (second.urgency_level, second.urgency_category, second.summary) == (
        "acuut", "acuut_gevaar", "urgent=acuut_gevaar; doorverwezen")


def test_a_question_on_the_side_is_answered_and_the_questions_about_the_case_go_on(closed):
    bot, db = closed
    me = "e2e-zijvraag"
    assert "Vraag 1 van " in joined(bot.say(me, "Een leerling uit groep 8 wordt gepest op het schoolplein, "
                                                 "ik ben haar juf. Wat kan ik doen?"))
    replies = texts(bot.say(me, "Trouwens, moet onze school eigenlijk een klachtenregeling hebben?"))
    assert replies[0].startswith(answers.by_key()["klachtenregeling_verplicht"].answer)
    assert replies[1].startswith("Bron: [")
    assert replies[2] == "Dan ga ik verder met mijn vragen."
    assert replies[3].startswith("Vraag 2 van ")
    [contact] = the_contacts(db, me)
    assert (contact.theme, contact.status) == ("pesten", "lopend")
    # The first question found no fixed answer ("antwoord:geen", for the console's list); the side question did.
    assert [a.question_key for a in contact.answers] == ["antwoord:geen", "antwoord:klachtenregeling_verplicht"]


def test_what_to_do_now_after_a_referral_for_suicidal_thoughts_starts_the_next_steps(closed):
    """Never "daar kan ik je niet mee helpen" (the words alone read as out of scope)."""
    bot, db = closed
    me = "e2e-wat-nu"
    referral = joined(bot.say(me, "Een leerling zei vandaag tegen mij dat ze niet meer wil leven. Ik ben haar mentor."))
    assert "**113**" in referral
    bot.say(me, "ze is nu thuis bij haar moeder")
    replies = texts(bot.say(me, "wat moet ik nu doen?"))
    assert replies[0] == "Dan denk ik nu met je mee over de volgende stappen op school."
    assert not any("niet mee helpen" in r or "geen vast antwoord" in r for r in replies)
    assert bot.tracker(me).active_loop_name == "intake_form"


def test_a_pupil_gets_a_warm_referral_and_a_yes_answers_its_check_question(closed):
    bot, db = closed
    me = "e2e-leerling"
    [referral] = texts(bot.say(me, "hoi ik zit in groep 8 en mijn stiefvader slaat me, ik durf vanmiddag niet naar huis"))
    lines = referral.splitlines()
    assert "Kindertelefoon" in lines[0] and "0800-2000" in referral and "**112**" in referral
    assert lines[-2] == "Ben je nu op een veilige plek?" and "volgende stappen op school" not in referral
    assert texts(bot.say(me, "ja ik ben op school")) == [
        "Fijn dat het nu veilig is. De nummers hierboven kun je altijd bellen of chatten als het nodig is. "
        "Heb je daarna nog een vraag, stel hem dan gerust hier."]
    assert bot.tracker(me).active_loop_name is None
    [contact] = the_contacts(db, me)                                  # no new intake was started
    assert (contact.urgent, contact.urgency_category) == (True, "kindermishandeling")


# In the middle of the urgency model's `mogelijk` band (P(urgent) about 0.46 with the shipped data).
POSSIBLE_DANGER = "een leerling vertelde dat het thuis niet zo leuk is en dat haar vader vaak boos wordt"


def test_possible_danger_gets_one_check_question_then_the_intake_goes_on(closed):
    bot, db = closed
    me = "e2e-mogelijk"
    [check] = bot.say(me, POSSIBLE_DANGER)
    assert check["text"] == "Voordat ik verder vraag: is er op dit moment iemand in gevaar?"
    assert payloads(check) == ["/affirm", "/deny"]
    went_on, *next_steps = texts(bot.say(me, "nee, ze is nu bij haar tante"))
    assert went_on == "Goed om te horen. Dan ga ik verder met je vraag."
    # The check question came first; the intake goes on after it (an answer, when the model has a sure one,
    # or the next question), never a referral or the check once more.
    assert next_steps and not any("**112**" in t or "in gevaar?" in t for t in next_steps)
    assert bot.tracker(me).slots.get("requested_slot") not in (None, "danger_check")
    [contact] = the_contacts(db, me)
    assert (contact.status, contact.urgent, contact.urgency_level) == ("lopend", False, "mogelijk")
    assert ("gevaar_nu", "nee") in [(a.question_key, a.category) for a in contact.answers]


def test_yes_to_the_check_question_gets_the_referral(closed):
    bot, db = closed
    me = "e2e-mogelijk-ja"
    bot.say(me, POSSIBLE_DANGER)
    referral = texts(bot.say(me, "ja"))
    assert referral[0].startswith("Dit klinkt ernstig.") and "**112**" in referral[0]
    assert "Kindertelefoon" not in " ".join(referral)                 # a teacher, not a pupil
    assert bot.tracker(me).active_loop_name is None
    [contact] = the_contacts(db, me)
    assert (contact.status, contact.urgent, contact.urgency_level) == ("afgerond", True, "mogelijk")


def test_nonsense_twice_offers_a_human_and_restart_starts_over(closed):
    bot, _ = closed
    me = "e2e-onzin"
    bot.say(me, "sdkfjh")
    [second] = bot.say(me, "qqqq qqqq")
    assert payloads(second) == ["/ask_human", "/deny"]
    assert texts(bot.say(me, "/deny"))[0].startswith("Prima. Probeer je vraag")
    assert texts(bot.say(me, "/restart")) == ["Ik begin opnieuw. Stel gerust je vraag over sociale veiligheid op school."]
    assert bot.tracker(me).get_slot("intake_phase") is None
    assert texts(bot.say(me, "hoi"))[0].startswith("Hoi!")


# ------------------------------------------------------------------ waiting for staff

def test_while_waiting_a_typed_call_back_takes_the_number_and_leaves_the_queue(open_):
    from bot.storage.waiting import queue_position
    from bot.web.console_data import open_callbacks, waiting_count

    bot, db = open_
    me = "e2e-wacht-terugbellen"
    [queued] = texts(bot.say(me, "ik wil graag met een medewerker praten"))
    assert "in de wachtrij" in queued
    waiting_before = waiting_count(db)
    [consent] = bot.say(me, "laat maar, ik wil teruggebeld worden")
    assert consent["text"].startswith("Mag ik je telefoonnummer vragen?") and payloads(consent) == ["/affirm", "/deny"]
    [number] = texts(bot.say(me, "/affirm"))
    assert number == "Wat is je telefoonnummer?"
    [done] = texts(bot.say(me, "06-12345678"))
    assert done.startswith("Dank je. Je staat nu niet meer in de wachtrij van de chat.")
    [contact] = the_contacts(db, me)
    assert (contact.status, contact.handoff) == ("overgedragen", "terugbellen")
    assert me in [r.conversation_id for r in open_callbacks(db)] and waiting_count(db) == waiting_before - 1
    assert queue_position(db, me) is None
    assert "0612345678" not in " ".join(logged_texts(db)) + (contact.summary or "")


def test_while_waiting_an_urgent_message_is_referred_first_and_the_user_stays_in_the_queue(open_):
    bot, db = open_
    me = "e2e-wacht-urgent"
    bot.say(me, "ik wil een medewerker spreken")
    said = texts(bot.say(me, "een leerling zegt dat hij zich vanavond van het leven gaat beroven"))
    assert "113" in said[0] and "in de wachtrij" in said[-1] and "dringend" in said[-1]
    [contact] = the_contacts(db, me)
    assert (contact.urgent, contact.handoff, contact.status) == (True, "wachtrij", "overgedragen")
    [bye] = texts(bot.say(me, "ik bel zelf wel"))
    assert bye.startswith("Helemaal goed, ik haal je uit de wachtrij.")

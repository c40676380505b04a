"""The conversation evaluation's own parts on small synthetic conversations written here (never
sentences of the shared set): the structure from tracker events, the metrics, the must_not
classifier and each kind's check."""
import pytest

from bot import question_bank as qb
from bot import utterances as u
from tests import conversation_must_not as mn
from tests.conversation_metrics import asked_twice, fallbacks, information_lost, turns_to_advice
from tests.conversation_structure import Conversation, Said, Turn, services_named, turns_of


def said(kind, ref=None, text=""):
    return Said(kind, ref, text)


def conversation(*turns, expect=None, got=None, must_not=()):
    return Conversation("synthetic", list(turns), expect=dict(expect or {}), got=dict(got or {}),
                        must_not=list(must_not))


def turn(user="...", *messages, intent=None, entities=None, before=None, after=None):
    return Turn(user, intent, dict(entities or {}), list(messages), dict(before or {}), dict(after or {}))


BANK_KEY = next(iter(qb.bank()))
QUESTION = said(u.QUESTION, BANK_KEY, "Hoe gaat het nu?")

# ------------------------------------------------------------------ structure


def test_turns_of_splits_at_user_messages_and_reads_kind_ref_and_slots():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "ik ben mentor", "parse_data": {
            "intent": {"name": "inform"}, "entities": [{"entity": "caller_role", "value": "mentor"}]}},
        {"event": "slot", "name": "caller_role", "value": "mentor"},
        {"event": "action", "name": "action_ask_school_type"},
        {"event": "bot", "text": "Op welk soort school?", "metadata": {"kind": "question", "ref": "school_type"},
         "data": {"buttons": [{"title": "Basisonderwijs", "payload": "/inform"}]}},
        {"event": "user", "text": "dank je", "parse_data": {"intent": {"name": "thanks"}, "entities": []}},
        {"event": "action", "name": "utter_thanks"},
        {"event": "bot", "text": "Graag gedaan!", "metadata": {"utter_action": "utter_thanks"}},
    ]
    first, second = turns_of(events)
    assert first.entities == {"caller_role": "mentor"} and first.before == {}
    assert first.after == {"caller_role": "mentor"}
    assert first.said == [Said("question", "school_type", "Op welk soort school?", "action_ask_school_type",
                               ("Basisonderwijs",))]
    assert second.intent == "thanks" and second.kinds() == ["closing"]   # a domain response, by its name
    assert second.before == {"caller_role": "mentor"}


def test_services_are_found_by_their_numbers_in_referrals_yml():
    assert services_named("Bel **112** of de vertrouwensinspecteurs: 0900-111 3 111.") == (
        "alarm", "vertrouwensinspecteur")
    assert services_named("Bel 0900-111 3 111") == ("vertrouwensinspecteur",)   # 111 is not 112
    assert services_named("Kijk op helpwanted.nl") == ("helpwanted",)


# ------------------------------------------------------------------ metrics


def test_asked_twice_counts_a_repeat_and_a_profile_question_when_known():
    talk = conversation(
        turn("ik ben ouder", said(u.QUESTION, "caller_role"), entities={"caller_role": "ouder"}),
        turn("x", QUESTION, before={"caller_role": "ouder"}),
        turn("y", QUESTION),
    )
    repeats = asked_twice(talk)
    assert [(r.turn, r.question, r.why) for r in repeats] == [(1, "caller_role", "known"), (3, BANK_KEY, "again")]


def test_the_confirmation_for_another_topic_is_not_a_repeat():
    talk = conversation(
        turn("a", said(u.QUESTION, "intake_confirmed"), after={"theme": "pesten"}),
        turn("b", said(u.QUESTION, "intake_confirmed"), after={"theme": "vertrouwenswerk"}),
    )
    assert asked_twice(talk) == []


def test_information_lost_when_not_kept_or_emptied():
    stated = turn("ik ben docent", entities={"caller_role": "docent"}, after={"caller_role": "docent"})
    kept = conversation(stated, got={"caller_role": "docent"})
    assert information_lost(kept) == []
    dropped = conversation(stated, got={"caller_role": None})
    assert [(x.field, x.why) for x in information_lost(dropped)] == [("caller_role", "not kept")]
    emptied = conversation(stated, turn("z", after={"caller_role": None}), got={"caller_role": "docent"})
    assert [(x.field, x.why) for x in information_lost(emptied)] == [("caller_role", "emptied")]
    heard_none = conversation(turn("q"), expect={"school_type": "mbo"}, got={"school_type": None})
    assert [(x.field, x.value) for x in information_lost(heard_none)] == [("school_type", "mbo")]


def test_fallbacks_and_turns_to_advice():
    talk = conversation(turn("a", said(u.FALLBACK, "first")), turn("b", QUESTION), turn("c", said(u.ADVICE)))
    assert fallbacks(talk) == 1 and turns_to_advice(talk) == 3
    assert turns_to_advice(conversation(turn("a", QUESTION))) is None


# ------------------------------------------------------------------ the classifier

@pytest.mark.parametrize("text, kind", [
    ("interpret 'oke klaar' as a wrong topic", "ending_as_wrong_topic"),
    ("ask about the timetable before giving 112", "intake_before_referral"),
    ("suggest waiting until next week", "suggest_waiting"),
    ("treat the old quarrel as acute danger", "false_urgent"),
    ("ask for the teacher's name", "ask_for_names"),
    ("ask once more for the school type", "ask_again_profile"),
    ("ignore the request for a person on the phone", "ignore_person_request"),
    ("keep asking questions after the user says goodbye", "questions_after_stop"),
    ("hold back the answer until the end", "withheld_answer"),
    ("quiz a student on the school's policy documents", "policy_questions_to_pupil"),
    ("leave out the vertrouwensinspecteur", "missing_duty"),
    ("say that the Wet veiligheid op school applies to mbo colleges", "forbidden_claim"),
    ("record the grandmother as the caller", "wrong_coding"),
    ("sing a song", None),
])
def test_classify_gives_the_first_matching_kind(text, kind):
    assert mn.classify(text) == kind


def test_kinds_without_a_check_and_claims_without_a_pattern_are_not_judged():
    talk = conversation(turn("a"), must_not=["sing a song", "say the moon is cheese",
                                             "ask again whether the register was checked"])
    assert [(v.kind, v.judged) for v in mn.judge(talk)] == [
        (None, False), ("forbidden_claim", False), ("ask_known_fact", False)]


def test_a_fact_told_is_not_asked_for_after_it_was_told():
    text = "ask again whether the pupil's protocol was followed"
    tried = said(u.QUESTION, "protocol_gevolgd", "Is het pestprotocol gevolgd?")
    asked_after = conversation(turn("het gaat om pesten", QUESTION), turn("Het protocol hebben we gevolgd.", tried))
    asked_before = conversation(turn("het gaat om pesten", tried), turn("Het protocol hebben we gevolgd.", QUESTION))
    never_told = conversation(turn("het gaat om pesten", tried))
    assert mn.judgeable(mn.classify(text), text)
    assert verdict(asked_after, text)
    assert not verdict(asked_before, text) and not verdict(never_told, text)


def test_something_tried_counts_as_told_in_other_words():
    text = "ask whether anything was tried after the talk with the class"
    asked = said(u.QUESTION, "al_geprobeerd", "Wat is er al geprobeerd?")
    assert verdict(conversation(turn("We hebben al een gesprek met de klas gevoerd.", asked)), text)
    assert not verdict(conversation(turn("Het gaat al weken zo.", asked)), text)


def test_fields_named_narrow_the_fields_a_string_is_about():
    assert mn.fields_named("record the uncle as the caller", mn.CODED_FIELDS) == ("caller_role",)
    assert mn.fields_named("get it wrong", mn.CODED_FIELDS) == mn.CODED_FIELDS


# ------------------------------------------------------------------ each check: violated and not

def verdict(talk, text):
    [result] = mn.judge(Conversation(talk.name, talk.turns, talk.expect, talk.got, [text]))
    assert result.judged
    return result.violated


def test_ending_read_as_wrong_topic():
    text = "treat 'klaar hoor' as a wrong topic"
    bad = conversation(turn("vraag", QUESTION), turn("klaar hoor", said(u.QUESTION, "intake_theme")))
    good = conversation(turn("vraag", QUESTION), turn("klaar hoor", said(u.CLOSING)))
    assert verdict(bad, text) and not verdict(good, text)


def test_intake_before_referral():
    text = "ask about the school before giving 113"
    refer = said(u.REFERRAL, "zelfmoordpreventie", "Bel **113** of gratis **0800-0113**.")
    late = conversation(turn("a", said(u.QUESTION, "danger_check")), turn("b", said(u.QUESTION, "caller_role")),
                        turn("c", refer))
    at_once = conversation(turn("a", refer), turn("b", said(u.QUESTION, "caller_role")))
    wrong_number = conversation(turn("a", said(u.REFERRAL, "alarm", "Bel **112**.")))
    assert verdict(late, text) and not verdict(at_once, text) and verdict(wrong_number, text)


def test_a_referral_may_be_given_over_several_messages_and_112_stands_for_the_police():
    text = "keep chatting about the timetable before referring to the police and helpwanted"
    alarm = said(u.REFERRAL, "acuut_gevaar", "Bel meteen **112**.")
    helpwanted = said(u.REFERRAL, "seksueel_misbruik", "Kijk op **helpwanted.nl**.")
    assert not verdict(conversation(turn("a", alarm), turn("b", helpwanted)), text)
    assert verdict(conversation(turn("a", alarm), turn("b", QUESTION)), text)


def test_suggest_waiting():
    text = "suggest waiting for a colleague"
    assert verdict(conversation(turn("a", said(u.HANDOFF, "wachtrij")), turn("b", said(u.REFERRAL))), text)
    assert not verdict(conversation(turn("a", said(u.REFERRAL)), turn("b", said(u.HANDOFF, "wachtrij"))), text)


def test_false_urgent():
    text = "treat the old quarrel as acute danger"
    assert verdict(conversation(turn("a", said(u.REFERRAL))), text)
    assert verdict(conversation(turn("a"), got={"urgent": True}), text)
    assert not verdict(conversation(turn("a", QUESTION), got={"urgent": False}), text)
    unsure = said(u.REFERRAL, "first_service", "Twijfel je? Bel **112**.")
    assert not verdict(conversation(turn("weet niet", unsure), got={"urgent": False}), text)


def test_ask_for_names():
    text = "ask for the teacher's name"
    assert verdict(conversation(turn("a", said(u.QUESTION, "x", "Wat is de naam van de docent?"))), text)
    warning = said(u.QUESTION, "x", "Vertel wat er gebeurde, zonder namen.")
    assert not verdict(conversation(turn("a", warning, said(u.GREETING, None, "Noem geen namen."))), text)


def test_ask_again_profile_only_for_the_field_named():
    text = "ask once more for the school type"
    role_again = conversation(turn("ik ben ib'er", said(u.QUESTION, "caller_role"),
                                   entities={"caller_role": "ib_zorg"}))
    school_again = conversation(turn("mbo", entities={"school_type": "mbo"}),
                                turn("b", said(u.QUESTION, "school_type")))
    assert not verdict(role_again, text) and verdict(school_again, text)


def test_ignore_person_request():
    text = "ignore the request for a person on the phone"
    assert verdict(conversation(turn("a", QUESTION), turn("mens graag", QUESTION)), text)
    phone = said(u.META, "not_chat", f"Bel {qb.helpdesk_phone()}.")
    assert not verdict(conversation(turn("a", QUESTION), turn("mens graag", phone)), text)


def test_questions_after_stop():
    text = "keep asking questions after the user says goodbye"
    asked_on = conversation(turn("a", QUESTION), turn("doei", said(u.QUESTION, "caller_role"), intent="goodbye"))
    closed = conversation(turn("a", QUESTION), turn("doei", said(u.CLOSING), intent="goodbye"),
                          turn("nieuwe vraag", QUESTION, intent="vraag_pesten_beleid"))
    assert verdict(asked_on, text) and not verdict(closed, text)


def test_withheld_answer():
    text = "hold back the answer until the end"
    chosen = {"doorvraag_keys": [BANK_KEY]}
    first = conversation(turn("a", said(u.ANSWER, "k"), after=chosen))
    last = conversation(turn("a", QUESTION, after=chosen), turn("b", said(u.ADVICE), after=chosen))
    never = conversation(turn("a", QUESTION))
    assert not verdict(first, text) and verdict(last, text) and verdict(never, text)


def test_policy_questions_to_a_pupil():
    text = "quiz a student on the school's policy documents"
    duty = next(q.key for q in qb.bank().values() if q.duty)
    to_pupil = conversation(turn("a", said(u.QUESTION, duty)), expect={"caller_role": "leerling"})
    to_staff = conversation(turn("a", said(u.QUESTION, duty)), expect={"caller_role": "docent"})
    assert verdict(to_pupil, text) and not verdict(to_staff, text)


def test_missing_duty():
    text = "leave out the vertrouwensinspecteur"
    assert verdict(conversation(turn("a", said(u.ADVICE, None, "Bespreek het met de directie."))), text)
    assert not verdict(conversation(turn("a", said(u.ADVICE, None, "Overleg met de vertrouwensinspecteur."))), text)


def test_forbidden_claim_with_its_negation_in_the_same_sentence():
    text = "say that the Wet veiligheid op school applies to mbo colleges"
    claim = conversation(turn("a", said(u.ANSWER, "k", "De Wet veiligheid op school geldt ook voor het mbo.")))
    denied = conversation(turn("a", said(u.ANSWER, "k", "De Wet veiligheid op school geldt niet voor het mbo.")))
    assert verdict(claim, text) and not verdict(denied, text)


def test_a_claim_denied_in_other_words_is_no_claim():
    text = "say the aangifteplicht goes away when the family objects"
    denied = conversation(turn("a", said(u.ANSWER, "k", "Bezwaar van de familie heft de aangifteplicht niet op.")))
    made = conversation(turn("a", said(u.ANSWER, "k", "Met bezwaar van de familie vervalt de aangifteplicht.")))
    assert not verdict(denied, text) and verdict(made, text)


@pytest.mark.parametrize(("text", "made", "denied"), [
    ("advise confronting the mother at pick-up", "Spreek de moeder morgen bij het ophalen op het plein aan.",
     "Spreek de moeder niet op het plein aan, maar nodig haar uit voor een gesprek."),
    ("advise sending the girl home as usual", "Laat haar vandaag gewoon naar huis gaan.",
     "Stuur haar niet zomaar naar huis."),
    ("advise passing the complaint on to the colleague", "Geef de klacht door aan de collega over wie hij gaat.",
     "Geef de klacht niet door aan de collega zonder haar toestemming."),
    ("say the law requires a separate anti-pestcoördinator job",
     "De wet vraagt een aparte functie van anti-pestcoördinator naast het aanspreekpunt.",
     "Het aanspreekpunt en de coördinator mogen dezelfde persoon zijn; een aparte functie is niet verplicht."),
    ("say that monitoring less than once a year is enough", "Een monitor om de twee jaar is genoeg.",
     "Meet minstens elk jaar; om de twee jaar is niet genoeg."),
    ("say the images can be shown without regard to the other pupil's privacy (AVG)",
     "Je mag de camerabeelden aan de ouders laten zien.",
     "Camerabeelden mag je niet zomaar laten zien: weeg de privacy van de andere leerling af."),
    ("treat the student as a minor", "Dit valt onder de meldplicht: je moet het melden bij het bestuur.",
     "De meldplicht geldt niet, want ze is meerderjarig."),
    ("treat him as a minor (he is 20)", "Praat erover met je ouders en laat hen de school inlichten.",
     "Je bepaalt zelf of je ouders het weten; de school heeft je toestemming nodig."),
    ("apply the meldplicht for minors to an adult student", "Bel de Kindertelefoon (0800-0432).",
     "Ben je 18 jaar of ouder, dan is de Kindertelefoon niet meer voor jou."),
    ("treat them as minors", "Omdat ze minderjarig zijn, licht je hun ouders in.",
     "Ben je jonger dan 18, dan kun je ook de Kindertelefoon bellen."),
    ("say it is enough that the directeur knows or can handle it with the pabo",
     "Het is genoeg dat de directeur het weet.", "Het is niet genoeg dat de directeur het weet: meld het bij het bestuur."),
])
def test_forbidden_claims_of_the_scripts_are_judged_both_ways(text, made, denied):
    assert mn.judgeable(mn.classify(text), text)
    assert verdict(conversation(turn("a", said(u.ADVICE, None, made))), text)
    assert not verdict(conversation(turn("a", said(u.ADVICE, None, denied))), text)


def test_a_duty_said_in_other_words_counts():
    text = "leave out the meldplicht"
    assert not verdict(conversation(turn("a", said(u.ANSWER, "k", "Meld het meteen bij het bestuur."))), text)
    assert verdict(conversation(turn("a", said(u.ANSWER, "k", "Praat eerst met de collega."))), text)


def test_wrong_coding_by_the_expect_fields_named():
    text = "record the grandmother as the caller"
    expect = {"caller_role": "ouder", "theme": "pesten"}
    assert verdict(conversation(turn("a"), expect=expect, got={"caller_role": "overig", "theme": "pesten"}), text)
    assert not verdict(conversation(turn("a"), expect=expect, got={"caller_role": "ouder", "theme": "overig"}), text)


# ------------------------------------------------------------------ the report


def test_the_report_has_the_targets_the_not_judged_strings_and_what_was_violated():
    from tests.conversation_eval import Result, render

    expect = {"theme": "pesten", "question_type": "incident", "urgent": False, "caller_role": "ouder",
              "school_type": "po", "handoff": False}
    talk = conversation(
        turn("ik ben ouder", said(u.ANSWER, "k"), entities={"caller_role": "ouder"}, after={"caller_role": "ouder"}),
        turn("a", QUESTION), turn("b", QUESTION, said(u.FALLBACK, "first")),
        expect=expect, got=expect, must_not=["treat the old quarrel as acute danger", "sing a song"])
    fine = conversation(turn("c", said(u.ADVICE)), expect=expect, got=expect)
    report = render({"mine": [Result("herhaald", expect, expect, talk), Result("goed", expect, expect, fine)]})
    assert "| coded right | >= 95% | 100 % (2/2) |" in report
    assert "| questions asked twice | 0 | 1 in 1 conversations |" in report
    assert "| fallbacks per 100 user turns | <= 2 | 25.0 (1 in 4 turns) |" in report
    assert "| median user turns to the first advice or answer | <= 8 | 1 (2 of 2 reached one) |" in report
    assert "| must_not | 0 violated | 0 violated of 1 judged (1 not judged) |" in report
    assert "- sing a song (no kind matched)" in report
    went_wrong = report.split("## mine: went wrong")[1]
    assert "### herhaald" in went_wrong and "### goed" not in went_wrong
    assert f"asked twice (turn 3, again): {BANK_KEY}" in went_wrong

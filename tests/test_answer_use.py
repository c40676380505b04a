"""Analysts see which knowledge-base answers were given, whether they helped, and what found no answer."""

import yaml

from bot import contact_log
from bot.analytics.answer_use import answer_use, group_similar, unanswered, unanswered_yaml
from tests.intake_support import contact_db  # noqa: F401


def given(conversation, key, category):
    contact_log.open_contact(conversation, theme="wet_en_regelgeving", question_type="beleid")
    contact_log.record_answer(conversation, f"antwoord:{key}", category)


def test_answers_given_and_their_use_per_answer(contact_db):
    given("c1", "wvos_mbo", "ja")
    given("c2", "wvos_mbo", "nee")
    given("c3", "wvos_mbo", "weet_niet")
    given("c4", "plagen_of_pesten", "ja")
    contact_log.record_answer("c4", "veiligheidsplan_actueel", "ja")  # a doorvraag, not an answer
    [mbo, plagen] = answer_use(contact_db)
    assert (mbo.key, mbo.given, mbo.helped, mbo.not_helped, mbo.helped_share) == ("wvos_mbo", 3, 1, 1, 0.5)
    assert mbo.title and (plagen.key, plagen.given, plagen.helped_share) == ("plagen_of_pesten", 1, 1.0)


def test_unanswered_questions_are_grouped_by_similarity_and_export_as_examples(contact_db):
    questions = [
        "Hoe lang moeten we incidentregistraties bewaren?",
        "Wat is het lesrooster van morgen?",
        "Hoe lang mogen we de incidentregistratie bewaren?",
    ]
    for number, text in enumerate(questions):
        contact_log.open_contact(f"u{number}", theme="overig", question_type="overig")
        contact_log.record_answer(f"u{number}", "antwoord:geen", "tekst", text)
    groups = unanswered(contact_db)
    assert groups == [[questions[0], questions[2]], [questions[1]]]
    exported = yaml.safe_load(unanswered_yaml(groups))
    assert exported == {"groups": [{"examples": [questions[0], questions[2]]}, {"examples": [questions[1]]}]}
    assert group_similar([]) == []

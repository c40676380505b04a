import pytest

from bot import labels

LABELS_MD_THEMES = {"pesten", "wet_en_regelgeving", "vertrouwenswerk", "sociale_veiligheid", "overig"}


def test_label_values_are_exactly_those_of_labels_md():
    assert set(labels.themes()) == LABELS_MD_THEMES
    assert set(labels.question_types()) == {"incident", "beleid", "overig"}
    assert set(labels.school_types()) == {"po", "vo", "so", "mbo"}
    assert set(labels.caller_roles()) == {
        "docent", "mentor", "vertrouwenspersoon", "anti_pest", "ib_zorg", "veiligheid",
        "directeur", "bestuurder", "ouder", "leerling", "overig"}


@pytest.mark.parametrize("intent,theme,qtype", [
    ("vraag_pesten_incident", "pesten", "incident"),
    ("vraag_wet_en_regelgeving_beleid", "wet_en_regelgeving", "beleid"),
    ("vraag_sociale_veiligheid_overig", "sociale_veiligheid", "overig"),
    ("vraag_overig", "overig", "overig"),
    ("vraag_overig_incident", "overig", "incident"),      # off-topic questions have a type too
    ("vraag_overig_beleid", "overig", "beleid"),
])
def test_question_intents_encode_both_axes(intent, theme, qtype):
    assert labels.labels_of_intent(intent) == labels.QuestionLabels(theme, qtype)
    assert labels.intent_name(theme, qtype) == intent


@pytest.mark.parametrize("intent", ["greet", "urgent", "vraag_pesten", "vraag_foo_incident", "", None])
def test_other_intents_carry_no_labels(intent):
    assert labels.labels_of_intent(intent) is None


def test_marginal_labels_sum_over_the_ranking():
    # Top intent is a beleid intent for pesten, but incident has more mass overall.
    ranking = [
        {"name": "vraag_pesten_beleid", "confidence": 0.40},
        {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.30},
        {"name": "vraag_pesten_incident", "confidence": 0.25},
        {"name": "greet", "confidence": 0.05},
    ]
    axes = labels.marginal_labels(ranking)
    assert axes.theme == "pesten"
    assert axes.question_type == "incident"
    assert axes.theme_confidence == pytest.approx(0.65 / 0.95)


def test_marginal_labels_without_questions_is_overig():
    axes = labels.marginal_labels([{"name": "greet", "confidence": 1.0}])
    assert (axes.theme, axes.question_type, axes.theme_confidence) == ("overig", "overig", 0.0)


def test_every_label_has_dutch_text():
    for axis, codes in [("themes", labels.themes()), ("question_types", labels.question_types()),
                        ("caller_roles", labels.caller_roles()), ("school_types", labels.school_types())]:
        for code in codes:
            assert labels.label_text(axis, code).strip()


def test_from_parse_reads_an_unsure_question_from_the_ranking():
    from bot.classifier import from_parse

    unsure_question = {"text": "x", "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": [],
                       "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3},
                                          {"name": "inform", "confidence": 0.28},
                                          {"name": "vraag_pesten_beleid", "confidence": 0.25},
                                          {"name": "vraag_pesten_incident", "confidence": 0.2},
                                          {"name": "vraag_sociale_veiligheid_beleid", "confidence": 0.15}]}
    unsure_chat = dict(unsure_question, intent_ranking=[{"name": "nlu_fallback", "confidence": 0.3},
                                                        {"name": "greet", "confidence": 0.28},
                                                        {"name": "thanks", "confidence": 0.27},
                                                        {"name": "vraag_pesten_beleid", "confidence": 0.2}])
    result = from_parse(unsure_question)
    assert (result.theme, result.question_type, result.intent) == ("pesten", "beleid", "nlu_fallback")
    assert (from_parse(unsure_chat).theme, from_parse(unsure_chat).question_type) == ("overig", "overig")


def test_from_parse_greeting_is_overig_and_urgent_keeps_its_theme():
    from bot.classifier import from_parse

    greet = {"text": "hoi", "intent": {"name": "greet", "confidence": 0.9},
             "intent_ranking": [{"name": "greet", "confidence": 0.9},
                                {"name": "vraag_pesten_incident", "confidence": 0.1}], "entities": []}
    urgent = {"text": "...", "intent": {"name": "urgent", "confidence": 1.0},
              "intent_ranking": [{"name": "vraag_pesten_incident", "confidence": 0.6},
                                 {"name": "urgent", "confidence": 0.4}],
              "entities": [{"entity": "urgency", "value": "zelfdoding"}]}
    assert (from_parse(greet).theme, from_parse(greet).urgent) == ("overig", False)
    assert (from_parse(urgent).theme, from_parse(urgent).urgent) == ("pesten", True)

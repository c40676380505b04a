"""The one-axis heads' redistribution of the question intents (raking), on exact numbers."""
import pytest

from bot.nlp.intent_classifier import TfidfIntentClassifier

CLASSES = ["greet", "urgent", "vraag_pesten_incident", "vraag_pesten_beleid",
           "vraag_sociale_veiligheid_incident", "vraag_overig"]
JOINT = [0.1, 0.1, 0.3, 0.1, 0.3, 0.1]                     # question mass 0.8


def classifier(**config):
    instance = TfidfIntentClassifier.__new__(TfidfIntentClassifier)
    instance._config = {**TfidfIntentClassifier.get_default_config(), **config}
    return instance


def marginal(result, axis, value):
    return sum(p for c, p in zip(CLASSES, result) if TfidfIntentClassifier._axis_of(c, axis) == value)


def test_the_theme_head_shares_the_question_mass_and_the_rest_is_untouched():
    heads = {"theme": (["overig", "pesten", "sociale_veiligheid"], [0.5, 0.25, 0.25])}
    result = classifier()._rake(JOINT, classifier()._axis_values(CLASSES), heads)
    assert result[:2] == [0.1, 0.1]
    assert result[2] == pytest.approx(0.8 * 0.25 * 0.75)    # pesten keeps its 3:1 split by type
    assert result[3] == pytest.approx(0.8 * 0.25 * 0.25)
    assert result[4] == pytest.approx(0.8 * 0.25)
    assert result[5] == pytest.approx(0.8 * 0.5)
    assert sum(result) == pytest.approx(1.0)


def test_with_both_heads_the_question_intents_match_both_axes():
    heads = {"theme": (["overig", "pesten", "sociale_veiligheid"], [0.2, 0.5, 0.3]),
             "question_type": (["beleid", "incident", "overig"], [0.3, 0.5, 0.2])}
    result = classifier(rake_iterations=50)._rake(JOINT, classifier()._axis_values(CLASSES), heads)
    assert result[:2] == [0.1, 0.1]
    assert sum(result) == pytest.approx(1.0)
    for theme, share in zip(heads["theme"][0], heads["theme"][1]):
        assert marginal(result, "theme", theme) == pytest.approx(0.8 * share, abs=1e-6)
    for qtype, share in zip(heads["question_type"][0], heads["question_type"][1]):
        assert marginal(result, "question_type", qtype) == pytest.approx(0.8 * share, abs=1e-6)


def test_without_question_mass_nothing_changes():
    joint = [0.5, 0.5, 0.0, 0.0, 0.0, 0.0]
    heads = {"theme": (["pesten"], [1.0])}
    assert classifier()._rake(joint, classifier()._axis_values(CLASSES), heads) == joint


def test_the_heads_follow_the_configuration():
    assert classifier()._head_axes() == ["theme", "question_type"]
    assert classifier(type_head=False)._head_axes() == ["theme"]
    assert classifier(theme_head=False, type_head=False)._head_axes() == []


def test_a_head_without_probabilities_gives_softmax_shares_of_its_scores():
    from types import SimpleNamespace

    import numpy as np

    three = SimpleNamespace(decision_function=lambda X: np.array([[0.2, -0.1, 0.5]]))
    shares = classifier(head_temperature=5.0)._head_probabilities(three, None)
    expected = np.exp(5.0 * np.array([0.2, -0.1, 0.5]))
    assert shares[0] == pytest.approx(expected / expected.sum())
    two = SimpleNamespace(decision_function=lambda X: np.array([0.4]))      # scikit-learn's 2-class shape
    assert classifier(head_temperature=1.0)._head_probabilities(two, None)[0] == pytest.approx(
        [np.exp(-0.4) / (np.exp(-0.4) + np.exp(0.4)), np.exp(0.4) / (np.exp(-0.4) + np.exp(0.4))])


def test_the_theme_head_is_a_ridge_classifier_unless_configured_otherwise():
    assert type(classifier()._new_head("theme")).__name__ == "RidgeClassifier"
    assert type(classifier()._new_head("question_type")).__name__ == "LogisticRegression"
    assert type(classifier(theme_head_model="logreg")._new_head("theme")).__name__ == "LogisticRegression"


def test_urgent_examples_teach_the_heads_but_share_no_question_mass():
    # labels.yml urgent_head_labels: danger now is a sociale_veiligheid case
    assert TfidfIntentClassifier._axis_of("urgent", "theme", for_training=True) == "sociale_veiligheid"
    assert TfidfIntentClassifier._axis_of("urgent", "question_type", for_training=True) == "incident"
    assert TfidfIntentClassifier._axis_of("urgent", "theme") is None
    assert TfidfIntentClassifier._axis_of("greet", "theme", for_training=True) is None
    assert classifier()._axis_values(CLASSES)["theme"][1] is None


def test_rasas_training_cache_sees_a_change_in_the_label_map(monkeypatch):
    from bot import knowledge

    before = TfidfIntentClassifier.fingerprint_addon({})
    assert TfidfIntentClassifier.fingerprint_addon({}) == before
    real = knowledge.load

    def moved(name):
        data = real(name)
        if name != "labels":
            return data
        intents = {**data["intents"], "urgent_head_labels": {"theme": "pesten", "question_type": "incident"}}
        return {**data, "intents": intents}

    monkeypatch.setattr(knowledge, "load", moved)
    assert TfidfIntentClassifier.fingerprint_addon({}) != before


def test_raking_never_lifts_a_question_above_an_urgent_first_choice():
    joint = [0.0, 0.4, 0.15, 0.15, 0.15, 0.15]                   # urgent first, question mass 0.6
    heads = {"theme": (["overig", "pesten", "sociale_veiligheid"], [0.05, 0.05, 0.9])}
    result = classifier()._rake(joint, classifier()._axis_values(CLASSES), heads, urgent=CLASSES.index("urgent"))
    questions = [2, 3, 4, 5]
    assert result[1] >= max(result[i] for i in questions)
    assert result[1] > 0.4                                       # it took what the questions gave up
    assert sum(result) == pytest.approx(1.0)
    mass = sum(result[i] for i in questions)
    assert result[4] / mass == pytest.approx(0.9)                # the theme shares are the head's
    assert (result[2] + result[3]) / mass == pytest.approx(0.05)
    ranking = TfidfIntentClassifier._ranking(CLASSES, result)
    assert ranking[0]["name"] == "urgent"


def test_a_question_first_choice_is_raked_as_before():
    joint = [0.0, 0.1, 0.5, 0.1, 0.2, 0.1]
    heads = {"theme": (["overig", "pesten", "sociale_veiligheid"], [0.05, 0.05, 0.9])}
    result = classifier()._rake(joint, classifier()._axis_values(CLASSES), heads, urgent=CLASSES.index("urgent"))
    assert result[1] == 0.1 and result[4] == pytest.approx(0.9 * 0.9)


def test_ties_rank_urgent_first():
    ranking = TfidfIntentClassifier._ranking(["vraag_pesten_incident", "urgent"], [0.5, 0.5])
    assert [r["name"] for r in ranking] == ["urgent", "vraag_pesten_incident"]

"""The theme head's redistribution of the question intents, on exact numbers."""
from types import SimpleNamespace

import pytest

from bot.nlp.intent_classifier import TfidfIntentClassifier


def classifier(head_classes):
    instance = TfidfIntentClassifier.__new__(TfidfIntentClassifier)
    instance._model = {"theme_clf": SimpleNamespace(classes_=head_classes)}
    return instance


def test_question_mass_is_shared_by_the_theme_head_and_the_rest_is_untouched():
    classes = ["greet", "urgent", "vraag_pesten_incident", "vraag_pesten_beleid",
               "vraag_sociale_veiligheid_incident", "vraag_overig"]
    joint = [0.1, 0.1, 0.3, 0.1, 0.3, 0.1]                 # question mass 0.8
    head = [0.5, 0.25, 0.25]                              # classes: overig, pesten, sociale_veiligheid
    result = classifier(["overig", "pesten", "sociale_veiligheid"])._with_theme_head(classes, joint, head)
    assert result[:2] == [0.1, 0.1]
    assert result[2] == pytest.approx(0.8 * 0.25 * 0.75)    # pesten keeps its 3:1 split by type
    assert result[3] == pytest.approx(0.8 * 0.25 * 0.25)
    assert result[4] == pytest.approx(0.8 * 0.25)
    assert result[5] == pytest.approx(0.8 * 0.5)
    assert sum(result) == pytest.approx(1.0)

"""UrgencyDetector's use of the model's ranking: the fallback must not hide `urgent` when it is first."""
import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import UrgencyDetector

NEUTRAL = "er is iets aan de hand bij de voordeur, kunnen jullie meedenken"


def parsed(nlp, text, intent, ranking):
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    message.set(INTENT, intent)
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return message


@pytest.fixture
def detector():
    return UrgencyDetector()


def test_urgent_narrowly_first_behind_the_fallback_is_still_urgent(nlp, detector):
    message = parsed(nlp, NEUTRAL, {"name": "nlu_fallback", "confidence": 0.3},
                     [("nlu_fallback", 0.3), ("urgent", 0.37), ("vraag_sociale_veiligheid_incident", 0.35)])
    detector.process([message])
    assert message.get(INTENT) == {"name": "urgent", "confidence": 0.37}
    assert [e["value"] for e in message.get(ENTITIES) if e["entity"] == "urgency"] == ["algemeen"]


@pytest.mark.parametrize("text, ranking", [
    # urgent first, but below the fallback threshold: the model is simply unsure
    ("help", [("nlu_fallback", 0.3), ("urgent", 0.22), ("vraag_overig", 0.2)]),
    # a question first, urgent second
    (NEUTRAL, [("nlu_fallback", 0.3), ("vraag_sociale_veiligheid_incident", 0.37), ("urgent", 0.35)]),
])
def test_these_fallbacks_stay_fallbacks(nlp, detector, text, ranking):
    message = parsed(nlp, text, {"name": "nlu_fallback", "confidence": 0.3}, ranking)
    detector.process([message])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.3}
    assert not message.get(ENTITIES)


def test_the_models_urgent_keeps_its_confidence(nlp, detector):
    message = parsed(nlp, NEUTRAL, {"name": "urgent", "confidence": 0.8},
                     [("urgent", 0.8), ("vraag_pesten_incident", 0.1)])
    detector.process([message])
    assert message.get(INTENT) == {"name": "urgent", "confidence": 0.8}


def test_a_rule_hit_makes_a_question_urgent_with_certainty(nlp, detector):
    text = "ik wil niet meer leven"
    message = parsed(nlp, text, {"name": "vraag_overig", "confidence": 0.6},
                     [("vraag_overig", 0.6), ("urgent", 0.2)])
    detector.process([message])
    assert message.get(INTENT) == {"name": "urgent", "confidence": 1.0}
    assert [e["value"] for e in message.get(ENTITIES)] == ["zelfdoding"]

"""UrgencyDetector: the urgency model's level decides the intent and the entities; the rules are the fallback."""
import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import UrgencyDetector
from bot.nlp.urgency_model import ACUUT, GEEN, MOGELIJK, UrgencyResult

QUESTION = {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.5}
RANKING = [("urgent", 0.4), ("vraag_sociale_veiligheid_incident", 0.35), ("vraag_pesten_incident", 0.1)]


class FixedModel:
    """Stands in for a trained UrgencyModel: one fixed result per message."""

    def __init__(self, result):
        self.result = result
        self.seen = []

    def assess(self, items):
        self.seen += items
        return [self.result for _ in items]


def parsed(nlp, text, intent, ranking=RANKING):
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    message.set(INTENT, intent)
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return message


def detector(model=None):
    return UrgencyDetector(UrgencyDetector.get_default_config(), None, None, model)


def urgency_entities(message):
    return {e["entity"]: e["value"] for e in message.get(ENTITIES) or [] if e["entity"].startswith("urgency")}


def test_acuut_makes_the_intent_urgent_with_the_models_probability(nlp):
    message = parsed(nlp, "ze staat bij het hek te wachten", QUESTION)
    detector(FixedModel(UrgencyResult(ACUUT, 0.93, "seksueel_misbruik"))).process([message])
    assert message.get(INTENT) == {"name": "urgent", "confidence": 0.93}
    assert urgency_entities(message) == {"urgency": "seksueel_misbruik", "urgency_level": "acuut"}


def test_mogelijk_keeps_a_question_and_an_urgent_first_choice_yields_to_it(nlp):
    message = parsed(nlp, "hij was vanochtend erg stil", {"name": "urgent", "confidence": 0.4})
    detector(FixedModel(UrgencyResult(MOGELIJK, 0.3, "zelfdoding"))).process([message])
    assert message.get(INTENT) == {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.35}
    assert urgency_entities(message) == {"urgency": "zelfdoding", "urgency_level": "mogelijk"}


def test_geen_leaves_a_question_alone_and_demotes_the_classifiers_urgent(nlp):
    question = parsed(nlp, "hoe zetten we een pestprotocol op?", QUESTION)
    urgent_first = parsed(nlp, "hoe oefenen we een ontruiming?", {"name": "urgent", "confidence": 0.4})
    detector(FixedModel(UrgencyResult(GEEN, 0.02, None))).process([question, urgent_first])
    assert question.get(INTENT) == QUESTION and not question.get(ENTITIES)
    assert urgent_first.get(INTENT) == {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.35}
    assert not urgent_first.get(ENTITIES)


def test_the_entity_spans_the_rules_trigger_when_the_categories_agree(nlp):
    text = "hij zegt dat hij er vanavond een eind aan wil maken"
    message = parsed(nlp, text, QUESTION)
    detector(FixedModel(UrgencyResult(ACUUT, 0.97, "zelfdoding"))).process([message])
    entity = next(e for e in message.get(ENTITIES) if e["entity"] == "urgency")
    assert entity["end"] > entity["start"] and "eind" in text[entity["start"]:entity["end"]]


def test_the_model_reads_lemmas_and_the_rules_findings(nlp):
    model = FixedModel(UrgencyResult(GEEN, 0.0, None))
    detector(model).process([parsed(nlp, "de leerlingen zijn gepest en ik wil niet meer leven", QUESTION)])
    (item,) = model.seen
    assert "leerling" in item.lemmas.split() and "pesten" in item.lemmas.split()
    assert item.rules["rules_urgent"] == 1.0 and item.rules_category == "zelfdoding"


def test_without_a_trained_model_the_rules_decide(nlp):
    urgent = parsed(nlp, "ik wil niet meer leven", QUESTION)
    calm = parsed(nlp, "hoe zetten we een pestprotocol op?", QUESTION)
    detector(None).process([urgent, calm])
    assert urgent.get(INTENT)["name"] == "urgent"
    assert urgency_entities(urgent) == {"urgency": "zelfdoding", "urgency_level": "acuut"}
    assert calm.get(INTENT) == QUESTION


def test_messages_without_text_or_doc_are_left_alone(nlp):
    empty = Message(data={TEXT: ""})
    model = FixedModel(UrgencyResult(ACUUT, 1.0, "acuut_gevaar"))
    detector(model).process([empty])
    assert model.seen == [] and empty.get(INTENT) is None


@pytest.mark.parametrize("text, caught", [
    # the two acceptance cases: danger now without a danger word; policy with one
    ("ze is na de gymles weggelopen en neemt haar telefoon niet op, haar moeder weet ook niet waar ze is", True),
    ("hoe besteden we in de mentorlessen aandacht aan zelfmoordpreventie?", False),
])
def test_the_trained_model_on_the_acceptance_cases(classifier, text, caught):
    result = classifier.classify(text)
    assert (result.urgency != GEEN) is caught, result
    assert result.urgent is (result.urgency == ACUUT)


class SentenceModel:
    """Reads danger only where a sentence, on its own, says `marker`: as a long message drowns it out."""

    def __init__(self, marker, certain=True):
        self.marker, self.certain = marker, certain

    def assess(self, items):
        alone = [self.marker in item.text and len(item.text.split()) < 20 for item in items]
        return [
            UrgencyResult(ACUUT, 0.97, "kindermishandeling", self.certain) if hit else UrgencyResult(GEEN, 0.01, None)
            for hit in alone
        ]


STORY = (
    "Ik sta sinds september voor groep 7 en het is een lastige groep met veel ruzies op het plein. "
    "Mijn duo-collega vindt dat ik te streng ben en de directeur zegt dat ik het moet aankijken. "
    "Gisteren zei een meisje dat ze niet naar huis wil omdat papa haar slaat. "
    "Verder wil ik vooral weten hoe ik de groep weer rustig krijg, hebben jullie tips?"
)


def test_danger_told_in_passing_in_a_long_message_gets_the_check_question(nlp):
    message = parsed(nlp, STORY, QUESTION)
    detector(SentenceModel("papa haar slaat")).process([message])
    # One sentence alone is heard, up to mogelijk: the check question, never a referral on a sentence alone.
    assert message.get(INTENT) == QUESTION
    assert urgency_entities(message) == {"urgency": "kindermishandeling", "urgency_level": "mogelijk"}


def test_a_sentence_settled_by_the_next_one_or_not_all_but_certain_stays_quiet(nlp):
    settled = STORY.replace("papa haar slaat.", "papa haar slaat. Dat is inmiddels afgehandeld met Veilig Thuis.")
    message = parsed(nlp, settled, QUESTION)
    detector(SentenceModel("papa haar slaat")).process([message])
    assert not urgency_entities(message)
    unsure = parsed(nlp, STORY, QUESTION)
    detector(SentenceModel("papa haar slaat", certain=False)).process([unsure])
    assert not urgency_entities(unsure)


def test_a_short_message_is_read_only_as_a_whole(nlp):
    short = parsed(nlp, "Gisteren zei een meisje dat ze niet naar huis wil omdat papa haar slaat. Wat nu?", QUESTION)
    model = FixedModel(UrgencyResult(GEEN, 0.01, None))
    detector(model).process([short])
    assert len(model.seen) == 1 and not urgency_entities(short)

"""The NLU guards that correct an intent the models give a message of this kind (bot/nlp/components.py)."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import OutOfScopeGuard

RANKING = [{"name": "out_of_scope", "confidence": 0.35},
           {"name": "vraag_sociale_veiligheid_incident", "confidence": 0.2},
           {"name": "thanks", "confidence": 0.1}]


def read(text, ranking=RANKING):
    message = Message(data={"text": text, "intent": dict(ranking[0]), "intent_ranking": [dict(r) for r in ranking]})
    [processed] = OutOfScopeGuard(OutOfScopeGuard.get_default_config()).process([message])
    return processed.get("intent")["name"]


@pytest.mark.parametrize("text", ["wat moet ik nu doen?", "en nu?", "dat was het", "ik wil een mens spreken"])
def test_a_remark_about_the_conversation_is_never_out_of_scope(text):
    assert read(text) == "vraag_sociale_veiligheid_incident"


@pytest.mark.parametrize("text", ["mijn wasmachine lekt, wat moet ik doen", "hoe laat begint de voetbalwedstrijd?"])
def test_a_question_about_something_else_stays_out_of_scope(text):
    assert read(text) == "out_of_scope"


def test_other_intents_are_left_alone():
    ranking = [{"name": "thanks", "confidence": 0.9}, {"name": "vraag_pesten_incident", "confidence": 0.05}]
    assert read("dat was het", ranking) == "thanks"


ROLE = {"entity": "caller_role", "value": "ib_zorg", "start": 7, "end": 12}


@pytest.mark.parametrize("text, entities, intent", [
    # A role and a school type: the mentions do not count as words of a question.
    ("ik ben ib'er op een vmbo", [ROLE, {"entity": "school_type", "value": "vo", "start": 20, "end": 24}], "inform"),
    ("ik ben ib'er en wil ons pestprotocol herschrijven", [ROLE], "vraag_pesten_beleid"),  # says more: a question
])
def test_inform_only_gives_a_role_or_school_type(text, entities, intent):
    from bot.nlp.components import InformGuard

    ranking = [{"name": "inform", "confidence": 0.6}, {"name": "vraag_pesten_beleid", "confidence": 0.3}]
    message = Message(data={"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking,
                            "entities": [dict(e) for e in entities]})
    [processed] = InformGuard(InformGuard.get_default_config()).process([message])
    assert processed.get("intent")["name"] == intent

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


@pytest.mark.parametrize("text, role_at, intent", [
    ("ik ben ib'er op een vmbo", (7, 12), "inform"),                                     # a role and a school type
    ("ik ben ib'er en wil ons pestprotocol herschrijven", (7, 12), "vraag_pesten_beleid"),  # says more: a question
])
def test_inform_only_gives_a_role_or_school_type(text, role_at, intent):
    from bot.nlp.components import InformGuard

    ranking = [{"name": "inform", "confidence": 0.6}, {"name": "vraag_pesten_beleid", "confidence": 0.3}]
    entity = {"entity": "caller_role", "value": "ib_zorg", "start": role_at[0], "end": role_at[1]}
    message = Message(data={"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking, "entities": [entity]})
    [processed] = InformGuard(InformGuard.get_default_config()).process([message])
    assert processed.get("intent")["name"] == intent

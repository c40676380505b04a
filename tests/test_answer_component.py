"""The answer component's place in Rasa's training cache."""

import inspect
import sys

from bot.nlp.answer_component import AnswerRetriever


def test_rasas_training_cache_sees_a_change_in_the_components_defaults(monkeypatch):
    """The defaults (C, folds, max_false_answers) live in the component's source, not in config.yml."""
    before = AnswerRetriever.fingerprint_addon({})
    assert AnswerRetriever.fingerprint_addon({}) == before
    component_module = sys.modules[AnswerRetriever.__module__]
    real = inspect.getsource

    def edited(obj):
        text = real(obj)
        return text + "\n# a default changed" if obj is component_module else text

    monkeypatch.setattr(inspect, "getsource", edited)
    assert AnswerRetriever.fingerprint_addon({}) != before

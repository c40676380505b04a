"""bot/rasa_speedups.py checks action server replies exactly as Rasa 3.6 does, only faster."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

RESULTS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "theme", "value": "pesten", "timestamp": None}],
     "responses": [{"text": "hoi", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]},
    {"events": [{"event": "action_execution_rejected", "name": "x"}], "responses": []},
    {"events": [{"event": "pause"}, {"event": "followup", "name": "action_listen"}]},
    {"events": "niet een lijst"},
    {"events": [{"event": 5}]},
    {"events": [{"geen_event": "slot"}]},
    {"responses": "hoi"},
]


def outcome(result):
    try:
        return RemoteAction("action_x", None)._validate_action_result(result), None
    except ValidationError as error:
        return False, (error.message, list(error.path))


@pytest.fixture
def original():
    rasa_speedups.uninstall()
    yield
    rasa_speedups.uninstall()


@pytest.mark.parametrize("result", RESULTS)
def test_the_same_verdict_and_error_as_rasa(result, original):
    expected = outcome(result)
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result
    assert outcome(result) == expected


def test_invalid_replies_are_still_refused():
    rasa_speedups.install()
    try:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            RemoteAction("action_x", None)._validate_action_result({"events": "niet een lijst"})
    finally:
        rasa_speedups.uninstall()

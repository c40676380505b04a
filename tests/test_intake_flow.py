"""The intake's phase table (bot/intake_flow.py) without Rasa: which phase holds, what it asks, and how
answering its slots moves the intake on."""

import dataclasses

import pytest

from bot import intake, labels
from bot.intake import IntakeState

KEYS = ["veiligheidsplan_actueel", "visie_vastgelegd", "monitor_jaarlijks"]


def test_the_table_names_each_phase_once_and_ends_in_one_that_always_holds():
    names = [phase.name for phase in intake.PHASES]
    assert names == ["ended", "danger_check", "offer", "offer_in_passing", "switch_check", "answer", "pupil",
                     "topic", "questions"]
    assert intake.PHASES[-1].holds(IntakeState())


@pytest.mark.parametrize("state, phase, asks", [
    (IntakeState(intake_stopped=True, urgency_level="mogelijk"), "ended", []),
    (IntakeState(urgency_level="mogelijk", answer_key="wvos_mbo"), "danger_check", ["danger_check"]),
    (IntakeState(answer_suggested="gouden_weken", switch_from="doorvraag_1"), "offer", ["suggestion_check"]),
    (IntakeState(passing_offer={"key": "gouden_weken"}, intake_confirmed=True, answer_key="wvos_mbo",
                 ask_on="ja"), "offer_in_passing", ["passing_check"]),
    (IntakeState(passing_offer={"key": "gouden_weken"}, passing_check="nee", intake_confirmed=True,
                 theme="pesten"), "questions", ["caller_role", "school_type"]),
    (IntakeState(switch_from="doorvraag_2", intake_confirmed=True), "switch_check", ["switch_check"]),
    (IntakeState(answer_key="wvos_mbo", answer_feedback="ja"), "answer", ["ask_on"]),
    (IntakeState(caller_role=labels.PUPIL, intake_confirmed=True), "pupil", []),
    (IntakeState(theme="pesten"), "topic", ["intake_confirmed"]),
    (IntakeState(), "topic", ["intake_theme"]),
    (IntakeState(theme="pesten", intake_confirmed=True), "questions", ["caller_role", "school_type"]),
])
def test_the_first_phase_that_holds_decides_what_is_asked(state, phase, asks):
    assert intake.phase_of(state).name == phase
    assert intake.required_slots(state) == asks


def test_answering_each_phase_moves_the_intake_on_to_the_next():
    """An intake told with a worry, an offered answer, and the questions after it."""
    state = IntakeState(theme="pesten", question_type="incident", urgency_level="mogelijk",
                        answer_suggested="plagen_of_pesten")
    walk = []
    for answered in ({"danger_check": "nee"},
                     {"suggestion_check": "ja", "answer_key": "plagen_of_pesten", "intake_confirmed": True},
                     {"answer_feedback": "ja"},
                     {"ask_on": "ja"},
                     {"caller_role": "mentor", "school_type": "vo", "doorvraag_keys": KEYS}):
        walk.append(intake.phase_of(state).name)
        state = dataclasses.replace(state, **answered)
    walk.append(intake.phase_of(state).name)
    assert walk == ["danger_check", "offer", "answer", "answer", "questions", "questions"]
    assert intake.required_slots(state) == ["doorvraag_1", "doorvraag_2", "doorvraag_3"]
    assert intake.phase_of(dataclasses.replace(state, intake_stopped=True)).name == "ended"

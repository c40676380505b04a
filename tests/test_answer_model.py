"""The answer model without Rasa: ranking, the threshold from held-out questions, and its data."""

import json

import numpy as np
import pytest

from bot.nlp.answer_model import (NO_ANSWER, AnswerModel, QuestionInput, Candidate, Retrieval,
                                  choose_suggestion_threshold, choose_threshold, load_questions)

CONFIG = {"C": 20.0, "folds": 3, "seed": 1, "max_false_answers": 0.0}
TOPICS = {
    "meldcode": [
        "meldcode stappen",
        "welke stappen heeft de meldcode",
        "meldcode huiselijk geweld stap",
        "stappen van de meldcode uitleggen",
        "hoe werkt de meldcode",
        "meldcode vijf stappen",
    ],
    "klacht": [
        "klachtenregeling verplicht",
        "moet de school een klachtenregeling hebben",
        "klacht indienen ouder",
        "waar dien ik een klacht in",
        "klachtencommissie school",
        "klachtenregeling school",
    ],
}
OTHER = [
    "hoe laat begint de les",
    "wat is het weer morgen",
    "recept voor pannenkoeken",
    "wanneer is de herfstvakantie",
    "hoe maak ik een rooster",
    "salaris leraar schaal",
]


def item(text):
    return QuestionInput(text, text)  # lemmas stand in as the words themselves


def fitted():
    items = [item(t) for texts in TOPICS.values() for t in texts] + [item(t) for t in OTHER]
    keys = [k for k, texts in TOPICS.items() for _ in texts] + [NO_ANSWER] * len(OTHER)
    return AnswerModel.fit(items, keys, CONFIG)


def test_a_question_gets_its_answer_and_an_unrelated_one_none():
    model = fitted()
    meldcode, weather = model.rank([item("wat zijn de stappen van de meldcode"), item("wat voor weer wordt het")])
    assert meldcode.key == "meldcode" and meldcode.best.score >= model.threshold
    assert weather.key is None
    assert NO_ANSWER not in [c.key for c in weather.candidates]
    figures = model.parts["out_of_fold"]
    assert figures["answerable"] == 12 and figures["unanswerable"] == 6


def test_the_threshold_lets_through_no_more_unanswerable_questions_than_allowed():
    scores = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1])
    answerable = np.array([True, True, True, False, False, False, False])
    assert choose_threshold(scores, answerable, 0.0) > 0.4  # above every unanswerable one
    assert 0.3 < choose_threshold(scores, answerable, 0.25) <= 0.4  # one of four may pass
    with pytest.raises(ValueError):
        choose_threshold(scores[:3], answerable[:3], 0.0)


def test_questions_with_and_without_a_key(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"key": "meldcode", "text": "meldcode?"}) + "\n\n" + json.dumps({"text": "hoe laat?"}) + "\n",
        encoding="utf-8",
    )
    assert load_questions(tmp_path) == [("meldcode?", "meldcode"), ("hoe laat?", NO_ANSWER)]
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "  "}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="b.jsonl:1"):
        load_questions(tmp_path)


def test_out_of_fold_figures_respect_the_allowed_share_of_unanswerable_answers():
    """The threshold is chosen so that, held out, no more unanswerable questions get an answer than allowed."""
    for allowed in (0.0, 0.34):
        items = [item(t) for texts in TOPICS.values() for t in texts] + [item(t) for t in OTHER]
        keys = [k for k, texts in TOPICS.items() for _ in texts] + [NO_ANSWER] * len(OTHER)
        figures = AnswerModel.fit(items, keys, {**CONFIG, "max_false_answers": allowed}).parts["out_of_fold"]
        assert figures["unanswerable_answered"] <= allowed * figures["unanswerable"]
        assert figures["answered_right"] + figures["answered_wrong"] <= figures["answerable"]


def test_the_report_carries_the_trials_inside_the_model_choice_section():
    from bot.answers_eval import render

    comparison = {"a": {"right": 0.6, "wrong": 0.03, "honest_line": 0.37, "unanswerable_answered": 0.05}}
    own = {"answerable": 10, "answers": 2, "unanswerable": 4}
    report = render([], comparison, own, "### Variants tried\n\n| variant | right |\n|---|---|\n| x | 0.5 |\n")
    choice = report.index("## Model choice on our own data")
    assert choice < report.index("### Variants tried") < report.index("## Questions written apart that went wrong")
    assert "| a | 0.6 | 0.03 | 0.37 | 0.05 |" in report
    assert "Variants tried" not in render([], comparison, own)


def test_the_offer_band_ends_where_the_best_answer_is_no_longer_mostly_right():
    import numpy as np

    scores = np.array([0.95, 0.7, 0.65, 0.6, 0.55, 0.5, 0.3, 0.2])
    correct = np.array([True, True, True, True, False, True, False, False])
    # Below the answer threshold 0.9: 0.7, 0.65, 0.6 right (3/3), 0.55 wrong (3/4), 0.5 right (4/5) ...
    assert choose_suggestion_threshold(scores, correct, 0.9, precision=0.8) == 0.5
    assert choose_suggestion_threshold(scores, correct, 0.9, precision=1.0) == 0.6
    assert choose_suggestion_threshold(scores, np.zeros(8, dtype=bool), 0.9, precision=0.5) == 0.9  # no band


def test_only_an_answer_in_the_band_is_offered():
    ranked = (Candidate("gouden_weken", 0.6), Candidate("groepsdynamiek_in_de_klas", 0.2))
    assert Retrieval(ranked, threshold=0.8, suggest_threshold=0.5).suggestion == "gouden_weken"
    assert Retrieval(ranked, threshold=0.8, suggest_threshold=0.5).key is None
    assert Retrieval(ranked, threshold=0.55, suggest_threshold=0.5).suggestion is None  # given, not offered
    assert Retrieval(ranked, threshold=0.8, suggest_threshold=0.7).suggestion is None  # too unsure to offer


def test_the_offer_band_is_not_cut_short_by_a_poor_start_right_below_the_threshold():
    import numpy as np

    # Right below 0.9 sit 20 questions half of them wrong (unanswerable ones that just missed), then 60 right
    # ones, then 4 wrong: 70 of the first 82 are right (0.854), 70 of 83 no longer reach 0.85.
    scores = np.linspace(0.89, 0.1, 84)
    correct = np.array([*([False, True] * 10), *([True] * 60), *([False] * 4)])
    assert choose_suggestion_threshold(scores, correct, 0.9, precision=0.85) == scores[81]


def test_the_folds_in_parallel_processes_give_what_one_process_gives():
    """make train runs the threshold's folds and the final fit side by side (config `jobs`, 0: one per core)."""
    items = [item(t) for texts in TOPICS.values() for t in texts] + [item(t) for t in OTHER]
    keys = [k for k, texts in TOPICS.items() for _ in texts] + [NO_ANSWER] * len(OTHER)
    serial = AnswerModel.fit(items, keys, {**CONFIG, "jobs": 1})
    parallel = AnswerModel.fit(items, keys, {**CONFIG, "jobs": 2})
    assert parallel.parts["out_of_fold"] == serial.parts["out_of_fold"]
    assert parallel.threshold == serial.threshold
    questions = [item("wat zijn de stappen van de meldcode"), item("klacht indienen"), item("recept")]
    assert [[(c.key, round(c.score, 9)) for c in r.candidates] for r in parallel.rank(questions)] == \
        [[(c.key, round(c.score, 9)) for c in r.candidates] for r in serial.rank(questions)]

"""The budget sweep: a threshold per share of unanswerable questions, counted on our data and the dev set."""

import json

import numpy as np

from bot.answers_budget import DEV_LABELS, DEV_QUESTIONS, render, sweep_row
from bot.answers_eval import LabelledQuestion, read_questions
from bot.nlp.answer_model import NO_ANSWER, Candidate, Retrieval


def ranked(key, score):
    return Retrieval((Candidate(key, score),), threshold=1.0)


def test_a_larger_share_lowers_the_threshold_and_counts_what_it_lets_through():
    # Own data: three answerable (two ranked right), four unanswerable with scores 0.9, 0.5, 0.3, 0.1.
    scores = np.array([0.95, 0.6, 0.4, 0.9, 0.5, 0.3, 0.1])
    best = np.array(["a", "b", "a", "a", "a", "b", "a"], dtype=object)
    labels = np.array(["a", "a", "a", NO_ANSWER, NO_ANSWER, NO_ANSWER, NO_ANSWER])
    dev = [LabelledQuestion("q1", True, ("a",)), LabelledQuestion("q2", True, ("a",)),
           LabelledQuestion("q3", False, ())]
    dev_ranked = [ranked("a", 0.7), ranked("b", 0.55), ranked("a", 0.45)]

    strict = sweep_row(0.0, scores, best, labels, dev, dev_ranked)
    assert strict["threshold"] == 0.9  # just above the highest unanswerable score
    assert (strict["own_right"], strict["own_wrong"]) == (0.333, 0.0)
    assert (strict["dev_right"], strict["dev_wrong"], strict["dev_uncovered_answered"]) == (0, 0, 0)

    loose = sweep_row(0.5, scores, best, labels, dev, dev_ranked)
    assert loose["threshold"] == 0.3  # two of four unanswerable questions may get an answer
    assert (loose["own_right"], loose["own_wrong"]) == (0.667, 0.333)
    assert (loose["dev_right"], loose["dev_wrong"], loose["dev_uncovered_answered"]) == (1, 1, 1)
    assert (loose["dev_covered"], loose["dev_uncovered"]) == (2, 1)

    table = render([strict, loose], shipped=0.5)
    assert "| 0.50 (shipped) | 0.3 | 0.667 | 0.333 | 1 of 2 | 1 | 1 of 1 |" in table
    assert "| 0.00 | 0.9 |" in table


def test_the_dev_set_is_labelled_line_for_line_with_answers_that_exist():
    questions = read_questions(DEV_QUESTIONS, DEV_LABELS)  # raises on a text or key that does not match
    rows = [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) == len(rows) == 180
    assert sum(q.covered for q in questions) == 120

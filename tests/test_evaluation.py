"""`make eval`'s bookkeeping on small hand-made inputs: folds, scoring and the report's margins."""
from collections import Counter

import pytest

from bot.evaluation import Example, SystemResult, accuracy, macro_f1, render_report, stratified_folds


def test_stratified_folds_use_every_example_once_and_spread_each_intent():
    examples = [Example(f"tekst {i}", intent) for i, intent in
                enumerate(["vraag_pesten_incident"] * 10 + ["greet"] * 5 + ["urgent"] * 3)]
    folds = stratified_folds(examples, 5)
    flat = [i for fold in folds for i in fold]
    assert sorted(flat) == list(range(len(examples)))
    for fold in folds:
        per_intent = Counter(examples[i].intent for i in fold)
        assert per_intent["vraag_pesten_incident"] == 2 and per_intent["greet"] == 1
    assert stratified_folds(examples, 5) == folds                       # the same folds every run


def test_conversation_turns_are_not_scored_on_theme_or_type():
    result = SystemResult("x")
    result.add(Example("hoi", "greet"), {"theme": "overig", "question_type": "overig", "urgent": False})
    result.add(Example("gepest", "vraag_pesten_incident"),
               {"theme": "pesten", "question_type": "beleid", "urgent": False})
    assert result.gold["theme"] == ["pesten"] and result.gold["question_type"] == ["incident"]
    assert result.gold["urgent"] == [False, False]
    assert accuracy(result, "theme") == 1.0 and accuracy(result, "question_type") == 0.0


def scored(pairs):
    result = SystemResult("x")
    for gold, predicted in pairs:
        result.gold["theme"].append(gold)
        result.predicted["theme"].append(predicted)
    return result


def test_macro_f1_averages_the_labels_equally():
    result = scored([("pesten", "pesten"), ("pesten", "pesten"), ("pesten", "overig"), ("overig", "overig")])
    # pesten: P 1, R 2/3 -> F1 0.8; overig: P 1/2, R 1 -> F1 2/3
    assert macro_f1(result, "theme") == pytest.approx((0.8 + 2 / 3) / 2)


def test_the_report_gives_the_margin_over_each_baseline():
    def system(name, right):
        result = SystemResult(name)
        for axis, gold in (("theme", "pesten"), ("question_type", "incident"), ("urgent", False)):
            result.gold[axis] += [gold, gold]
            result.predicted[axis] += [gold, gold if right else "overig"]
        return result

    report = render_report({"shipped": system("shipped", True), "tfidf_logreg": system("tfidf_logreg", False)},
                           {"folds": 5, "examples": 2, "intents": Counter({"vraag_pesten_incident": 2})})
    assert "| shipped | 1.0000 | 1.0000 | 1.0000 | 1.0000 |" in report
    # the baseline finds one of the two: F1 2/3 on the only gold label, so 1 - 2/3
    assert "vs **tfidf_logreg**: theme +0.3333, question_type +0.3333, urgent +0.3333" in report


def test_the_report_gives_every_fold_seed_with_its_mean_worst_and_smallest_margin():
    def system(name, theme_right):
        result = SystemResult(name)
        for axis, gold in (("theme", "pesten"), ("question_type", "incident"), ("urgent", False)):
            result.gold[axis] += [gold, gold]
            result.predicted[axis] += [gold, gold if (theme_right or axis != "theme") else "overig"]
        return result

    by_seed = {13: {"shipped": system("shipped", True), "tfidf_logreg": system("tfidf_logreg", False)},
               1: {"shipped": system("shipped", False), "tfidf_logreg": system("tfidf_logreg", False)}}
    stats = {"folds": 5, "examples": 2, "intents": Counter({"vraag_pesten_incident": 2}), "seed": 13}
    report = render_report(by_seed[13], stats, by_seed=by_seed)
    assert "fold seed 13" in report
    # shipped theme: 1.0 on seed 13, 2/3 on seed 1 -> mean 0.8333, worst 0.6667
    assert "| shipped | theme | 1.0000 | 0.6667 | 0.8333 | 0.6667 |" in report
    assert "| tfidf_logreg | question_type | 1.0000 | 1.0000 | 1.0000 | 1.0000 |" in report
    # the margin on seed 1 is 0, the smallest of +0.3333 and 0
    assert "smallest margin over **tfidf_logreg** on any seed: theme +0.0000, question_type +0.0000" in report


def test_a_single_seed_report_has_no_seed_table():
    result = SystemResult("shipped")
    for axis, gold in (("theme", "pesten"), ("question_type", "incident"), ("urgent", False)):
        result.gold[axis].append(gold)
        result.predicted[axis].append(gold)
    report = render_report({"shipped": result}, {"folds": 5, "examples": 1, "intents": Counter()},
                           by_seed={13: {"shipped": result}})
    assert "other fold seeds" not in report

"""The urgency model without Rasa: thresholds, levels, its training data, and a small fit end to end."""
import json
import random

import pytest

from bot.nlp import urgency_model as um
from tests.conftest import ROOT

DATA = ROOT / "data" / "urgency"
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "urgency.jsonl"
OWN_EVAL = ROOT / "tests" / "data" / "urgency_own.jsonl"
CATEGORIES = {"acuut_gevaar", "zelfdoding", "kindermishandeling", "seksueel_misbruik", "vermissing"}


def item(text, **rules):
    return um.UrgencyInput(text=text, lemmas=text.lower(), rules={k: float(v) for k, v in rules.items()})


# ------------------------------------------------------------------ thresholds and levels


def test_possible_catches_the_asked_share_of_urgent_examples():
    urgent = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.35, 0.3, 0.2, 0.05]       # 10 urgent
    calm = [0.45, 0.1, 0.01, 0.01]
    thresholds = um.choose_thresholds(urgent + calm, [True] * 10 + [False] * 4, recall=0.9, acute_precision=1.0)
    assert thresholds.possible == 0.2                                    # 9 of 10 at or above it
    assert thresholds.acute == 0.5                                       # 0.45 is the first non-urgent from the top


def test_certain_asks_a_higher_precision_than_acute():
    urgent = [0.99, 0.98, 0.97, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4]
    calm = [0.95, 0.75, 0.1]
    thresholds = um.choose_thresholds(urgent + calm, [True] * 10 + [False] * 3, recall=1.0,
                                      acute_precision=0.7, certain_precision=1.0)
    assert thresholds.certain == 0.97                                    # 0.95 is the first non-urgent from the top
    assert thresholds.acute == 0.4 == thresholds.possible               # never below possible
    assert um.choose_thresholds([0.9, 0.2], [True, False], 1.0, 0.9, certain_precision=0.5).certain >= 0.9


def test_acute_is_never_below_possible():
    thresholds = um.choose_thresholds([0.9, 0.1, 0.95], [False, True, False], recall=1.0, acute_precision=0.9)
    assert thresholds.acute >= thresholds.possible == 0.1


def test_thresholds_need_both_kinds():
    with pytest.raises(ValueError):
        um.choose_thresholds([0.2, 0.3], [True, True], recall=0.99, acute_precision=0.9)


@pytest.mark.parametrize("probability, level", [(0.95, um.ACUUT), (0.8, um.ACUUT), (0.79, um.MOGELIJK),
                                                (0.2, um.MOGELIJK), (0.19, um.GEEN)])
def test_levels_from_the_two_thresholds(probability, level):
    assert um.level_of(probability, um.Thresholds(acute=0.8, possible=0.2)) == level


# ------------------------------------------------------------------ cues


def test_cue_groups_count_time_state_and_framing():
    counts = um.cue_counts("Ze wordt om drie uur opgehaald en durft niet naar huis!")
    assert counts["soon"] >= 1 and counts["state"] >= 2 and counts["policy"] == 0
    framed = um.cue_counts("Hoe gaan we om met een bommelding? Wat als er ooit een wapen mee naar school komt?")
    assert framed["policy"] >= 2 and framed["question"] == 2 and framed["now"] == 0
    assert um.cue_counts("De vechtpartij van vorige week is uitgepraat.")["past"] >= 2


def test_dense_features_are_bounded():
    features = um.dense_features(item("nu nu nu nu nu straks straks " * 20, strong=3, present=1))
    assert all(0.0 <= value < 1.0 for value in features)
    assert len(features) == len(um.cue_groups()) + len(um.RULE_FEATURES) + 1


# ------------------------------------------------------------------ the training data


def load(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_training_data_is_large_varied_and_labelled():
    examples = um.load_examples(DATA)
    urgent = [e for e in examples if e.urgent]
    hard = [e for e in examples if e.kind == "hard_negative"]
    assert len(urgent) >= 500 and len(hard) >= 500
    assert {e.category for e in urgent} == CATEGORIES
    assert all(e.category is None for e in examples if not e.urgent)
    assert len({e.text for e in examples}) == len(examples)                 # no duplicates


def test_no_evaluation_sentence_is_trained_on():
    trained = {e.text.strip().lower() for e in um.load_examples(DATA)}
    for path in (SHARED_EVAL, OWN_EVAL):
        if path.exists():
            assert not trained & {row["text"].strip().lower() for row in load(path)}, path


def test_an_urgent_example_without_category_is_refused(tmp_path):
    (tmp_path / "x.jsonl").write_text(json.dumps({"text": "help", "urgent": True, "category": None}) + "\n")
    with pytest.raises(ValueError, match="x.jsonl:1"):
        um.load_examples(tmp_path)


# ------------------------------------------------------------------ a small fit


@pytest.fixture(scope="module")
def small_model():
    examples = um.load_examples(DATA)
    rng = random.Random(5)
    sample = rng.sample([e for e in examples if e.urgent], 120) + rng.sample([e for e in examples if not e.urgent], 160)
    items = [item(e.text) for e in sample]
    config = {"C": 5.0, "cue_weight": 1.0, "folds": 3, "seed": 1, "target_recall": 0.95, "acute_precision": 0.9}
    return um.UrgencyModel.fit(items, sample, config), items, sample


def test_a_fitted_model_separates_its_training_data(small_model):
    model, items, sample = small_model
    results = model.assess(items)
    caught = [r.caught for r, e in zip(results, sample) if e.urgent]
    assert sum(caught) / len(caught) >= 0.95
    assert all(r.category in CATEGORIES for r in results if r.caught)
    assert all(r.category is None for r in results if not r.caught)
    assert 0.0 < model.thresholds.possible <= model.thresholds.acute <= 1.0


def test_the_rules_make_danger_now_at_least_mogelijk(small_model):
    model, _, _ = small_model
    strict = um.UrgencyModel({**model.parts, "acute": 1.01, "possible": 1.01})   # the model alone flags nothing
    text = "wij hebben een vraag over de ouderavond"
    assert strict.assess([item(text)])[0].level == um.GEEN
    assert strict.assess([item(text, strong=1)])[0].level == um.GEEN              # a danger word alone: no
    assert strict.assess([item(text, strong=1, present=1)])[0].level == um.MOGELIJK


def test_a_suicidal_statement_the_model_is_unsure_of_is_acuut(small_model):
    model, _, _ = small_model
    unsure = um.UrgencyModel({**model.parts, "acute": 1.01, "possible": 0.0})   # the model says mogelijk to all
    text = "soms denk ik dat het beter is als ik er niet meer ben"

    def fired(category, trigger, **rules):
        return um.UrgencyInput(text, text, {"strong": 1.0, "rules_urgent": 1.0, **rules}, category, trigger)

    [result] = unsure.assess([fired("zelfdoding", "er niet meer ben")])
    assert (result.level, result.category) == (um.ACUUT, "zelfdoding")
    # The subject named, not a statement ("een signaleringsinstrument voor suïcidaliteit"): the model's level.
    assert unsure.assess([fired("zelfdoding", "suïcidaliteit")])[0].level == um.MOGELIJK
    # Other kinds of danger keep the model's level.
    assert unsure.assess([fired("acuut_gevaar", "mes")])[0].level == um.MOGELIJK
    # Not fired (defused as policy or a past case): not raised.
    defused = um.UrgencyInput(text, text, {"strong": 1.0, "defused": 1.0}, "zelfdoding", "er niet meer ben")
    assert unsure.assess([defused])[0].level == um.MOGELIJK
    # The model sure there is nothing: the rules' safety net decides, not this raise.
    silent = um.UrgencyModel({**model.parts, "acute": 1.01, "possible": 1.01})
    assert silent.assess([fired("zelfdoding", "er niet meer ben")])[0].level == um.GEEN


def test_the_model_survives_persistence(small_model, tmp_path):
    import skops.io as sio

    model, items, _ = small_model
    sio.dump(model.parts, tmp_path / "m.skops")
    path = tmp_path / "m.skops"
    loaded = um.UrgencyModel(sio.load(path, trusted=sio.get_untrusted_types(file=path)))
    assert loaded.assess(items[:20]) == model.assess(items[:20])


def test_sentences_of_enough_words_are_spanned():
    text = "Ik heb een vraag. Ja. Een meisje zei vandaag iets ergs! Wat nu"
    assert [text[s:e].strip() for s, e in um.sentence_spans(text, 3)] == [
        "Ik heb een vraag.",
        "Een meisje zei vandaag iets ergs!",
    ]


def test_the_loudest_sentence_counts_up_to_the_cap():
    quiet = um.UrgencyResult(um.GEEN, 0.02, None)
    loud = um.UrgencyResult(um.ACUUT, 0.98, "zelfdoding", True)
    assert um.loudest(quiet, [quiet, loud], um.MOGELIJK, True) == (1, um.UrgencyResult(um.MOGELIJK, 0.98, "zelfdoding"))
    assert um.loudest(quiet, [quiet, loud], um.ACUUT, True) == (1, loud)
    unsure = um.UrgencyResult(um.ACUUT, 0.9, "zelfdoding", False)
    assert um.loudest(quiet, [unsure], um.MOGELIJK, True) == (-1, quiet)
    possible = um.UrgencyResult(um.MOGELIJK, 0.5, "vermissing")
    assert um.loudest(possible, [loud], um.MOGELIJK, True) == (-1, possible)  # never quieter, never a tie-break

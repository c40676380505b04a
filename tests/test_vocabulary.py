"""One vocabulary source: bot/knowledge/labels.yml. Domain, rules and buttons must agree with it."""

import yaml

from bot import intake, labels
from tests.conftest import ROOT


def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def question_intents():
    return {labels.intent_name(t, q) for t in labels.themes() for q in labels.question_types()} - {
        labels.intent_name(labels.OVERIG, labels.OVERIG)
    } | {"vraag_overig"}


def test_the_domains_question_intents_are_the_label_pairs():
    declared = {i if isinstance(i, str) else next(iter(i)) for i in domain()["intents"]}
    assert question_intents() <= declared
    assert {i for i in declared if i.startswith("vraag_")} == question_intents()


def test_the_domains_slot_values_are_the_labels():
    slots = domain()["slots"]
    assert slots["caller_role"]["values"] == list(labels.caller_roles())
    assert slots["school_type"]["values"] == list(labels.school_types())


def test_every_rule_that_lists_questions_lists_all_of_them():
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    listed = [
        {step["intent"] for step in block["or"]}
        for rule in rules
        for block in rule["steps"]
        if isinstance(block, dict)
        and "or" in block
        and any(s.get("intent", "").startswith("vraag_") for s in block["or"])
    ]
    assert listed, "the rules that start an intake"
    assert all(intents == question_intents() for intents in listed)


def test_the_theme_buttons_are_the_themes():
    payloads = [b["payload"] for b in intake.theme_buttons()]
    assert payloads == [f'/inform{{"theme":"{t}"}}' for t in labels.themes()]


def test_the_refinements_name_label_values():
    """A refined type or theme (dialogue.yml retyped, rethemed) is written to the contact log as a label."""
    assert set(intake.texts()["retyped"]) <= set(labels.question_types()) - {labels.OVERIG}
    assert set(intake.texts()["rethemed"]) <= set(labels.themes()) - {labels.OVERIG}


def test_the_named_label_values_are_the_vocabularys():
    assert {labels.OVERIG, labels.INCIDENT, labels.BELEID} == set(labels.question_types())

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot import knowledge, labels
from bot import question_bank as qb

QUESTIONS_YML = Path(knowledge.__file__).resolve().parent / "questions.yml"
DATA = knowledge.load("questions")
BANK = qb.bank()
BLOCKS = ("visie", "inzicht", "voorwaarden", "preventie", "signaleren", "handelen")
FUNDAMENT = BLOCKS[:3]
DUTIES = ("wet_veiligheid_op_school", "meldcode", "meldplicht", "klachtenregeling", "avg")
SAFETY_THEMES = ("pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk")
SCHOOLS = (None, "po", "vo", "so", "mbo")
LABEL_AXES = {"themes": labels.themes, "question_types": labels.question_types,
              "school_types": labels.school_types, "caller_roles": labels.caller_roles}
PLACEHOLDER = re.compile(r"\b(todo|tbd|fixme|lorem|ipsum|placeholder|xxx|the|and|you|your|please)\b|[{}]",
                         re.IGNORECASE)
FORMAL_YOU = re.compile(r"\b(u|uw)\b", re.IGNORECASE)


def keys(questions):
    return [q.key for q in questions]


def all_selections():
    for theme in SAFETY_THEMES:
        for qtype in ("incident", "beleid"):
            for school in SCHOOLS:
                yield theme, qtype, school, qb.select_questions(theme, qtype, school)


# ------------------------------------------------------------ the YAML itself

def test_no_duplicate_keys_anywhere_in_the_yaml():
    """yaml.safe_load silently keeps the last of two equal keys; the node tree does not."""
    def walk(node):
        if isinstance(node, yaml.MappingNode):
            names = [k.value for k, _ in node.value]
            duplicates = [name for name, count in Counter(names).items() if count > 1]
            assert not duplicates, duplicates
            for _, value in node.value:
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(yaml.compose(QUESTIONS_YML.read_text(encoding="utf-8")))


def test_enough_questions_for_every_block_and_duty():
    assert len(BANK) >= 45
    blocks = Counter(q.building_block for q in BANK.values() if q.building_block)
    duties = Counter(q.duty for q in BANK.values() if q.duty)
    assert qb.building_blocks() == BLOCKS
    assert set(qb.duties()) == set(DUTIES)
    for block in BLOCKS:
        assert blocks[block] >= 5, block
    for duty in DUTIES:
        assert duties[duty] >= 3, duty


@pytest.mark.parametrize("key", list(BANK))
def test_every_question_is_well_formed(key):
    spec = DATA["questions"][key]
    question = BANK[key]
    assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", key)
    assert question.kind in ("yes_no", "text")
    assert question.building_block or question.duty
    assert question.building_block in BLOCKS + (None,)
    assert question.duty in DUTIES + (None,)
    assert isinstance(spec["weight"], int) and 1 <= spec["weight"] <= 10
    assert set(spec) <= {"text", "kind", "building_block", "duty", "applies", "weight",
                         "answered_by", "advice", "checks_danger", "asked_if", "text_leader"}
    # asked_if names an earlier question of the bank and a status its answer can have.
    statuses = set(DATA["answer_status"].values())
    for earlier, status in (spec.get("asked_if") or {}).items():
        assert list(BANK).index(earlier) < list(BANK).index(key) and status in statuses
    # A duty question says its missing line at once on a no.
    assert not question.duty or question.kind != "yes_no" or "missing" in question.advice
    # Only a yes/no question whose no means danger now can stand in for the danger check.
    assert not spec.get("checks_danger") or spec["kind"] == "yes_no"
    for text in (question.text, question.leader_text or question.text):
        # one short question in je-vorm
        assert text.endswith("?") and text.count("?") == 1
        assert len(text) <= 130
        assert not FORMAL_YOU.search(text)


@pytest.mark.parametrize("key", list(BANK))
def test_applies_uses_only_valid_labels_and_compiling_mentions(key):
    applies = DATA["questions"][key].get("applies") or {}
    assert set(applies) <= set(LABEL_AXES) | {"mentions"}
    for axis, values in applies.items():
        assert values, (key, axis)
        if axis == "mentions":
            for pattern in values:
                re.compile(pattern)
        else:
            assert set(values) <= set(LABEL_AXES[axis]()), (key, axis, values)


@pytest.mark.parametrize("key", list(BANK))
def test_answered_by_patterns_compile_and_fit_normalised_text(key):
    patterns = DATA["questions"][key]["answered_by"]
    assert patterns, key
    for pattern in patterns:
        re.compile(pattern)
        assert pattern == pattern.lower() and pattern.isascii(), pattern


@pytest.mark.parametrize("key", list(BANK))
def test_every_question_has_three_distinct_advice_texts(key):
    advice = BANK[key].advice
    assert {"in_place", "missing", "unknown"} <= set(advice) <= {"in_place", "missing", "unknown", "unknown_leader"}
    for text in advice.values():
        assert 20 <= len(text) <= 300, text
        assert not PLACEHOLDER.search(text), text
        assert not FORMAL_YOU.search(text), text
    assert advice["in_place"] != advice["missing"]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "items"):
        for item in value.values():
            yield from _strings(item)


def test_dutch_texts_have_no_english_placeholders_once_filled():
    sections = ["building_blocks", "default_steps", "duties", "reading", "reading_by_school_type"]
    texts = [q.text for q in BANK.values()]
    for section in sections:
        texts += [s for s in _strings(DATA[section]) if " " in s]
    assert len(texts) > 100
    for text in texts:
        filled = qb.fill(text)
        assert not PLACEHOLDER.search(filled), filled
        assert not FORMAL_YOU.search(filled), filled


def test_phone_numbers_come_from_the_referrals():
    assert "0800-2000" in BANK["veilig_thuis_advies"].advice["missing"]
    assert "0900-111 3 111" in BANK["meldplicht_vertrouwensinspecteur"].advice["missing"]
    assert "0900-111 3 111" in qb.duty_text("meldplicht", "vo")


def test_answer_word_lists_compile():
    for name, patterns in DATA["answer_words"].items():
        assert patterns, name
        for pattern in patterns:
            re.compile(pattern)
    assert set(DATA["answer_status"]) == set(qb.CATEGORIES)
    assert set(DATA["answer_status"].values()) == set(qb.STATUSES)


def test_duties_section_respects_the_sectors():
    duties = DATA["duties"]
    assert set(duties) == set(DUTIES)
    for name, spec in duties.items():
        assert spec["text"]["default"] and spec["step"] and spec["label"], name
        assert set(spec["school_types"]) <= set(labels.school_types())
        assert set(spec["text"]) <= set(labels.school_types()) | {"default"}
    assert "mbo" not in duties["wet_veiligheid_op_school"]["school_types"]
    assert "geldt niet" in duties["wet_veiligheid_op_school"]["text"]["mbo"]
    for duty in ("meldcode", "meldplicht", "klachtenregeling", "avg"):
        assert set(duties[duty]["school_types"]) == set(labels.school_types()), duty
    assert "minderjarige" in duties["meldplicht"]["text"]["default"]
    assert "medewerker" in duties["meldplicht"]["text"]["default"]


def test_questions_on_the_wet_veiligheid_op_school_are_limited_to_funderend_onderwijs():
    for question in BANK.values():
        if question.duty == "wet_veiligheid_op_school":
            assert set(question.applies["school_types"]) <= {"po", "vo", "so"}, question.key


def test_reading_and_situation_duties_cover_every_theme():
    assert set(DATA["reading"]) == set(labels.themes())
    assert set(DATA["reading_by_school_type"]) <= set(labels.school_types())
    for theme, per_type in DATA["situation_duty"].items():
        assert theme in labels.themes()
        for qtype, duty in per_type.items():
            assert qtype in labels.question_types() and duty in DUTIES


def test_question_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BANK["pestprotocol"].weight = 1
    assert BANK["pestprotocol"] == qb.bank()["pestprotocol"]
    assert hash(BANK["pestprotocol"])


# ---------------------------------------------------------------- selection

def test_every_theme_and_type_gets_three_to_six_distinct_applicable_questions():
    for theme, qtype, school, selected in all_selections():
        assert 3 <= len(selected) <= 6, (theme, qtype, school, keys(selected))
        assert len(set(keys(selected))) == len(selected)
        for question in selected:
            assert theme in question.applies.get("themes", (theme,))
            assert qtype in question.applies.get("question_types", (qtype,))
            if school:
                assert school in question.applies.get("school_types", (school,))


def test_selection_is_ordered_by_weight():
    for *_, selected in all_selections():
        weights = [q.weight for q in selected]
        assert weights == sorted(weights, reverse=True)


@pytest.mark.parametrize("theme", labels.themes())
def test_overig_gets_one_or_two_light_questions(theme):
    selected = qb.select_questions(theme, "overig", "po")
    assert 1 <= len(selected) <= 2
    for qtype in labels.question_types():
        light = qb.select_questions("overig", qtype, text="Wat zijn jullie openingstijden?")
        assert 1 <= len(light) <= 2
        assert all(q.applies.get("question_types") == ("overig",) for q in light)


def test_mbo_never_gets_wet_veiligheid_op_school_questions():
    texts = ["", "Is de wet veiligheid op school ook van toepassing op het mbo?",
             "een docent stuurt ongepaste appjes naar een student van 16",
             "Onze monitor laat zien dat studenten zich onveilig voelen"]
    for theme in labels.themes():
        for qtype in labels.question_types():
            for text in texts:
                for question in qb.applicable(theme, qtype, "mbo", text=text):
                    assert question.duty != "wet_veiligheid_op_school", question.key
                    assert "aanspreekpunt pesten is" not in question.text


def test_mbo_gets_arbo_and_four_pillar_questions_instead():
    selected = keys(qb.select_questions("sociale_veiligheid", "beleid", "mbo", limit=10))
    assert "mbo_vier_pijlers" in selected and "mbo_monitor" in selected
    assert "monitor_jaarlijks" not in selected
    assert "mbo_rie" in keys(qb.applicable("wet_en_regelgeving", "beleid", "mbo"))
    for school in (None, "po", "vo", "so"):
        assert not any(k.startswith("mbo_") for k in keys(qb.applicable("sociale_veiligheid", "beleid", school)))


def test_pesten_beleid_spreads_over_the_blocks():
    for school in SCHOOLS:
        selected = qb.select_questions("pesten", "beleid", school)
        blocks = Counter(q.building_block for q in selected)
        assert max(blocks.values()) <= 2, blocks
        assert len(blocks) >= 4, blocks
        assert set(blocks) & set(FUNDAMENT)
    po = keys(qb.select_questions("pesten", "beleid", "po"))
    assert {"veiligheidsplan_actueel", "pestprotocol", "aanspreekpunt_pesten"} <= set(po)


def test_no_block_or_duty_gets_more_than_two_questions_when_others_apply():
    for theme, qtype, school, selected in all_selections():
        counts = Counter(group for q in selected for group in q.groups)
        assert max(counts.values()) <= 2, (theme, qtype, school, counts)


def test_law_questions_spread_over_duties():
    selected = qb.select_questions("wet_en_regelgeving", "beleid", "vo")
    duties = {q.duty for q in selected if q.duty}
    assert len(duties) >= 2, duties


def test_limit_minimum_and_already_asked():
    assert len(qb.select_questions("pesten", "beleid", "po", limit=4)) == 4
    first = qb.select_questions("pesten", "beleid", "po")
    again = qb.select_questions("pesten", "beleid", "po", already_asked=keys(first))
    assert again and not set(keys(first)) & set(keys(again))
    # when only one block is left, the cap gives way to reach the minimum
    pool = qb.applicable("vertrouwenswerk", "beleid", "vo")
    others = [q.key for q in pool if q.building_block != "voorwaarden"]
    only = qb.select_questions("vertrouwenswerk", "beleid", "vo", already_asked=others)
    assert len(only) == 3 and {q.building_block for q in only} == {"voorwaarden"}
    everything = keys(qb.applicable("pesten", "incident", "po"))
    assert qb.select_questions("pesten", "incident", "po", already_asked=everything) == []


def test_questions_answered_in_the_users_own_words_are_skipped():
    text = "Mijn zoon wordt al maanden gepest en de school doet niks!!"
    selected = keys(qb.select_questions("pesten", "incident", "po", "ouder", text=text))
    answered = keys(qb.answered_in_text("pesten", "incident", "po", "ouder", text=text))
    assert {"sinds_wanneer", "al_geprobeerd"} <= set(answered)
    assert not set(selected) & set(answered)
    assert len(selected) >= 3
    text = "We hebben al een pestprotocol, maar het wordt niet gevolgd. Hoe evalueren we dat?"
    assert "pestprotocol" in keys(qb.answered_in_text("pesten", "beleid", "po", text=text))
    assert "pestprotocol" not in keys(qb.select_questions("pesten", "beleid", "po", text=text))
    assert "pestprotocol" in keys(qb.select_questions("pesten", "beleid", "po"))


def test_answered_by_ignores_accents_and_case():
    text = "Onze Anti-Pestcoördinator is net begonnen"
    assert "coordinator_antipest" in keys(qb.answered_in_text("pesten", "beleid", "vo", text=text))


@pytest.mark.parametrize("key, text, told", [
    ("ouder_gemeld", "de juf weet het maar doet niks", "ja"),
    ("protocol_gevolgd", "Het protocol hebben we wel gevolgd, er zijn gesprekken geweest.", "ja"),
    ("protocol_gevolgd", "Het protocol hebben we niet gevolgd.", "nee"),
    ("protocol_gevolgd", "Ze wordt overal buiten gehouden.", None),
    ("wie_op_de_hoogte", "geen idee eigenlijk, ik heb nog met niemand overlegd", "nee"),
    ("wie_op_de_hoogte", "de directie weet het", "ja"),
])
def test_words_typed_for_another_question_answer_this_one_by_the_clause_that_states_it(key, text, told):
    assert qb.told_answer(key, text) == told


@pytest.mark.parametrize("theme, key", [("pesten", "ouder_gemeld"), ("sociale_veiligheid", "ouder_gemeld_school")])
def test_a_parent_who_says_the_teacher_knows_is_not_asked_whether_they_reported_it(theme, key):
    for text in ("de juf weet het maar doet niks", "De mentor weet ervan.", "school is op de hoogte"):
        assert key in keys(qb.answered_in_text(theme, "incident", "po", "ouder", text=text)), text
    assert key not in keys(qb.answered_in_text(theme, "incident", "po", "ouder", text="ik weet het niet meer"))


def test_meldplicht_questions_come_with_staff_and_a_sexual_cue():
    text = ("Een collega vertrouwde me toe dat een docent ongepaste appjes stuurt naar een "
            "leerling uit 3 havo. Ik weet niet wat ik moet doen.")
    selected = keys(qb.select_questions("vertrouwenswerk", "incident", text=text))
    assert selected[0] == "meldplicht_bestuur"
    assert "meldplicht_vertrouwensinspecteur" in selected
    plain = keys(qb.select_questions("vertrouwenswerk", "incident", text="Een ouder wil een klacht indienen."))
    assert not any(k.startswith("meldplicht") for k in plain)


def test_meldcode_questions_come_with_worries_about_home():
    text = "Een kleuter vertelt dat papa haar pijn doet."
    selected = keys(qb.select_questions("sociale_veiligheid", "incident", "po", text=text))
    assert selected[:2] == ["meldcode_stap", "veilig_thuis_advies"]
    assert "meldcode_stap" not in keys(qb.select_questions("sociale_veiligheid", "incident", "po",
                                                           text="Er is onrust in de klas."))


@pytest.mark.parametrize("text,expected", [
    ("er circuleert een naaktfoto van een meisje uit 2 vwo in een groepsapp", "aangifte_overwogen"),
    ("Een leerling heeft een docent een klap gegeven.", "iedereen_veilig"),
    ("Mogen wij camerabeelden van een vechtpartij aan ouders laten zien?", "avg_doel"),
    ("Een leerling wordt uitgescholden vanwege haar hoofddoek.", "eenmalig_of_vaker"),
    ("Een vader stuurt elke dag boze mails en dreigt met de media.", "ouderconflict_gesprek"),
    ("Een leerkracht is onverwacht overleden, hoe vertellen we dit aan de kinderen?", "calamiteitenplan"),
])
def test_case_words_bring_their_own_questions(text, expected):
    theme = "wet_en_regelgeving" if "mogen" in text.lower() else "sociale_veiligheid"
    assert expected in keys(qb.select_questions(theme, "incident", "vo", text=text))


def test_threatening_the_media_is_no_safety_check():
    text = "Een vader stuurt elke dag boze mails en dreigt met de media."
    assert "iedereen_veilig" not in keys(qb.applicable("sociale_veiligheid", "incident", "vo", text=text))


def test_roles_pick_their_questions():
    staff = keys(qb.applicable("pesten", "incident", "po", "docent"))
    parent = keys(qb.applicable("pesten", "incident", "po", "ouder"))
    unknown = keys(qb.applicable("pesten", "incident", "po", None))
    assert "ouder_gemeld" in parent and "ouder_gemeld" not in staff + unknown
    # A parent of a case that is not bullying is not asked about the aanspreekpunt pesten.
    other = keys(qb.applicable("sociale_veiligheid", "incident", "po", "ouder"))
    assert "ouder_gemeld_school" in other and "ouder_gemeld" not in other
    assert not any("pesten" in qb.bank()[key].text for key in other)
    assert "ouders_beide_kanten" in staff and "ouders_beide_kanten" in unknown
    assert "ouders_beide_kanten" not in parent


# ------------------------------------------------------------------ answers

@pytest.mark.parametrize("text,expected", [
    ("ja", "ja"), ("Ja!", "ja"), ("jaaa", "ja"), ("jazeker", "ja"), ("Jawel", "ja"),
    ("klopt", "ja"), ("Yes", "ja"), ("jup", "ja"), ("jep", "ja"), ("zeker", "ja"),
    ("oké", "ja"), ("ik denk het wel", "ja"), ("Ja, we hebben een protocol sinds 2020", "ja"),
    ("ja maar het wordt niet altijd gevolgd", "ja"), ("inderdaad", "ja"),
    ("nee", "nee"), ("Neen.", "nee"), ("nope", "nee"), ("niet echt", "nee"), ("nog niet", "nee"),
    ("zeker niet", "nee"), ("helaas niet", "nee"), ("Nee, dat hebben we niet", "nee"),
    ("nee hoor", "nee"), ("nvt", "nee"), ("nog niks eigenlijk", "nee"), ("geen", "nee"),
    ("weet ik niet", "weet_niet"), ("Geen idee", "weet_niet"), ("wt ik nie", "weet_niet"),
    ("ik weet het niet", "weet_niet"), ("weet niet precies", "weet_niet"), ("misschien", "weet_niet"),
    ("geen flauw idee", "weet_niet"), ("Dat moet ik navragen", "weet_niet"), ("idk", "weet_niet"),
    ("stop", "stop"), ("Laat maar", "stop"), ("hou op", "stop"), ("laat maar zitten, ik bel wel", "stop"),
    ("Ik wil stoppen", "stop"), ("kappen", "stop"), ("weet ik niet, stop maar", "stop"), ("nee. laat maar", "stop"),
    ("ja, maar we willen stoppen met die methode", "ja"),
    ("", "onbruikbaar"), ("   ", "onbruikbaar"), ("???", "onbruikbaar"), ("😀👍", "onbruikbaar"),
    ("asdfgh", "onbruikbaar"), ("qwerty", "onbruikbaar"), ("hmmm", "onbruikbaar"), ("x", "onbruikbaar"),
    ("hahaha", "onbruikbaar"), ("sdfkjh", "onbruikbaar"), ("...", "onbruikbaar"),
    ("We gebruiken de Kanjertraining sinds twee jaar", "tekst"),
    ("Het aanspreekpunt is de intern begeleider", "tekst"), ("soms", "tekst"),
    ("Alleen in groep 7 en 8", "tekst"), ("De mentor heeft met de ouders gebeld", "tekst"),
    ("jammer genoeg is dat lastig", "tekst"), ("nooit aan gedacht", "nee"),
])
def test_classify_answer(text, expected):
    assert qb.classify_answer(text) == expected


def test_classify_answer_only_returns_known_categories():
    for text in ("ok", "no", "wel", "geen id", "tja", "123", "Jammer", "Nee!!!", "neeee"):
        assert qb.classify_answer(text) in qb.CATEGORIES


def test_assess_building_blocks():
    answers = {
        "visie_vastgelegd": "ja",             # visie: aanwezig
        "monitor_jaarlijks": "ja",            # inzicht: one present, one missing -> ontbreekt
        "incidentregistratie": "nee",
        "sel_programma": "weet_niet",         # preventie: onbekend
        "pestprotocol": "Nee, we hebben er geen",  # raw text: classified first
        "meldcode_stap": "stap 2",            # duty only: no block
        "bestaat_niet": "ja",                 # unknown key: ignored
    }
    assert qb.assess_building_blocks(answers) == {
        "visie": "aanwezig", "inzicht": "ontbreekt", "preventie": "onbekend", "handelen": "ontbreekt"}
    assert list(qb.assess_building_blocks(answers)) == ["visie", "inzicht", "preventie", "handelen"]
    assert qb.assess_building_blocks({}) == {}


@pytest.mark.parametrize("answer,status", [
    ("ja", "aanwezig"), ("nee", "ontbreekt"), ("weet_niet", "onbekend"), ("stop", "onbekend"),
    ("onbruikbaar", "onbekend"), ("tekst", "aanwezig"),
    ("We hebben geen vaste registratie", "ontbreekt"),
    ("Via ons leerlingvolgsysteem", "aanwezig"),
    ("asdf", "onbekend"),
])
def test_answer_status_for_a_yes_no_question(answer, status):
    assert qb.answer_status(BANK["incidentregistratie"], answer) == status


def test_a_described_text_answer_is_in_place_even_when_it_negates():
    assert qb.answer_status(BANK["wat_gebeurd"], "Een leerling is niet op school gekomen") == "aanwezig"


# ------------------------------------------------------------------- advice

def test_different_answers_give_visibly_different_advice():
    yes = qb.advice_for("pesten", "beleid", "po", {"pestprotocol": "ja", "visie_vastgelegd": "ja"})
    no = qb.advice_for("pesten", "beleid", "po", {"pestprotocol": "nee", "visie_vastgelegd": "nee"})
    assert BANK["pestprotocol"].advice["in_place"] in yes.in_place and not yes.missing
    assert BANK["pestprotocol"].advice["missing"] in no.missing and not no.in_place
    assert yes.next_steps != no.next_steps
    assert qb.render_advice(yes) != qb.render_advice(no)
    unknown = qb.advice_for("pesten", "beleid", "po", {"pestprotocol": "weet ik niet"})
    assert BANK["pestprotocol"].advice["unknown"] in unknown.next_steps


def test_next_steps_put_duties_then_the_fundament_first():
    answers = {"pestprotocol": "nee", "groepsvorming": "nee", "visie_vastgelegd": "nee",
               "incidentregistratie": "nee", "monitor_jaarlijks": "nee"}
    advice = qb.advice_for("pesten", "beleid", "vo", answers)
    steps = DATA["building_blocks"]
    assert advice.next_steps == [qb.fill(DATA["duties"]["wet_veiligheid_op_school"]["step"]),
                                 steps["visie"]["step"], steps["inzicht"]["step"]]
    assert advice.missing[0] == BANK["visie_vastgelegd"].advice["missing"]
    assert advice.missing[-1] == BANK["pestprotocol"].advice["missing"]


def test_two_or_three_steps_always():
    cases = [("pesten", "beleid", "po", {}), ("overig", "overig", None, {}),
             ("sociale_veiligheid", "incident", "mbo", {"al_geprobeerd": "niks"}),
             ("pesten", "beleid", "po", {k: "nee" for k in BANK})]
    for theme, qtype, school, answers in cases:
        advice = qb.advice_for(theme, qtype, school, answers)
        assert 2 <= len(advice.next_steps) <= 3
        assert len(set(advice.next_steps)) == len(advice.next_steps)


def test_a_case_coded_as_a_question_about_the_law_keeps_its_own_reading_first():
    law = qb.advice_for("wet_en_regelgeving", "incident", "po", {}, case_theme="pesten")
    pesten = qb.advice_for("pesten", "incident", "po", {}).reading
    only_law = qb.advice_for("wet_en_regelgeving", "incident", "po", {}).reading
    assert law.reading[:2] == pesten[:2] == [qb.fill(line) for line in DATA["reading"]["pesten"]]  # the case's first
    assert set(law.reading) == set(pesten) | set(only_law)
    assert qb.advice_for("pesten", "incident", "po", {}, case_theme="pesten").reading == pesten


def test_duty_text_follows_the_sector():
    po = qb.advice_for("pesten", "beleid", "po", {"pestprotocol": "ja"})
    mbo = qb.advice_for("pesten", "beleid", "mbo", {"pestprotocol": "ja"})
    assert "geldt de Wet veiligheid op school" in po.duty
    assert "geldt niet voor het mbo" in mbo.duty and "Arbowet" in mbo.duty
    assert any("mboraad.nl" in line for line in mbo.reading)
    assert not any("mboraad.nl" in line for line in po.reading)
    assert "student" in qb.duty_text("meldplicht", "mbo")


def test_an_unmet_duty_check_sets_the_duty_and_the_first_step():
    answers = {"meldplicht_bestuur": "nee", "vp_welke_rol": "Ik ben interne contactpersoon",
               "vp_clientvraag": "nee"}
    advice = qb.advice_for("vertrouwenswerk", "incident", "vo", answers)
    assert advice.duty == qb.duty_text("meldplicht", "vo")
    assert "vertrouwensinspecteur" in advice.next_steps[0]
    settled = qb.advice_for("vertrouwenswerk", "incident", "vo", {"vp_welke_rol": "ja"})
    assert settled.duty == qb.duty_text("klachtenregeling", "vo")


def test_no_wet_veiligheid_op_school_step_for_mbo_even_with_a_stray_answer():
    advice = qb.advice_for("pesten", "beleid", "mbo", {"monitor_jaarlijks": "nee"})
    assert not any("Wet veiligheid op school" in step for step in advice.next_steps)


def test_render_advice():
    advice = qb.advice_for("pesten", "beleid", "po",
                           {"pestprotocol": "ja", "visie_vastgelegd": "nee", "monitor_jaarlijks": "weet niet"})
    message = qb.render_advice(advice)
    assert "**Wat al goed geregeld is**" in message
    assert "**Waar nog winst te halen is**" in message
    assert "**Wat de wet zegt**" in message and advice.duty in message
    for number, step in enumerate(advice.next_steps, 1):
        assert f"{number}. {step}" in message
    assert all(line in message for line in advice.reading)
    assert "{" not in message and "None" not in message
    empty = qb.render_advice(qb.advice_for("overig", "overig", None, {}))
    assert "Wat al goed" not in empty and "Waar nog winst" not in empty and "1. " in empty
    told = qb.render_advice(qb.advice_for("pesten", "incident", "po", {}))
    assert told.index("**Mijn voorstel voor de volgende stappen**") < told.index("**Wat de wet zegt**")


def test_a_parent_gets_the_steps_of_a_parent_first_and_not_the_schools_own_work():
    parent = qb.advice_for("pesten", "incident", "po", {}, caller_role="ouder")
    school = qb.advice_for("pesten", "incident", "po", {})
    assert parent.next_steps[0].startswith("Luister eerst naar je kind")
    assert any("aanspreekpunt pesten" in step for step in parent.next_steps)
    staff_only = [step for step in school.next_steps if "directie en de intern begeleider" in step]
    assert staff_only and not set(staff_only) & set(parent.next_steps)
    teacher = qb.advice_for("sociale_veiligheid", "incident", "vo", {"iedereen_veilig": "nee"}, caller_role="mentor")
    assert teacher.next_steps[0].startswith("Zorg eerst voor de leerling")
    assert teacher.next_steps[1:] == school_steps("sociale_veiligheid", "incident", "vo", {"iedereen_veilig": "nee"})
    assert qb.advice_for("pesten", "beleid", "po", {}, caller_role="ouder").next_steps == \
        qb.advice_for("pesten", "beleid", "po", {}).next_steps  # no steps of its own for policy: the defaults


def school_steps(*args):
    return qb.advice_for(*args).next_steps


def test_open_answers_are_followed_up_apart_from_what_is_in_place():
    advice = qb.advice_for("pesten", "incident", "vo",
                           {"al_geprobeerd": "gesprekken met de klas gevoerd", "pestprotocol": "ja"})
    assert advice.noted == [BANK["al_geprobeerd"].advice["in_place"]]
    assert advice.in_place == [BANK["pestprotocol"].advice["in_place"]]
    rendered = qb.render_advice(advice)
    assert rendered.index("**Over wat je vertelde**") < rendered.index("**Wat al goed geregeld is**")


@pytest.mark.parametrize("text, more", [
    ("ja", False), ("Ja hoor!", False), ("nee", False), ("weet ik niet", False),
    ("ja, maar het protocol wordt niet echt gebruikt", True),
    ("nee, de directie wil er niet aan", True),
])
def test_an_answer_that_explains_itself_says_more_than_yes_or_no(text, more):
    assert qb.says_more_than_the_answer(text) is more


@pytest.mark.parametrize("text, duties", [
    ("Een stagiair nam een meisje uit groep 6 op schoot en streelde haar been", ["meldplicht"]),
    ("onze gymdocent stuurt een leerling van 14 appjes dat ze er mooi uitziet", ["meldplicht"]),
    ("een jongen uit 2 havo zit een meisje steeds aan de billen", []),  # pupils among themselves
    ("een docent heeft een relatie met een student van 20", []),  # an adult student: no meldplicht
    ("moet ik dit onder de meldplicht melden? een docent zoende een leerling", []),  # the user named it
    ("een kleuter zegt dat papa haar slaat als ze huilt", ["meldcode"]),
    ("de leerling wordt gepest en de docent grijpt niet in", []),
    # Conduct said not to have happened signals nothing.
    ("een vader schreeuwde tegen een collega over zijn zoon, hij is weggegaan en er is niemand aangeraakt", []),
    ("de conciërge heeft een leerling van 12 aangeraakt", ["meldplicht"]),
])
def test_duties_are_signalled_by_the_case_not_by_single_words(text, duties):
    assert qb.duties_signalled(text) == duties


def test_the_meldplicht_is_not_told_again_after_an_answer_that_names_it():
    assert qb.duty_named("meldplicht", "Dan geldt de meld-, overleg- en aangifteplicht: meld het aan het bestuur.")
    assert not qb.duty_named("meldplicht", "Bespreek het met de intern begeleider.")


def test_a_school_leader_is_not_told_to_ask_the_directie():
    answers = {key: "weet_niet" for key, q in BANK.items() if "unknown_leader" in q.advice}
    assert len(answers) >= 10
    for theme, qtype in (("pesten", "beleid"), ("sociale_veiligheid", "incident"), ("vertrouwenswerk", "beleid")):
        leader = qb.advice_for(theme, qtype, "po", answers, caller_role="directeur")
        teacher = qb.advice_for(theme, qtype, "po", answers, caller_role="docent")
        assert not [step for step in leader.next_steps if "directie" in step.lower()], leader.next_steps
        assert [step for step in teacher.next_steps if "directie" in step.lower()]


def test_a_school_leader_is_not_asked_whether_the_directie_knows():
    led = [q for q in BANK.values() if q.leader_text]
    assert led
    for question in led:
        assert question.text_for("directeur") == question.leader_text and "directie" not in question.leader_text
        assert question.text_for("docent") == question.text == question.text_for(None)


@pytest.mark.parametrize("text", ["Ik heb het besproken met de ib'er en de ouders zijn gebeld.",
                                  "De intern begeleider weet het, de ouders nog niet.",
                                  "ik heb het al gedeeld met onze zorgcoördinator"])
def test_who_knows_is_not_asked_after_the_ib_or_the_parents_were_named(text):
    assert "wie_op_de_hoogte" in keys(qb.answered_in_text("pesten", "incident", "po", "docent", text=text)), text


@pytest.mark.parametrize("text", ["als externe vp voor een stichting met een paar so-scholen wil ik sparren",
                                  "Ik ben interne contactpersoon op een basisschool", "ik ben ivp op een mbo"])
def test_the_role_of_a_vertrouwenspersoon_told_as_people_type_it_is_not_asked(text):
    assert "vp_welke_rol" in keys(qb.answered_in_text("vertrouwenswerk", "incident", "so", text=text))


def test_a_vp_who_did_not_say_which_role_is_asked():
    text = "Een ouder wil een klacht indienen over een leerkracht."
    assert "vp_welke_rol" not in keys(qb.answered_in_text("vertrouwenswerk", "incident", "po", text=text))


def test_who_is_involved_is_known_from_a_pupil_of_an_age():
    text = "Een studente van 17 vertelde dat een docent haar steeds aanraakt tijdens de praktijkles."
    assert "wie_betrokken_leeftijd" in keys(qb.answered_in_text("vertrouwenswerk", "incident", "mbo", text=text))


def test_a_teacher_who_is_the_target_gets_their_own_safety_first_not_the_steps_for_a_pupil():
    told = "een vader schreeuwde gisteren tegen mij op het plein, ik voel me niet veilig"
    target = qb._data()["self_target"]["steps"]
    advice = qb.advice_for("sociale_veiligheid", "incident", "po", {}, caller_role="docent", text=told)
    assert advice.next_steps[: len(target)] == [qb.fill(step) for step in target]
    assert not any("Zorg eerst voor de leerling" in step for step in advice.next_steps)
    about_a_pupil = qb.advice_for("sociale_veiligheid", "incident", "po", {}, caller_role="docent",
                                  text="een vader schreeuwde tegen een leerling op het plein")
    assert about_a_pupil.next_steps[0].startswith("Zorg eerst voor de leerling")
    parent = qb.advice_for("sociale_veiligheid", "incident", "po", {}, caller_role="ouder", text=told)
    assert target[0] not in parent.next_steps

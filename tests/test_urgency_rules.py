"""The lemma rules on their own: recall on danger now, quiet on policy and the past."""
import pytest

from bot.nlp.urgency import UrgencyRules

URGENT = [
    ("hij zegt dat hij er een eind aan wil maken", "zelfdoding"),
    ("Een leerling zegt dat ze er liever niet meer wil zijn", "zelfdoding"),
    ("ik wil niet meer leven", "zelfdoding"),
    ("zelfmoort", "zelfdoding"),
    ("ze heeft een afscheidsbrief geschreven en is niet op school", "zelfdoding"),
    ("een meisje uit mijn klas snijdt zichzelf in haar armen", "zelfdoding"),
    ("Er is net een vechtpartij op het plein, een leerling bloedt.", "acuut_gevaar"),
    ("Een leerling heeft een mes meegenomen naar school.", "acuut_gevaar"),
    ("We hebben een dreigmail gehad over een schietpartij morgen.", "acuut_gevaar"),
    ("help er staat een vader voor de deur die dreigt", "acuut_gevaar"),
    ("Een kleuter vertelt dat papa haar pijn doet.", "kindermishandeling"),
    ("ze durft niet naar huis", "kindermishandeling"),
    ("een leerling uit groep 6 zit onder de blauwe plekken", "kindermishandeling"),
    ("iemand chanteert een leerling met naaktfoto's", "seksueel_misbruik"),
    ("Een leerling is weggelopen en niemand weet waar hij is.", "vermissing"),
    ("een leerling is sinds vanochtend vermist", "vermissing"),
]

NOT_URGENT = [
    "we willen lessen over suïcidepreventie geven, welk lesmateriaal?",
    "vorig jaar had een leerling een mes bij zich, hoe nemen we dat op in ons veiligheidsplan?",
    "een leerling wordt al weken gepest via een instagram-account",
    "Er was vorige week een vechtpartij op het plein, hoe pakken we de nazorg aan?",
    "Mijn zoon wordt al maanden gepest en de school doet niks!!",
    "Wat is het verschil tussen plagen en pesten?",
    "zijn wij verplicht een anti-pestcoördinator aan te stellen",
    "twee jaar geleden is een leerling vermist geraakt, dat is goed afgelopen; hoe evalueren we dat?",
]


@pytest.fixture(scope="module")
def rules(nlp):
    return UrgencyRules(nlp.vocab)


@pytest.mark.parametrize("text,category", URGENT)
def test_danger_now_is_urgent_with_its_category(rules, nlp, text, category):
    assessment = rules.assess(nlp(text))
    assert assessment.urgent, assessment
    assert assessment.category == category


@pytest.mark.parametrize("text", NOT_URGENT)
def test_policy_past_and_plain_questions_are_not_urgent(rules, nlp, text):
    assessment = rules.assess(nlp(text))
    assert not assessment.urgent, assessment


def test_a_weak_trigger_needs_a_sign_of_danger_now(rules, nlp):
    past = rules.assess(nlp("er was een vechtpartij in de klas"))
    now = rules.assess(nlp("er is nu een vechtpartij in de klas"))
    assert past.triggers and not past.urgent
    assert now.urgent and now.category == "acuut_gevaar"


def test_danger_now_overrules_a_policy_word(rules, nlp):
    assessment = rules.assess(nlp("volgens ons protocol moeten we iets doen, maar er is nu een leerling met een mes"))
    assert assessment.defused and assessment.present and assessment.urgent


def test_the_lemma_table_normalises_inflections(nlp):
    doc = nlp("Leerlingen werden geslagen en messen gevonden")
    assert [t.lemma_ for t in doc][:4] == ["leerling", "worden", "slaan", "en"]
    assert doc[4].lemma_ == "mes"


@pytest.mark.parametrize("text,category", [
    # a person at home + violence + a child, anywhere in the message
    ("Een leerling vertelde net dat haar moeder haar met een hete pan heeft geslagen.", "kindermishandeling"),
    # someone at home + sexual cue + a child
    ("een meisje uit groep 7 zegt dat de buurman na school aan haar zit", "seksueel_misbruik"),
    # staff + violence + child, happening now
    ("een leerkracht sloeg net een kind uit groep 2 hard in het gezicht", "acuut_gevaar"),
])
def test_combinations_of_groups_fire_anywhere_in_the_message(rules, nlp, text, category):
    assessment = rules.assess(nlp(text))
    assert assessment.urgent and assessment.category == category, assessment


def test_staff_sexual_cue_and_minor_without_now_is_the_meldplicht_not_urgent(rules, nlp):
    text = "Een conciërge zou een leerling van 14 ongepast hebben aangeraakt. Is het genoeg dat de directeur het weet?"
    assert not rules.assess(nlp(text)).urgent


def test_a_resolved_situation_does_not_make_a_weak_trigger_urgent(rules, nlp):
    over = rules.assess(nlp("vanochtend dreigde een vader bij het hek, hij is inmiddels weggereden"))
    going_on = rules.assess(nlp("vanochtend dreigt een vader bij het hek"))
    assert over.resolved and not over.urgent
    assert going_on.urgent


@pytest.mark.parametrize("text", [
    "Ouders zijn woedend, wat moeten we nu doen?",
    "Na de vechtpartij: hoe nu verder met de klas?",
    "Tot nu toe ging het goed, maar er is een conflict tussen ouders en school.",
])
def test_ordinary_uses_of_nu_are_no_sign_of_danger(rules, nlp, text):
    assessment = rules.assess(nlp(text))
    assert not assessment.present and not assessment.urgent, assessment


def test_rules_recall_on_the_urgent_training_examples(rules, nlp):
    """The rules alone must catch nearly all urgent examples (the model backs them up)."""
    import yaml

    from tests.conftest import ROOT

    data = yaml.safe_load((ROOT / "data/nlu/urgent.yml").read_text(encoding="utf-8"))
    texts = [line[2:] for block in data["nlu"] for line in block["examples"].strip().splitlines()]
    missed = [t for t in texts if not rules.assess(nlp(t.strip())).urgent]
    assert len(texts) >= 100
    assert len(missed) <= len(texts) // 20, missed


def test_rules_rarely_fire_on_non_urgent_questions(rules, nlp):
    import yaml

    from tests.conftest import ROOT

    texts = []
    for name in ("pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk", "overig"):
        data = yaml.safe_load((ROOT / f"data/nlu/{name}.yml").read_text(encoding="utf-8"))
        texts += [line.strip()[2:] for block in data["nlu"] if "intent" in block
                  for line in block["examples"].strip().splitlines()]
    alarms = [t for t in texts if rules.assess(nlp(t)).urgent]
    assert len(texts) >= 1000
    assert len(alarms) <= len(texts) // 100, alarms


def test_back_to_normal_is_no_sign_of_danger_now(rules, nlp):
    over = rules.assess(nlp("Vorige week heeft een leerling een collega een klap gegeven. Ze is nu weer aan het werk."))
    assert over.resolved and not over.present and not over.urgent
    now = rules.assess(nlp("Een leerling heeft een collega een klap gegeven, hij is nu in de klas"))
    assert now.present and now.urgent


def test_danger_now_denied_in_so_many_words_is_no_sign_of_the_present(rules, nlp):
    denied = rules.assess(nlp("Er is geen acute situatie. Vorig jaar hadden we een leerling met zelfmoordgedachten."))
    assert denied.resolved and not denied.present and not denied.urgent
    asked = rules.assess(nlp("Het is acuut: een leerling dreigt nu zelfmoord te plegen"))
    assert asked.present and asked.urgent

"""caller_role only when said of oneself; school_type wherever a school is named."""
import pytest

from bot import labels
from bot.nlp.callers import CALLER_ROLE, SCHOOL_TYPE, CallerTable, first_value
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def table():
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu" / "lookups.yml"))
    lookups = {t["name"]: t["elements"] for t in data.lookup_tables}
    codes = {CALLER_ROLE: labels.caller_roles(), SCHOOL_TYPE: labels.school_types()}
    return CallerTable.from_tables(lookups, data.entity_synonyms, codes)


def _extract(table, text):
    mentions = table.extract(text)
    return first_value(mentions, CALLER_ROLE), first_value(mentions, SCHOOL_TYPE)


@pytest.mark.parametrize("text,role,school", [
    ("ik ben leerkracht van groep 7", "docent", "po"),
    # Chat style drops the "ik": still said of oneself.
    ("ben mentor van een brugklas vmbo-t en er zijn 2 kampen", "mentor", "vo"),
    ("ok. ben haar mentor, vso", "mentor", "so"),
    ("Conrector van een scholengemeenschap, de jongens zitten in 3 havo.", "directeur", "vo"),
    ("Leerkracht, basisschool. En het is geen pesten.", "docent", "po"),
    ("Ik zit in het college van bestuur.", "bestuurder", None),
    ("Als mentor van een brugklas maak ik me zorgen", "mentor", "vo"),
    ("ik ben ib'er op een basisschool", "ib_zorg", "po"),
    ("ik ben IB-er", "ib_zorg", None),
    ("Ik ben sinds dit jaar aanspreekpunt pesten", "anti_pest", None),
    ("wij als bestuur willen weten of onze scholen voldoen", "bestuurder", None),
    ("Ik ben de moeder van een jongen uit 2 havo", "ouder", "vo"),
    ("ik werk als zorgcoordinator op een roc", "ib_zorg", "mbo"),
    ("docent", "docent", None),
    ("vertrouwenspersoon vso", "vertrouwenspersoon", "so"),
    ("ik ben directeur van een sbo-school", "directeur", "po"),
    # A parent rarely says "ik ben ouder": their child says it for them.
    ("Onze dochter wordt in de klas buitengesloten, wat kunnen we doen?", "ouder", None),
    ("m'n zoontje zit in groep 3 en durft niet meer naar school", "ouder", "po"),
    ("Een meisje uit mijn mentorklas, 2 vwo, is al dagen stil", "mentor", "vo"),
    ("ik geef biologie op een mavo", "docent", "vo"),
    ("Ik geef al twintig jaar les, nu in het mbo", "docent", "mbo"),
    ("Ik sta sinds september voor groep 7 en het is een lastige groep", "docent", "po"),
    ("ik sta voor de klas in 2 havo", "docent", "vo"),
    ("Ik vraag dit als verzorger van mijn neefje", "ouder", None),
    ("ik werk op een basisschool als leerkracht", "docent", "po"),
    ("ik zit in de mr van een basisschool", "overig", "po"),
    ("ik zit in de 2e klas van het vmbo", "leerling", "vo"),
    ("ib'er hier (bs). vraagje over de meldcode", "ib_zorg", "po"),
    ("kind uit gr 6, zorgen over thuis", None, "po"),
    # A school type opening a compound; a role, its school type, then "hier".
    ("Ik ben locatieleider van een vmbo-locatie.", "directeur", "vo"),
    ("als externe vp voor een stichting met een paar so-scholen wil ik sparren", "vertrouwenspersoon", "so"),
    ("het gaat om zes vo-scholen van één stichting", None, "vo"),
    ("ib'er basisschool hier. vraagje over de meldcode", "ib_zorg", "po"),
    ("Als nieuwe teamleider wil ik het team meenemen", "directeur", None),
    # A later role said in place of the first holds; two roles side by side keep the first.
    ("Ik ben mentor van die klas. Nou ja, sinds deze maand ben ik ook teamleider van de bovenbouw en ik vraag "
     "het eigenlijk in die rol.", "directeur", None),
    ("Ik ben moeder van een zoon in groep 6 en ben zelf ook leerkracht", "ouder", "po"),
    ("ben veiligheidscoordinator van een vmbo school. vechtpartij was gister", "veiligheid", "vo"),
    # One typo in a long word still names it; a different word of the same length does not.
    ("praktijkondewijs, jongens van 13 14", None, "vo"),
    ("ik ben vertrouwenspersoom op een basisschool", "vertrouwenspersoon", "po"),
    ("de klassenapp is een probleem", None, None),
    # A plural at the start is about others.
    ("ouders van 1 van de 2 willen de beelden zien omdat hun zoon zegt dat hij niet begonnen is", None, None),
])
def test_roles_said_of_oneself_and_school_types(table, text, role, school):
    assert _extract(table, text) == (role, school)


@pytest.mark.parametrize("text,school", [
    ("een leerling wordt al weken gepest via een instagram-account", None),
    ("De mentor zegt dat het wel meevalt, klopt dat?", None),
    ("wat is de taak van een vertrouwenspersoon", None),
    ("Een leerling uit 4 vmbo wordt buitengesloten", "vo"),
    ("als een leerling gepest wordt, wat doe je dan", None),
    ("mijn leerlingen geven elkaar de schuld", None),
    ("De leerkracht geeft de kinderen op het plein een standje", None),
    ("ik geef het door aan de directeur", None),
    ("ik sta voor een dilemma met een ouder", None),
    # After a preposition the role is someone else: "ik ben er voor ...", "ik ben boos op ...".
    ("Ik ben er voor leerlingen en ouders.", None),
    ("ik ben echt boos op de mentor", None),
    ("ik ben bang voor de reactie van de ouders", None),
])
def test_a_third_person_is_never_the_callers_role(table, text, school):
    role, found_school = _extract(table, text)
    assert role is None
    assert found_school == school


def test_every_code_in_the_table_is_a_label_value(table):
    for entity, code in table.forms.values():
        valid = labels.caller_roles() if entity == CALLER_ROLE else labels.school_types()
        assert code in valid, (entity, code)


def test_offsets_point_at_the_mention(table):
    text = "Hallo, ik ben leerkracht op een basisschool."
    for mention in table.extract(text):
        assert text[mention.start:mention.end] == mention.text


@pytest.mark.parametrize("text,role", [
    ("Leerling is zichzelf aan het snijden op de wc", None),
    ("vertrouwenspersoon verplicht of niet op een basisschool?", None),
    ("hoe reageren we als een leerling de hitlergroet doet", None),
    ("Een leerling vertelde mij als vp dat ze gepest wordt", "vertrouwenspersoon"),
    ("nu zit ze in groep 6. als vader ben ik boos", "ouder"),
    ("ik zit in groep 8 en ik word elke dag gepest", "leerling"),
    ("ik ben 14 en ik durf niet naar huis", "leerling"),
    ("ik ben 12 jaar docent en wil iets vragen", "docent"),
])
def test_self_statements_and_third_persons(table, text, role):
    assert _extract(table, text)[0] == role

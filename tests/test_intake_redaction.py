"""bot/redaction.py: personal data out of everything that is stored."""
import pytest

from bot.redaction import redact


@pytest.mark.parametrize("text, expected", [
    ("mail me op j.de.vries@school.nl", "mail me op [EMAIL]"),
    ("bel 06-12345678 of 06 1234 5678", "bel [TELEFOON] of [TELEFOON]"),
    ("ons nummer is +31 6 12345678", "ons nummer is [TELEFOON]"),
    ("school: 030-285 66 16", "school: [TELEFOON]"),
    ("we zitten in 3511 AB Utrecht", "we zitten in [POSTCODE] Utrecht"),
    ("postcode 3511AB", "postcode [POSTCODE]"),
    ("zijn bsn is 123456789", "zijn bsn is [NUMMER]"),
    ("bsn 123.456.789", "bsn [NUMMER]"),
    ("geboren op 12-03-2012", "geboren op [DATUM]"),
    ("geboortedatum 2012-03-12", "geboortedatum [DATUM]"),
    ("geboren 3 maart 2011", "geboren [DATUM]"),
    ("leerling Sam wordt gepest", "leerling [NAAM] wordt gepest"),
    ("mijn zoon Daan en mijn dochter Fleur", "mijn zoon [NAAM] en mijn dochter [NAAM]"),
    ("juf Anne-Marie zei het", "juf [NAAM] zei het"),
    ("collega Jan Pieterse is boos", "collega [NAAM] is boos"),
    ("meester de Jong", "meester [NAAM]"),  # a surname with its prefix
    ("de leerling Die ik bedoel", "de leerling Die ik bedoel"),
])
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "een leerling in groep 7 wordt al 3 weken gepest",
    "4 vmbo, sinds 2 weken, twee leerlingen",
    "Hoe zetten we een pestprotocol op?",
    "De mentor zegt dat het over is.",
])
def test_ordinary_text_is_kept(text):
    assert redact(text) == text


def test_none_stays_none():
    assert redact(None) is None

"""The organisation's name and colour on the chat page come from the environment, safely."""
import asyncio
import random

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.storage import Database, migrate
from bot.web import chat
from bot.web.app import ConsoleSettings, create_app
from bot.organisation import DEFAULT_ORGANISATION as DEFAULT_NAME
from bot.web.branding import AA_NORMAL_TEXT, DEFAULT_COLOUR, Branding, contrast


def test_without_settings_the_page_has_the_helpdesk_name_and_an_aa_colour():
    brand = Branding.from_env({})
    assert brand.name == DEFAULT_NAME and brand.colour == DEFAULT_COLOUR
    assert contrast(brand.on_colour, brand.colour) >= AA_NORMAL_TEXT
    assert contrast(brand.link, "#ffffff") >= AA_NORMAL_TEXT


def test_any_house_colour_keeps_the_widget_text_readable():
    """The text on the colour is chosen by contrast, so even mid-grey or yellow reach AA; links on the white page
    keep a readable colour when the house colour is too light for text."""
    rng = random.Random(16)
    colours = ["#ffff00", "#777777", "#808080", "#00ff00", "#000000", "#ffffff", "#135afe", "#e41c23"]
    colours += ["#%06x" % rng.randrange(0x1000000) for _ in range(500)]
    for colour in colours:
        brand = Branding.from_env({"DOORVRAAG_ORG_COLOR": colour.upper()})
        assert brand.colour == colour
        assert contrast(brand.on_colour, brand.colour) >= AA_NORMAL_TEXT, colour
        assert contrast(brand.link, "#ffffff") >= AA_NORMAL_TEXT, colour


@pytest.mark.parametrize("given", ["blue", "#12345", "#1234567", "url(x)", "#12345g", "red;}</style><script>"])
def test_a_colour_that_is_not_rrggbb_falls_back_to_the_default(given):
    assert Branding.from_env({"DOORVRAAG_ORG_COLOR": given}).colour == DEFAULT_COLOUR


def test_the_name_is_trimmed_and_bounded():
    assert Branding.from_env({"DOORVRAAG_ORG_NAME": "  Stichting \n School  en Veiligheid "}).name == \
        "Stichting School en Veiligheid"
    assert Branding.from_env({"DOORVRAAG_ORG_NAME": "   "}).name == DEFAULT_NAME
    assert len(Branding.from_env({"DOORVRAAG_ORG_NAME": "x" * 1000}).name) == 80


@pytest.mark.parametrize("given, used", [
    ("https://nos.nl/", "https://nos.nl/"), ("", chat.DEFAULT_QUICK_EXIT), ("javascript:alert(1)", chat.DEFAULT_QUICK_EXIT),
    ("http://x/\" onclick=\"y", chat.DEFAULT_QUICK_EXIT), ("nos.nl", chat.DEFAULT_QUICK_EXIT)])
def test_snel_weg_goes_only_to_a_web_address(monkeypatch, given, used):
    monkeypatch.setenv(chat.QUICK_EXIT_ENV, given)
    assert chat.quick_exit_url() == used


def page(tmp_path, monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    url = f"sqlite:///{tmp_path / 'brand.db'}"
    migrate.upgrade(url)
    db = Database(url)

    async def go():
        async with TestClient(TestServer(create_app(db, None, ConsoleSettings()))) as client:
            answer = await client.get("/chat")
            style = await client.get("/chat/chat.css")
            return await answer.text(), style.status, style.headers["Content-Type"]
    try:
        return asyncio.run(go())
    finally:
        db.dispose()


def test_the_chat_page_shows_the_configured_name_and_colour(tmp_path, monkeypatch):
    html, css_status, css_type = page(tmp_path, monkeypatch, DOORVRAAG_ORG_NAME="Stichting <b>Veilig</b> Leren",
                                      DOORVRAAG_ORG_COLOR="#F0B400", DOORVRAAG_QUICK_EXIT_URL="https://nos.nl/")
    assert "Stichting &lt;b&gt;Veilig&lt;/b&gt; Leren" in html and "<b>Veilig</b>" not in html     # escaped
    assert "--brand: #f0b400; --on-brand: #000000;" in html                 # light colour, dark text
    assert 'data-brand="#f0b400"' in html and 'href="https://nos.nl/"' in html
    assert css_status == 200 and css_type.startswith("text/css")

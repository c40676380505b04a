"""Staff and analysts do their job in a real browser (headless Chromium), and the chat works by keyboard."""
import json
import tempfile

import pytest

from bot.storage import Database, close_contact, migrate, open_contact, record_answer
from bot.web.auth import create_user
from tests.browser import Browser
from tests.conftest import ROOT
from tests.server_harness import console_server

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture(scope="module")
def console():
    with tempfile.TemporaryDirectory(prefix="doorvraag-console-") as folder:
        url = f"sqlite:///{folder}/console.db"
        migrate.upgrade(url)
        db = Database(url)
        create_user(db, "sanne", PASSWORD, "staff")
        create_user(db, "ahmed", PASSWORD, "analyst")
        open_contact(db, "gesprek-9", theme="pesten", question_type="incident", urgent=True, caller_role="mentor",
                     school_type="vo")
        record_answer(db, "gesprek-9", "al_geprobeerd", "tekst", "gesprek met de klas gevoerd")
        close_contact(db, "gesprek-9", status="overgedragen", handoff="wachtrij")
        db.dispose()
        with console_server({"DATABASE_URL": url, "TRACKER_DATABASE_URL": f"sqlite:///{folder}/tracker.db"}) as console:
            yield console


def log_in(browser, console, username):
    browser.text_after(f"{console}/login", "Inloggen")
    browser.evaluate(f"""(() => {{
        document.getElementById('username').value = {json.dumps(username)};
        document.getElementById('password').value = {json.dumps(PASSWORD)};
        document.querySelector('main form').submit(); return true; }})()""")


def test_a_staff_member_works_the_queue_in_the_browser(chromium, console):
    browser = Browser(chromium)
    try:
        log_in(browser, console, "sanne")
        queue = browser.wait_for("Overgedragen gesprekken")
        assert "URGENT" in queue and "pesten" in queue
        browser.evaluate("document.querySelector('tbody a').click(), true")
        page = browser.wait_for("Antwoorden op de doorvragen")
        assert "gesprek met de klas gevoerd" in page and "mentor" in page
        browser.evaluate("""(() => { const s = document.getElementById('status'); s.value = 'in_behandeling';
                              s.form.submit(); return true; })()""")
        assert "in behandeling (door sanne)" in browser.wait_for("in behandeling (door sanne)")
        browser.evaluate("""(() => { const n = document.getElementById('note'); n.value = 'Teruggebeld, Jan de Vries';
                              n.form.submit(); return true; })()""")
        after = browser.wait_for("Teruggebeld")
        assert "Teruggebeld, [NAAM]" in after                                   # notes are redacted
    finally:
        browser.close()


def test_an_analyst_reads_the_figures_in_the_browser(chromium, console):
    browser = Browser(chromium)
    try:
        log_in(browser, console, "ahmed")
        page = browser.wait_for("contacten;")
        assert "1 contacten" in page
        charts = browser.evaluate("document.querySelectorAll('figure svg[role=img]').length")
        assert charts == 6
        denied = browser.text_after(f"{console}/queue", "niet voor jouw rol")
        assert "niet voor jouw rol" in denied                                   # no transcripts for analysts
    finally:
        browser.close()


def contrast(foreground, background):
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("foreground, background", [
    ("#1a1a1a", "#ffffff"), ("#1f5f8b", "#ffffff"), ("#ffffff", "#1f5f8b"), ("#8b1f1f", "#ffffff"),
    ("#1a1a1a", "#f3f7fa"), ("#1a1a1a", "#fbf3f3"), ("#333333", "#ffffff")])
def test_the_colours_of_our_pages_meet_wcag_aa(foreground, background):
    assert contrast(foreground, background) >= 4.5
    for path in ("bot/web/templates/base.html", "bot/web/templates/chat.html"):
        text = (ROOT / path).read_text(encoding="utf-8").lower()
        colours = set(__import__("re").findall(r"#[0-9a-f]{6}", text))
        assert colours <= {"#1a1a1a", "#1f5f8b", "#ffffff", "#fff", "#8b1f1f", "#f3f7fa", "#fbf3f3", "#333333",
                           "#cccccc", "#dddddd", "#f0b400", "#333"}, colours

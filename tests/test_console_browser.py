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


# ------------------------------------------------------------------ both sides live: the user's widget and the console

API_TOKEN = "test-token-voor-de-overname"
OPEN_HOURS = "2026-11-24T10:30:00+01:00"      # a Tuesday morning: the helpdesk is open, a handoff goes to the queue

TYPE_AND_SEND = """
(() => {
  const box = document.querySelector('.rw-new-message');
  if (!box) { return false; }
  const setter = Object.getOwnPropertyDescriptor(window.HTMLTextAreaElement.prototype, 'value').set;
  setter.call(box, %s);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  document.querySelector('.rw-send').click();
  return true;
})()
"""


@pytest.fixture(scope="module")
def live_stack():
    """Action server (clock in opening hours), `rasa run` with its API, and the console with the chat page."""
    from tests.server_harness import bot_and_console

    with bot_and_console("doorvraag-live-console-", API_TOKEN, OPEN_HOURS, {"sanne": PASSWORD}) as stack:
        yield stack


def say(user, text):
    import json as _json
    user.wait_until(TYPE_AND_SEND % _json.dumps(text), timeout=30, what="the chat's message box")


def test_staff_and_the_user_talk_live_and_the_bot_answers_again_after_terug_naar_de_bot(chromium, live_stack):
    """Staff and the user talk live; when the user closes the chat's tab, the contact page says so by itself."""
    _bot, console = live_stack
    staff, user = Browser(chromium), Browser(chromium)
    try:
        log_in(staff, console, "sanne")
        staff.wait_for("Overgedragen gesprekken")
        staff.evaluate("window.notReloaded = true")          # gone if the page were loaded again
        staff.wait_until("document.body.dataset.connected === '1'", timeout=15, what="the console's live feed")

        user.text_after(f"{console}/chat?open=1", "digitale assistent van de helpdesk sociale veiligheid")
        say(user, "ik wil graag met een medewerker praten")
        assert "nummer 1 in de wachtrij" in user.wait_for("in de wachtrij", timeout=60)

        # The handoff appears in the queue without a reload, with the count in the tab title.
        staff.wait_until("document.querySelectorAll('#queue tbody tr').length === 1", timeout=15,
                         what="the handoff in the queue")
        assert staff.evaluate("window.notReloaded === true")
        assert staff.wait_until("document.title.startsWith('(1) ')", timeout=5, what="the count in the tab title")

        staff.evaluate("document.querySelector('#queue tbody a').click(), true")
        staff.wait_for("Ik pak dit op")
        staff.evaluate("document.getElementById('claim-button').click(), true")
        staff.wait_for("Opgepakt door Sanne")
        staff.evaluate("""(() => { document.getElementById('reply').value = 'Hoi, ik ben Sanne. Vertel maar.';
                          document.getElementById('reply-form').submit(); return true; })()""")

        # The user sees that a person joined, and the reply under the staff member's name.
        chat = user.wait_for("Sanne (helpdesk): Hoi, ik ben Sanne. Vertel maar.", timeout=30)
        assert "Sanne van de helpdesk is er nu" in chat

        # The user's answer appears in the console without a reload.
        staff.wait_for("Terug naar de bot")
        staff.evaluate("window.notReloaded = true")
        say(user, "het gaat om een leerling die gepest wordt")
        staff.wait_until("document.querySelector('#conversation').innerText.includes("
                         "'het gaat om een leerling die gepest wordt')", timeout=15, what="the user's answer")
        assert staff.evaluate("window.notReloaded === true")

        # After "Terug naar de bot" the user's next message is answered by the bot.
        staff.evaluate("document.querySelector('form[action$=\"/resume\"]').submit(), true")
        user.wait_for("heeft het gesprek teruggegeven", timeout=30)
        say(user, "Is de wet veiligheid op school ook van toepassing op het mbo?")
        assert "Had je hier iets aan?" in user.wait_for("Had je hier iets aan?", timeout=60)

        # The console knows the chat window is open, and sees it closed without a reload.
        presence = "document.getElementById('presence').innerText.includes(%s)"
        staff.wait_until(presence % "'De gebruiker heeft het chatvenster open'", timeout=15, what="the open chat")
        staff.evaluate("window.notReloaded = true")
        user.close_tab()
        staff.wait_until(presence % "'De gebruiker heeft het chatvenster gesloten'", timeout=30,
                         what="the closed chat on the contact page")
        assert staff.evaluate("window.notReloaded === true")
    finally:
        staff.close()
        user.close()


@pytest.fixture(scope="module")
def quiet_console():
    """A console of its own, so that the test can add people waiting while the page is open."""
    with tempfile.TemporaryDirectory(prefix="doorvraag-sound-") as folder:
        url = f"sqlite:///{folder}/console.db"
        migrate.upgrade(url)
        db = Database(url)
        create_user(db, "sanne", PASSWORD, "staff")
        env = {"DATABASE_URL": url, "TRACKER_DATABASE_URL": f"sqlite:///{folder}/tracker.db",
               "DOORVRAAG_CONSOLE_POLL_SECONDS": "0.5"}
        with console_server(env) as console:
            yield console, db
        db.dispose()


def someone_waits(db, conversation):
    open_contact(db, conversation, theme="pesten", question_type="incident")
    close_contact(db, conversation, status="overgedragen", handoff="wachtrij")


# Counts the tones instead of playing them: headless Chromium has no speakers, the page's code is the same.
COUNT_TONES = """(() => { window.tones = 0;
    const node = () => ({connect() {}, start() {}, stop() {}, frequency: {}, gain: {}});
    window.AudioContext = function () { window.tones += 1;
        return {createOscillator: node, createGain: node, destination: {}, currentTime: 0}; };
    return true; })()"""


def test_the_opt_in_sound_plays_for_someone_new_waiting_only_when_switched_on(chromium, quiet_console):
    console, db = quiet_console
    browser = Browser(chromium)
    try:
        log_in(browser, console, "sanne")
        browser.wait_for("Overgedragen gesprekken")
        browser.evaluate("window.localStorage.removeItem('doorvraag-console-sound'), true")
        browser.evaluate(COUNT_TONES)
        someone_waits(db, "geluid-1")
        browser.wait_until("document.title.startsWith('(1) ')", what="the waiting count in the tab title")
        assert browser.evaluate("window.tones") == 0  # off by default: no sound
        browser.evaluate("document.getElementById('sound').click(), true")  # on: one tone to show it works
        browser.wait_until("window.tones === 1", what="the tone when the sound is switched on")
        someone_waits(db, "geluid-2")
        browser.wait_until("document.title.startsWith('(2) ')", what="the second person waiting")
        browser.wait_until("window.tones === 2", what="a tone for the new person waiting")
        assert browser.evaluate("window.localStorage.getItem('doorvraag-console-sound')") == "1"  # kept for next time
    finally:
        browser.close()

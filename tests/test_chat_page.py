"""The public chat page: content, self-hosted widget, security headers, and a real headless Chromium."""
import asyncio
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.storage import Database, migrate
from bot.web.app import ConsoleSettings, create_app
from tests.e2e_harness import free_port
from tests.server_harness import console_server, live_bot

# The console and the whole bot run as servers here (the first test's in-process app aside).
pytestmark = pytest.mark.server


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    migrate.upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


def fetch(db, *paths):
    async def go():
        async with TestClient(TestServer(create_app(db, None, ConsoleSettings()))) as client:
            answers = []
            for path in paths:
                answer = await client.get(path)
                answers.append((answer.status, dict(answer.headers), await answer.text()))
            return answers
    return asyncio.run(go())


def test_the_chat_page_is_public_dutch_and_self_hosted(db):
    (status, headers, page), (js_status, js_headers, widget) = fetch(db, "/chat", "/chat/webchat.js")
    assert status == 200 and 'lang="nl"' in page
    assert "digitale assistent, niet met een mens" in page
    assert "Noem geen namen" in page and "9:00 tot 16:00" in page and "112" in page
    assert re.findall(r'<script src="([^"]+)"', page) == ["/chat/webchat.js", "/chat/init.js"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "http://127.0.0.1:5005" in headers["Content-Security-Policy"]      # the socket, and nothing else
    assert js_status == 200 and "javascript" in js_headers["Content-Type"] and "WebChat" in widget[:2000]


@pytest.fixture(scope="module")
def console_url():
    with tempfile.TemporaryDirectory(prefix="doorvraag-chat-") as folder:
        url = f"sqlite:///{folder}/chat.db"
        migrate.upgrade(url)
        # A socket URL where nothing listens: this console's chat server is unreachable, whatever else runs here.
        env = {"DATABASE_URL": url, "DOORVRAAG_CHAT_SOCKET_URL": f"http://127.0.0.1:{free_port()}",
               "DOORVRAAG_CHAT_UNREACHABLE_MS": "1000"}
        with console_server(env, ready_path="/chat") as console:
            yield console


def rendered(chromium, url, profile=None):
    """The DOM after the page's scripts ran, from headless Chromium (a given profile keeps localStorage)."""
    with tempfile.TemporaryDirectory() as fresh:
        profile = profile or fresh
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=8000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_widget_mounts_with_a_labelled_launcher_in_chromium(chromium, console_url):
    dom = rendered(chromium, f"{console_url}/chat")
    assert 'class="rw-widget-container' in dom
    launcher = re.search(r'<button[^>]*class="rw-launcher"[^>]*>', dom)
    assert launcher and 'aria-label="Open de chat met de helpdesk"' in launcher.group(0)
    assert "Je privacy" in dom and "Bereikbaarheid" in dom


def test_an_unreachable_chat_server_gets_a_message_with_the_phone_number(chromium, console_url):
    from tests.browser import Browser

    browser = Browser(chromium)
    try:
        page = browser.text_after(f"{console_url}/chat", "De chat is nu niet bereikbaar")
        assert "030-285 66 16" in page and "112" in page
        links = browser.evaluate("Array.from(document.querySelectorAll('#chat-unreachable a')).map(a => a.href)")
        assert links == ["tel:0302856616", "tel:112"]                       # tap to call
    finally:
        browser.close()


API_TOKEN = "test-token-voor-de-api"


@pytest.fixture(scope="module")
def live_chat():
    """The whole product: action server, `rasa run` (Socket.IO behind the guard) and the console's chat page."""
    with tempfile.TemporaryDirectory(prefix="doorvraag-chat-live-") as folder:
        port = free_port()
        with live_bot(Path(folder), api_token=API_TOKEN, cors=f"http://127.0.0.1:{port}") as bot:
            env = {"DATABASE_URL": bot.database_url, "TRACKER_DATABASE_URL": bot.tracker_url,
                   "DOORVRAAG_CHAT_SOCKET_URL": bot.url}
            with console_server(env, ready_path="/chat", port=port) as console:
                yield bot, console


def socket_events(bot):
    """(sender, type, text, input_channel, metadata) of the user and bot events in the tracker store."""
    import json

    from sqlalchemy import create_engine, text

    engine = create_engine(bot.tracker_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT sender_id, type_name, data FROM events WHERE type_name IN ('user', 'bot') ORDER BY id")).all()
    finally:
        engine.dispose()
    found = []
    for sender, kind, data in rows:
        event = json.loads(data)
        found.append((sender, kind, event.get("text"), event.get("input_channel"), event.get("metadata") or {}))
    return found


TYPE_AND_SEND = """
(() => {
  const box = document.querySelector('.rw-new-message');
  const setter = Object.getOwnPropertyDescriptor(window.HTMLTextAreaElement.prototype, 'value').set;
  setter.call(box, %s);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  document.querySelector('.rw-send').click();
  return true;
})()
"""


def test_the_widget_talks_to_the_bot_over_socketio_and_a_reload_keeps_the_conversation(chromium, live_chat):
    import json

    from tests.browser import Browser

    bot, console = live_chat
    greeting = "digitale assistent van de helpdesk sociale veiligheid"
    browser = Browser(chromium)
    try:
        first = browser.text_after(f"{console}/chat?open=1", greeting)
        assert greeting in first                                             # the bot's greeting, via Socket.IO
        users = [e for e in socket_events(bot) if e[1] == "user"]
        assert users and users[0][3] == "socketio" and users[0][0] not in ("", "default")
        assert users[0][4].get("page") == "/chat" and users[0][4].get("language") == "nl"   # page metadata
        assert browser.evaluate(TYPE_AND_SEND % json.dumps(
            "ik ben mentor in de brugklas en een meisje wordt gepest via instagram"))
        browser.wait_for("Klopt dat?")
        buttons = browser.evaluate(
            "Array.from(document.querySelectorAll('.rw-messages-container button, .rw-messages-container .rw-reply'))"
            ".map(b => b.textContent.trim())")
        assert "Ja" in buttons                                               # buttons render as buttons
        second = browser.text_after(f"{console}/chat?open=1", "Klopt dat?")  # the user reloads the page
        assert greeting in second and "Klopt dat?" in second
    finally:
        browser.close()
    senders = {e[0] for e in socket_events(bot) if e[1] == "user"}
    assert senders == {users[0][0]}                                          # one conversation, kept


def test_staff_take_over_through_the_real_rasa_api_which_needs_the_token(live_chat):
    from bot.web.takeover import RasaClient, TakeoverError

    bot, _console = live_chat
    sender = "overname-1"
    bot.say(sender, "hoi")
    asyncio.run(RasaClient(bot.url, API_TOKEN).send_staff_message(sender, "Hoi, met Anna van de helpdesk.", "anna"))
    with pytest.raises(TakeoverError):
        asyncio.run(RasaClient(bot.url, "verkeerd").send_staff_message(sender, "mag niet", "anna"))
    asyncio.run(RasaClient(bot.url, API_TOKEN).resume(sender, "anna"))
    texts = [e[2] for e in socket_events(bot) if e[0] == sender and e[1] == "bot"]
    assert "Anna (helpdesk): Hoi, met Anna van de helpdesk." in texts and not any("mag niet" in t for t in texts)
    assert texts[-1].startswith("Anna heeft het gesprek teruggegeven. Je praat weer met de digitale assistent")


# rasa-webchat keeps the whole widget under a display:none wrapper until its Socket.IO session is confirmed, so
# the launcher is in the DOM before it can take focus: wait for it to have a box, not merely to exist.
LAUNCHER_SHOWN = ("(() => { const b = document.querySelector('.rw-launcher');"
                  " return !!b && b.getClientRects().length > 0 && b.offsetParent !== null; })()")


def test_the_chat_launcher_is_a_labelled_keyboard_button(chromium, live_chat):
    """Keyboard users reach it with Tab and open it with Enter: a native, visible <button> with tabIndex 0 is
    first in the tab order of the page; key events themselves can't be sent to a headless page here."""
    from tests.browser import Browser

    _bot, console = live_chat
    browser = Browser(chromium)
    try:
        browser.text_after(f"{console}/chat", "Je privacy")
        browser.wait_until(LAUNCHER_SHOWN, timeout=60, what="the chat launcher shown (socket session confirmed)")
        launcher = browser.evaluate("""(() => { const b = document.querySelector('.rw-launcher');
            const focusable = Array.from(document.querySelectorAll('a[href], button, input, select, textarea'))
                .filter(e => e.tabIndex >= 0 && !e.disabled && e.offsetParent !== null);
            b.focus();
            return {tag: b.tagName, tabIndex: b.tabIndex, label: b.getAttribute('aria-label'),
                    first: focusable[0] === b, focused: document.activeElement === b}; })()""")
        assert launcher == {"tag": "BUTTON", "tabIndex": 0, "label": "Open de chat met de helpdesk",
                            "first": True, "focused": True}
        assert browser.wait_until("document.getElementById('chat-unreachable').hidden", timeout=5,
                                  what="no 'niet bereikbaar' notice once connected")
        browser.evaluate("document.activeElement.click(), true")            # what Enter does on a button
        assert browser.wait_until("!!document.querySelector('.rw-new-message')", timeout=10,
                                  what="the chat opened")
    finally:
        browser.close()

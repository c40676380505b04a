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


# "Snel weg" leaves for this page of the test console itself: no test reaches the internet.
NEUTRAL = "/login?neutraal=1"


@pytest.fixture(scope="module")
def console_url():
    with tempfile.TemporaryDirectory(prefix="doorvraag-chat-") as folder:
        url = f"sqlite:///{folder}/chat.db"
        migrate.upgrade(url)
        port = free_port()
        # A socket URL where nothing listens: this console's chat server is unreachable, whatever else runs here.
        env = {"DATABASE_URL": url, "DOORVRAAG_CHAT_SOCKET_URL": f"http://127.0.0.1:{free_port()}",
               "DOORVRAAG_CHAT_UNREACHABLE_MS": "1000", "DOORVRAAG_QUICK_EXIT_URL": f"http://127.0.0.1:{port}{NEUTRAL}"}
        with console_server(env, ready_path="/chat", port=port) as console:
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


def test_every_phone_number_on_the_page_is_a_tap_to_call_link(db):
    from html.parser import HTMLParser

    class Numbers(HTMLParser):
        """Phone numbers in the page's text, and whether each sits in a tel: link that dials it."""
        def __init__(self):
            super().__init__()
            self.href, self.skip, self.found = None, 0, []

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style", "title")
            self.href = dict(attrs).get("href") if tag == "a" else self.href

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style", "title")
            self.href = None if tag == "a" else self.href

        def handle_data(self, data):
            if not self.skip:
                self.found += [(n, self.href) for n in re.findall(r"\b0\d{1,3}-[\d ]*\d\b|\b11[23]\b", data)]

    (_status, _headers, page), = fetch(db, "/chat")
    parser = Numbers()
    parser.feed(page)
    numbers = {number for number, _href in parser.found}
    assert {"112", "0800-2000", "030-285 66 16"} <= numbers
    assert all(href == "tel:" + re.sub(r"\D", "", number) for number, href in parser.found), parser.found


def test_phone_numbers_in_the_bots_messages_become_tap_to_call_links(chromium, console_url):
    """The widget renders the bot's Markdown without links: our init script links the numbers in its messages
    (a message is added here in the widget's own markup, so no bot is needed) and leaves the user's text alone."""
    from tests.browser import Browser

    browser = Browser(chromium)
    try:
        browser.text_after(f"{console_url}/chat", "Je privacy")
        browser.evaluate("""(() => { const m = document.createElement('div'); m.id = 'sample';
            m.innerHTML = '<div class="rw-response"><div class="rw-message-text"><div class="rw-markdown"><p>Bel ' +
              '<strong>Veilig Thuis: 0800-2000</strong>, de helpdesk op 030-285 66 16 of 113, chat via 113.nl ' +
              '(werkdagen 8:00-17:00).</p></div></div></div><div class="rw-client"><div class="rw-message-text">' +
              'bel me op 0612-345678</div></div>';
            document.querySelector('main').appendChild(m); return true; })()""")    # beside the widget's own root
        links = browser.wait_until("""(() => { const a = document.querySelectorAll('#sample .rw-message-text a');
            return a.length >= 3 && Array.from(a).map(l => [l.textContent, l.getAttribute('href')]); })()""",
                                   timeout=5, what="the numbers linked")
        assert links == [["0800-2000", "tel:08002000"], ["030-285 66 16", "tel:0302856616"], ["113", "tel:113"]]
        assert "chat via 113.nl (werkdagen 8:00-17:00)." in browser.evaluate("document.body.innerText")
    finally:
        browser.close()


# The page's text shows before its scripts at the end of <body> ran: chat-init.js sets --topbar once its handlers
# (Snel weg, Escape) are in place.
SCRIPTS_RAN = "document.documentElement.style.getPropertyValue('--topbar') !== ''"
SESSION_GONE = "!sessionStorage.getItem('chat_session') && !localStorage.getItem('chat_session')"


def test_snel_weg_leaves_for_a_neutral_page_that_back_does_not_undo(chromium, console_url):
    from tests.browser import Browser

    browser = Browser(chromium)
    try:
        browser.text_after(f"{console_url}/login?vorige=1", "Inloggen")       # where the user was before
        browser.text_after(f"{console_url}/chat", "Je privacy")
        browser.wait_until(SCRIPTS_RAN, timeout=10, what="the page's scripts ran")
        before = browser.evaluate("history.length")
        button = browser.evaluate("""(() => { const b = document.getElementById('quick-exit'), r = b.getBoundingClientRect();
            return {text: b.textContent.trim(), tag: b.tagName, visible: r.width > 0 && r.top >= 0 && r.bottom <= innerHeight};
            })()""")
        assert button == {"text": "Snel weg", "tag": "A", "visible": True}     # a link: it works without JS too
        browser.evaluate("sessionStorage.setItem('chat_session', '{\"conversation\": \"iets\"}'), true")
        browser.evaluate("document.getElementById('quick-exit').click(), true")
        browser.wait_until(f"location.pathname + location.search === {NEUTRAL!r}", timeout=10, what="the neutral page")
        assert browser.evaluate("history.length") == before                 # replaced, not added
        assert browser.evaluate("document.referrer") == ""                  # that site can't see where from
        assert browser.evaluate(SESSION_GONE)
        browser.evaluate("history.back(), true")
        assert browser.wait_until("location.search === '?vorige=1' && location.search", timeout=10,
                                  what="Back goes to the page before the chat, not to the chat") == "?vorige=1"

        browser.text_after(f"{console_url}/chat", "Je privacy")              # Escape twice does the same
        browser.wait_until(SCRIPTS_RAN, timeout=10, what="the page's scripts ran")
        browser.press("Escape")
        assert browser.evaluate("location.pathname") == "/chat"              # once is not enough
        browser.press("Escape")
        browser.wait_until(f"location.pathname + location.search === {NEUTRAL!r}", timeout=10, what="the neutral page")
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
    earlier = {e[0] for e in socket_events(bot) if e[1] == "user"}          # other tests' conversations
    browser = Browser(chromium)
    try:
        first = browser.text_after(f"{console}/chat?open=1", greeting)
        assert greeting in first                                             # the bot's greeting, via Socket.IO
        users = [e for e in socket_events(bot) if e[1] == "user" and e[0] not in earlier]
        assert users and users[0][3] == "socketio" and users[0][0] not in ("", "default")
        assert users[0][4].get("page") == "/chat" and users[0][4].get("language") == "nl"   # page metadata
        assert browser.evaluate(TYPE_AND_SEND % json.dumps(PRACTICAL_QUESTION))
        browser.wait_for("Had je hier iets aan?")                           # the answer first, then its feedback
        buttons = browser.evaluate(
            "Array.from(document.querySelectorAll('.rw-messages-container button, .rw-messages-container .rw-reply'))"
            ".map(b => b.textContent.trim())")
        assert "Ja" in buttons                                               # buttons render as buttons
        second = browser.text_after(f"{console}/chat?open=1", "Had je hier iets aan?")  # the user reloads the page
        assert greeting in second and "Had je hier iets aan?" in second
    finally:
        browser.close()
    senders = {e[0] for e in socket_events(bot) if e[1] == "user"} - earlier
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
FOCUSED = """(() => { const e = document.activeElement; if (!e || e === document.body) return null;
    return {cls: e.className, label: e.getAttribute('aria-label'), text: e.textContent.trim().slice(0, 40),
            role: e.getAttribute('role') || e.tagName.toLowerCase()}; })()"""
# A practical question the knowledge base answers surely: the answer first, then "Had je hier iets aan?".
PRACTICAL_QUESTION = "Is de wet veiligheid op school ook van toepassing op het mbo?"


def tab_to(browser, wanted, shift=False, presses=15):
    """Press Tab (or Shift+Tab) until the focused element's class contains `wanted`; the stops on the way."""
    stops = []
    for _ in range(presses):
        browser.press("Tab", shift=shift)
        focused = browser.evaluate(FOCUSED)
        stops.append(focused)
        if focused and wanted in focused["cls"]:
            return stops
    raise AssertionError(f"Tab did not reach {wanted!r}; it went {stops}")


def test_the_keyboard_path_through_the_widget(chromium, live_chat):
    """Real key presses over DevTools: Tab to the launcher, Enter opens the chat, type and send with Enter, Tab
    to an answer button, Enter chooses it; new messages are announced (aria-live) and the close button has a name."""
    from tests.browser import Browser

    _bot, console = live_chat
    browser = Browser(chromium)
    try:
        browser.text_after(f"{console}/chat", "Je privacy")
        browser.wait_until(LAUNCHER_SHOWN, timeout=60, what="the chat launcher shown (socket session confirmed)")
        assert browser.wait_until("document.getElementById('chat-unreachable').hidden", timeout=5,
                                  what="no 'niet bereikbaar' notice once connected")
        stops = tab_to(browser, "rw-launcher")
        assert [s["text"] for s in stops[:4]] == ["112", "0800-2000", "Snel weg", "Wis dit gesprek"]
        assert stops[-1]["label"] == "Open de chat met de helpdesk" and stops[-1]["role"] == "button"
        browser.press("Enter")
        browser.wait_for("digitale assistent van de helpdesk")
        log = browser.evaluate("""(() => { const m = document.querySelector('.rw-messages-container');
            return [m.getAttribute('role'), m.getAttribute('aria-live'), m.getAttribute('aria-label')]; })()""")
        assert log == ["log", "polite", "Berichten in de chat"]
        if (browser.evaluate(FOCUSED) or {}).get("cls") != "rw-new-message":
            tab_to(browser, "rw-new-message")
        browser.type_text(PRACTICAL_QUESTION)
        browser.press("Enter")                                               # sends, as the send button does
        browser.wait_for("Had je hier iets aan?")
        stops = tab_to(browser, "rw-reply", shift=True)                      # the answer buttons just above
        assert stops[-1]["role"] == "button"
        for _ in range(5):
            if browser.evaluate(FOCUSED)["text"] == "Ja":
                break
            browser.press("Tab", shift=True)
        assert browser.evaluate(FOCUSED) == {"cls": "rw-reply", "label": None, "text": "Ja", "role": "button"}
        browser.press("Enter")
        assert browser.wait_until("""(() => { const c = Array.from(document.querySelectorAll('.rw-client'));
            return c.length > 0 && c[c.length - 1].textContent.trim() === 'Ja'; })()""", timeout=30,
                                  what="the answer 'Ja' sent by Enter")
        stops = tab_to(browser, "rw-close-button", shift=True)
        assert stops[-1]["label"] == "Sluit de chat" and stops[-1]["role"] == "button"
        browser.press("Enter")
        assert browser.wait_until("!document.querySelector('.rw-chat-open')", timeout=10, what="the chat closed")
    finally:
        browser.close()


STORED = "JSON.stringify([sessionStorage.getItem('chat_session') || '', Object.values(localStorage).join(' ')])"


def test_a_second_tab_after_closing_the_first_has_no_transcript(chromium, live_chat):
    """On a shared computer the next person opens the chat in a new tab: nothing of the last conversation is there,
    and nothing of it is left in localStorage (which outlives the browser). 'Wis dit gesprek' empties a tab too."""
    import json

    from tests.browser import Browser

    _bot, console = live_chat
    typed = "mijn nummer is 0612345678 en het gaat over pesten in de klas"
    browser = Browser(chromium)
    try:
        browser.text_after(f"{console}/chat?open=1", "digitale assistent van de helpdesk")
        assert browser.evaluate(TYPE_AND_SEND % json.dumps(typed))
        browser.wait_until(f"document.querySelector('.rw-client') && document.body.innerText.includes({json.dumps(typed)})"
                           " && document.querySelectorAll('.rw-response').length > 1", timeout=30, what="the bot's answer")
        session, local = json.loads(browser.evaluate(STORED))
        assert typed in session and typed not in local and "chat_session" not in local

        first = browser.page_id
        browser.new_tab()
        browser.close_tab(first)                                             # the first tab is gone
        second = browser.text_after(f"{console}/chat?open=1", "digitale assistent van de helpdesk")
        assert typed not in second
        session, local = json.loads(browser.evaluate(STORED))
        assert typed not in session and typed not in local
        assert browser.evaluate("localStorage.length") == 0

        assert browser.evaluate(TYPE_AND_SEND % json.dumps(typed))           # and "Wis dit gesprek" in a tab
        browser.wait_for(typed)
        old = json.loads(json.loads(browser.evaluate(STORED))[0])["session_id"]
        browser.evaluate("document.getElementById('clear-chat').click(), true")
        browser.wait_until(f"""(() => {{ const s = JSON.parse(sessionStorage.getItem('chat_session') || '{{}}');
            return !!s.session_id && s.session_id !== {json.dumps(old)}; }})()""", timeout=30, what="a new session")
        assert typed not in browser.wait_for("digitale assistent van de helpdesk")    # the page started afresh
    finally:
        browser.close()


BOXES = """(() => { const box = s => { const e = document.querySelector(s); if (!e) return null;
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const link = document.querySelector('#urgent a'), r = link.getBoundingClientRect();
    return {width: innerWidth, height: innerHeight, urgent: box('#urgent'), exit: box('#quick-exit'),
            widget: box('.rw-conversation-container'),
            on_top: document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2) === link}; })()"""


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", [(1280, 800), (500, 844)], ids=["desktop", "phone"])
def test_the_open_widget_never_covers_the_urgent_numbers(chromium, live_chat, size):
    """At a desktop and a phone-sized window (500 px: the narrowest headless Chromium opens, under the widget's
    800 px breakpoint where it goes full screen) the open chat stays clear of the 112 notice and of "Snel weg"."""
    from tests.browser import Browser

    _bot, console = live_chat
    browser = Browser(chromium, size=size)
    try:
        browser.text_after(f"{console}/chat", "Je privacy")
        browser.wait_until(LAUNCHER_SHOWN, timeout=60, what="the chat launcher shown")
        browser.evaluate("document.querySelector('.rw-launcher').click(), true")
        browser.wait_for("digitale assistent van de helpdesk")
        boxes = browser.evaluate(BOXES)
        assert (boxes["width"] < 800) == (size[0] < 800)                      # the layout we meant to test
        assert boxes["widget"][3] - boxes["widget"][1] > 200                 # the chat is really open
        for name in ("urgent", "exit"):
            assert not overlap(boxes[name], boxes["widget"]), boxes
            assert boxes[name][1] >= 0 and boxes[name][3] <= boxes["height"], boxes      # on screen
        assert boxes["on_top"], boxes                                        # nothing drawn over the 112 link
    finally:
        browser.close()


def test_axe_finds_nothing_serious_on_the_chat_page(chromium, live_chat):
    """axe-core on the page with the launcher, then with the chat open and answer buttons showing."""
    import json

    from tests.axe import blocking, describe, run_axe
    from tests.browser import Browser

    _bot, console = live_chat
    browser = Browser(chromium)
    try:
        browser.text_after(f"{console}/chat", "Je privacy")
        browser.wait_until(LAUNCHER_SHOWN, timeout=60, what="the chat launcher shown")
        closed = run_axe(browser)
        print(describe(closed))
        browser.evaluate("document.querySelector('.rw-launcher').click(), true")
        browser.wait_for("digitale assistent van de helpdesk")
        assert browser.evaluate(TYPE_AND_SEND % json.dumps(PRACTICAL_QUESTION))
        browser.wait_until("document.querySelectorAll('.rw-reply').length > 0", timeout=30, what="answer buttons")
        opened = run_axe(browser)
        print(describe(opened))
        assert closed["passes"] > 10 and opened["passes"] > 10                # axe really ran
        assert blocking(closed) == [] and blocking(opened) == [], describe(closed) + "\n" + describe(opened)
    finally:
        browser.close()

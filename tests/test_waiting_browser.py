"""Waiting for staff, both sides in a real browser: the bot offers a call-back by itself after a while,
the user takes it (clicked or typed), gives a number, and the console shows the contact leave the live
queue and appear under the call-backs, without a reload on either side."""
import json

import pytest

from tests.browser import Browser
from tests.test_console_browser import API_TOKEN, OPEN_HOURS, PASSWORD, log_in, say

OFFER = "Het duurt langer dan we willen"
OFFER_AFTER = "2"          # seconds unclaimed before the bot offers the call-back (DOORVRAAG_CALLBACK_OFFER_AFTER)


@pytest.fixture(scope="module")
def offering_stack():
    """Action server (clock in opening hours), `rasa run` with its API, and a console that offers call-backs fast."""
    from tests.server_harness import bot_and_console

    offering = {"DOORVRAAG_CALLBACK_OFFER_AFTER": OFFER_AFTER}
    with bot_and_console("doorvraag-waiting-", API_TOKEN, OPEN_HOURS, {"sanne": PASSWORD}, offering) as (_, console):
        yield console


def click_reply(user, title):
    """Click the widget's answer button with this title (once it is there)."""
    user.wait_until(f"""(() => {{
        const button = Array.from(document.querySelectorAll('.rw-reply'))
            .find(b => b.innerText.trim() === {json.dumps(title)});
        if (!button) {{ return false; }}
        button.click();
        return true; }})()""", timeout=30, what=f"the button {title!r}")


def count_in_chat(user, text):
    return user.evaluate(f"""Array.from(document.querySelectorAll('.rw-message'))
        .filter(m => m.innerText.includes({json.dumps(text)})).length""")


def wait_in_queue_until_the_offer(staff, user, console):
    """The user asks for a person; the queue shows them; the bot's own offer reaches the open widget."""
    log_in(staff, console, "sanne")
    staff.wait_for("Overgedragen gesprekken")
    staff.wait_until("document.body.dataset.connected === '1'", timeout=15, what="the console's live feed")
    staff.evaluate("window.notReloaded = true")

    user.text_after(f"{console}/chat?open=1", "digitale assistent van de helpdesk sociale veiligheid")
    user.evaluate("window.notReloaded = true")
    say(user, "ik wil graag met een medewerker praten")
    assert "nummer 1 in de wachtrij" in user.wait_for("in de wachtrij", timeout=60)
    staff.wait_until("document.title.startsWith('(1) ')", timeout=15, what="one person waiting in the tab title")

    # Nobody claims it: after the delay the offer appears in the widget by itself, with its button.
    user.wait_for(OFFER, timeout=30)
    assert user.evaluate("window.notReloaded === true")
    assert count_in_chat(user, OFFER) == 1


def the_console_shows_a_call_back_and_nobody_waiting(staff, console):
    staff.wait_until("!document.title.startsWith('(')", timeout=15, what="nobody waiting in the tab title")
    assert staff.evaluate("window.notReloaded === true")        # the live feed did it, not a reload
    staff.wait_for("0 mensen wachten op een medewerker", timeout=15)
    rows = staff.evaluate("Array.from(document.querySelectorAll('#queue tbody tr')).map(r => r.innerText)")
    # Every handoff of these tests became a call-back: none is left waiting in the chat.
    assert rows and all("terugbellen" in row and "wachtrij (chat)" not in row for row in rows)
    staff.text_after(f"{console}/callbacks", "Terugbellen en mailen")
    requests = staff.evaluate("Array.from(document.querySelectorAll('#callbacks tbody tr')).map(r => r.innerText)")
    assert len(requests) == len(rows) and all("0612345678" in request for request in requests)


def test_the_bot_offers_a_call_back_by_itself_and_a_click_takes_it(chromium, offering_stack):
    console = offering_stack
    staff, user = Browser(chromium), Browser(chromium)
    try:
        wait_in_queue_until_the_offer(staff, user, console)
        click_reply(user, "Bel me liever terug")
        user.wait_for("Mag ik je telefoonnummer vragen?", timeout=60)
        click_reply(user, "Ja, dat mag")
        user.wait_for("Wat is je telefoonnummer?", timeout=60)
        say(user, "06-12345678")
        user.wait_for("Je staat nu niet meer in de wachtrij van de chat", timeout=60)
        the_console_shows_a_call_back_and_nobody_waiting(staff, console)
        assert count_in_chat(user, OFFER) == 1            # offered once, and not again after the choice
    finally:
        staff.close()
        user.close()


def test_the_user_types_that_they_want_a_call_back_after_the_offer(chromium, offering_stack):
    console = offering_stack
    staff, user = Browser(chromium), Browser(chromium)
    try:
        wait_in_queue_until_the_offer(staff, user, console)
        say(user, "laat maar, bel me maar terug")
        user.wait_for("Mag ik je telefoonnummer vragen?", timeout=60)
        say(user, "0612345678")                            # typing the number after what it is for is consent
        user.wait_for("Je staat nu niet meer in de wachtrij van de chat", timeout=60)
        the_console_shows_a_call_back_and_nobody_waiting(staff, console)
    finally:
        staff.close()
        user.close()

"""axe-core on every page of the staff console, as an admin sees them (who sees them all), in headless Chromium.

The chat page has its own axe test beside the live bot it needs (tests/test_chat_page.py). A page passes with
no violation of impact serious or critical; every violation found is printed (pytest -s, or on failure).
"""
import json
import tempfile

import pytest

from bot.storage import Database, close_contact, migrate, open_contact, record_answer
from bot.web.auth import create_user
from tests.axe import blocking, describe, run_axe
from tests.browser import Browser
from tests.server_harness import console_server

PASSWORD = "een-lang-wachtwoord"
PAGES = ("/queue", "/callbacks", "/contacts/new", "/dashboard", "/answers", "/intents", "/audit")
LOADED = ("document.readyState === 'complete' && location.pathname === {path!r}"
          " && !!document.querySelector('main h1')")


@pytest.fixture(scope="module")
def console():
    with tempfile.TemporaryDirectory(prefix="doorvraag-a11y-") as folder:
        url = f"sqlite:///{folder}/console.db"
        migrate.upgrade(url)
        db = Database(url)
        create_user(db, "beheer", PASSWORD, "admin")
        open_contact(db, "gesprek-a11y", theme="pesten", question_type="incident", urgent=True, caller_role="mentor",
                     school_type="vo")
        record_answer(db, "gesprek-a11y", "al_geprobeerd", "tekst", "gesprek met de klas gevoerd")
        close_contact(db, "gesprek-a11y", status="overgedragen", handoff="wachtrij")
        db.dispose()
        with console_server({"DATABASE_URL": url, "TRACKER_DATABASE_URL": f"sqlite:///{folder}/tracker.db"}) as console:
            yield console


def log_in(browser, console):
    visit(browser, console, "/login")
    browser.evaluate(f"""(() => {{
        document.getElementById('username').value = 'beheer';
        document.getElementById('password').value = {json.dumps(PASSWORD)};
        document.querySelector('main form').submit(); return true; }})()""")
    browser.wait_until("location.pathname !== '/login'", timeout=30, what="logged in")


@pytest.fixture(scope="module")
def browser(chromium, console):
    """One browser, logged in as the admin, for the pages behind the login."""
    opened = Browser(chromium)
    try:
        log_in(opened, console)
        yield opened
    finally:
        opened.close()


def visit(browser, url, path):
    browser.text_after(f"{url}{path}", "Doorvraag")
    browser.wait_until(LOADED.format(path=path.split("?")[0]), timeout=30, what=f"{path} loaded")


def assert_nothing_serious(browser):
    result = run_axe(browser)
    print(describe(result))
    assert result["passes"] > 10                                             # axe really ran
    assert blocking(result) == [], describe(result)


def test_axe_finds_nothing_serious_on_the_login_page(chromium, console):
    fresh = Browser(chromium)
    try:
        visit(fresh, console, "/login")
        assert_nothing_serious(fresh)
    finally:
        fresh.close()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious_on_the_console_pages(browser, console, path):
    visit(browser, console, path)
    assert_nothing_serious(browser)


def test_axe_finds_nothing_serious_on_a_contact_page(browser, console):
    visit(browser, console, "/queue")
    link = browser.evaluate("""(() => { const a = document.querySelector(
        'main a[href^="/contacts/"]:not([href="/contacts/new"])'); return a && a.getAttribute('href'); })()""")
    assert link, "the queue lists the handed-over contact"
    visit(browser, console, link)
    assert_nothing_serious(browser)


def test_axe_reports_what_would_keep_someone_out(browser, console):
    """The check can fail: an image without a text alternative and pale text on a console page are reported."""
    visit(browser, console, "/queue")
    browser.evaluate("""(() => { const m = document.querySelector('main');
        m.insertAdjacentHTML('beforeend', '<p style="color:#bbbbbb">bijna onleesbaar</p><img src="data:,">');
        return true; })()""")
    found = {v["id"]: v["impact"] for v in blocking(run_axe(browser))}
    assert found == {"color-contrast": "serious", "image-alt": "critical"}, found

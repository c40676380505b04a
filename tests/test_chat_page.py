"""The public chat page: content, self-hosted widget, security headers, and a real headless Chromium."""
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.storage import Database, migrate
from bot.web.app import ConsoleSettings, create_app
from tests.conftest import ROOT
from tests.e2e_harness import free_port


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
def chromium():
    done = subprocess.run(["bash", str(ROOT / "scripts" / "chromium.sh")], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"Chromium is needed for the browser tests:\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def console_url():
    """`doorvraag console` as `make run` starts it, on a free port."""
    with tempfile.TemporaryDirectory(prefix="doorvraag-chat-") as folder:
        url = f"sqlite:///{folder}/chat.db"
        migrate.upgrade(url)
        port = free_port()
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "doorvraag"), "console", "--port", str(port)],
                                   cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/chat", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def rendered(chromium, url):
    """The DOM after the page's scripts ran, from headless Chromium."""
    with tempfile.TemporaryDirectory() as profile:
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

"""A small headless-Chromium driver over the DevTools protocol (no downloads, no extra packages).

Enough for the chat tests: open a page, wait in real time until its text shows
something or a script condition holds, read the text. The browser keeps its
profile (localStorage) across navigations, like a user reloading the page.

Every wait has a deadline and fails with what it waited for; none is a fixed sleep.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Optional

import aiohttp

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--remote-allow-origins=*"]
START_TIMEOUT = 30.0
POLL = 0.1


class WaitTimeout(AssertionError):
    """A browser wait that ran out: says what it waited for and what the page showed."""


class Browser:
    def __init__(self, chromium: str, profile: Optional[Path] = None, size: Optional[tuple[int, int]] = None):
        """`size` (width, height) is the window, so the viewport's media queries are those of that screen."""
        self._own_profile = profile is None
        self.profile = profile or Path(tempfile.mkdtemp(prefix="doorvraag-browser-"))
        window = [f"--window-size={size[0]},{size[1]}"] if size else []
        self.process = subprocess.Popen([chromium, *FLAGS, *window, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not open its DevTools port within {START_TIMEOUT:.0f} s")
            time.sleep(0.05)
        self.port = port_file.read_text().split()[0]
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5))
        page = next(p for p in pages if p["type"] == "page")
        self.ws_url, self.page_id = page["webSocketDebuggerUrl"], page["id"]
        self.ids = itertools.count(1)

    async def _call(self, ws, method: str, **params):
        number = next(self.ids)
        await ws.send_json({"id": number, "method": method, "params": params})
        while True:
            message = await ws.receive_json(timeout=30)
            if message.get("id") == number:
                return message.get("result", {})

    async def _evaluate(self, expression: str):
        async with aiohttp.ClientSession() as session, session.ws_connect(self.ws_url, max_msg_size=0) as ws:
            result = await self._call(ws, "Runtime.evaluate", expression=expression, returnByValue=True)
            return result.get("result", {}).get("value")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the current page."""
        return asyncio.run(self._evaluate(expression))

    async def _text_after(self, url: str, wanted: str, timeout: float) -> str:
        async with aiohttp.ClientSession() as session, session.ws_connect(self.ws_url, max_msg_size=0) as ws:
            await self._call(ws, "Page.navigate", url=url)
            deadline = time.monotonic() + timeout
            text = ""
            while time.monotonic() < deadline:
                result = await self._call(ws, "Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                                          returnByValue=True)
                text = result.get("result", {}).get("value") or ""
                if wanted in text:
                    return text
                await asyncio.sleep(POLL)
            raise WaitTimeout(f"{url}: {wanted!r} did not appear within {timeout:.0f} s; the page showed: {text[-500:]!r}")

    def wait_until(self, expression: str, timeout: float = 30.0, what: str = "") -> object:
        """The value of `expression` in the current page once it is truthy; WaitTimeout when it is not in time."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise WaitTimeout(f"{what or expression} did not hold within {timeout:.0f} s (last value {value!r})")
            time.sleep(POLL)

    def wait_for(self, wanted: str, timeout: float = 30.0) -> str:
        """The current page's text once it contains `wanted`; WaitTimeout when it does not in time."""
        expression = f"(document.body && document.body.innerText.includes({json.dumps(wanted)})) ? document.body.innerText : ''"
        return str(self.wait_until(expression, timeout, f"the text {wanted!r}"))

    def text_after(self, url: str, wanted: str, timeout: float = 30.0) -> str:
        """The visible text of `url` once it contains `wanted`; WaitTimeout when it does not in time."""
        return asyncio.run(self._text_after(url, wanted, timeout))

    # Keys as CDP's Input.dispatchKeyEvent wants them: the browser's default action (focus moving on Tab,
    # a button's click on Enter) follows only from a rawKeyDown with the Windows key code.
    KEYS = {"Tab": (9, ""), "Enter": (13, "\r"), "Escape": (27, ""), " ": (32, " ")}

    async def _press(self, key: str, shift: bool) -> None:
        code, text = self.KEYS[key]
        common = {"key": key, "code": "Space" if key == " " else key, "windowsVirtualKeyCode": code,
                  "nativeVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        async with aiohttp.ClientSession() as session, session.ws_connect(self.ws_url, max_msg_size=0) as ws:
            await self._call(ws, "Input.dispatchKeyEvent", type="rawKeyDown", **common)
            if text:
                await self._call(ws, "Input.dispatchKeyEvent", type="char", text=text, **common)
            await self._call(ws, "Input.dispatchKeyEvent", type="keyUp", **common)

    def press(self, key: str, shift: bool = False) -> None:
        """A real key press on the current page, as a user's keyboard sends it (one of KEYS)."""
        asyncio.run(self._press(key, shift))

    async def _insert_text(self, text: str) -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(self.ws_url, max_msg_size=0) as ws:
            await self._call(ws, "Input.insertText", text=text)

    def type_text(self, text: str) -> None:
        """Text typed into the focused field, as a keyboard (or an on-screen one) enters it."""
        asyncio.run(self._insert_text(text))

    def new_tab(self) -> None:
        """A new, empty tab (its own sessionStorage, the same profile); later calls talk to it."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        page = json.load(urllib.request.urlopen(request, timeout=5))
        self.ws_url, self.page_id = page["webSocketDebuggerUrl"], page["id"]

    def close_tab(self, page_id: Optional[str] = None) -> None:
        """Close a tab (the current one by default), as a user closes it; closing the current one moves to
        another open tab, or a new one if none is left."""
        closing = page_id or self.page_id
        urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/close/{closing}", timeout=5).read()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5))
            if not any(p["id"] == closing for p in pages):
                break
            if time.monotonic() > deadline:
                raise WaitTimeout(f"the tab {closing} did not close within {START_TIMEOUT:.0f} s")
            time.sleep(POLL)
        if closing != self.page_id:
            return
        others = [p for p in pages if p["type"] == "page"]
        if others:
            self.ws_url, self.page_id = others[0]["webSocketDebuggerUrl"], others[0]["id"]
        else:
            self.new_tab()

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._own_profile:
            shutil.rmtree(self.profile, ignore_errors=True)

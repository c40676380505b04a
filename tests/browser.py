"""A small headless-Chromium driver over the DevTools protocol (no downloads, no extra packages).

Enough for the chat tests: open a page, wait in real time until its text shows
something, read the text. The browser keeps its profile (localStorage) across
navigations, like a user reloading the page.
"""
from __future__ import annotations

import asyncio
import itertools
import json
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


class Browser:
    def __init__(self, chromium: str, profile: Optional[Path] = None):
        self.profile = profile or Path(tempfile.mkdtemp(prefix="doorvraag-browser-"))
        self.process = subprocess.Popen([chromium, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        for _ in range(200):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
        self.ws_url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
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
                    break
                await asyncio.sleep(0.3)
            return text

    def wait_for(self, wanted: str, timeout: float = 30.0) -> str:
        """The current page's text once it contains `wanted` (or when `timeout` runs out)."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.evaluate("document.body ? document.body.innerText : ''") or ""
            if wanted in text:
                break
            time.sleep(0.3)
        return text

    def text_after(self, url: str, wanted: str, timeout: float = 30.0) -> str:
        """The page's visible text once it contains `wanted` (or when `timeout` runs out)."""
        return asyncio.run(self._text_after(url, wanted, timeout))

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

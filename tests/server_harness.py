"""The whole bot as `make run` starts it, on free localhost ports: action server + `rasa run`.

Used by the fuzz and fault tests. The Rasa server uses the project's
credentials.yml (the guarded channels) and an endpoints file pointing at this
action server and at a SQLite tracker store in the test's folder.
"""
from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

from tests.e2e_harness import (BIN, MODEL, ROOT, action_server, free_port, migrated_database, stop,
                               wait_until_serving)


@dataclass
class LiveBot:
    url: str                   # http://127.0.0.1:PORT
    process: subprocess.Popen
    database_url: str
    tracker_url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def post(self, body: bytes, content_type: str = "application/json", timeout: float = 60) -> Tuple[int, bytes]:
        request = urllib.request.Request(self.webhook, data=body, method="POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def say(self, sender: str, text: str):
        status, body = self.post(json.dumps({"sender": sender, "message": text}).encode())
        assert status == 200, (status, body[:300])
        return json.loads(body)

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")


def write_endpoints(path: Path, action_url: str, tracker_url: str, extra: str = "") -> Path:
    """An endpoints.yml for this action server and tracker store; `extra` adds more (a lock store, say)."""
    path.write_text(
        f'action_endpoint:\n  url: "{action_url}"\n'
        f"tracker_store:\n  type: bot.tracker_store.DoorvraagTrackerStore\n  url: \"{tracker_url}\"\n" + extra,
        encoding="utf-8")
    return path


@contextmanager
def rasa_server(folder: Path, action_url: str, database_url: str, tracker_url: str,
                extra_env: Optional[Dict[str, str]] = None, timeout: float = 240.0,
                api_token: Optional[str] = None, cors: Optional[str] = None,
                extra_endpoints: str = "") -> Iterator[LiveBot]:
    """`rasa run` with the trained model on a free port; its log goes to `folder`."""
    port = free_port()
    endpoints = write_endpoints(folder / f"endpoints-{port}.yml", action_url, tracker_url, extra_endpoints)
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_DATABASE_URL": tracker_url,
           "TF_CPP_MIN_LOG_LEVEL": "3", **(extra_env or {})}
    log = (folder / f"rasa-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--model", str(MODEL), "--interface", "127.0.0.1", "--port", str(port),
         "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
         *(["--enable-api", "--auth-token", api_token] if api_token else []),
         *(["--cors", cors] if cors else [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/webhooks/rest/", process, timeout, f"rasa run (log in {folder})", interval=0.5)
        yield LiveBot(url, process, database_url, tracker_url)
    finally:
        stop(process, grace=20)
        log.close()


@contextmanager
def console_server(env: Dict[str, str], ready_path: str = "/login", port: Optional[int] = None) -> Iterator[str]:
    """`doorvraag console` as `make run` starts it, on a free (or the given) port, with `env` added."""
    port = port or free_port()
    process = subprocess.Popen([str(BIN / "doorvraag"), "console", "--port", str(port)], cwd=ROOT,
                               env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}{ready_path}", process, 30, "doorvraag console", interval=0.2)
        yield url
    finally:
        stop(process)


def chromium_binary() -> str:
    """The Chromium that scripts/chromium.sh installs when it is missing (its last output line)."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "chromium.sh")], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Chromium is needed for the browser tests:\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def live_bot(folder: Path, extra_env: Optional[Dict[str, str]] = None,
             api_token: Optional[str] = None, cors: Optional[str] = None,
             now: Optional[str] = None) -> Iterator[LiveBot]:
    """Contact log and tracker store in `folder`, a live action server (its clock fixed at `now`), and `rasa run`."""
    database_url = migrated_database(folder / "contacts.db")
    tracker_url = f"sqlite:///{folder / 'tracker.db'}"
    with action_server(database_url, now) as action_url:
        with rasa_server(folder, action_url, database_url, tracker_url, extra_env, api_token=api_token,
                         cors=cors) as bot:
            yield bot


@contextmanager
def bot_and_console(prefix: str, api_token: str, now: str, staff: Dict[str, str],
                    console_env: Optional[Dict[str, str]] = None) -> Iterator[tuple]:
    """A live bot (clock at `now`) and the console with its chat page on one origin, staff accounts made.

    The two-page browser tests (a user in the widget, a staff member in the console) all start this.
    """
    import tempfile

    from bot.storage import Database
    from bot.web.auth import create_user

    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        port = free_port()
        with live_bot(Path(folder), api_token=api_token, cors=f"http://127.0.0.1:{port}", now=now) as bot:
            db = Database(bot.database_url)
            for username, password in staff.items():
                create_user(db, username, password, "staff")
            db.dispose()
            env = {"DATABASE_URL": bot.database_url, "TRACKER_DATABASE_URL": bot.tracker_url,
                   "DOORVRAAG_CHAT_SOCKET_URL": bot.url, "RASA_URL": bot.url, "RASA_TOKEN": api_token,
                   "DOORVRAAG_CONSOLE_POLL_SECONDS": "0.5", **(console_env or {})}
            with console_server(env, port=port) as console:
                yield bot, console

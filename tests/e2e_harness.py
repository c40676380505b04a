"""Drives the real bot in-process: the trained model, a live action server, a real contact log.

Used by tests/test_intake_e2e.py; also handy by hand:
    .venv/bin/python -m tests.e2e_harness "hoi" "een leerling wordt gepest" ...
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from tests.ports import free_port  # also imported from here by the other harnesses and deploy/scaleout.py

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "doorvraag.tar.gz"
BIN = Path(sys.executable).parent


def migrated_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(BIN / "doorvraag"), "db", "upgrade"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return url


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float, what: str,
                       interval: float = 0.3) -> None:
    """Poll `url` until it answers; fail early when the process died instead of waiting out the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            if process.poll() is not None:         # something else answers on its port: ours could not bind
                raise RuntimeError(f"{what} exited (is its port taken?); {url} is answered by another process")
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(interval)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Terminate, and kill what does not stop within `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def action_server(database_url: str, now: Optional[str] = None, timeout: float = 60.0,
                  port: Optional[int] = None) -> Iterator[str]:
    """`python -m rasa_sdk --actions actions` on a free (or the given) localhost port; yields the webhook URL."""
    port = port or free_port()
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "DATABASE_URL": database_url,
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("DOORVRAAG_OUTBOX", None)
    if now:
        env["DOORVRAAG_NOW"] = now
    process = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/health", process, timeout, "the action server")
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        stop(process)


@contextmanager
def running_bot(tmp: Path, name: str, now: Optional[str]) -> Iterator:
    """For pytest fixtures: the trained agent, an action server and a migrated contact log in `tmp`;
    yields (bot, database). Fails the test with how to train when the model is missing."""
    import pytest

    from bot.storage import Database

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run 'make train' first")
    url = migrated_database(tmp / f"{name}.db")
    db = Database(url)
    with action_server(url, now) as webhook:
        bot = Bot(webhook)
        try:
            yield bot, db
        finally:
            bot.close()
            db.dispose()


class Bot:
    """The trained agent, talking to one action server."""

    def __init__(self, action_url: str):
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.endpoints import EndpointConfig
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
        logging.getLogger("rasa").setLevel(logging.WARNING)

        self.loop = asyncio.new_event_loop()
        self.agent = Agent.load(str(MODEL), action_endpoint=EndpointConfig(url=action_url))

    def say(self, sender: str, text: str) -> List[Dict]:
        return self.loop.run_until_complete(self.agent.handle_text(text, sender_id=sender)) or []

    def tracker(self, sender: str):
        return self.loop.run_until_complete(self.agent.tracker_store.get_or_create_tracker(sender))

    def close(self) -> None:
        self.loop.close()


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = migrated_database(Path(tmp) / "contacts.db")
        with action_server(url, os.environ.get("DOORVRAAG_NOW")) as webhook:
            bot = Bot(webhook)
            for line in sys.argv[1:]:
                print(f"> {line}")
                for message in bot.say("hand", line):
                    print("  " + (message.get("text") or "").replace("\n", "\n  "))
                    if message.get("buttons"):
                        print("  " + " | ".join(f"[{b['title']}] {b['payload']}" for b in message["buttons"]))
            tracker = bot.tracker("hand")
            print("slots:", {k: v for k, v in tracker.current_slot_values().items() if v is not None})
            from bot.storage import Database, contacts_between
            for c in contacts_between(Database(url)):
                print(c.status, c.theme, c.question_type, c.caller_role, c.school_type, c.handoff, c.corrected,
                      c.urgent, c.building_blocks, c.summary, [(a.question_key, a.category, a.text) for a in c.answers])

"""Shared by the intake tests: tracker fixtures and a migrated contact log per test."""
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.storage import Database, contacts_between, migrate
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "data" / "trackers"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Fixed moments for the helpdesk hours (Monday 23 November 2026 is a school day).
OPEN_NOW = datetime(2026, 11, 24, 10, 30, tzinfo=AMSTERDAM)      # Tuesday morning
CLOSED_NOW = datetime(2026, 11, 24, 20, 15, tzinfo=AMSTERDAM)    # Tuesday evening


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def parse(text, intent, confidence=1.0, entities=(), ranking=None):
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
            "entities": [dict(entity=k, value=v) for k, v in dict(entities).items()]}


def with_message(tracker: Tracker, message: dict) -> Tracker:
    """The same tracker, answered with another message (also in its events)."""
    tracker.latest_message = message
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            event["text"], event["parse_data"] = message["text"], message
            break
    return tracker


def run(action, tracker, domain=None):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain or {})
    if hasattr(result, "__await__"):
        import asyncio
        result = asyncio.run(result)
    return result, dispatcher.messages


@pytest.fixture
def contact_db(tmp_path, monkeypatch):
    """A fresh, migrated SQLite contact log that the actions write to (DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'contacts.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DOORVRAAG_OUTBOX", raising=False)
    database = Database.from_env()
    yield database
    database.dispose()


def contacts(db, conversation_id=None):
    return [c for c in contacts_between(db) if conversation_id in (None, c.conversation_id)]

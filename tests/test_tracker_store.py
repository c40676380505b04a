"""The tracker store that endpoints.yml configures, on SQLite and PostgreSQL."""
import asyncio

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import create_engine, text

from bot.tracker_store import DoorvraagTrackerStore, ensure_database
from tests.conftest import ROOT


def store_from_endpoints(monkeypatch, url):
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    return TrackerStore.create(config, Domain.load(str(ROOT / "domain.yml")))


def test_endpoints_yml_stores_transcripts_in_the_tracker_database(monkeypatch, database_url):
    store = store_from_endpoints(monkeypatch, database_url)
    # Rasa wraps custom stores; the one inside is ours.
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, DoorvraagTrackerStore)
    tracker = DialogueStateTracker.from_events("gesprek-7", [
        ActionExecuted("action_listen"),
        UserUttered("er wordt een meisje gepest", {"name": "vraag_pesten_incident", "confidence": 0.9}),
        BotUttered("Ik begrijp dat je vraag gaat over pesten."),
    ])
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("gesprek-7"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["er wordt een meisje gepest"]
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT type_name FROM events WHERE sender_id = 'gesprek-7' ORDER BY id")).scalars().all()
    finally:
        engine.dispose()
    assert rows == ["action", "user", "bot"]


def test_a_missing_postgresql_tracker_database_is_created_once(postgres_server):
    url = f"{postgres_server}/doorvraag_tracker_test_create"
    engine = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS doorvraag_tracker_test_create"))
        assert ensure_database(url) is True
        assert ensure_database(url) is False
        with engine.connect() as connection:
            assert connection.scalar(text(
                "SELECT count(*) FROM pg_database WHERE datname = 'doorvraag_tracker_test_create'")) == 1
            connection.execute(text("DROP DATABASE doorvraag_tracker_test_create WITH (FORCE)"))
    finally:
        engine.dispose()


def test_sqlite_needs_no_creation(tmp_path):
    assert ensure_database(f"sqlite:///{tmp_path / 'tracker.db'}") is False

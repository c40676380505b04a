"""The tracker store that endpoints.yml configures, on SQLite and PostgreSQL."""
import asyncio

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import create_engine, text

from bot.storage import migrate
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


def test_the_tracker_database_is_never_the_contact_log():
    from bot.storage.settings import tracker_database_url

    assert tracker_database_url({}) == "sqlite:///rasa_tracker.db"
    assert tracker_database_url({"DATABASE_URL": "sqlite:///elders.db"}) == "sqlite:///rasa_tracker.db"
    assert tracker_database_url({"DATABASE_URL": "postgres://u:geheim@db:5432/doorvraag"}) == \
        "postgresql://u:geheim@db:5432/doorvraag_tracker"
    assert tracker_database_url({"DATABASE_URL": "postgresql://db/doorvraag",
                                 "TRACKER_DATABASE_URL": "postgresql://db/transcripts"}) == "postgresql://db/transcripts"


def test_db_upgrade_creates_missing_postgresql_databases_for_log_and_transcripts(postgres_server):
    import os
    import subprocess

    url = f"{postgres_server}/doorvraag_cli_created"
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("TRACKER_DATABASE_URL", None)
    engine = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT", future=True)
    try:
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "doorvraag"), "db", "upgrade"],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        assert "created database" in done.stdout and f"revision {migrate.head_revision()}" in done.stdout
        with engine.connect() as connection:
            names = set(connection.execute(text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'doorvraag_cli_created%'")).scalars())
            assert names == {"doorvraag_cli_created", "doorvraag_cli_created_tracker"}
            for name in names:
                connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    finally:
        engine.dispose()

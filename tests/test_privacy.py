"""Retention (purge), erasure (forget) and call-back details, on SQLite and PostgreSQL.

Personal text is planted in every place it can live (answers, message log,
notes, call-back details, Rasa's tracker events); afterwards every text column
of every table is searched for it.
"""
import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import String, Text, create_engine, func, inspect, select, text

from bot import callbacks
from bot.storage import Database, close_contact, log_message, migrate, open_contact, record_answer, update_contact
from bot.storage.models import AuditEntry, CallbackRequest, Contact, ContactNote
from bot.storage.privacy import (RetentionPolicy, close_callback, conversation_hash, forget, purge,
                                 store_callback)
from bot.storage.retry import RetryPolicy
from tests.conftest import ROOT

SECRET = "Sanne de Vries"
PHONE = "0612345678"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
LONG_AGO = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=10)


@pytest.fixture
def tracker_url(database_url):
    """Rasa's tracker store in a database of its own, of the same kind as the contact log."""
    if database_url.startswith("sqlite"):
        return database_url.replace("contacts.db", "tracker.db")
    return database_url + "_tracker"


@pytest.fixture
def db(database_url, tracker_url):
    from bot.tracker_store import ensure_database

    migrate.upgrade(database_url)
    ensure_database(tracker_url)
    database = Database(database_url, retry=RetryPolicy(attempts=1))
    yield database
    database.dispose()
    if tracker_url.startswith("postgresql"):
        admin = create_engine(tracker_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{tracker_url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()


def save_transcript(tracker_url, conversation_id, moment):
    store = TrackerStore.create(EndpointConfig(type="bot.tracker_store.DoorvraagTrackerStore",
                                               url=tracker_url),
                                Domain.load(str(ROOT / "domain.yml")))
    stamp = moment.timestamp()
    events = [ActionExecuted("action_listen", timestamp=stamp),
              UserUttered(f"mijn leerling {SECRET} wordt gepest, bel {PHONE}",
                          {"name": "vraag_pesten_incident", "confidence": 0.9}, timestamp=stamp),
              BotUttered("Dank je.", timestamp=stamp)]
    asyncio.run(store.save(DialogueStateTracker.from_events(conversation_id, events)))


def plant(db, tracker_url, conversation_id, moment):
    """One conversation with personal text everywhere it can be."""
    open_contact(db, conversation_id, theme="pesten", question_type="incident", intent="vraag_pesten_incident",
                 confidence=0.9, caller_role="mentor", school_type="vo", started_at=moment)
    record_answer(db, conversation_id, "al_geprobeerd", "tekst", f"gesprek met {SECRET}", asked_at=moment)
    log_message(db, conversation_id, text_redacted=f"over {SECRET}", intent="vraag_pesten_incident",
                confidence=0.9, sent_at=moment)
    close_contact(db, conversation_id, status="overgedragen", handoff="terugbellen", summary="thema=pesten",
                  ended_at=moment + timedelta(minutes=5))
    with db.session() as session, session.begin():
        contact = session.scalars(select(Contact).where(Contact.conversation_id == conversation_id)).one()
        session.add(ContactNote(contact_id=contact.id, author="anna", created_at=moment,
                                text=f"teruggebeld met {SECRET}"))
    store_callback(db, conversation_id, "terugbellen", PHONE, consent_at=moment)
    with db.session() as session, session.begin():  # created at the moment of the conversation
        session.execute(CallbackRequest.__table__.update()
                        .where(CallbackRequest.conversation_id == conversation_id)
                        .values(created_at=moment))
    save_transcript(tracker_url, conversation_id, moment)


def texts_holding(url, needle):
    """(table, column) of every text cell in the database that contains `needle`."""
    engine = create_engine(url, future=True)
    found = []
    try:
        inspector = inspect(engine)
        with engine.connect() as connection:
            for table in inspector.get_table_names():
                for column in inspector.get_columns(table):
                    if not isinstance(column["type"], (String, Text)):
                        continue
                    hits = connection.execute(text(
                        f'SELECT count(*) FROM "{table}" WHERE "{column["name"]}" LIKE :needle'),
                        {"needle": f"%{needle}%"}).scalar()
                    if hits:
                        found.append((table, column["name"]))
    finally:
        engine.dispose()
    return found


def count(db, model, *where):
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


POLICY = RetentionPolicy(timedelta(days=365), timedelta(days=14))


def test_the_planted_text_is_found_before_anything_is_removed(db, database_url, tracker_url):
    """The search itself must see what purge and forget are meant to remove."""
    plant(db, tracker_url, "oud-gesprek", LONG_AGO)
    assert set(texts_holding(database_url, SECRET)) == {
        ("contact_answers", "text"), ("message_log", "text_redacted"), ("contact_notes", "text")}
    assert texts_holding(database_url, PHONE) == [("callback_requests", "detail")]
    assert texts_holding(tracker_url, SECRET) == [("events", "data")]


def test_purge_removes_old_personal_text_and_keeps_the_coded_contact(db, database_url, tracker_url):
    plant(db, tracker_url, "oud-gesprek", LONG_AGO)
    plant(db, tracker_url, "nieuw-gesprek", RECENT)
    report = purge(db, tracker_url, POLICY, now=NOW)
    assert report.as_dict() == {"answer_texts": 1, "message_texts": 1, "notes": 1, "callbacks": 1,
                                "tracker_events": 3}
    with db.session() as session:
        old = session.scalars(select(Contact).where(Contact.conversation_id == "oud-gesprek")).one()
        assert (old.theme, old.question_type, old.caller_role, old.school_type, old.handoff) == (
            "pesten", "incident", "mentor", "vo", "terugbellen")
        assert [a.text for a in old.answers] == [None]
    # The recent conversation keeps everything: one of each place still holds the text.
    assert set(texts_holding(database_url, SECRET)) == {
        ("contact_answers", "text"), ("message_log", "text_redacted"), ("contact_notes", "text")}
    assert count(db, CallbackRequest) == 1
    assert count(db, ContactNote) == 1
    engine = create_engine(tracker_url, future=True)
    with engine.connect() as connection:
        senders = connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars().all()
    engine.dispose()
    assert senders == ["nieuw-gesprek"]
    with db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).all()
        assert entry.detail["tracker_events"] == 3 and entry.actor == "systeem"


def test_purging_everything_leaves_no_personal_text_anywhere(db, database_url, tracker_url):
    plant(db, tracker_url, "gesprek-a", LONG_AGO)
    plant(db, tracker_url, "gesprek-b", RECENT)
    purge(db, tracker_url, RetentionPolicy(timedelta(0), timedelta(0)), now=NOW + timedelta(seconds=1))
    assert texts_holding(database_url, SECRET) == []
    assert texts_holding(database_url, PHONE) == []
    assert texts_holding(tracker_url, SECRET) == []
    assert count(db, Contact) == 2


def test_call_back_details_go_once_the_call_back_is_done_plus_the_grace_period(db, tracker_url):
    plant(db, tracker_url, "gesprek-c", RECENT)
    with db.session() as session:
        request_id = session.scalars(select(CallbackRequest.id)).one()
    assert purge(db, tracker_url, POLICY, now=NOW).callbacks == 0   # still open
    assert close_callback(db, request_id, "anna") is True
    assert close_callback(db, request_id, "anna") is False          # already done
    assert purge(db, tracker_url, POLICY, now=utc_plus(days=13)).callbacks == 0
    assert purge(db, tracker_url, POLICY, now=utc_plus(days=15)).callbacks == 1
    assert count(db, CallbackRequest) == 0


def utc_plus(**delta):
    return datetime.now(timezone.utc) + timedelta(**delta)


def test_forget_erases_one_conversation_and_keeps_only_anonymous_counts(db, database_url, tracker_url):
    plant(db, tracker_url, "wissen-1", RECENT)
    plant(db, tracker_url, "blijft-2", RECENT)
    report = forget(db, tracker_url, "wissen-1", actor="privacy-officer")
    assert report.as_dict() == {"contacts_kept_anonymous": 1, "answers": 1, "messages": 1, "notes": 1,
                                "callbacks": 1, "tracker_events": 3}
    for url in (database_url, tracker_url):
        engine = create_engine(url, future=True)
        with engine.connect() as connection:
            for table in inspect(engine).get_table_names():
                columns = [c["name"] for c in inspect(engine).get_columns(table)]
                for column in ("conversation_id", "sender_id", "target_id"):
                    if column in columns:
                        assert connection.execute(text(
                            f'SELECT count(*) FROM "{table}" WHERE "{column}" = \'wissen-1\'')).scalar() == 0
        engine.dispose()
    with db.session() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.conversation_id)).all()
        anonymous = [c for c in contacts if c.conversation_id.startswith("anoniem-")]
        assert len(contacts) == 2 and len(anonymous) == 1
        [kept] = anonymous
        assert (kept.theme, kept.question_type, kept.caller_role, kept.school_type) == (
            "pesten", "incident", "mentor", "vo")
        assert (kept.summary, kept.intent, kept.answers) == (None, None, [])
        assert kept.started_at.day == 1          # only the month stays
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "forget")).all()
        assert entry.target_id == conversation_hash("wissen-1") and entry.actor == "privacy-officer"
        assert entry.detail["tracker_events"] == 3
    # The other conversation is untouched.
    assert count(db, CallbackRequest, CallbackRequest.conversation_id == "blijft-2") == 1
    assert set(texts_holding(database_url, SECRET)) == {
        ("contact_answers", "text"), ("message_log", "text_redacted"), ("contact_notes", "text")}


def test_forgetting_an_unknown_conversation_changes_nothing_but_is_audited(db, tracker_url):
    plant(db, tracker_url, "blijft-3", RECENT)
    assert forget(db, tracker_url, "bestaat-niet").as_dict() == {
        "contacts_kept_anonymous": 0, "answers": 0, "messages": 0, "notes": 0, "callbacks": 0,
        "tracker_events": 0}
    assert count(db, Contact, Contact.conversation_id == "blijft-3") == 1
    assert count(db, AuditEntry, AuditEntry.action == "forget") == 1


def test_the_default_call_back_sink_stores_the_detail_apart_from_the_contact(db, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    open_contact(db, "terugbel-1", theme="pesten", question_type="incident")
    callbacks.reset_sink()
    assert callbacks.submit(callbacks.CallbackRequest("terugbel-1", "mail", "iemand@school.nl", NOW)) is True
    with db.session() as session:
        [request] = session.scalars(select(CallbackRequest)).all()
        contact = session.scalars(select(Contact)).one()
        assert (request.detail, request.channel, request.contact_id, request.status) == (
            "iemand@school.nl", "mail", contact.id, "open")
    assert texts_holding(database_url, "iemand@school.nl") == [("callback_requests", "detail")]
    Database.for_url.cache_clear()


def run_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=ROOT)


def test_the_cli_purges_and_forgets(db, database_url, tracker_url):
    plant(db, tracker_url, "cli-oud", LONG_AGO)
    plant(db, tracker_url, "cli-wissen", RECENT)
    env = {"DATABASE_URL": database_url, "TRACKER_DATABASE_URL": tracker_url}
    done = run_cli("purge", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["purged"]["tracker_events"] == 3
    done = run_cli("forget", "cli-wissen", "--actor", "fg", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["forgotten"]["contacts_kept_anonymous"] == 1
    assert texts_holding(database_url, SECRET) == [] and texts_holding(tracker_url, SECRET) == []
    bad = run_cli("purge", env={**env, "DOORVRAAG_RETENTION_DAYS": "een jaar"})
    assert bad.returncode == 2 and "DOORVRAAG_RETENTION_DAYS" in bad.stderr

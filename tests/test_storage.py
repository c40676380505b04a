"""The contact log: the intake flow, stale contacts, retries and the outbox, models vs migrations.

Every test uses a real SQLite file under tmp_path, migrated with Alembic.
"""
import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from bot import labels
from bot.storage import (Database, close_contact, contacts_between, flush_outbox, log_message,
                         mark_incomplete_stale, open_contact, record_answer, update_contact)
from bot.storage import migrate, settings, values
from bot.storage.models import Contact, ContactAnswer, MessageLog, metadata
from bot.storage.outbox import Outbox, Write
from bot.storage.repository import HANDLERS
from bot.storage.records import ContactRecord
from bot.storage.retry import RetryPolicy
from bot.storage.writes import apply

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=timezone.utc)
SECRET = "mijn dochter Fleur Jansen van groep 7"  # stands for user text that must never reach a log


def no_wait(_seconds):
    pass


def quick_retry(**overrides):
    return RetryPolicy(**{"attempts": 3, "first_delay": 0.0, "sleep": no_wait, **overrides})


@pytest.fixture
def url(database_url):
    location = database_url
    migrate.upgrade(location)
    return location


@pytest.fixture
def db(url):
    database = Database(url, retry=quick_retry())
    yield database
    database.dispose()


def count(db, model):
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def the_contact(db, conversation_id="gesprek-1"):
    found = [c for c in contacts_between(db) if c.conversation_id == conversation_id]
    assert len(found) == 1
    return found[0]


# --- the intake flow -------------------------------------------------------------------------

def test_open_update_answer_close_flow(db):
    contact_id = open_contact(db, "gesprek-1", theme="pesten", question_type="incident",
                              intent="vraag_pesten_incident", confidence=0.87, started_at=T0)
    opened = the_contact(db)
    assert (opened.id, opened.status, opened.intake_number, opened.channel) == (contact_id, "lopend", 1, "chat")
    assert (opened.urgent, opened.corrected, opened.handoff, opened.ended_at) == (False, False, "geen", None)
    assert opened.started_at == T0 and opened.started_at.tzinfo is not None

    assert update_contact(db, "gesprek-1", caller_role="mentor", school_type="vo", corrected=True,
                          theme="sociale_veiligheid", building_blocks={"visie": "aanwezig"},
                          at=T0 + timedelta(minutes=1))
    assert update_contact(db, "gesprek-1", building_blocks={"inzicht": "ontbreekt", "visie": "onbekend"},
                          at=T0 + timedelta(minutes=2))
    assert record_answer(db, "gesprek-1", "monitor", "nee", asked_at=T0 + timedelta(minutes=3))
    assert record_answer(db, "gesprek-1", "sinds_wanneer", "onbruikbaar", "eh", asked_at=T0 + timedelta(minutes=4))
    # Asked again: the new answer replaces the unusable one.
    assert record_answer(db, "gesprek-1", "sinds_wanneer", "tekst", "sinds drie weken",
                         asked_at=T0 + timedelta(minutes=5))
    assert log_message(db, "gesprek-1", text_redacted="sinds drie weken", intent="inform",
                       confidence=0.5, sent_at=T0 + timedelta(minutes=5))
    assert close_contact(db, "gesprek-1", status="overgedragen", handoff="terugbellen",
                         summary="Pesten in de klas, mentor vo, terugbelverzoek.",
                         ended_at=T0 + timedelta(minutes=6))

    closed = the_contact(db)
    assert closed.status == "overgedragen"
    assert closed.handoff == "terugbellen"
    assert closed.ended_at == T0 + timedelta(minutes=6)
    assert closed.last_activity_at == T0 + timedelta(minutes=6)
    assert (closed.caller_role, closed.school_type, closed.theme, closed.question_type) == \
        ("mentor", "vo", "sociale_veiligheid", "incident")
    assert (closed.corrected, closed.intent, closed.confidence) == (True, "vraag_pesten_incident", 0.87)
    assert closed.building_blocks == {"visie": "onbekend", "inzicht": "ontbreekt"}
    assert closed.summary == "Pesten in de klas, mentor vo, terugbelverzoek."
    assert [(a.question_key, a.category, a.text) for a in closed.answers] == [
        ("monitor", "nee", None), ("sinds_wanneer", "tekst", "sinds drie weken")]
    assert count(db, ContactAnswer) == 2
    with db.session() as session:
        message = session.scalars(select(MessageLog)).one()
    assert (message.contact_id, message.conversation_id, message.intent) == (contact_id, "gesprek-1", "inform")
    assert message.sent_at == T0 + timedelta(minutes=5)


def test_second_intake_in_one_conversation_gets_the_next_number(db):
    first = open_contact(db, "gesprek-1", theme="pesten", question_type="incident", started_at=T0)
    record_answer(db, "gesprek-1", "monitor", "ja", asked_at=T0 + timedelta(minutes=2))
    second = open_contact(db, "gesprek-1", theme="wet_en_regelgeving", question_type="beleid",
                          started_at=T0 + timedelta(minutes=10))
    record_answer(db, "gesprek-1", "monitor", "nee", asked_at=T0 + timedelta(minutes=11))

    by_number = {c.intake_number: c for c in contacts_between(db)}
    assert set(by_number) == {1, 2}
    assert (by_number[1].id, by_number[2].id) == (first, second)
    # The first can no longer be reached by writes, so it ends where it was left.
    assert by_number[1].status == "onvolledig"
    assert by_number[1].ended_at == T0 + timedelta(minutes=2)
    assert [a.category for a in by_number[1].answers] == ["ja"]
    assert by_number[2].status == "lopend"
    assert [a.category for a in by_number[2].answers] == ["nee"]


def test_message_before_classification_has_no_contact(db):
    log_message(db, "gesprek-1", text_redacted="hoi", intent="greet", sent_at=T0)
    contact_id = open_contact(db, "gesprek-1", theme="overig", question_type="overig", started_at=T0)
    log_message(db, "gesprek-1", text_redacted="vraag", intent="vraag_overig", theme="overig",
                question_type="overig", sent_at=T0 + timedelta(seconds=30))
    with db.session() as session:
        rows = session.scalars(select(MessageLog).order_by(MessageLog.sent_at)).all()
    assert [row.contact_id for row in rows] == [None, contact_id]
    assert the_contact(db).last_activity_at == T0 + timedelta(seconds=30)


def test_contact_left_halfway_becomes_onvolledig(db):
    open_contact(db, "weggelopen", theme="pesten", question_type="incident", started_at=T0)
    record_answer(db, "weggelopen", "monitor", "ja", asked_at=T0 + timedelta(minutes=5))
    open_contact(db, "nog-bezig", theme="pesten", question_type="beleid", started_at=T0 + timedelta(minutes=30))
    open_contact(db, "klaar", theme="overig", question_type="overig", started_at=T0)
    close_contact(db, "klaar", ended_at=T0 + timedelta(minutes=1))

    now = T0 + timedelta(minutes=40)
    assert mark_incomplete_stale(db, timedelta(minutes=30), now=now) == 1
    assert mark_incomplete_stale(db, timedelta(minutes=30), now=now) == 0

    left = the_contact(db, "weggelopen")
    assert left.status == "onvolledig"
    assert left.ended_at == T0 + timedelta(minutes=5)
    assert [a.question_key for a in left.answers] == ["monitor"]
    assert the_contact(db, "nog-bezig").status == "lopend"
    assert the_contact(db, "klaar").status == "afgerond"


def test_writes_for_an_unknown_conversation_change_nothing(db):
    assert update_contact(db, "onbekend", caller_role="ouder")
    assert record_answer(db, "onbekend", "monitor", "ja")
    assert close_contact(db, "onbekend")
    assert count(db, Contact) == 0 and count(db, ContactAnswer) == 0


# --- wrong values ------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda db: open_contact(db, "g", theme="bogus", question_type="incident"),
    lambda db: open_contact(db, "g", theme="pesten", question_type="incident", channel="fax"),
    lambda db: open_contact(db, "g", theme="pesten", question_type="incident", started_at=datetime(2024, 3, 5)),
    lambda db: open_contact(db, "", theme="pesten", question_type="incident"),
    lambda db: open_contact(db, "g", theme="pesten", question_type="incident", confidence=1.5),
    lambda db: update_contact(db, "g", status="afgerond"),
    lambda db: update_contact(db, "g", caller_role="schoolhoofd"),
    lambda db: update_contact(db, "g", building_blocks={"visie": "misschien"}),
    lambda db: update_contact(db, "g", building_blocks={"zevende": "aanwezig"}),
    lambda db: update_contact(db, "g", urgent="ja"),
    lambda db: update_contact(db, "g", urgency_services=["112"]),
    lambda db: update_contact(db, "g", urgency_services="alarm"),
    lambda db: open_contact(db, "g", theme="pesten", question_type="incident", urgency_services=["brandweer"]),
    lambda db: record_answer(db, "g", "monitor", "misschien"),
    lambda db: close_contact(db, "g", status="lopend"),
    lambda db: log_message(db, "g", theme="pestgedrag"),
])
def test_wrong_values_raise_before_anything_is_written(db, call):
    with pytest.raises(ValueError):
        call(db)
    assert count(db, Contact) == 0 and count(db, MessageLog) == 0
    assert len(db.outbox) == 0


def test_the_database_itself_refuses_unknown_codes(db):
    with pytest.raises(IntegrityError):
        with db.session() as session, session.begin():
            session.add(Contact(id="x" * 32, conversation_id="g", intake_number=1, started_at=T0,
                                last_activity_at=T0, theme="pestgedrag", question_type="incident"))
    assert count(db, Contact) == 0


# --- retries and the outbox ---------------------------------------------------------------------

def unreachable(tmp_path):
    """A SQLite file in a folder that does not exist yet: every connect fails until it is made."""
    folder = tmp_path / "later"
    return folder, f"sqlite:///{folder / 'contacts.db'}"


def recover(folder, url):
    folder.mkdir()
    migrate.upgrade(url)


def test_retry_waits_longer_each_time_then_keeps_the_write(tmp_path, caplog):
    _folder, url = unreachable(tmp_path)
    waits = []
    db = Database(url, retry=RetryPolicy(attempts=3, first_delay=0.01, factor=2.0, sleep=waits.append))
    caplog.set_level(logging.DEBUG)

    open_contact(db, "gesprek-1", theme="pesten", question_type="incident", started_at=T0)
    assert waits == [0.01, 0.02]  # three attempts
    assert record_answer(db, "gesprek-1", "sinds_wanneer", "tekst", SECRET) is False
    assert waits == [0.01, 0.02] * 2  # the next write queues behind it and tries the outbox again

    assert [write.op for write in db.outbox] == ["open_contact", "record_answer"]
    assert "OperationalError" in caplog.text
    assert SECRET not in caplog.text and "gesprek-1" not in caplog.text


def test_retry_succeeds_when_the_database_comes_back_between_attempts(tmp_path):
    folder, url = unreachable(tmp_path)
    db = Database(url, retry=quick_retry(sleep=lambda _s: folder.exists() or recover(folder, url)))

    contact_id = open_contact(db, "gesprek-1", theme="pesten", question_type="incident", started_at=T0)

    assert len(db.outbox) == 0
    assert the_contact(db).id == contact_id


def test_outbox_is_flushed_on_the_next_successful_write_exactly_once(tmp_path, caplog):
    folder, url = unreachable(tmp_path)
    db = Database(url, retry=quick_retry())
    caplog.set_level(logging.DEBUG)

    contact_id = open_contact(db, "gesprek-1", theme="pesten", question_type="incident", started_at=T0)
    record_answer(db, "gesprek-1", "sinds_wanneer", "tekst", SECRET, asked_at=T0 + timedelta(minutes=1))
    update_contact(db, "gesprek-1", caller_role="ouder", at=T0 + timedelta(minutes=2))
    assert len(db.outbox) == 3

    recover(folder, url)
    assert log_message(db, "gesprek-1", text_redacted=SECRET, sent_at=T0 + timedelta(minutes=3)) is True
    assert len(db.outbox) == 0
    # Later writes and flushes must not apply anything again.
    assert close_contact(db, "gesprek-1", ended_at=T0 + timedelta(minutes=4)) is True
    assert flush_outbox(db) is True

    assert count(db, Contact) == 1 and count(db, ContactAnswer) == 1 and count(db, MessageLog) == 1
    stored = the_contact(db)
    assert (stored.id, stored.caller_role, stored.status) == (contact_id, "ouder", "afgerond")
    assert [(a.question_key, a.text) for a in stored.answers] == [("sinds_wanneer", SECRET)]
    assert SECRET not in caplog.text


def test_outbox_file_survives_a_restart(tmp_path):
    folder, url = unreachable(tmp_path)
    outbox_file = tmp_path / "outbox.jsonl"
    before = Database(url, retry=quick_retry(), outbox=Outbox(outbox_file))
    open_contact(before, "gesprek-1", theme="vertrouwenswerk", question_type="beleid", started_at=T0)
    record_answer(before, "gesprek-1", "rol", "ja", asked_at=T0 + timedelta(minutes=1))
    before.dispose()
    assert len(outbox_file.read_text(encoding="utf-8").splitlines()) == 2

    recover(folder, url)
    after = Database(url, retry=quick_retry(), outbox=Outbox(outbox_file))
    assert len(after.outbox) == 2
    assert flush_outbox(after) is True

    assert not outbox_file.exists()
    assert count(after, Contact) == 1
    assert [a.question_key for a in the_contact(after).answers] == ["rol"]


def test_replaying_an_applied_write_changes_nothing(db):
    """A commit that succeeded but whose answer was lost gets replayed: ids make that harmless."""
    opening = Write("open_contact", {"id": "a" * 32, "conversation_id": "gesprek-1",
                                     "started_at": T0.isoformat(),
                                     "fields": {"theme": "pesten", "question_type": "incident"}})
    message = Write("log_message", {"id": "b" * 32, "conversation_id": "gesprek-1", "contact_id": None,
                                    "sent_at": T0.isoformat(), "intent": None, "confidence": None,
                                    "theme": None, "question_type": None, "text_redacted": None})
    for write in (opening, message, opening, message):
        apply(db, write, HANDLERS)
    assert count(db, Contact) == 1 and count(db, MessageLog) == 1


def test_a_full_outbox_gives_up_message_rows_first(caplog):
    outbox = Outbox(capacity=3)
    for op in ("open_contact", "log_message", "record_answer", "log_message"):
        outbox.append(Write(op, {}))
    assert [write.op for write in outbox] == ["open_contact", "record_answer", "log_message"]
    outbox.append(Write("close_contact", {}))
    assert [write.op for write in outbox] == ["open_contact", "record_answer", "close_contact"]
    outbox.append(Write("update_contact", {}))
    assert [write.op for write in outbox] == ["record_answer", "close_contact", "update_contact"]
    assert "outbox full" in caplog.text


def test_database_url_comes_from_the_environment(tmp_path):
    assert settings.database_url({}) == "sqlite:///doorvraag.db"
    assert settings.database_url({"DATABASE_URL": "postgres://u:geheim@db/x"}) == "postgresql://u:geheim@db/x"
    assert "geheim" not in settings.safe_url("postgresql://u:geheim@db/x")
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    assert Database.for_url(url) is Database.for_url(url)
    assert Database.for_url(url) is not Database.for_url(f"sqlite:///{tmp_path / 'other.db'}")


# --- models and migrations ------------------------------------------------------------------------

def test_models_and_migrations_agree(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert migrate.current_revision_of(connection) == migrate.head_revision()


def test_migrated_check_constraints_allow_exactly_the_label_values(db):
    expected = {
        ("contacts", "theme"): labels.themes(),
        ("contacts", "question_type"): labels.question_types(),
        ("contacts", "caller_role"): labels.caller_roles(),
        ("contacts", "school_type"): labels.school_types(),
        ("contacts", "channel"): values.CHANNELS,
        ("contacts", "handoff"): values.HANDOFFS,
        ("contacts", "status"): values.STATUSES,
        ("contact_answers", "category"): values.ANSWER_CATEGORIES,
        ("message_log", "theme"): labels.themes(),
        ("message_log", "question_type"): labels.question_types(),
        ("contacts", "queue_status"): values.QUEUE_STATUSES,
        ("callback_requests", "channel"): values.CALLBACK_CHANNELS,
        ("callback_requests", "status"): values.CALLBACK_STATUSES,
        ("users", "role"): values.USER_ROLES,
        ("contacts", "urgency_level"): values.URGENCY_LEVELS,
        ("contacts", "urgency_category"): values.urgency_categories(),
    }
    inspector = inspect(db.engine)
    found = {}
    for table in ("contacts", "contact_answers", "message_log", "callback_requests", "users"):
        for check in inspector.get_check_constraints(table):
            # SQLite keeps "col IN ('a', 'b')"; PostgreSQL gives "(col)::text = ANY (ARRAY['a'::..., ...])".
            column = re.match(r"\W*(\w+)", check["sqltext"]).group(1)
            found[(table, column)] = set(re.findall(r"'(\w+)'", check["sqltext"]))
    assert found == {key: set(codes) for key, codes in expected.items()}


def test_analyst_indexes_exist(db):
    inspector = inspect(db.engine)
    indexed = {(table, tuple(index["column_names"]))
               for table in ("contacts", "message_log") for index in inspector.get_indexes(table)}
    for needed in [("contacts", ("started_at",)), ("contacts", ("theme",)), ("contacts", ("conversation_id",)),
                   ("message_log", ("sent_at",)), ("message_log", ("theme",))]:
        assert needed in indexed


def test_audit_entries_are_written_with_the_change_and_read_newest_first(db):
    from datetime import datetime, timezone

    from bot.storage.audit import audit_entries, record_audit

    with db.session() as session, session.begin():
        record_audit(session, actor="anna", action="open", target_type="contact", target_id="c1",
                     at=datetime(2026, 1, 1, tzinfo=timezone.utc))
        record_audit(session, actor="anna", action="status", target_type="contact", target_id="c1",
                     detail={"to": "afgerond"}, at=datetime(2026, 1, 2, tzinfo=timezone.utc))
        record_audit(session, actor="systeem", action="purge", detail={"contacts": 3})
    with db.session() as session:
        entries = audit_entries(session, target_type="contact", target_id="c1")
        assert [(e.action, e.detail) for e in entries] == [("status", {"to": "afgerond"}), ("open", {})]
        assert len(audit_entries(session)) == 3


def test_a_handed_off_contact_enters_the_staff_queue(db):
    open_contact(db, "overdracht-1", theme="pesten", question_type="incident")
    close_contact(db, "overdracht-1", status="overgedragen", handoff="wachtrij")
    open_contact(db, "gewoon-1", theme="pesten", question_type="incident")
    close_contact(db, "gewoon-1", status="afgerond")
    with db.session() as session:
        handed = session.scalars(select(Contact).where(Contact.conversation_id == "overdracht-1")).one()
        plain = session.scalars(select(Contact).where(Contact.conversation_id == "gewoon-1")).one()
        assert (handed.queue_status, handed.handed_off_at) == ("nieuw", handed.ended_at)
        assert (plain.queue_status, plain.handed_off_at) == (None, None)


def test_sqlite_connections_check_foreign_keys_and_use_write_ahead_logging(tmp_path):
    """Both the contact log and the tracker store get these settings through make_engine/sqlite_fast_writes."""
    from sqlalchemy import text

    from bot.storage.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA synchronous")) == 1   # NORMAL
    finally:
        engine.dispose()


def test_the_services_named_add_up_in_the_order_they_were_named(db):
    """A referral, then a reminder of a service already named and one of a new kind: all three were told."""
    open_contact(db, "verwezen-1", theme="sociale_veiligheid", question_type="incident", urgent=True,
                 urgency_level="acuut", urgency_category="seksueel_misbruik",
                 urgency_services=["helpwanted", "alarm"])
    update_contact(db, "verwezen-1", urgency_services=["alarm"])
    update_contact(db, "verwezen-1", urgency_services=["zelfmoordpreventie", "alarm"])
    open_contact(db, "niet-verwezen-1", theme="pesten", question_type="incident")
    with db.session() as session:
        named = session.scalars(select(Contact).where(Contact.conversation_id == "verwezen-1")).one()
        plain = session.scalars(select(Contact).where(Contact.conversation_id == "niet-verwezen-1")).one()
        assert named.urgency_services == ["helpwanted", "alarm", "zelfmoordpreventie"]
        assert ContactRecord.of(named).urgency_services == ("helpwanted", "alarm", "zelfmoordpreventie")
        assert ContactRecord.of(plain).urgency_services == ()

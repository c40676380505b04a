"""`doorvraag db upgrade` and `doorvraag export`, through the installed console script.

Contacts sit around Amsterdam midnights (winter and summer time) so the
inclusive local-day filters are really tested.
"""
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.storage import (Database, close_contact, contacts_between, open_contact, record_answer,
                         update_contact)
from bot.storage import migrate
from bot.storage.export import EXPORT_KEYS
from bot.storage.retry import RetryPolicy

SCRIPT = Path(sys.executable).with_name("doorvraag")

KEYS = ["conversation_id", "started_at", "ended_at", "channel", "caller_role", "school_type", "theme",
        "question_type", "urgent", "corrected", "answers", "building_blocks", "handoff", "status", "summary"]

UTC = timezone.utc
# 00:30 on 1 March in Amsterdam (CET, UTC+1) is still 29 February in UTC.
FIRST_OF_MARCH = datetime(2024, 2, 29, 23, 30, tzinfo=UTC)
# 23:30 on 31 March in Amsterdam (CEST since that morning, UTC+2).
END_OF_MARCH = datetime(2024, 3, 31, 21, 30, tzinfo=UTC)
# 00:30 on 1 April in Amsterdam.
FIRST_OF_APRIL = datetime(2024, 3, 31, 22, 30, tzinfo=UTC)


def run(*args, database_url=None, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DOORVRAAG_OUTBOX")}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def lines(done):
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture
def url(database_url):
    location = database_url
    migrate.upgrade(location)
    db = Database(location, retry=RetryPolicy(attempts=1))
    open_contact(db, "maart-1", theme="pesten", question_type="incident", channel="telefoon",
                 intent="vraag_pesten_incident", confidence=0.91, started_at=FIRST_OF_MARCH)
    update_contact(db, "maart-1", caller_role="mentor", school_type="vo", corrected=True,
                   building_blocks={"visie": "aanwezig", "inzicht": "ontbreekt"},
                   at=FIRST_OF_MARCH + timedelta(minutes=1))
    record_answer(db, "maart-1", "sinds_wanneer", "tekst", "sinds drie weken",
                  asked_at=FIRST_OF_MARCH + timedelta(minutes=2))
    record_answer(db, "maart-1", "monitor", "weet_niet", asked_at=FIRST_OF_MARCH + timedelta(minutes=3))
    close_contact(db, "maart-1", status="overgedragen", handoff="terugbellen",
                  summary="Pesten via Instagram in 2 vwo; terugbelverzoek.",
                  ended_at=FIRST_OF_MARCH + timedelta(minutes=4))

    open_contact(db, "maart-31", theme="wet_en_regelgeving", question_type="beleid", urgent=True,
                 started_at=END_OF_MARCH)
    open_contact(db, "april-1", theme="overig", question_type="overig", started_at=FIRST_OF_APRIL)
    db.dispose()
    return location


EXPECTED_FIRST = {
    "conversation_id": "maart-1",
    "started_at": "2024-02-29T23:30:00Z",
    "ended_at": "2024-02-29T23:34:00Z",
    "channel": "telefoon",
    "caller_role": "mentor",
    "school_type": "vo",
    "theme": "pesten",
    "question_type": "incident",
    "urgent": False,
    "corrected": True,
    "answers": {"sinds_wanneer": {"category": "tekst", "text": "sinds drie weken"},
                "monitor": {"category": "weet_niet", "text": None}},
    "building_blocks": {"visie": "aanwezig", "inzicht": "ontbreekt"},
    "handoff": "terugbellen",
    "status": "overgedragen",
    "summary": "Pesten via Instagram in 2 vwo; terugbelverzoek.",
}


def test_export_keys_and_values_are_exact(url, tmp_path):
    done = run("export", database_url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = lines(done)
    assert list(EXPORT_KEYS) == KEYS
    assert [list(row) for row in rows] == [KEYS] * 3
    assert rows[0] == EXPECTED_FIRST
    assert list(rows[0]["answers"]) == ["sinds_wanneer", "monitor"]  # in the order they were asked
    assert rows[1] == {
        "conversation_id": "maart-31", "started_at": "2024-03-31T21:30:00Z", "ended_at": None,
        "channel": "chat", "caller_role": None, "school_type": None, "theme": "wet_en_regelgeving",
        "question_type": "beleid", "urgent": True, "corrected": False, "answers": {},
        "building_blocks": {}, "handoff": "geen", "status": "lopend", "summary": None,
    }
    assert rows[2]["conversation_id"] == "april-1"
    assert "3 contacts" in done.stderr


@pytest.mark.parametrize("args, expected", [
    (["--from", "2024-03-01", "--to", "2024-03-31"], ["maart-1", "maart-31"]),
    (["--from", "2024-03-01", "--to", "2024-03-01"], ["maart-1"]),
    (["--from", "2024-03-31"], ["maart-31", "april-1"]),
    (["--from", "2024-04-01"], ["april-1"]),
    (["--to", "2024-02-29"], []),
    (["--to", "2024-03-30"], ["maart-1"]),
])
def test_date_filters_are_inclusive_amsterdam_days(url, tmp_path, args, expected):
    done = run("export", *args, database_url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [row["conversation_id"] for row in lines(done)] == expected


def test_contacts_between_reads_the_same_days(url):
    db = Database(url)
    try:
        assert [c.conversation_id for c in contacts_between(db, date(2024, 3, 31), date(2024, 3, 31))] == ["maart-31"]
        with pytest.raises(ValueError):
            contacts_between(db, date(2024, 4, 2), date(2024, 4, 1))
    finally:
        db.dispose()


def test_export_to_a_file(url, tmp_path):
    out = tmp_path / "export.jsonl"
    done = run("export", "--from", "2024-03-01", "--to", "2024-03-01", "--out", str(out),
               database_url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == [EXPECTED_FIRST]


@pytest.mark.parametrize("args, shown", [
    (["--from", "2024-13-01"], "2024-13-01"),
    (["--to", "gisteren"], "gisteren"),
    (["--from", "01-03-2024"], "01-03-2024"),
    (["--from", "2024-03-02", "--to", "2024-03-01"], "lies after"),
])
def test_bad_dates_give_a_clear_error_and_exit_2(url, tmp_path, args, shown):
    done = run("export", *args, database_url=url, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert shown in done.stderr
    assert "Traceback" not in done.stderr


def test_export_without_a_database_says_so(tmp_path):
    missing = tmp_path / "nergens.db"
    done = run("export", database_url=f"sqlite:///{missing}", cwd=tmp_path)
    assert done.returncode == 1
    assert "no database" in done.stderr and "Traceback" not in done.stderr
    assert not missing.exists()


def test_db_upgrade_creates_the_tables_from_any_directory(tmp_path):
    target = tmp_path / "data" / "contacts.db"
    target.parent.mkdir()
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    for _ in range(2):  # a second run finds nothing to do
        done = run("db", "upgrade", database_url=f"sqlite:///{target}", cwd=elsewhere)
        assert done.returncode == 0, done.stderr
        assert f"revision {migrate.head_revision()}" in done.stdout
    db = Database(f"sqlite:///{target}")
    try:
        assert set(inspect(db.engine).get_table_names()) == {
            "alembic_version", "contacts", "contact_answers", "message_log",
            "callback_requests", "contact_notes", "users", "audit_log", "console_sessions", "console_events",
            "widget_presence"}
    finally:
        db.dispose()


def test_db_upgrade_defaults_to_doorvraag_db_in_the_working_directory(tmp_path):
    done = run("db", "upgrade", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "doorvraag.db").exists()


def test_db_upgrade_reports_an_unreachable_database(tmp_path):
    done = run("db", "upgrade", database_url=f"sqlite:///{tmp_path / 'geen' / 'map' / 'x.db'}", cwd=tmp_path)
    assert done.returncode == 1
    assert "cannot migrate" in done.stderr and "Traceback" not in done.stderr

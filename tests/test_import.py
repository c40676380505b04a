"""`doorvraag import`: earlier years' coded contacts, JSON lines or CSV, all or nothing, idempotent."""

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.analytics.figures import compute
from bot.storage import Database, contacts_between, migrate
from bot.storage.export import EXPORT_KEYS, write_jsonl
from bot.storage.models import AuditEntry, Contact
from bot.storage.retry import RetryPolicy


def row(conversation, theme="pesten", channel="telefoon", started="2024-03-04T09:15:00Z", **extra):
    data = {
        "conversation_id": conversation,
        "started_at": started,
        "ended_at": None,
        "channel": channel,
        "caller_role": "mentor",
        "school_type": "vo",
        "theme": theme,
        "question_type": "incident",
        "urgent": False,
        "corrected": False,
        "answers": {"doorvraag_1": {"category": "tekst", "text": "de mentor belde Sanne de Vries"}},
        "building_blocks": {"preventie": "ontbreekt"},
        "handoff": "geen",
        "status": "afgerond",
        "summary": None,
    }
    data.update(extra)
    return data


def jsonl(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@pytest.fixture
def url(database_url, monkeypatch):
    migrate.upgrade(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def count(url):
    database = Database(url, retry=RetryPolicy(attempts=1))
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Contact))
    finally:
        database.dispose()


def run_import(path, capsys, *extra):
    code = cli.main(["import", str(path), *extra])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(url, tmp_path, capsys):
    lines = [jsonl([row("a")]), jsonl([row("b", theme="pestn")]), "\n", "{not json\n", jsonl([row("c", channel="fax")]),
             jsonl([row("d")])]
    path = tmp_path / "oud.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    code, result, err = run_import(path, capsys)
    assert code == 1 and result["bad_rows"] == 3 and result["written"] is False
    assert "line 2: theme must be one of" in err and "line 4: not valid JSON" in err and "line 5: channel" in err
    assert "line 1:" not in err and "line 6:" not in err
    assert count(url) == 0

    code, result, err = run_import(path, capsys, "--skip-bad")
    assert code == 0 and result["imported"] == 2 and result["bad_rows"] == 3
    assert count(url) == 2


def test_a_second_import_of_the_same_file_changes_nothing(url, tmp_path, capsys):
    path = tmp_path / "oud.jsonl"
    path.write_text(jsonl([row("a"), row("b", theme="vertrouwenswerk"), row("a")]), encoding="utf-8")
    code, first, _ = run_import(path, capsys)
    assert code == 0 and (first["imported"], first["duplicates_in_file"]) == (2, 1)
    code, second, _ = run_import(path, capsys)
    assert code == 0 and (second["imported"], second["already_present"]) == (0, 3)
    assert count(url) == 2
    database = Database(url, retry=RetryPolicy(attempts=1))
    try:
        with database.session() as session:
            audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "contacts_imported")).all()
            assert [a.detail["imported"] for a in audits] == [2, 0]
            # History never enters the staff queue.
            assert session.scalars(select(Contact.queue_status)).all() == [None, None]
    finally:
        database.dispose()


@pytest.mark.parametrize("delimiter, bom", [(",", ""), (";", "\ufeff")])
def test_csv_with_comma_or_semicolon_counts_in_the_figures(url, tmp_path, capsys, delimiter, bom):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    keys = ["conversation_id", "started_at", "channel", "theme", "question_type", "urgent", "answers", "handoff"]
    writer.writerow(keys)
    writer.writerow(["tel-1", "2024-03-04 10:00", "telefoon", "pesten", "incident", "ja",
                     json.dumps({"doorvraag_1": {"category": "ja", "text": None}}), "terugbellen"])
    writer.writerow(["mail-1", "2024-03-05", "mail", "wet_en_regelgeving", "beleid", "nee", "", ""])
    writer.writerow(["tel-2", "2024-03-06T11:00:00+01:00", "telefoon", "overig", "overig", "false", "", "geen"])
    path = tmp_path / "registraties.csv"
    path.write_text(bom + out.getvalue(), encoding="utf-8")
    code, result, err = run_import(path, capsys)
    assert code == 0, err
    assert result["imported"] == 3
    database = Database(url, retry=RetryPolicy(attempts=1))
    try:
        figures = compute(database, date(2024, 1, 1), date(2024, 12, 31))
        assert figures.by_channel == {"chat": 0, "telefoon": 2, "mail": 1}
        assert (figures.urgent, figures.handed_off) == (1, 1)
        (first,) = [c for c in contacts_between(database) if c.conversation_id == "tel-1"]
        # A local time without an offset is Amsterdam time: 10:00 CET is 09:00 UTC.
        assert first.started_at.hour == 9 and first.answers[0].category == "ja"
    finally:
        database.dispose()


def test_a_csv_with_an_unknown_column_is_refused_as_a_whole(url, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("conversation_id;thema\nA;pesten\n", encoding="utf-8")
    code, result, err = run_import(path, capsys)
    assert code == 2 and result is None and "unknown column(s) 'thema'" in err and count(url) == 0


@pytest.mark.parametrize("content, shown", [(b"\x00\x01\x02binary", "binary"), (b"\xff\xfe{", "not UTF-8"),
                                            (b"   \n", "empty")])
def test_binary_or_empty_files_get_a_clear_error(url, tmp_path, capsys, content, shown):
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    code, _, err = run_import(path, capsys)
    assert code == 2 and shown in err and count(url) == 0


def test_an_export_imported_elsewhere_exports_the_same(url, tmp_path, capsys, monkeypatch):
    source = tmp_path / "bron.jsonl"
    rows = [row("a", summary="pesten/incident"), row("b", started="2024-05-01T07:00:00Z", urgent=True),
            row("b", started="2024-05-01T08:00:00Z", theme="overig", question_type="overig")]
    source.write_text(jsonl(rows), encoding="utf-8")
    assert run_import(source, capsys)[0] == 0
    database = Database(url, retry=RetryPolicy(attempts=1))
    try:
        first = io.StringIO()
        write_jsonl(contacts_between(database), first)
    finally:
        database.dispose()
    exported = [json.loads(line) for line in first.getvalue().splitlines()]
    assert [tuple(r) for r in exported] == [EXPORT_KEYS] * 3
    # The name in a free-text answer was redacted on the way in.
    assert "Sanne" not in first.getvalue() and "[NAAM]" in first.getvalue()

    other = f"sqlite:///{tmp_path / 'other.db'}"
    migrate.upgrade(other)
    monkeypatch.setenv("DATABASE_URL", other)
    again = tmp_path / "export.jsonl"
    again.write_text(first.getvalue(), encoding="utf-8")
    assert run_import(again, capsys)[0] == 0
    database = Database(other, retry=RetryPolicy(attempts=1))
    try:
        second = io.StringIO()
        write_jsonl(contacts_between(database), second)
    finally:
        database.dispose()
    assert second.getvalue() == first.getvalue()

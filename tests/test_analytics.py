"""Figures, charts and `doorvraag report`, on SQLite and PostgreSQL."""
import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from xml.etree import ElementTree

import pytest

from bot.analytics.charts import bar_chart_svg
from bot.analytics.compare import compare
from bot.analytics.figures import compute
from bot.analytics.report import figures_csv, html_report
from bot.storage import Database, close_contact, migrate, open_contact, update_contact
from bot.storage.retry import RetryPolicy
from tests.conftest import ROOT


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def db(database_url):
    migrate.upgrade(database_url)
    database = Database(database_url, retry=RetryPolicy(attempts=1))
    contacts = [
        ("a", "pesten", "incident", "chat", utc(2026, 1, 10, 10), "mentor", "vo", True, "wachtrij"),
        ("b", "pesten", "beleid", "chat", utc(2026, 1, 31, 23, 30), "directeur", "po", False, None),  # 1 Feb local
        ("c", "sociale_veiligheid", "incident", "telefoon", utc(2026, 3, 2, 9), None, None, False, "terugbellen"),
        ("d", "wet_en_regelgeving", "beleid", "mail", utc(2026, 3, 5, 9), "bestuurder", "mbo", False, None),
        ("e", "overig", "overig", "chat", utc(2025, 12, 31, 12), "docent", "po", False, None),    # outside
    ]
    for conversation, theme, kind, channel, started, role, sector, urgent, handoff in contacts:
        open_contact(database, conversation, theme=theme, question_type=kind, channel=channel, urgent=urgent,
                     caller_role=role, school_type=sector, started_at=started)
        if handoff:
            close_contact(database, conversation, status="overgedragen", handoff=handoff)
    yield database
    database.dispose()


def test_figures_count_every_axis_in_label_order_with_zeros(db):
    figures = compute(db, date(2026, 1, 1), date(2026, 3, 31))
    assert figures.total == 4
    assert figures.by_theme == {"pesten": 2, "sociale_veiligheid": 1, "wet_en_regelgeving": 1,
                                "vertrouwenswerk": 0, "overig": 0}
    assert figures.by_question_type == {"incident": 2, "beleid": 2, "overig": 0}
    assert figures.by_month == {"2026-01": 1, "2026-02": 1, "2026-03": 2}
    assert figures.by_role["mentor"] == 1 and figures.by_role["onbekend"] == 1 and figures.by_role["docent"] == 0
    assert figures.by_sector == {"po": 1, "vo": 1, "so": 0, "mbo": 1, "onbekend": 1}
    assert figures.by_channel == {"chat": 2, "telefoon": 1, "mail": 1}
    assert (figures.handed_off, figures.urgent) == (2, 1)
    assert (figures.handoff_rate, figures.urgent_rate) == (0.5, 0.25)


def test_an_empty_period_has_zeros_and_no_division_by_zero(db):
    figures = compute(db, date(2024, 1, 1), date(2024, 2, 29))
    assert figures.total == 0 and figures.handoff_rate == 0.0
    assert figures.by_month == {"2024-01": 0, "2024-02": 0}
    assert sum(figures.by_theme.values()) == 0


def test_the_chart_is_valid_svg_with_escaped_labels():
    svg = bar_chart_svg("Per <thema>", {"a": 3, "b": 0}, {"a": "pesten & <script>", "b": "overig"})
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and "<script>" not in svg
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "pesten & <script>" in texts and "Per <thema>" in texts
    widths = [int(r.get("width")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths[0] > 0 and widths[1] == 0


def test_csv_rows_and_formula_injection(db):
    text = figures_csv(compute(db, date(2026, 1, 1), date(2026, 3, 31)))
    assert text.startswith("\ufeff"), "Dutch Excel needs the byte order mark to read UTF-8"
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["onderdeel", "code", "omschrijving", "aantal", "vorig jaar", "verschil met vorig jaar (%)"]
    assert ["thema", "pesten", "pesten", "2", "", ""] in rows
    assert ["maand", "2026-02", "februari 2026", "1", "", ""] in rows
    # 2 of 4 handed off and 1 of 4 urgent: Dutch numbers with a decimal comma.
    assert ["percentage", "overgedragen", "overgedragen aan een medewerker (%)", "50,00", "", ""] in rows
    assert ["percentage", "urgent", "urgent (%)", "25,00", "", ""] in rows
    from bot.analytics.report import _safe
    assert _safe("=HYPERLINK()") == "'=HYPERLINK()" and _safe("pesten") == "pesten"


def test_the_report_is_self_contained(db):
    page = html_report(compare(db, date(2026, 1, 1), date(2026, 3, 31)))
    assert page.count("<svg") == 6
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<script" not in page
    assert 'lang="nl"' in page and "Contacten per thema" in page


def test_doorvraag_report_writes_html_and_csv(db, database_url, tmp_path):
    out = tmp_path / "jaarverslag"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "report", "--from", "2026-01-01", "--to", "2026-12-31",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    assert "4 contacts (1 a year earlier)" in done.stderr  # "e" on 31 December 2025
    assert (out / "index.html").read_text(encoding="utf-8").count("<svg") == 6
    assert "kanaal;telefoon;telefoon;1;0;" in (out / "figures.csv").read_text(encoding="utf-8-sig")
    wrong = subprocess.run([sys.executable, "-m", "bot.cli", "report", "--from", "2026-12-31", "--to", "2026-01-01",
                            "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "DATABASE_URL": database_url})
    assert wrong.returncode == 2 and "lies after" in wrong.stderr

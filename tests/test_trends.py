"""Trends, year over year and the digest on two years of synthetic contacts (SQLite).

The logs are Poisson counts from a seeded generator (tests/synthetic.py): a steady
rate per theme scaled by the school calendar, plus, in one log, one planted spike.
"""

import json
from datetime import date
from xml.etree import ElementTree

import pytest
from scipy.stats import binom

from bot import cli, labels
from bot.analytics import terms
from bot.analytics.calendar import Week, calendar_from, parse_week, school_calendar
from bot.analytics.charts import bar_chart_svg, text_width
from bot.analytics.compare import Change, compare
from bot.analytics.digest import digest_html
from bot.analytics.stats import benjamini_hochberg, upper_tail
from bot.analytics.trends import KINDS, trends
from bot.storage import Database, migrate
from bot.storage.retry import RetryPolicy
from tests.synthetic import Spike, generate, load

SPIKE_WEEK = Week(2025, 11)
FLAT = calendar_from({"regions": {"heel_nederland": 1.0}, "holidays": []})


def synthetic_db(folder, name, **kwargs):
    url = f"sqlite:///{folder / name}"
    migrate.upgrade(url)
    database = Database(url, retry=RetryPolicy(attempts=1))
    load(database, generate(date(2024, 1, 1), 104, **kwargs))
    return url, database


@pytest.fixture(scope="module")
def spiked(tmp_path_factory):
    url, database = synthetic_db(
        tmp_path_factory.mktemp("spiked"), "spiked.db", seed=7, spikes=[Spike(SPIKE_WEEK, "vertrouwenswerk", 10)]
    )
    yield url, database
    database.dispose()


@pytest.fixture(scope="module")
def flat_year(tmp_path_factory):
    _url, database = synthetic_db(tmp_path_factory.mktemp("flat"), "flat.db", seed=11)
    yield database
    database.dispose()


def test_the_planted_spike_is_flagged_strongest_first(spiked):
    _url, database = spiked
    report = trends(database, SPIKE_WEEK)
    found = {(s.kind, s.key) for s in report.signals}
    assert ("theme", "vertrouwenswerk") in found and ("term", "deepfake") in found
    assert report.signals[0].key == "deepfake"  # new this week: the strongest signal
    scores = [s.score for s in report.signals]
    assert scores == sorted(scores, reverse=True)
    assert all(s.q_value <= report.fdr for s in report.signals)
    # The weeks around it are quiet again.
    assert not [s for s in trends(database, SPIKE_WEEK.shifted(2)).signals if s.key in ("vertrouwenswerk", "deepfake")]


def test_a_flat_year_flags_no_more_weeks_than_the_false_discovery_rate_allows(flat_year):
    weeks = [Week(2025, number) for number in range(1, 53)]
    flagged = [week for week in weeks if trends(flat_year, week, fdr=0.05).signals]
    # Without any real change every signal is false, and Benjamini-Hochberg then flags a week with
    # probability at most the FDR; the number of such weeks is at most Binomial(52, 0.05), whose
    # 99.9th percentile is the bound.
    assert len(flagged) <= binom.ppf(0.999, len(weeks), 0.05), flagged


def test_school_holidays_are_taken_into_account(flat_year):
    """Around the summer the calendar's expected counts follow the real ones far better than without it."""
    weeks = [Week(2025, number) for number in range(27, 40)]
    with_calendar = [trends(flat_year, week) for week in weeks]
    without = [trends(flat_year, week, calendar=FLAT) for week in weeks]
    error = sum(abs(r.expected_total - r.total) for r in with_calendar)
    error_without = sum(abs(r.expected_total - r.total) for r in without)
    assert error < 0.7 * error_without
    holiday = next(r for r in with_calendar if r.school_share == 0.0)
    school = next(r for r in with_calendar if r.school_share == 1.0 and r.week > holiday.week)
    assert holiday.expected_total < 0.5 * school.expected_total
    assert 0.1 < with_calendar[0].holiday_rate < 0.6  # the generator's 0.3, estimated from the log


def test_the_school_calendar_knows_the_regions():
    calendar = school_calendar()
    assert calendar.school_share(parse_week("2025-W30")) == 0.0  # zomervakantie everywhere
    assert 0.0 < calendar.school_share(parse_week("2025-W08")) < 1.0  # voorjaarsvakantie noord only
    assert calendar.school_share(parse_week("2025-W10")) == 1.0
    assert calendar.school_share(parse_week("2025-W17")) == 0.8  # Easter Monday (public holiday)


def test_tail_and_correction_agree_with_scipy():
    from scipy.stats import nbinom

    tail = upper_tail(7, [2, 3, 1, 2], [1.0, 1.0, 1.0, 1.0], 1.0)
    assert tail.p_value == pytest.approx(nbinom.sf(6, 0.5 + 8, 4.5 / 5.5))
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_a_term_needs_five_contacts(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate.upgrade(url)
    database = Database(url, retry=RetryPolicy(attempts=1))
    log = generate(date(2025, 1, 6), 10, seed=3)
    few = generate(date(2025, 3, 17), 1, seed=4, rates={"pesten": 0.0},
                   spikes=[Spike(Week(2025, 12), "pesten", 4, term="vapen")])
    for contact in few.contacts:
        contact["id"], contact["conversation_id"] = "f" + contact["id"][1:], "few-" + contact["conversation_id"]
    for message in few.messages:
        message["id"], message["contact_id"] = "f" + message["id"][1:], "f" + message["contact_id"][1:]
        message["conversation_id"] = "few-" + message["conversation_id"]
    log.contacts += few.contacts
    log.messages += few.messages
    load(database, log)
    assert not [s for s in trends(database, Week(2025, 12)).signals if s.kind == "term"]
    more = generate(date(2025, 3, 17), 1, seed=5, rates={"pesten": 0.0},
                    spikes=[Spike(Week(2025, 12), "pesten", 1, term="vapen")])
    for contact in more.contacts:
        contact["id"], contact["conversation_id"] = "e" + contact["id"][1:], "more-" + contact["conversation_id"]
    for message in more.messages:
        message["id"], message["contact_id"] = "e" + message["id"][1:], "e" + message["contact_id"][1:]
        message["conversation_id"] = "more-" + message["conversation_id"]
    load(database, more)
    signals = [s for s in trends(database, Week(2025, 12)).signals if s.kind == "term"]
    assert [s.key for s in signals] == ["vapen"] and signals[0].count == 5
    database.dispose()


def test_clusters_have_five_contacts_and_labels_from_five_contacts():
    documents = {f"c{i}": "groepsapp gepest buitengesloten filmpje" for i in range(6)}
    documents.update({f"d{i}": "meldcode verplicht inspectie dossier" for i in range(4)})
    documents["e"] = "eenmalig woord zeldzaamheid groepsapp"
    found = terms.clusters(documents)
    assert found and all(len(c.members) >= terms.MIN_CONTACTS for c in found)
    for cluster in found:
        for term in cluster.terms:
            assert sum(term in terms.tokens(documents[k]) for k in documents) >= terms.MIN_CONTACTS
    assert not [c for c in found if "meldcode" in c.terms]  # only four contacts
    assert "[naam]" not in terms.tokens("ik sprak [NAAM] op [SCHOOL]")


def test_the_cross_table_sums_to_the_totals_and_the_year_is_compared(spiked):
    _url, database = spiked
    comparison = compare(database, date(2025, 1, 1), date(2025, 12, 31))
    figures, cross = comparison.current, comparison.cross
    assert {theme: sum(row.values()) for theme, row in cross.items()} == figures.by_theme
    assert {k: sum(row[k] for row in cross.values()) for k in labels.question_types()} == figures.by_question_type
    assert sum(sum(row.values()) for row in cross.values()) == figures.total > 0
    assert comparison.previous.total > 0 and comparison.previous.date_from == date(2024, 1, 1)
    assert sum(c.now for c in comparison.month_changes()) == figures.total
    assert sum(c.before for c in comparison.month_changes()) == comparison.previous.total
    busiest = comparison.busiest_months()
    assert len(busiest) == 3 and busiest[0][1] == max(figures.by_month.values())
    assert comparison.summary()[0].startswith(f"In totaal {figures.total:,}".replace(",", "."))


@pytest.mark.parametrize(
    "now, before, text",
    [
        (344, 307, "Pesten: 344 contacten, 12 % meer dan vorig jaar"),
        (90, 100, "Pesten: 90 contacten, 10 % minder dan vorig jaar"),
        (1, 1, "Pesten: 1 contact, evenveel als vorig jaar"),
        (1250, 0, "Pesten: 1.250 contacten, vorig jaar nog geen"),
    ],
)
def test_the_dutch_sentences_of_a_change(now, before, text):
    assert Change("pesten", now, before).sentence() == text


def test_trends_json_output_shape(spiked, monkeypatch, capsys):
    url, _database = spiked
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["trends", "--week", str(SPIKE_WEEK), "--json"]) == 0
    signals = json.loads(capsys.readouterr().out)
    assert isinstance(signals, list) and signals
    for signal in signals:
        assert {"kind", "key", "count", "expected", "score"} <= set(signal)
        assert signal["kind"] in KINDS and isinstance(signal["count"], int) and signal["count"] > signal["expected"]
    assert [s["score"] for s in signals] == sorted((s["score"] for s in signals), reverse=True)
    assert cli.main(["trends", "--week", "2023-W10", "--json"]) == 0  # before the first contact
    assert json.loads(capsys.readouterr().out) == []
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["trends", "--week", "2025-W60"])
    assert exit_info.value.code == 2


def test_the_digest_is_self_contained_with_the_weeks_signals(spiked, tmp_path, monkeypatch):
    url, database = spiked
    monkeypatch.setenv("DOORVRAAG_ORG_NAME", "Stichting <Veilig>")
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "digest.html"
    assert cli.main(["digest", "--week", str(SPIKE_WEEK), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Stichting &lt;Veilig&gt;" in page and "<Veilig>" not in page
    assert "week 11 (10 maart 2025 tot en met 16 maart 2025)" in page and "deepfake" in page
    assert "<script" not in page and "http" not in page and "<link" not in page and "src=" not in page
    assert digest_html(database, Week(2023, 40)).count("Er zijn nog te weinig eerdere weken") == 1  # before the log


def test_chart_labels_are_never_cut_off():
    codes = {code: 3 for code in labels.caller_roles()}
    names = {code: labels.label_text("caller_roles", code) for code in codes}
    names["ouder"] = "een heel erg lange omschrijving van een rol die niemand ooit zo zou noemen, maar toch"
    svg = bar_chart_svg("Contacten per rol", codes, names)
    root = ElementTree.fromstring(svg)
    width = int(root.get("width"))
    spans = list(root.iter("{http://www.w3.org/2000/svg}tspan"))
    assert " ".join(s.text for s in spans if s.text).count("niemand ooit") == 1
    for span in spans:
        assert float(span.get("x")) - text_width(span.text) >= 0  # end-anchored: starts inside the picture
        assert float(span.get("x")) <= width

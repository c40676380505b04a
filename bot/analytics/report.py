"""`doorvraag report`: a period's figures as one self-contained HTML page plus a CSV file.

For the annual report: the organisation's name and the year, a few Dutch
sentences of the main changes against the same period a year earlier, tables per
theme, type and month with last year beside them, the theme x type table, the
busiest months and the charts. Charts are inline SVG, styles inline, no scripts
and no external assets, so the page can be mailed or archived as it is. The CSV
is made for Dutch Excel: semicolons, a UTF-8 byte order mark, Dutch headers and
Dutch numbers (10,53), so it opens right with a double click.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from bot import labels
from bot.analytics import dutch
from bot.analytics.charts import bar_chart_svg
from bot.analytics.compare import Change, YearComparison
from bot.analytics.figures import AXES, HANDED_OFF, Figures, label_for
from bot.organisation import organisation_name

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_HEADER = ("onderdeel", "code", "omschrijving", "aantal", "vorig jaar", "verschil met vorig jaar (%)")
SECTIONS = {
    "by_theme": "thema",
    "by_question_type": "soort vraag",
    "by_month": "maand",
    "by_role": "rol",
    "by_sector": "sector",
    "by_channel": "kanaal",
}
COMPARED = (("by_theme", "themes", "Per thema"), ("by_question_type", "question_types", "Per soort vraag"))


def _difference(now: float, before: float | None) -> str:
    if before is None or before == 0:
        return ""
    return dutch.number((now - before) / before * 100, 2)


def figures_csv(
    figures: Figures, previous: Figures | None = None, cross: dict[str, dict[str, int]] | None = None
) -> str:
    """One row per figure; cells a spreadsheet would run as a formula are quoted with '."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)

    def row(section: str, code: str, label: str, now: int, before: int | None) -> None:
        writer.writerow(
            [_safe(section), _safe(code), _safe(label), now, "" if before is None else before, _difference(now, before)]
        )

    row("totaal", "contacten", "contacten", figures.total, previous.total if previous else None)
    for attribute, axis, _title in AXES:
        earlier = getattr(previous, attribute) if previous else None
        for code, count in getattr(figures, attribute).items():
            before = None
            if earlier is not None:
                key = code
                if attribute == "by_month":
                    year, month = code.split("-")
                    key = f"{int(year) - 1:04d}-{month}"
                before = earlier.get(key, 0)
            row(SECTIONS[attribute], code, label_for(axis, code), count, before)
    for theme, kinds in (cross or {}).items():
        for kind, count in kinds.items():
            label = f"{labels.label_text('themes', theme)} x {labels.label_text('question_types', kind)}"
            row("thema x soort vraag", f"{theme}.{kind}", label, count, None)
    for code, label, share, before in (
        ("overgedragen", f"{HANDED_OFF} (%)", figures.handoff_rate, previous.handoff_rate if previous else None),
        ("urgent", "urgent (%)", figures.urgent_rate, previous.urgent_rate if previous else None),
    ):
        writer.writerow(
            [
                "percentage",
                code,
                label,
                dutch.number(share * 100, 2),
                "" if before is None else dutch.number(before * 100, 2),
                "",
            ]
        )
    return out.getvalue()


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def period_text(figures: Figures) -> str:
    start = dutch.day(figures.date_from) if figures.date_from else "het begin"
    end = dutch.day(figures.date_to) if figures.date_to else "nu"
    return f"{start} tot en met {end}"


def year_text(figures: Figures) -> str:
    if figures.date_from and figures.date_to:
        first, last = figures.date_from.year, figures.date_to.year
        return str(first) if first == last else f"{first}-{last}"
    return ""


def _change_rows(changes: list[Change], has_previous: bool) -> str:
    rows = []
    for change in changes:
        before = dutch.number(change.before) if has_previous else "–"
        difference = change.comparison() if has_previous else ""
        rows.append(
            f'<tr><th scope="row">{escape(change.label)}</th><td>{dutch.number(change.now)}</td>'
            f"<td>{before}</td><td>{escape(difference)}</td></tr>"
        )
    return "\n".join(rows)


def _change_table(caption: str, changes: list[Change], has_previous: bool) -> str:
    return (
        f"<table><caption>{escape(caption)}</caption>\n"
        '<tr><th scope="col"></th><th scope="col">aantal</th><th scope="col">vorig jaar</th>'
        '<th scope="col">verschil</th></tr>\n'
        f"{_change_rows(changes, has_previous)}\n</table>"
    )


def cross_table_html(cross: dict[str, dict[str, int]]) -> str:
    kinds = labels.question_types()
    head = "".join(f'<th scope="col">{escape(labels.label_text("question_types", k))}</th>' for k in kinds)
    rows = []
    for theme, counts in cross.items():
        cells = "".join(f"<td>{dutch.number(counts[k])}</td>" for k in kinds)
        rows.append(
            f'<tr><th scope="row">{escape(labels.label_text("themes", theme))}</th>{cells}'
            f"<td>{dutch.number(sum(counts.values()))}</td></tr>"
        )
    totals = "".join(f"<td>{dutch.number(sum(c[k] for c in cross.values()))}</td>" for k in kinds)
    grand = sum(sum(c.values()) for c in cross.values())
    return (
        "<table><caption>Thema en soort vraag</caption>\n"
        f'<tr><th scope="col">thema</th>{head}<th scope="col">totaal</th></tr>\n'
        + "\n".join(rows)
        + f'\n<tr><th scope="row">totaal</th>{totals}<td>{dutch.number(grand)}</td></tr>\n</table>'
    )


def charts_html(figures: Figures) -> str:
    charts: list[str] = []
    for attribute, axis, title in AXES:
        counts = getattr(figures, attribute)
        if counts:
            names = {code: label_for(axis, code) for code in counts}
            charts.append(f"<figure>{bar_chart_svg(title, counts, names)}</figure>")
    return "\n".join(charts)


def html_report(comparison: YearComparison, *, organisation: str | None = None, made: datetime | None = None) -> str:
    figures, previous = comparison.current, comparison.previous
    organisation = organisation or organisation_name()
    made_text = dutch.moment(made or datetime.now(timezone.utc))
    has_previous = comparison.has_previous
    summary = "\n".join(f"<li>{escape(line)}</li>" for line in comparison.summary())
    busiest = ", ".join(f"{escape(name)} ({dutch.number(n)})" for name, n in comparison.busiest_months())
    year = year_text(figures)
    key_rows = _change_rows(
        [
            Change("contacten", figures.total, previous.total),
            Change(HANDED_OFF, figures.handed_off, previous.handed_off),
            Change("urgent", figures.urgent, previous.urgent),
        ],
        has_previous,
    )
    tables = "\n".join(
        _change_table(title, comparison.changes(attribute, axis), has_previous) for attribute, axis, title in COMPARED
    )
    months = _change_table("Per maand", comparison.month_changes(), has_previous)
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(organisation)}: contacten {escape(year or period_text(figures))}</title>
<style>
  body {{ font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; max-width: 860px;
         margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
  figure {{ margin: 2rem 0; overflow-x: auto; }}
  table {{ border-collapse: collapse; margin: 1.5rem 0; }}
  caption {{ text-align: left; font-weight: bold; padding-bottom: .25rem; }}
  td, th {{ padding: .25rem .75rem; border-bottom: 1px solid #ccc; text-align: left; }}
  td {{ text-align: right; }}
</style>
</head>
<body>
<main>
<h1>{escape(organisation)}: contacten {escape(year)}</h1>
<p>Periode: {escape(period_text(figures))}, vergeleken met dezelfde periode een jaar eerder.
Gemaakt op {escape(made_text)} (Nederlandse tijd).</p>
<h2>De belangrijkste veranderingen</h2>
<ul>
{summary}
</ul>
<table><caption>Kerncijfers</caption>
<tr><th scope="col"></th><th scope="col">aantal</th><th scope="col">vorig jaar</th><th scope="col">verschil</th></tr>
{key_rows}
</table>
<p>Drukste maanden: {busiest or "geen"}.</p>
{tables}
{months}
{cross_table_html(comparison.cross)}
<h2>Grafieken</h2>
{charts_html(figures)}
</main>
</body>
</html>
"""


def write_report(comparison: YearComparison, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "index.html"
    page.write_text(html_report(comparison), encoding="utf-8")
    csv_text = figures_csv(comparison.current, comparison.previous, comparison.cross)
    (out_dir / "figures.csv").write_text(csv_text, encoding="utf-8", newline="")
    return page
